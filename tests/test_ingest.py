"""Ingest on SQLite and PostgreSQL: one transaction per article, the same content
once, near-duplicates linked and not extracted, and cross-article matching
(the same happening in two articles is one event with two mentions; the
negatives stay apart), also when articles arrive at the same time.

Rule tests feed hand-made events through ``ingest_document``'s ``extractor``
argument, so they test the ingest rules, not the extraction being tuned; the
end-to-end tests on synthetic articles assert only stable facts (type, date,
actor codes, status).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Callable
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingest_samples import DATA, corrected, republished, traditional, wire_text
from timeline import create_app, get_db
from timeline.db import Base
from timeline.extract.model import ActorRef, ExtractedEvent, Quote
from timeline.extract.pipeline import Extraction, extract
from timeline.extract.read import Document, read_path, read_text
from timeline.ingest import IngestResult, ingest_document
from timeline.models import Article, Event, Mention

D = dt.date


# --- helpers -------------------------------------------------------------------

def ingest(app, document: Document, extractor: Callable[[Document], Extraction] = extract) -> IngestResult:
    with get_db(app).session() as session:
        return ingest_document(session, document, extractor)


def ingest_file(app, name: str) -> IngestResult:
    return ingest(app, read_path(DATA / name))


def row_counts(app) -> dict[str, int]:
    with get_db(app).session() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables}


def live_events(session: Session, type_: str | None = None) -> list[Event]:
    query = select(Event).where(Event.merged_into_id.is_(None), Event.deleted_at.is_(None))
    if type_:
        query = query.where(Event.type == type_)
    return list(session.scalars(query.order_by(Event.start_min, Event.id)))


def talks_on(session: Session, day: dt.date) -> list[Event]:
    return [e for e in live_events(session, "talks") if e.precision == "day" and e.start_min == day]


def article_ids(event: Event) -> list[int]:
    return sorted(m.article_id for m in event.mentions)


def codes(event: Event) -> set[str]:
    return {link.actor.code for link in event.actor_links if link.actor.code}


def country(code: str) -> ActorRef:
    return ActorRef(code.lower(), code, "country", code=code)


def person(slug: str, country_code: str) -> ActorRef:
    return ActorRef(slug, slug, "person", country=country_code)


class Article_:
    """A synthetic article whose sentences are the quotes of hand-made events."""

    def __init__(self, name: str, *sentences: str, published: dt.date = D(2026, 2, 5)) -> None:
        self.document = read_text(f"{name}\n\n" + "\n\n".join(sentences), f"{name}.txt", published=published)

    def event(self, sentence: str, type_: str, start: dt.date, end: dt.date | None = None,
              precision: str = "day", status: str = "occurred", actors: tuple[ActorRef, ...] = ()) -> ExtractedEvent:
        at = self.document.clean_text.index(sentence)
        return ExtractedEvent(type=type_, start_date=start, end_date=end or start, precision=precision,
                              status=status, date_source="explicit", date_text=None, actors=list(actors),
                              place=None, mentions=[Quote(sentence, at, at + len(sentence))], title=sentence)

    def ingest(self, app, *events: ExtractedEvent) -> IngestResult:
        return ingest(app, self.document, lambda document: Extraction(document, list(events)))


IRN, USA, RUS, OMN = (country(c) for c in ("IRN", "USA", "RUS", "OMN"))


# --- one article ----------------------------------------------------------------

def test_an_article_is_stored_with_its_events_and_metadata(app):
    result = ingest_file(app, "xinhua_talks_planned.md")
    assert result.created and result.duplicate_of is None and result.event_count >= 1
    with get_db(app).session() as session:
        article = session.get(Article, result.article_id)
        assert (article.outlet, article.url, article.published_date, article.title, article.format) == (
            "新华社", "https://news.example.cn/world/2026-02/05/iran-us-talks.html", D(2026, 2, 5),
            "伊美将于6日在阿曼举行谈判", "markdown")
        assert (article.outcome, article.outcome_reason, article.event_count) == ("events", None, result.event_count)
        [talks] = talks_on(session, D(2026, 2, 6))
        assert (talks.status, talks.precision) == ("planned", "day")
        assert {"IRN", "USA"} <= codes(talks)
        assert article_ids(talks) == [result.article_id] * len(talks.mentions)


def test_the_same_content_twice_is_a_no_op(app):
    first = ingest_file(app, "xinhua_talks_planned.md")
    before = row_counts(app)
    again = ingest_file(app, "xinhua_talks_planned.md")
    assert (again.created, again.article_id) == (False, first.article_id)
    assert again.describe() == f"xinhua_talks_planned.md: already stored as article {first.article_id}"
    assert row_counts(app) == before


def test_an_article_without_events_is_stored_with_the_reason(app):
    document = read_path(DATA / "oman_old_town.md")
    result = ingest(app, document)
    reason = extract(document).reason
    assert reason
    assert (result.created, result.event_count, result.reason) == (True, 0, reason)
    assert result.describe() == f"oman_old_town.md: article {result.article_id}, no events: {reason}"
    with get_db(app).session() as session:
        article = session.get(Article, result.article_id)
        assert (article.outcome, article.outcome_reason, article.event_count) == ("no_events", reason, 0)
    assert row_counts(app)["events"] == 0


def test_a_failing_article_leaves_nothing_behind(app):
    def broken(_document: Document) -> Extraction:
        raise RuntimeError("extractor bug")

    with pytest.raises(RuntimeError, match="extractor bug"):
        ingest(app, read_path(DATA / "xinhua_talks_held.md"), broken)
    assert row_counts(app)["articles"] == 0


# --- near-duplicates ------------------------------------------------------------------

def test_near_duplicates_are_linked_to_the_original_and_add_no_event(app):
    original = ingest_file(app, "xinhua_talks_planned.md")
    before = row_counts(app)
    cases = [("republished.md", republished(), "near-duplicate of article {} (4-gram Jaccard similarity 0.75)"),
             ("corrected.md", corrected(), "near-duplicate of article {} (same URL, 4-gram Jaccard similarity 0.97)"),
             ("traditional.md", traditional(), "near-duplicate of article {} (4-gram Jaccard similarity 1.00)")]
    for name, text, reason in cases:
        result = ingest(app, read_text(text, name))
        assert (result.created, result.duplicate_of, result.event_count) == (True, original.article_id, 0)
        assert result.reason == reason.format(original.article_id)
        assert result.describe() == f"{name}: article {result.article_id}, {result.reason}; no events of its own"
        with get_db(app).session() as session:
            article = session.get(Article, result.article_id)
            assert (article.outcome, article.duplicate_of_id, article.outcome_reason, article.extractor_version) == (
                "duplicate", original.article_id, result.reason, None)
    after = row_counts(app)
    assert after["articles"] == before["articles"] + 3
    assert {k: v for k, v in after.items() if k != "articles"} == {k: v for k, v in before.items() if k != "articles"}


def test_a_copy_of_a_copy_names_the_first_original(app):
    original = ingest_file(app, "xinhua_talks_planned.md")
    ingest(app, read_text(republished(), "republished.md"))
    copy_of_copy = ingest(app, read_text(republished().replace("五轮", "5轮"), "again.md"))
    assert copy_of_copy.duplicate_of == original.article_id


def test_other_reports_are_not_near_duplicates(app):
    ingest_file(app, "xinhua_talks_planned.md")
    for name in ("cns_talks_planned.md", "oman_old_town.md"):
        result = ingest_file(app, name)
        assert (result.created, result.duplicate_of) == (True, None), name
    front_matter = wire_text().split("---")[1]  # the wire's URL, day and title over the follow-up's text
    new_story = "---" + front_matter + "---\n\n" + read_path(DATA / "xinhua_talks_follow_up.md").clean_text
    result = ingest(app, read_text(new_story, "same_url_new_story.md"))
    assert (result.created, result.duplicate_of) == (True, None)
    with get_db(app).session() as session:
        assert session.scalar(select(func.count()).where(Article.outcome == "duplicate")) == 0


def test_short_briefs_are_never_near_duplicates(app):
    us = "伊美在马斯喀特举行谈判\n\n新华社马斯喀特2月6日电 伊朗和美国代表团6日在阿曼首都马斯喀特举行了谈判。"
    uk = "伊英在马斯喀特举行谈判\n\n新华社马斯喀特2月6日电 伊朗和英国代表团6日在阿曼首都马斯喀特举行了谈判。"
    for name, text in (("us.txt", us), ("uk.txt", uk)):
        result = ingest(app, read_text(text, name, published=D(2026, 2, 6)))
        assert (result.created, result.duplicate_of) == (True, None)


def test_a_follow_up_settles_the_planned_talks_and_joins_the_background(app):
    wire = ingest_file(app, "xinhua_talks_planned.md")
    follow_up = ingest_file(app, "xinhua_talks_follow_up.md")
    assert follow_up.duplicate_of is None
    with get_db(app).session() as session:
        [talks] = talks_on(session, D(2026, 2, 6))
        assert talks.status == "occurred"
        assert set(article_ids(talks)) == {wire.article_id, follow_up.article_id}
        background = [e for e in live_events(session, "talks") if e.precision == "month"]
        assert [(e.start_min, e.end_max, set(article_ids(e))) for e in background] == [
            (D(2025, 4, 1), D(2025, 5, 31), {wire.article_id, follow_up.article_id})]


# --- cross-article matching: the rule, on hand-made events -------------------------------

def test_the_same_happening_in_two_articles_is_one_event_with_two_mentions(app):
    a = Article_("甲", "伊美将于6日在阿曼举行谈判。")
    b = Article_("乙", "伊朗与美国6日将在马斯喀特会谈。")
    first = a.ingest(app, a.event("伊美将于6日在阿曼举行谈判。", "talks", D(2026, 2, 6), status="planned",
                                  actors=(IRN, USA)))
    second = b.ingest(app, b.event("伊朗与美国6日将在马斯喀特会谈。", "talks", D(2026, 2, 6), status="planned",
                                   actors=(USA, IRN, OMN)))
    assert (first.merged_count, second.merged_count) == (0, 1)
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert [(m.article_id, m.quote) for m in sorted(event.mentions, key=lambda m: m.article_id)] == [
            (first.article_id, "伊美将于6日在阿曼举行谈判。"), (second.article_id, "伊朗与美国6日将在马斯喀特会谈。")]
        assert codes(event) == {"IRN", "USA", "OMN"}
        assert event.row_version == 2  # the new evidence changed the event


def test_two_rounds_a_week_apart_stay_two_events(app):
    a = Article_("首轮", "伊美12日举行首轮谈判。", published=D(2025, 4, 12))
    b = Article_("次轮", "伊美19日举行第二轮谈判。", published=D(2025, 4, 19))
    a.ingest(app, a.event("伊美12日举行首轮谈判。", "talks", D(2025, 4, 12), actors=(IRN, USA)))
    b.ingest(app, b.event("伊美19日举行第二轮谈判。", "talks", D(2025, 4, 19), actors=(IRN, USA)))
    with get_db(app).session() as session:
        assert [(e.start_min, len(e.mentions)) for e in live_events(session)] == [
            (D(2025, 4, 12), 1), (D(2025, 4, 19), 1)]


@pytest.mark.parametrize("year_first", [False, True])
def test_a_year_level_mention_never_swallows_a_day_level_event(app, year_first):
    day = Article_("日", "伊美12日举行谈判。", published=D(2025, 4, 12))
    year = Article_("年", "伊朗和美国去年举行了谈判。", published=D(2026, 2, 5))
    day_event = day.event("伊美12日举行谈判。", "talks", D(2025, 4, 12), actors=(IRN, USA))
    year_event = year.event("伊朗和美国去年举行了谈判。", "talks", D(2025, 1, 1), D(2025, 12, 31), "year",
                            actors=(IRN, USA))
    steps = [(day, day_event), (year, year_event)]
    for article, event in (reversed(steps) if year_first else steps):
        article.ingest(app, event)
    with get_db(app).session() as session:
        assert sorted((e.precision, e.start_min, len(e.mentions)) for e in live_events(session)) == [
            ("day", D(2025, 4, 12), 1), ("year", D(2025, 1, 1), 1)]


def test_one_shared_country_of_two_is_not_one_happening(app):
    a = Article_("伊美", "伊美6日在马斯喀特谈判。", published=D(2026, 2, 6))
    b = Article_("美俄", "美俄6日在利雅得会谈。", published=D(2026, 2, 6))
    a.ingest(app, a.event("伊美6日在马斯喀特谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    b.ingest(app, b.event("美俄6日在利雅得会谈。", "talks", D(2026, 2, 6), actors=(USA, RUS)))
    with get_db(app).session() as session:
        assert sorted(tuple(sorted(codes(e))) for e in live_events(session)) == [("IRN", "USA"), ("RUS", "USA")]


def test_a_side_naming_one_actor_joins_on_that_actor(app):
    a = Article_("伊美", "伊美6日在马斯喀特谈判。", published=D(2026, 2, 6))
    b = Article_("伊朗", "伊朗6日参加了谈判。", published=D(2026, 2, 6))
    a.ingest(app, a.event("伊美6日在马斯喀特谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    b.ingest(app, b.event("伊朗6日参加了谈判。", "talks", D(2026, 2, 6), actors=(IRN,)))
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert len(event.mentions) == 2


def test_two_speakers_of_one_country_on_one_day_are_two_statements(app):
    a = Article_("卢比奥", "卢比奥18日表示会谈富有成效。", published=D(2025, 2, 18))
    b = Article_("布鲁斯", "布鲁斯18日表示努力仍在初始阶段。", published=D(2025, 2, 18))
    a.ingest(app, a.event("卢比奥18日表示会谈富有成效。", "statement", D(2025, 2, 18),
                          actors=(person("marco-rubio", "USA"), USA, RUS)))
    b.ingest(app, b.event("布鲁斯18日表示努力仍在初始阶段。", "statement", D(2025, 2, 18),
                          actors=(person("tammy-bruce", "USA"), USA, RUS)))
    with get_db(app).session() as session:
        assert len(live_events(session, "statement")) == 2


@pytest.mark.parametrize("later, settled", [("occurred", "occurred"), ("cancelled", "cancelled"),
                                             ("postponed", "postponed"), ("planned", "planned")])
def test_a_later_report_settles_a_planned_event(app, later, settled):
    a = Article_("预告", "伊美将于6日举行谈判。")
    b = Article_("后续", "伊美6日的谈判有了结果。", published=D(2026, 2, 6))
    a.ingest(app, a.event("伊美将于6日举行谈判。", "talks", D(2026, 2, 6), status="planned", actors=(IRN, USA)))
    b.ingest(app, b.event("伊美6日的谈判有了结果。", "talks", D(2026, 2, 6), status=later, actors=(IRN, USA)))
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert (event.status, len(event.mentions)) == (settled, 2)


def test_an_earlier_planned_report_does_not_unsettle_an_event(app):
    held = Article_("举行", "伊美6日举行了谈判。", published=D(2026, 2, 6))
    plan = Article_("预告", "伊美将于6日举行谈判。")
    held.ingest(app, held.event("伊美6日举行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    plan.ingest(app, plan.event("伊美将于6日举行谈判。", "talks", D(2026, 2, 6), status="planned",
                                actors=(IRN, USA)))
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert event.status == "occurred"


def test_merged_and_deleted_events_are_not_matched(app):
    a = Article_("甲", "伊美6日举行了谈判。", published=D(2026, 2, 6))
    a.ingest(app, a.event("伊美6日举行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    with get_db(app).session() as session:
        [event] = live_events(session)
        event.deleted_at = dt.datetime(2026, 2, 7, tzinfo=dt.timezone.utc)
    b = Article_("乙", "伊朗和美国6日进行了谈判。", published=D(2026, 2, 6))
    assert b.ingest(app, b.event("伊朗和美国6日进行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA))).merged_count == 0
    with get_db(app).session() as session:
        [survivor] = live_events(session)
        session.add(Event(type="talks", title="合并后", start_min=D(2026, 2, 6), end_max=D(2026, 2, 6),
                          precision="day", merged_into=survivor))
    c = Article_("丙", "伊美双方6日会谈。", published=D(2026, 2, 6))
    c.ingest(app, c.event("伊美双方6日会谈。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert len(event.mentions) == 2


def test_an_articles_own_events_are_never_matched_together(app):
    """Extraction decides which mentions of one article are one happening; and two
    of its events joining one stored event quote each place once."""
    a = Article_("甲", "伊美6日举行了谈判。", published=D(2026, 2, 6))
    a.ingest(app, a.event("伊美6日举行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA)))
    b = Article_("乙", "伊朗和美国6日进行了谈判。", "双方6日还举行了会谈。", published=D(2026, 2, 6))
    first = b.event("伊朗和美国6日进行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA))
    second = b.event("伊朗和美国6日进行了谈判。", "talks", D(2026, 2, 6), actors=(IRN, USA))
    second.mentions.append(b.event("双方6日还举行了会谈。", "talks", D(2026, 2, 6)).mentions[0])
    result = b.ingest(app, first, second)
    assert result.merged_count == 2
    with get_db(app).session() as session:
        [event] = live_events(session)
        assert sorted(m.quote for m in event.mentions) == sorted(
            ["伊美6日举行了谈判。", "伊朗和美国6日进行了谈判。", "双方6日还举行了会谈。"])
    c = Article_("丙", "伊美7日举行了谈判。", "伊美7日再次举行了谈判。", published=D(2026, 2, 7))
    c.ingest(app, c.event("伊美7日举行了谈判。", "talks", D(2026, 2, 7), actors=(IRN, USA)),
             c.event("伊美7日再次举行了谈判。", "talks", D(2026, 2, 7), actors=(IRN, USA)))
    with get_db(app).session() as session:
        assert len(talks_on(session, D(2026, 2, 7))) == 2


# --- cross-article matching end to end, on synthetic articles ------------------------------

def test_two_outlets_reporting_the_same_talks_give_one_event(app):
    xinhua = ingest_file(app, "xinhua_talks_planned.md")
    cns = ingest_file(app, "cns_talks_planned.md")
    assert cns.merged_count >= 1
    with get_db(app).session() as session:
        [talks] = talks_on(session, D(2026, 2, 6))
        assert {"IRN", "USA"} <= codes(talks)
        assert set(article_ids(talks)) == {xinhua.article_id, cns.article_id}


def test_a_report_of_the_talks_held_settles_the_planned_talks(app):
    ingest_file(app, "xinhua_talks_planned.md")
    ingest_file(app, "xinhua_talks_held.md")
    with get_db(app).session() as session:
        [talks] = talks_on(session, D(2026, 2, 6))
        assert (talks.status, len({m.article_id for m in talks.mentions})) == ("occurred", 2)


def test_rounds_a_week_apart_and_last_years_talks_stay_apart(app):
    one = ingest_file(app, "xinhua_round_one.md")
    two = ingest_file(app, "xinhua_round_two.md")
    last_year = ingest_file(app, "xinhua_last_year.md")
    with get_db(app).session() as session:
        assert [set(article_ids(e)) for e in talks_on(session, D(2025, 4, 12)) + talks_on(session, D(2025, 4, 19))] \
            == [{one.article_id}, {two.article_id}]
        [year] = [e for e in live_events(session, "talks") if e.precision == "year"]
        assert (year.start_min, year.end_max, set(article_ids(year))) == (
            D(2025, 1, 1), D(2025, 12, 31), {last_year.article_id})


def test_us_russia_and_us_iran_talks_on_one_day_stay_apart(app):
    ingest_file(app, "xinhua_talks_held.md")
    ingest_file(app, "cctv_us_russia_talks.md")
    with get_db(app).session() as session:
        assert sorted(tuple(sorted(codes(e) & {"IRN", "RUS", "USA"})) for e in talks_on(session, D(2026, 2, 6))) \
            == [("IRN", "USA"), ("RUS", "USA")]


# --- at the same time -------------------------------------------------------------------------

def _ingest_after_barrier(url: str, name: str, text: str | None, barrier, results) -> None:
    """In a child process: read and extract, wait for the others, then store."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})

    def extract_then_wait(document: Document) -> Extraction:
        extraction = extract(document)
        barrier.wait(timeout=120)
        return extraction

    document = read_text(text, name) if text is not None else read_path(DATA / name)
    result = ingest(app, document, extract_then_wait)
    results.put((name, result.article_id, result.created, result.duplicate_of))
    get_db(app).dispose()


def race(app, articles: list[tuple[str, str | None]]) -> list[tuple[str, int, bool, int | None]]:
    """Ingest ``articles`` (name, text or None to read the file) in one process each,
    all storing at the same moment: each waits after extraction until all have extracted."""
    extract(read_path(DATA / "cns_talks_planned.md"))  # load the lexicons once, before forking
    get_db(app).engine.dispose()  # no connection is shared with the children
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(articles)), context.Queue()
    processes = [context.Process(target=_ingest_after_barrier,
                                 args=(app.config["DATABASE_URL"], name, text, barrier, results))
                 for name, text in articles]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    return sorted(results.get(timeout=10) for _ in processes)


def test_two_articles_about_one_happening_at_the_same_time_give_one_event(app):
    ingest_file(app, "xinhua_round_one.md")  # stores the actors, so neither racer waits on creating them
    outcome = race(app, [("xinhua_talks_planned.md", None), ("cns_talks_planned.md", None)])
    assert [(name, created) for name, _, created, _ in outcome] == [
        ("cns_talks_planned.md", True), ("xinhua_talks_planned.md", True)]
    with get_db(app).session() as session:
        [talks] = talks_on(session, D(2026, 2, 6))
        assert set(article_ids(talks)) == {article_id for _, article_id, _, _ in outcome}


def test_the_same_article_by_four_processes_at_once_is_one_article(app):
    outcome = race(app, [("xinhua_talks_planned.md", None)] * 4)
    assert sorted(created for _, _, created, _ in outcome) == [False, False, False, True]
    assert len({article_id for _, article_id, _, _ in outcome}) == 1
    counts = row_counts(app)
    assert counts["articles"] == 1
    with get_db(app).session() as session:
        assert len(talks_on(session, D(2026, 2, 6))) == 1
        assert session.scalar(select(func.count(Mention.id))) == sum(
            len(e.mentions) for e in live_events(session))


def test_two_copies_of_one_story_at_once_give_one_original(app):
    outcome = race(app, [("xinhua_talks_planned.md", None), ("republished.md", republished())])
    originals = [article_id for _, article_id, _, duplicate_of in outcome if duplicate_of is None]
    copies = [duplicate_of for _, _, _, duplicate_of in outcome if duplicate_of is not None]
    assert len(originals) == 1 and copies == originals
    with get_db(app).session() as session:
        [talks] = talks_on(session, D(2026, 2, 6))
        assert article_ids(talks) == originals * len(talks.mentions)
