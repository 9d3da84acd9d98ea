"""The vocabulary generation (timeline.generation) and the per-process memo of
resolved names built on it (timeline.lookups): every committed write to what
names resolve against moves the token, other writes do not, and a request never
resolves a name against an older state than the database's; on both databases."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, event as sa_event, select, update

from timeline import generation, get_db, lookups
from timeline.models import Actor, ActorAlias, ActorRedirect, Event, EventActor, Place, PlaceAlias, Topic
from timeline.queries import EventFilters, FilterError, event_conditions

D = dt.date


def token(app) -> str:
    with get_db(app).session() as session:
        value, cacheable = generation.current(session)
    assert cacheable
    return value


@pytest.fixture
def world(app):
    with get_db(app).session() as session:
        usa = Actor(slug="usa", kind="country", name="美国", name_en="United States", code="USA")
        session.add_all([usa, Place(slug="geneva", name="日内瓦", country_code="CHE"),
                         Topic(slug="trade", name="贸易")])
        session.flush()
        session.add(Event(public_id="ev_0000000000000001", type="talks", title="美国谈判", start_min=D(2025, 1, 6),
                          end_max=D(2025, 1, 6), precision="day", actor_links=[
                              EventActor(actor=usa, role="agent", start_min=D(2025, 1, 6), end_max=D(2025, 1, 6))]))
    return app


def _write(app, change) -> None:
    with get_db(app).session() as session:
        change(session)


WRITES = {
    "an actor added": lambda s: s.add(Actor(slug="russia", kind="country", name="俄罗斯", code="RUS")),
    "an actor renamed": lambda s: s.execute(update(Actor).where(Actor.slug == "usa").values(name="美利坚")),
    "an actor removed": lambda s: s.execute(delete(Actor).where(Actor.slug == "usa")),
    "an actor alias added": lambda s: s.add(ActorAlias(actor_id=s.scalar(select(Actor.id)), alias="老美",
                                                       normalized="老美")),
    "an actor redirect added": lambda s: s.add(ActorRedirect(slug="us", actor_id=s.scalar(select(Actor.id)))),
    "a place added": lambda s: s.add(Place(slug="muscat", name="马斯喀特", country_code="OMN")),
    "a place alias added": lambda s: s.add(PlaceAlias(place_id=s.scalar(select(Place.id)), alias="Genf",
                                                      normalized="genf")),
    "a topic renamed": lambda s: s.execute(update(Topic).values(name_en="Trade")),
    "an event of a new length": lambda s: s.add(Event(
        public_id="ev_0000000000000002", type="summit", title="峰会", start_min=D(2025, 2, 1),
        end_max=D(2025, 2, 3), precision="day")),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_vocabulary_write_moves_the_token(world, write):
    before = token(world)
    _write(world, WRITES[write])
    assert token(world) != before


def test_event_writes_that_keep_the_lengths_leave_the_token(world):
    before = token(world)
    _write(world, lambda s: s.add(Event(public_id="ev_0000000000000003", type="talks", title="又一次谈判",
                                        start_min=D(2025, 3, 6), end_max=D(2025, 3, 6), precision="day")))
    _write(world, lambda s: s.execute(update(Event).where(Event.public_id == "ev_0000000000000003")
                                      .values(title="改过的标题")))
    assert token(world) == before
    # the last event of its length gone: the longest span may have shrunk
    _write(world, lambda s: s.execute(update(Event).values(deleted_at=dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc))))
    assert token(world) != before


def test_a_rolled_back_write_leaves_the_token(world):
    before = token(world)
    with get_db(world).session_factory() as session:
        WRITES["an actor added"](session)
        session.flush()
        session.rollback()
    assert token(world) == before


def test_a_writing_transaction_resolves_against_its_own_writes(world):
    """Not from the memo: on PostgreSQL its token moves only at commit."""
    with get_db(world).session_factory() as session:
        event_conditions(session, EventFilters(actor=["usa"]))  # remembered under the committed token
        session.add(ActorAlias(actor_id=session.scalar(select(Actor.id)), alias="山姆大叔", normalized="山姆大叔"))
        session.flush()
        assert event_conditions(session, EventFilters(actor=["山姆大叔"]))
        session.rollback()
        with pytest.raises(FilterError, match="no actor named '山姆大叔'"):
            event_conditions(session, EventFilters(actor=["山姆大叔"]))


def test_the_next_request_sees_a_new_alias_and_a_new_name(world):
    client = world.test_client()
    assert client.get("/api/v1/events?actor=usa").status_code == 200
    assert client.get("/api/v1/events?actor=老美").status_code == 422
    seen: list[str] = []
    engine = get_db(world).engine
    sa_event.listen(engine, "before_cursor_execute", lambda _c, _cu, statement, *_a: seen.append(statement))
    assert client.get("/api/v1/events?actor=usa").status_code == 200
    assert not any("actor_aliases" in s for s in seen)  # usa came from the memo
    _write(world, WRITES["an actor alias added"])
    ids = [item["id"] for item in client.get("/api/v1/events?actor=老美").get_json()["items"]]
    assert ids == ["ev_0000000000000001"]
    assert client.get("/api/v1/events?actor=美国").status_code == 200
    _write(world, WRITES["an actor renamed"])
    assert client.get("/api/v1/events?actor=美国").status_code == 422
    assert client.get("/api/v1/events?actor=美利坚").get_json()["items"][0]["id"] == "ev_0000000000000001"


def test_the_memo_keeps_one_token_and_a_bounded_number_of_entries(monkeypatch):
    monkeypatch.setattr(lookups, "MAX_ENTRIES", 2)
    memo = lookups.Memo()
    memo.put("t1", "a", 1)
    memo.put("t1", "b", 2)
    assert memo.get("t1", "a") == (True, 1)
    memo.put("t1", "c", 3)  # b was used least recently
    assert memo.get("t1", "b") == (False, None)
    assert memo.get("t1", "c") == (True, 3)
    assert memo.get("t2", "c") == (False, None)
    memo.put("t2", "d", 4)
    assert memo.get("t1", "a") == (False, None)
    assert memo.get("t2", "d") == (True, 4)


@pytest.mark.parametrize("method, autocommit", [("GET", True), ("HEAD", True), ("POST", False), ("PATCH", False)])
def test_reads_on_postgresql_open_no_transaction(app, method, autocommit):
    """A read's statements need no BEGIN and ROLLBACK round trips; a write keeps its transaction."""
    from timeline.api.common import session

    with app.test_request_context("/api/v1/events", method=method):
        dbapi = session().connection().connection.dbapi_connection
        if get_db(app).dialect == "postgresql":
            assert dbapi.autocommit is autocommit
        else:  # pysqlite's own mode, untouched
            assert dbapi.isolation_level == ""
