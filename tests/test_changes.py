"""The change feed on SQLite and PostgreSQL: every kind of change in commit
order, cursors that resume, rows written by ingest and by curation, a
consumer that ends with exactly the database's events across merges, splits,
deletes and concurrent writers, and a slow transaction that can never commit
behind a faster one."""
from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select, text

from curation_fixtures import SHOWCASE, Spec, client, extractor, live_events, small, writer  # noqa: F401
from timeline import curation, get_db
from timeline.changes import write_pending
from timeline.extract.read import read_text
from timeline.ingest import ingest_document
from timeline.models import Event, EventChange
from timeline.ops import check

FEED = "/api/v1/changes"


def feed_end(client) -> int:
    """The cursor after every change so far."""
    body = client.get(f"{FEED}?limit=1000").get_json()
    while body["more"]:
        body = client.get(f"{FEED}?since={body['next']}&limit=1000").get_json()
    return int(body["next"])


def changes_after(client, since: int) -> list[tuple[str, str, str | None, bool]]:
    """(kind, id, merged_into, whether the event came along) of every change after ``since``."""
    items = client.get(f"{FEED}?since={since}&limit=1000").get_json()["items"]
    return [(c["kind"], c["id"], c["merged_into"], c["event"] is not None) for c in items]


def test_every_kind_of_change_in_commit_order(client, small, writer):
    start = feed_end(client)
    client.patch(f"/api/v1/events/{SHOWCASE}", headers=writer, json={"title": "更正"})
    client.post("/api/v1/events/ev_0000000000000003/merge", headers=writer, json={"into": SHOWCASE})
    new = client.post(f"/api/v1/events/{SHOWCASE}/split", headers=writer,
                      json={"mentions": [{"article": 6, "start": 0}]}).get_json()["id"]
    client.delete("/api/v1/events/ev_0000000000000008", headers=writer)
    assert changes_after(client, start) == [
        ("updated", SHOWCASE, None, True),
        ("merged", "ev_0000000000000003", SHOWCASE, False),
        ("updated", SHOWCASE, None, True),
        ("updated", SHOWCASE, None, True),
        ("created", new, None, True),
        ("deleted", "ev_0000000000000008", None, False),
    ]
    items = client.get(f"{FEED}?since={start}").get_json()["items"]
    assert [c["seq"] for c in items] == sorted(c["seq"] for c in items)
    assert items[0]["event"] == live_events(client)[SHOWCASE]  # the event as it is now
    deleted_entry = client.get("/api/v1/audit").get_json()["items"][-1]
    client.post(f"/api/v1/audit/{deleted_entry['id']}/undo", headers=writer)
    assert changes_after(client, start)[-1] == ("updated", "ev_0000000000000008", None, True)


def test_the_feed_starts_with_every_stored_event_and_pages_by_cursor(client, small):
    first = client.get(f"{FEED}?limit=2")
    body = first.get_json()
    assert (body["next"], body["more"]) == (str(body["items"][-1]["seq"]), True)
    assert first.headers["Link"] == f'<http://localhost{FEED}?since={body["next"]}&limit=2>; rel="next"'
    end = feed_end(client)
    last = client.get(f"{FEED}?since={end}")
    assert (last.get_json(), "Link" in last.headers) == ({"items": [], "next": str(end), "more": False}, False)
    kinds: dict[str, str] = {}
    for kind, event_id, _merged, _body in changes_after(client, 0):
        kinds[event_id] = kind
    assert sorted(i for i, k in kinds.items() if k == "created") == sorted(live_events(client))
    assert client.get(f"{FEED}?since=-1").status_code == 422
    assert client.get(f"{FEED}?since=abc").status_code == 422
    assert client.get(f"{FEED}?cursor=1").status_code == 422


def test_nothing_changed_writes_no_row(app, client, small):
    start = feed_end(client)
    with get_db(app).session() as session:
        event = session.scalar(select(Event).where(Event.public_id == SHOWCASE))
        event.title = event.title  # the same value
        assert curation.edit_event(session, event, curation.EventPatch(title=event.title), "t") is None
    client.get("/api/v1/events")
    assert changes_after(client, start) == []


def test_ingest_writes_created_then_updated(app, client):
    first, second = "伊朗和美国6日在马斯喀特举行会谈。", "美国与伊朗代表6日在阿曼会谈。"
    with get_db(app).session() as session:
        ingest_document(session, read_text(f"伊美会谈\n\n{first}", "a.txt"), extractor(Spec((first,))))
    [created] = changes_after(client, 0)
    assert created[0] == "created"
    with get_db(app).session() as session:
        ingest_document(session, read_text(f"会谈消息\n\n{second}", "b.txt"), extractor(Spec((second,))))
    assert changes_after(client, 0)[1:] == [("updated", created[1], None, True)]


# --- consumers ---------------------------------------------------------------------------------

class Consumer:
    """Keeps a copy of the live events by following the feed."""

    def __init__(self, client) -> None:
        self.client = client
        self.cursor = "0"
        self.events: dict[str, dict[str, Any]] = {}
        self.seen: list[int] = []

    def poll(self) -> None:
        while True:
            body = self.client.get(f"{FEED}?since={self.cursor}&limit=7").get_json()
            for change in body["items"]:
                self.seen.append(change["seq"])
                if change["kind"] in ("merged", "deleted"):
                    self.events.pop(change["id"], None)
                elif change["event"] is not None:
                    self.events[change["id"]] = change["event"]
            self.cursor = body["next"]
            if not body["more"]:
                return


def _curate(app, plan: list[tuple[str, int, int | None]], errors: list[BaseException]) -> None:
    """Run ``plan`` (step, event id, other id), one transaction per step."""
    try:
        for step, event_id, other in plan:
            with get_db(app).session() as session:
                event = session.get(Event, event_id)
                if step == "edit":
                    curation.edit_event(session, event, curation.EventPatch(title=f"{event.title}·改"), "bot")
                elif step == "merge":
                    curation.merge_events(session, event, session.get(Event, other), "bot")
                elif step == "split":
                    mention = sorted(event.mentions, key=lambda m: m.id)[-1]
                    curation.split_event(session, event, [(mention.article_id, mention.start_offset)], "bot")
                elif step == "delete":
                    curation.delete_event(session, event, "bot")
    except BaseException as exc:  # reported by the test
        errors.append(exc)


# Two writers on disjoint events (row versions would refuse the same event twice).
PLAN_A = [("edit", 1, None), ("merge", 3, 1), ("edit", 1, None), ("delete", 19, None), ("split", 1, None),
          ("edit", 20, None), ("merge", 23, 20), ("edit", 29, None)]
PLAN_B = [("edit", 8, None), ("split", 8, None), ("delete", 14, None), ("merge", 24, 8), ("edit", 8, None),
          ("edit", 32, None), ("delete", 33, None), ("merge", 37, 32)]


def test_a_consumer_following_the_feed_ends_with_the_database(app, client, small):
    consumer = Consumer(client)
    consumer.poll()
    assert consumer.events == live_events(client)
    errors: list[BaseException] = []
    writers = [threading.Thread(target=_curate, args=(app, plan, errors)) for plan in (PLAN_A, PLAN_B)]
    for thread in writers:
        thread.start()
    while any(thread.is_alive() for thread in writers):
        consumer.poll()  # reads while both write
    for thread in writers:
        thread.join()
    assert errors == []
    consumer.poll()
    assert consumer.seen == sorted(set(consumer.seen))
    assert consumer.events == live_events(client)
    with get_db(app).session() as session:
        assert consumer.seen[-1] == session.scalar(select(func.max(EventChange.seq)))
    assert [f.line() for f in check(get_db(app)) if f.count] == []  # every curation step kept the rules


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite serializes writers itself
def test_a_slow_writer_never_commits_behind_a_faster_one(app, client, small, database_url):
    """Two connections: the first numbers its feed row, then commits only
    after the second has tried to commit; the second waits for the first."""
    database = get_db(app)
    start = feed_end(client)
    slow = database.session_factory()
    slow.get(Event, 1).title = "慢"
    assert write_pending(slow) == 1  # holds the feed lock from here to its commit
    errors: list[BaseException] = []
    fast = threading.Thread(target=_curate, args=(app, [("edit", 8, None)], errors))
    fast.start()
    with database.engine.connect() as watcher:
        deadline = time.monotonic() + 60
        while not watcher.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")):
            assert time.monotonic() < deadline, "the second writer never waited for the feed lock"
            watcher.rollback()
            time.sleep(0.01)
    assert changes_after(client, start) == []  # the fast one has changed its event but cannot number it
    slow.commit()
    slow.close()
    fast.join()
    assert errors == []
    items = client.get(f"{FEED}?since={start}").get_json()["items"]
    assert [(c["id"], c["event"]["title"]) for c in items] == [
        ("ev_0000000000000001", "慢"), ("ev_0000000000000008", "声明事件8·改")]
    assert items[0]["seq"] < items[1]["seq"]


def test_the_migration_gives_every_stored_live_event_a_created_change(database_url):
    from timeline import create_app
    from timeline.migrate import upgrade

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    upgrade(app, "0004")
    rows = [("ev_live", None, None), ("ev_merged", 1, None), ("ev_gone", None, "2025-04-01 00:00:00+00:00")]
    with get_db(app).engine.begin() as connection:
        for number, (public_id, merged_into, deleted_at) in enumerate(rows, start=1):
            connection.execute(text(
                "INSERT INTO events (id, public_id, type, title, start_min, end_max, precision, status, "
                "date_source, confidence, review_state, merged_into_id, deleted_at, row_version, created_at, "
                "updated_at) VALUES (:id, :public_id, 'talks', 't', '2025-02-06', '2025-02-06', 'day', 'occurred', "
                "'explicit', 0.5, 'auto', :merged_into, :deleted_at, 3, '2025-03-01 00:00:00+00:00', "
                "'2025-03-01 00:00:00+00:00')"),
                dict(id=number, public_id=public_id, merged_into=merged_into, deleted_at=deleted_at))
    upgrade(app)
    with get_db(app).session() as session:
        assert [(c.event_id, c.public_id, c.kind, c.merged_into, c.row_version)
                for c in session.scalars(select(EventChange))] == [(1, "ev_live", "created", None, 3)]
    get_db(app).dispose()
