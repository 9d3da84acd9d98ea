"""The search index and the precomputed counts (timeline.derived): q finds
two-character Chinese words in titles and quotes, pages through the index in
date order, and both derived tables equal a recomputation from the events
after every kind of write, on both databases."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select, update

from timeline import get_db
from timeline.models import (
    Actor, Article, Event, EventActor, EventCount, EventTerm, EventTopic, Mention, Place, Topic,
)
from timeline.search import text_terms

D = dt.date


def make_event(session, number: int, title: str, start: dt.date, end: dt.date | None = None, *,
               actors=(), topics=(), place=None, quotes=(), article=None, type_="talks") -> Event:
    end = end or start
    event = Event(public_id=f"ev_{number:016x}", type=type_, title=title, start_min=start, end_max=end,
                  precision="day", place=place)
    event.actor_links = [EventActor(actor=a, role="agent", start_min=start, end_max=end) for a in actors]
    event.topic_links = [EventTopic(topic=t, start_min=start, end_max=end) for t in topics]
    event.mentions = [Mention(article=article, quote=q, start_offset=10 * i, end_offset=10 * i + len(q))
                      for i, q in enumerate(quotes)]
    session.add(event)
    return event


@pytest.fixture
def world(app):
    """Actors, a topic, a place and an article, committed; returns their ids."""
    with get_db(app).session() as session:
        usa = Actor(slug="usa", kind="country", name="美国", name_en="United States", code="USA")
        iran = Actor(slug="irn", kind="country", name="伊朗", name_en="Iran", code="IRN")
        putin = Actor(slug="putin", kind="person", name="普京", name_en="Vladimir Putin", country_code="RUS")
        topic = Topic(slug="iran-nuclear", name="伊朗核问题", name_en="Iran nuclear")
        place = Place(slug="muscat", name="马斯喀特", name_en="Muscat", kind="city", country_code="OMN")
        article = Article(content_hash="0" * 64, title="文章", format="text", raw_text="…", clean_text="…")
        session.add_all([usa, iran, putin, topic, place, article])
    return app


def expected_counts(session) -> Counter:
    """The counts recomputed in Python from the live events."""
    counts: Counter = Counter()
    for event in session.scalars(select(Event).where(Event.merged_into_id.is_(None), Event.deleted_at.is_(None))):
        actors = [link.actor for link in event.actor_links]
        countries = {a.code for a in actors if a.kind == "country" and a.code} | {
            a.country_code for a in actors if a.country_code}
        if event.place is not None and event.place.country_code:
            countries.add(event.place.country_code)
        values = [("type", event.type), ("day", event.start_min.isoformat()),
                  ("month", event.start_min.isoformat()[:7]), ("year", event.start_min.isoformat()[:4]),
                  ("span", f"{(event.end_max - event.start_min).days:05d}"),
                  *(("actor", str(a.id)) for a in actors),
                  *(("topic", str(link.topic_id)) for link in event.topic_links),
                  *([("location", str(event.place_id))] if event.place_id else []),
                  *(("country", c) for c in countries)]
        for scope in [("all", 0), *(("actor", a.id) for a in actors)]:
            for field_name, value in values:
                counts[(*scope, field_name, value)] += 1
    return counts


def assert_exact(app) -> None:
    with get_db(app).session() as session:
        stored = Counter({(c.scope, c.scope_id, c.field, c.value): c.n for c in session.scalars(select(EventCount))})
        assert stored == expected_counts(session)
        terms = {(t.term, t.start_min, t.event_id) for t in session.scalars(select(EventTerm))}
        want = set()
        for event in session.scalars(select(Event).where(Event.merged_into_id.is_(None), Event.deleted_at.is_(None))):
            texts = [event.title, *(m.quote for m in event.mentions)]
            want |= {(t, event.start_min, event.id) for t in text_terms(texts)}
        assert terms == want


def ids(client, url: str) -> list[str]:
    """Every event id of every page of ``url``."""
    found = []
    while url:
        body = client.get(url).get_json()
        found += [item["id"] for item in body["items"]]
        url = body["next_url"]
    return found


def test_counts_and_terms_stay_exact_through_every_write(world):
    app = world
    db = get_db(app)
    with db.session() as session:
        usa, iran, putin = (session.scalar(select(Actor).where(Actor.slug == s)) for s in ("usa", "irn", "putin"))
        topic, place = session.scalar(select(Topic)), session.scalar(select(Place))
        article = session.scalar(select(Article))
        make_event(session, 1, "伊美在马斯喀特举行核问题谈判", D(2026, 2, 6), actors=[usa, iran], topics=[topic],
                   place=place, quotes=["伊美将于6日在阿曼谈判"], article=article)
        make_event(session, 2, "俄总统发表讲话", D(2025, 12, 1), D(2025, 12, 31), actors=[putin],
                   quotes=["普京表示", "普京称"], article=article, type_="statement")
        make_event(session, 3, "美伊谈判", D(2026, 2, 6), actors=[iran], quotes=["美伊谈判"], article=article)
    assert_exact(app)

    steps = [
        lambda s: setattr(s.get(Event, 1), "title", "伊朗与美国举行谈判"),                     # title edited
        lambda s: s.add(Mention(event=s.get(Event, 2), article_id=1, quote="克里姆林宫证实",     # a mention added
                                start_offset=500, end_offset=507)),
        lambda s: setattr(s.get(Event, 3), "merged_into_id", 1),                                # merged
        lambda s: setattr(s.get(Event, 2), "deleted_at", dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)),
        lambda s: setattr(s.get(Event, 2), "deleted_at", None),                                 # restored
        lambda s: s.delete(s.get(Event, 1).actor_links[0]),                                     # a link removed
        lambda s: setattr(s.scalar(select(Actor).where(Actor.slug == "putin")), "country_code", "BLR"),
        lambda s: setattr(s.get(Event, 2), "place", s.scalar(select(Place))),                   # placed
        lambda s: setattr(s.get(Event, 2), "start_min", D(2025, 11, 30)),                       # re-dated
        lambda s: setattr(s.get(Event, 2), "end_max", D(2026, 1, 31)),                          # longer span
        lambda s: s.execute(update(Event).where(Event.id == 2).values(type="summit")),         # bulk UPDATE
        lambda s: s.execute(delete(Mention).where(Mention.event_id == 2, Mention.start_offset == 0)),
        lambda s: s.delete(s.get(Event, 3)),                                                    # hard delete
    ]
    for step in steps:
        with db.session() as session:
            step(session)
        assert_exact(app)


def test_rollback_leaves_derived_tables_as_they_were(world):
    app = world
    db = get_db(app)
    with db.session() as session:
        make_event(session, 1, "伊朗外长抵达", D(2026, 1, 5), actors=[session.scalar(select(Actor))])
    with db.session() as session:
        before = (session.scalars(select(EventCount.n)).all(), session.scalars(select(EventTerm.term)).all())
    session = db.session_factory()
    make_event(session, 2, "普京访问", D(2026, 1, 6), actors=[session.scalar(select(Actor))])
    session.flush()
    assert session.scalar(select(EventTerm.term).where(EventTerm.event_id == 2).limit(1)) is not None
    session.rollback()
    session.close()
    with db.session() as session:
        assert (session.scalars(select(EventCount.n)).all(), session.scalars(select(EventTerm.term)).all()) == before
    assert_exact(app)


@pytest.fixture
def searchable(world):
    """Events whose titles and quotes hold (or almost hold) 伊朗 and 普京."""
    app = world
    with get_db(app).session() as session:
        article = session.scalar(select(Article))
        actor = session.scalar(select(Actor).where(Actor.slug == "usa"))
        make_event(session, 1, "伊朗外长抵达日内瓦", D(2024, 5, 1), actors=[actor])             # in the title
        make_event(session, 2, "俄方发表声明", D(2023, 3, 1), quotes=["普京在会上说", "伊朗问题"],  # in quotes
                   article=article)
        make_event(session, 3, "伊拉克与朗读比赛", D(2022, 1, 1))                                # 伊 and 朗 apart
        make_event(session, 4, "TRUMP and Iran", D(2021, 1, 1), actors=[actor])
        make_event(session, 5, "伊朗 核", D(2020, 1, 1), actors=[actor])                         # 朗 ends a run
        for number in range(6, 16):                                                           # ties on one day
            make_event(session, number, f"伊朗第{number}轮", D(2025, 7, 1), actors=[actor])
        gone = make_event(session, 16, "伊朗已删除", D(2024, 1, 1))
        gone.deleted_at = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    return app


@pytest.mark.parametrize("word, numbers", [
    ("伊朗", [5, 2, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
    ("普京", [2]),
    ("朗", [5, 2, 3, 1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
    ("朗外", [1]),
    ("伊朗外长", [1]),
    ("trump", [4]),
    ("IRAN", [4]),
    ("朗核", []),
])
@pytest.mark.parametrize("sort", ["date", "-date"])
def test_q_finds_words_in_titles_and_quotes_page_by_page(searchable, word, numbers, sort):
    client = searchable.test_client()
    by_date = {1: D(2024, 5, 1), 2: D(2023, 3, 1), 3: D(2022, 1, 1), 4: D(2021, 1, 1), 5: D(2020, 1, 1)}
    want = sorted(numbers, key=lambda n: (by_date.get(n, D(2025, 7, 1)), n), reverse=sort == "-date")
    got = ids(client, f"/api/v1/events?q={quote(word)}&sort={sort}&limit=2")
    assert got == [f"ev_{n:016x}" for n in want]


def test_q_with_an_actor_and_two_words(searchable):
    client = searchable.test_client()
    assert ids(client, f"/api/v1/events?actor=usa&q={quote('伊朗 第1')}&limit=3") == [
        f"ev_{n:016x}" for n in range(10, 16)]
    assert ids(client, f"/api/v1/events?q={quote('普京 伊朗')}") == ["ev_0000000000000002"]


def test_a_long_span_is_found_by_a_range_near_its_end(world):
    """The first-day index is bounded from below by the longest span stored."""
    app = world
    with get_db(app).session() as session:
        actor = session.scalar(select(Actor).where(Actor.slug == "usa"))
        make_event(session, 1, "长期制裁", D(2019, 1, 1), D(2023, 12, 31), actors=[actor], type_="sanctions")
        make_event(session, 2, "会谈", D(2023, 6, 10), actors=[actor])
    client = app.test_client()
    for query in ("from=2023-06&to=2023-07", "actor=usa&from=2023-06&to=2023-07",
                  "actor=usa&from=2023-06&to=2023-07&sort=-date"):
        got = set(ids(client, f"/api/v1/events?{query}"))
        assert got == {"ev_0000000000000001", "ev_0000000000000002"}, query
    assert ids(client, "/api/v1/events?from=2024") == []


def test_facets_and_histogram_of_one_actor_follow_writes(world):
    app = world
    client = app.test_client()
    db = get_db(app)
    with db.session() as session:
        usa, iran = (session.scalar(select(Actor).where(Actor.slug == s)) for s in ("usa", "irn"))
        make_event(session, 1, "谈判", D(2026, 2, 6), actors=[usa, iran])
        make_event(session, 2, "制裁", D(2026, 3, 1), actors=[usa], type_="sanctions")
    facets = client.get("/api/v1/stats/facets?field=actor&field=type&actor=usa").get_json()["facets"]
    assert [(f["value"], f["count"]) for f in facets["actor"]] == [("usa", 2), ("irn", 1)]
    assert [(f["value"], f["count"]) for f in facets["type"]] == [("sanctions", 1), ("talks", 1)]
    with db.session() as session:
        session.get(Event, 1).merged_into_id = 2
    facets = client.get("/api/v1/stats/facets?field=actor&actor=usa").get_json()["facets"]
    assert [(f["value"], f["count"]) for f in facets["actor"]] == [("usa", 1)]
    body = client.get("/api/v1/stats/histogram?interval=month&actor=usa").get_json()
    assert [(b["key"], b["count"]) for b in body["buckets"]] == [("2026-03", 1)]
    assert client.get("/api/v1/actors?q=irn").get_json()["items"][0]["event_count"] == 0


@pytest.mark.parametrize("filters, index", [
    ({"actor": ["usa"]}, "ix_event_actors_actor_start"),
    ({"actor": ["usa"], "date_from": D(2021, 1, 1), "date_to": D(2024, 12, 31)}, "ix_event_actors_actor_start"),
    ({"topic": ["iran-nuclear"]}, "ix_event_topics_topic_start"),
    ({"topic": ["iran-nuclear"], "type": ["talks"]}, "ix_event_topics_topic_type_start"),
    ({"actor": ["usa"], "type": ["talks"], "date_from": D(2021, 1, 1)}, "ix_event_actors_actor_type_start"),
    ({"topic": ["iran-nuclear"], "type": ["talks", "summit"]}, "ix_event_topics_topic_start"),
    ({"q": "伊朗"}, "pk_event_terms"),
])
@pytest.mark.parametrize("sort", ["date", "-date"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # reads SQLite's EXPLAIN QUERY PLAN
def test_a_page_walks_its_filters_index_in_order(searchable, filters, index, sort):
    """The page of a lone actor, topic or word is one walk along that filter's
    index, in the page's order: SQLite sorts nothing on the walk (page 200
    costs page 1); only the page's own rows, at most ``limit + 1``, are put
    back in order after their events and links are joined."""
    from sqlalchemy import event as sa_event

    from timeline.queries import EventFilters, event_page

    database = get_db(searchable)
    seen = []
    record = lambda _c, _cu, statement, params, _ctx, _m: seen.append((statement, params))  # noqa: E731
    with database.session() as session:
        sa_event.listen(database.engine, "before_cursor_execute", record)
        try:
            event_page(session, EventFilters(**filters), sort=sort, limit=2)
        finally:
            sa_event.remove(database.engine, "before_cursor_execute", record)
        statement, params = next((s, p) for s, p in seen if s.lstrip().startswith("SELECT events.id"))
        steps = [tuple(row[:2]) + (row[3],) for row in
                 session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    (walk,) = [node for node, _parent, step in steps if step in ("MATERIALIZE page", "CO-ROUTINE page")]
    under_walk = {walk}
    for node, parent, _step in steps:  # parents come before their children
        if parent in under_walk:
            under_walk.add(node)
    assert [step for node, parent, step in steps if "TEMP B-TREE" in step] == ["USE TEMP B-TREE FOR ORDER BY"]
    assert not any("TEMP B-TREE" in step for node, _parent, step in steps if node in under_walk)
    plan = [step for _node, _parent, step in steps]
    assert any(index in step or (index == "pk_event_terms" and "event_terms USING PRIMARY KEY" in step)
               for step in plan), plan


def test_links_repeat_their_events_type_and_span_through_every_write(world):
    """New links, links added by event id alone, and an event whose type or
    dates change: every link carries the event's type, first and last day."""
    db = get_db(world)

    def copies(session):
        rows = session.execute(select(EventActor.event_id, EventActor.type, EventActor.start_min, EventActor.end_max)
                               .union_all(select(EventTopic.event_id, EventTopic.type, EventTopic.start_min,
                                                 EventTopic.end_max))).all()
        events = {e.id: (e.type, e.start_min, e.end_max) for e in session.scalars(select(Event))}
        return sorted((event_id, (kind, start, end), events[event_id]) for event_id, kind, start, end in rows)

    with db.session() as session:
        usa, iran, topic = (session.scalar(select(m).where(m.slug == s))
                            for m, s in ((Actor, "usa"), (Actor, "irn"), (Topic, "iran-nuclear")))
        make_event(session, 1, "谈判", D(2026, 2, 6), actors=[usa], topics=[topic])
        session.flush()
        session.add(EventActor(event_id=1, actor_id=iran.id, role="counterpart"))
    with db.session() as session:
        event = session.get(Event, 1)
        event.type, event.start_min, event.end_max = "summit", D(2026, 3, 1), D(2026, 3, 2)
    with db.session() as session:
        rows = copies(session)
        assert len(rows) == 3
        assert [link for _id, link, _own in rows] == [("summit", D(2026, 3, 1), D(2026, 3, 2))] * 3
        assert all(link == own for _id, link, own in rows)
