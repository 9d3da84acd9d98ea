"""Re-extraction on SQLite and PostgreSQL, by the rule in timeline/reextract.py:
ids stay stable, fields people edited stay as they are (also after a lexicon
change), merges, splits, rejections and tombstones survive, events no longer
found become tombstones unless people touched them.

Rule tests feed hand-made extractions through the ``extractor`` argument, so
they test the matching, not the extraction being tuned; one test runs the real
extractor with a lexicon that learned a name, and one the seeds twice."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from curation_fixtures import Spec, extractor
from timeline import curation, get_db
from timeline.cli import main
from timeline.extract.entities import EntityRecognizer
from timeline.extract.events import EventExtractor
from timeline.extract.pipeline import extract
from timeline.extract.read import read_text
from timeline.ingest import ingest_document
from timeline.lexicon.load import Entity, load_lexicon
from timeline.models import Article, Event, EventChange, Mention
from timeline.ops import check
from timeline.reextract import ReextractReport, reextract

D = dt.date
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(autouse=True)
def consistent(app):
    """After every scenario the database keeps its rules (timeline db check finds nothing)."""
    yield
    assert [f.line() for f in check(get_db(app)) if f.count] == []


S1 = "伊朗和美国6日在马斯喀特举行会谈。"
S2 = "双方同意继续对话。"
S3 = "美国总统特朗普当天表示满意。"
TEXT = f"伊美会谈\n\n{S1}\n\n{S2}\n\n{S3}"


def store(app, *specs: Spec, text: str = TEXT, name: str = "story.txt") -> int:
    with get_db(app).session() as session:
        return ingest_document(session, read_text(text, name), extractor(*specs)).article_id


def again(app, *specs: Spec, articles: Sequence[int] | None = None) -> ReextractReport:
    return reextract(get_db(app), articles, extractor(*specs))


def events(app) -> dict[str, Event]:
    """Every event, live or not, by public id (detached, with mentions and links loaded)."""
    with get_db(app).session() as session:
        rows = session.scalars(select(Event).order_by(Event.id)).all()
        for row in rows:
            (row.mentions, row.actor_links, [link.actor for link in row.actor_links])
        return {row.public_id: row for row in rows}


def quoted(event: Event) -> list[str]:
    return sorted(m.quote for m in event.mentions)


def feed_size(app) -> int:
    with get_db(app).session() as session:
        return session.scalar(select(func.count()).select_from(EventChange))


def edit(app, public_id: str, who: str = "editor", **fields) -> None:
    with get_db(app).session() as session:
        event = session.scalar(select(Event).where(Event.public_id == public_id))
        curation.edit_event(session, event, curation.EventPatch(**fields), who)


def only_live(app) -> list[Event]:
    return [e for e in events(app).values() if e.merged_into_id is None and e.deleted_at is None]


# --- matching --------------------------------------------------------------------------------

def test_the_same_extraction_changes_nothing(app):
    specs = (Spec((S1, S3)), Spec((S2,), type="statement", actors=("IRN",), title="伊朗表态"))
    store(app, *specs)
    before, rows = events(app), feed_size(app)
    report = again(app, *specs)
    assert (report.articles, report.matched, report.updated, report.added, report.removed) == (1, 2, 0, 0, 0)
    assert [(e.public_id, e.row_version) for e in events(app).values()] == \
        [(e.public_id, e.row_version) for e in before.values()]
    assert feed_size(app) == rows


def test_a_better_extraction_updates_the_event_and_keeps_its_id(app):
    store(app, Spec((S1,), status="planned", actors=("IRN",), title="伊朗会谈"))
    [old] = only_live(app)
    report = again(app, Spec((S1, S3), start=D(2026, 2, 5), end=D(2026, 2, 6), actors=("IRN", "USA", "OMN")))
    assert (report.matched, report.updated, report.added) == (1, 1, 0)
    [new] = only_live(app)
    assert new.public_id == old.public_id and new.row_version > old.row_version
    assert (new.title, new.status, new.start_min, new.end_max) == ("伊美会谈", "occurred", D(2026, 2, 5), D(2026, 2, 6))
    assert sorted(link.actor.slug for link in new.actor_links) == ["irn", "omn", "usa"]
    assert quoted(new) == sorted([S1, S3])


def test_fields_people_edited_are_never_overwritten(app):
    store(app, Spec((S1,), status="planned", actors=("IRN",), title="伊朗会谈"))
    [event] = only_live(app)
    edit(app, event.public_id, title="人工标题", start="2026-02", actors=[("irn", "counterpart")])
    report = again(app, Spec((S1,), start=D(2026, 2, 7), status="occurred", actors=("IRN", "USA"), title="机器标题"))
    assert (report.matched, report.added) == (1, 0)
    [after] = only_live(app)
    assert after.public_id == event.public_id
    assert (after.title, after.precision, after.start_min, after.status) == ("人工标题", "month", D(2026, 2, 1), "occurred")
    assert [(link.actor.slug, link.role) for link in after.actor_links] == [("irn", "counterpart")]
    with get_db(app).session() as session:
        assert curation.curated_fields(session, after.id) == {"title", "date", "actors"}


def test_an_edit_survives_reextraction_after_a_lexicon_change(app):
    """The real extractor; then a lexicon that knows the visiting minister by name."""
    text = "会见消息\n\n新华社北京2月5日电 外交部长王毅5日在北京会见来访的瑙鲁外长安格明。双方就两国关系交换了意见。"
    with get_db(app).session() as session:
        ingest_document(session, read_text(text, "meeting.txt", published=D(2026, 2, 5)))
    [event] = [e for e in only_live(app) if "安格明" in "".join(quoted(e))]
    assert "person-安格明" in [link.actor.slug for link in event.actor_links]
    edit(app, event.public_id, title="王毅会见瑙鲁外长")

    lexicon = load_lexicon()
    minister = Entity(key="lionel-aingimea", kind="person", name="安格明", name_en="Lionel Aingimea", country="NRU")
    learned = EventExtractor(recognizer=EntityRecognizer(dataclasses.replace(lexicon, people=(*lexicon.people, minister))))
    reextract(get_db(app), extractor=lambda document: extract(document, learned))

    after = events(app)[event.public_id]
    assert (after.deleted_at, after.merged_into_id, after.title) == (None, None, "王毅会见瑙鲁外长")
    slugs = [link.actor.slug for link in after.actor_links]
    assert "lionel-aingimea" in slugs and "person-安格明" not in slugs
    assert quoted(after) == quoted(event)


def test_edited_type_and_dates_still_match_by_what_was_extracted(app):
    store(app, Spec((S1,)))
    [event] = only_live(app)
    edit(app, event.public_id, type="summit", start="2026-03-01")
    report = again(app, Spec((S1,), title="新标题"))
    assert (report.matched, report.added, report.removed) == (1, 0, 0)
    [after] = only_live(app)
    assert (after.public_id, after.type, after.start_min, after.title) == (event.public_id, "summit", D(2026, 3, 1),
                                                                           "新标题")


def test_a_changed_type_is_another_event(app):
    store(app, Spec((S1,)))
    [old] = only_live(app)
    report = again(app, Spec((S1,), type="summit"))
    assert (report.matched, report.added, report.removed) == (0, 1, 1)
    [new] = only_live(app)
    assert new.public_id != old.public_id and new.type == "summit"
    assert events(app)[old.public_id].deleted_at is not None


def test_one_sentence_with_two_events_matches_each_by_type(app):
    specs = [Spec((S1,)), Spec((S1,), type="visit", actors=("USA",), title="美方访问")]
    store(app, *specs)
    before = {e.type: e.public_id for e in only_live(app)}
    report = again(app, Spec((S1,), title="会谈二"), Spec((S1,), type="visit", actors=("USA",), title="访问二"))
    assert (report.matched, report.added) == (2, 0)
    assert {e.type: (e.public_id, e.title) for e in only_live(app)} == {
        "talks": (before["talks"], "会谈二"), "visit": (before["visit"], "访问二")}


def test_events_no_longer_found_are_tombstones_unless_people_touched_them(app):
    store(app, Spec((S1,)), Spec((S2,), type="statement", actors=("IRN",), title="伊朗表态"),
          Spec((S3,), type="statement", actors=("USA",), title="美国表态"))
    talks, iran, usa = only_live(app)
    edit(app, iran.public_id, status="ongoing")
    edit(app, usa.public_id, review_state="confirmed")
    rows = feed_size(app)
    report = again(app)
    assert (report.matched, report.added, report.removed) == (0, 0, 1)
    after = events(app)
    assert after[talks.public_id].deleted_at is not None and after[talks.public_id].mentions == []
    assert [quoted(after[e.public_id]) for e in (iran, usa)] == [[S2], [S3]]
    assert [e.public_id for e in only_live(app)] == [iran.public_id, usa.public_id]
    with get_db(app).session() as session:
        assert [(c.public_id, c.kind) for c in session.scalars(select(EventChange).where(EventChange.seq > rows))] \
            == [(talks.public_id, "deleted")]


def test_rejected_and_deleted_events_stay_so(app):
    specs = (Spec((S1,)), Spec((S2,), type="statement", actors=("IRN",), title="伊朗表态"))
    store(app, *specs)
    talks, statement = only_live(app)
    edit(app, talks.public_id, review_state="rejected")
    with get_db(app).session() as session:
        curation.delete_event(session, session.get(Event, statement.id), "editor")
    report = again(app, Spec((S1,), title="再来"), Spec((S2,), type="statement", actors=("IRN",), title="再说"))
    assert (report.matched, report.added, report.removed) == (2, 0, 0)
    after = events(app)
    assert list(after) == [talks.public_id, statement.public_id]
    assert (after[talks.public_id].review_state, after[talks.public_id].title) == ("rejected", "再来")
    assert (after[statement.public_id].deleted_at is not None, after[statement.public_id].title) == (True, "伊朗表态")


def test_a_merge_survives_reextraction(app):
    specs = (Spec((S1,)), Spec((S3,), actors=("USA",), title="美方会谈"))
    store(app, *specs)
    first, second = only_live(app)
    with get_db(app).session() as session:
        curation.merge_events(session, session.get(Event, second.id), session.get(Event, first.id), "editor")
    report = again(app, *specs)
    assert (report.matched, report.added, report.removed) == (1, 0, 0)
    [survivor] = only_live(app)
    assert survivor.public_id == first.public_id and quoted(survivor) == sorted([S1, S3])
    assert events(app)[second.public_id].merged_into_id == first.id


def test_a_split_survives_reextraction(app):
    spec = Spec((S1, S3))
    store(app, spec)
    [event] = only_live(app)
    with get_db(app).session() as session:
        original = session.get(Event, event.id)
        [mention] = [m for m in original.mentions if m.quote == S3]
        new, _ = curation.split_event(session, original, [(mention.article_id, mention.start_offset)], "editor")
        new_id = new.public_id
    report = again(app, spec)
    assert (report.matched, report.added, report.removed) == (1, 0, 0)
    after = events(app)
    assert [(e.public_id, quoted(e)) for e in only_live(app)] == [(event.public_id, [S1]), (new_id, [S3])]
    assert after[new_id].merged_into_id is None


def test_a_later_article_never_rewrites_what_the_first_one_said(app):
    first = store(app, Spec((S1,), title="第一篇"))
    other = f"另一篇\n\n{S1}"
    second = store(app, Spec((S1,), title="第二篇"), text=other, name="other.txt")
    [event] = only_live(app)
    assert sorted(m.article_id for m in event.mentions) == [first, second]
    again(app, Spec((S1,), title="第二篇改", actors=("IRN", "USA", "OMN")), articles=[second])
    [after] = only_live(app)
    assert after.title == "第一篇"
    assert sorted(link.actor.slug for link in after.actor_links) == ["irn", "omn", "usa"]  # evidence adds actors
    again(app, Spec((S1,), title="第一篇改"), articles=[first])
    assert only_live(app)[0].title == "第一篇改"


def test_a_reader_that_cleans_differently_is_followed_by_the_quotes_words(app):
    article_id = store(app, Spec((S1, S3)))
    [event] = only_live(app)
    with get_db(app).session() as session:  # as if an older reader had kept two more characters in front
        article = session.get(Article, article_id)
        article.clean_text = "〔旧〕" + article.clean_text
        for mention in session.scalars(select(Mention).where(Mention.article_id == article_id)):
            mention.start_offset += 3
            mention.end_offset += 3
    report = again(app, Spec((S1, S3)))
    assert (report.matched, report.updated, report.added) == (1, 1, 0)
    [after] = only_live(app)
    assert after.public_id == event.public_id
    assert sorted((m.start_offset, m.end_offset) for m in after.mentions) == \
        sorted((m.start_offset, m.end_offset) for m in event.mentions)
    with get_db(app).session() as session:
        assert session.get(Article, article_id).clean_text == read_text(TEXT, "story.txt").clean_text


def test_reextracting_the_seeds_twice_changes_nothing(app):
    runner = CliRunner()
    env = {"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"]}
    assert runner.invoke(main, ["seed", "--dir", str(SEEDS)], env=env).exit_code == 0
    before, rows = {k: e.row_version for k, e in events(app).items()}, feed_size(app)
    result = runner.invoke(main, ["reextract"], env=env)
    assert result.exit_code == 0, result.output
    with get_db(app).session() as session:
        extracted = session.scalar(select(func.sum(Article.event_count)))
    assert result.stderr.splitlines()[-1] == (
        f"4 articles: {extracted} events matched (0 updated), 0 added, 0 no longer found, 0 failed")
    assert {k: e.row_version for k, e in events(app).items()} == before
    assert feed_size(app) == rows
