"""Curation on SQLite and PostgreSQL, through the API and the CLI: PATCH with
its audit log and If-Match, merge (301 to the survivor), split, DELETE (a
tombstone), undo from the log, the review-state filter, actor merges and
aliases; and ingest, which never overwrites what people set."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from curation_fixtures import (  # noqa: F401
    DELETED, MERGED, SHOWCASE, Spec, client, extractor, live_events, make_token, small, writer,
)
from timeline import curation, get_db
from timeline.cli import main
from timeline.extract.read import read_text
from timeline.ingest import ingest_document
from timeline.models import Actor, AuditEntry, Event

EVENT = f"/api/v1/events/{SHOWCASE}"


def history(client, event_id: str) -> list[dict]:
    return client.get(f"/api/v1/events/{event_id}/history").get_json()["items"]


def quotes(body: dict) -> list[tuple[int, int, str]]:
    return sorted((m["article"]["id"], m["start"], m["quote"]) for m in body["mentions"])


# --- PATCH ---------------------------------------------------------------------------------

def test_patch_changes_fields_and_records_each_change(client, small, writer):
    response = client.patch(EVENT, headers=writer, json={
        "title": "伊美核问题谈判（更正）", "start": "2026-02-07", "status": "occurred", "place": "geneva",
        "actors": [{"id": "iran", "role": "agent"}, {"id": "usa"}], "topics": ["iran-nuclear", "trade"],
        "review_state": "confirmed"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["title"], body["start"], body["end"], body["precision"], body["status"], body["date_source"],
            body["date_text"], body["place"]["id"], body["review_state"]) == (
        "伊美核问题谈判（更正）", "2026-02-07", "2026-02-07", "day", "occurred", "manual", None, "geneva", "confirmed")
    assert [(a["id"], a["role"]) for a in body["actors"]] == [("iran", "agent"), ("usa", "agent")]
    assert [t["slug"] for t in body["topics"]] == ["iran-nuclear", "trade"]
    assert response.headers["ETag"] == client.get(EVENT).headers["ETag"]
    [entry] = history(client, SHOWCASE)
    assert (entry["who"], entry["action"], entry["event"], entry["other_event"], entry["undo_of"],
            entry["undone_by"]) == ("curator", "edit", SHOWCASE, None, None, None)
    assert entry["changes"] == {
        "title": {"old": "伊美在马斯喀特举行核问题谈判", "new": "伊美核问题谈判（更正）"},
        "date": {"old": {"start_min": "2026-02-06", "end_max": "2026-02-06", "precision": "day",
                         "date_source": "explicit", "date_text": "6日"},
                 "new": {"start_min": "2026-02-07", "end_max": "2026-02-07", "precision": "day",
                         "date_source": "manual", "date_text": None}},
        "status": {"old": "planned", "new": "occurred"},
        "place": {"old": "muscat", "new": "geneva"},
        "actors": {"old": [["iran", "agent"], ["trump", "subject"], ["usa", "counterpart"]],
                   "new": [["iran", "agent"], ["usa", "agent"]]},
        "topics": {"old": ["iran-nuclear"], "new": ["iran-nuclear", "trade"]},
        "review_state": {"old": "auto", "new": "confirmed"},
    }


@pytest.mark.parametrize("change, start, end, precision", [
    ({"start": "2026-02"}, "2026-02", "2026-02", "month"),
    ({"start": "2026-02-06", "precision": "week"}, "2026-02-02", "2026-02-08", "week"),
    ({"start": "2026-Q1"}, "2026-01", "2026-03", "season"),
    ({"start": "2026-02-06", "end": "2026-03"}, "2026-02", "2026-03", "month"),
    ({"start": "2026年3月"}, "2026-03", "2026-03", "month"),
])
def test_patch_dates_take_every_form_and_widen_to_the_precision(client, small, writer, change, start, end, precision):
    body = client.patch(EVENT, headers=writer, json=change).get_json()
    assert (body["start"], body["end"], body["precision"]) == (start, end, precision)
    detail = client.get(f"/api/v1/actors/iran/events?from={body['start_min']}&to={body['end_max']}").get_json()
    assert SHOWCASE in [e["id"] for e in detail["items"]]  # the link tables carry the new span


def test_if_match_prevents_lost_updates(client, small, writer):
    stale = client.get(EVENT).headers["ETag"]
    first = client.patch(EVENT, headers={**writer, "If-Match": stale}, json={"title": "第一位编辑"})
    assert first.status_code == 200
    second = client.patch(EVENT, headers={**writer, "If-Match": stale}, json={"title": "第二位编辑"})
    assert second.status_code == 412
    assert second.get_json() == {"type": "about:blank", "title": "Precondition Failed", "status": 412,
                                 "detail": f"event {SHOWCASE} changed since that ETag; fetch it again",
                                 "instance": EVENT}
    assert client.get(EVENT).get_json()["title"] == "第一位编辑"
    fresh = first.headers["ETag"]
    assert client.patch(EVENT, headers={**writer, "If-Match": fresh}, json={"title": "第二位编辑"}).status_code == 200
    assert client.patch(EVENT, headers={**writer, "If-Match": "*"}, json={"title": "第三位"}).status_code == 200
    assert client.delete(EVENT, headers={**writer, "If-Match": fresh}).status_code == 412
    assert [e["changes"]["title"]["new"] for e in history(client, SHOWCASE)] == ["第一位编辑", "第二位编辑", "第三位"]


@pytest.mark.parametrize("body, pointer, detail", [
    ({}, None, "name at least one field to change"),
    ({"colour": "red"}, "colour", "Unknown field."),
    ({"type": "picnic"}, "type", "must be one of talks, summit"),
    ({"status": "maybe"}, "status", "Must be one of: occurred, ongoing, planned, cancelled, postponed."),
    ({"actors": [{"id": "nobody"}]}, "actors", "no actor 'nobody'"),
    ({"actors": [{"id": "iran"}, {"id": "NUMERIC_ID_OF_IRAN"}]}, "actors", "actor 'iran' named twice"),
    ({"topics": ["trade", "weather"]}, "topics", "no topic 'weather'"),
    ({"place": "atlantis"}, "place", "no place 'atlantis'"),
    ({"start": "someday"}, "start", "not a date, partial date or date phrase: 'someday'"),
    ({"start": "2026-03", "end": "2026-02"}, "end", "the span ends before it starts"),
    ({"precision": "day"}, "start", "give start with end or precision"),
    ({"title": ""}, "title", "Length must be between 1 and 500."),
])
def test_bad_edits_are_422_naming_the_field_and_change_nothing(client, small, writer, body, pointer, detail):
    iran = str(client.get("/api/v1/actors/iran").get_json()["numeric_id"])
    body = {**body, "actors": [{"id": a["id"].replace("NUMERIC_ID_OF_IRAN", iran)} for a in body["actors"]]} \
        if "actors" in body else body
    before = client.get(EVENT)
    response = client.patch(EVENT, headers=writer, json=body)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error.get("pointer") == (f"#/{pointer}" if pointer else None)
    assert error["detail"].startswith(detail)
    assert client.get(EVENT).headers["ETag"] == before.headers["ETag"]
    assert history(client, SHOWCASE) == []


def test_writes_need_a_write_token(app, client, small):
    reader = make_token(app, "reader", "read")
    assert client.patch(EVENT, json={"title": "x"}).status_code == 401
    assert client.patch(EVENT, headers=reader, json={"title": "x"}).status_code == 403
    assert client.delete(EVENT, headers=reader).status_code == 403
    assert client.post(f"{EVENT}/merge", json={"into": "ev_0000000000000001"}).status_code == 401
    assert client.post("/api/v1/audit/1/undo").status_code == 401
    assert client.post("/api/v1/actors/putin/aliases", json={"alias": "普丁大帝"}).status_code == 401


def test_writes_on_merged_deleted_and_unknown_events(client, small, writer):
    merged = client.patch(f"/api/v1/events/{MERGED}", headers=writer, json={"title": "x"})
    assert (merged.status_code, merged.get_json()["detail"]) == (
        409, f"event {MERGED} was merged into {SHOWCASE}; change that one")
    assert client.patch(f"/api/v1/events/{DELETED}", headers=writer, json={"title": "x"}).status_code == 410
    assert client.delete(f"/api/v1/events/{DELETED}", headers=writer).status_code == 410
    assert client.patch("/api/v1/events/ev_nothing", headers=writer, json={"title": "x"}).status_code == 404
    assert client.post(f"{EVENT}/merge", headers=writer, json={"into": SHOWCASE}).status_code == 422


def test_review_state_filters_lists(client, small, writer):
    client.patch(EVENT, headers=writer, json={"review_state": "rejected"})
    client.patch("/api/v1/events/ev_0000000000000003", headers=writer, json={"review_state": "confirmed"})
    ids = lambda query: [e["id"] for e in client.get(f"/api/v1/events?{query}").get_json()["items"]]  # noqa: E731
    assert ids("review_state=rejected") == [SHOWCASE]
    assert ids("review_state=confirmed,rejected&sort=-date") == [SHOWCASE, "ev_0000000000000003"]
    assert len(ids("review_state=auto&limit=500")) == len(live_events(client)) - 2
    assert client.get("/api/v1/events?review_state=maybe").status_code == 422


# --- merge, split, delete, undo -------------------------------------------------------------

def test_merge_moves_mentions_and_the_old_id_redirects(client, small, writer):
    absorbed = "ev_0000000000000003"
    before = client.get(f"/api/v1/events/{absorbed}").get_json()
    response = client.post(f"/api/v1/events/{absorbed}/merge", headers=writer, json={"into": SHOWCASE})
    assert response.status_code == 200
    assert response.headers["Location"].endswith(EVENT)
    body = response.get_json()
    assert quotes(body) == [(1, 10, "伊朗和美国6日将在马斯喀特谈判"), (2, 0, "伊美将于6日在阿曼首都马斯喀特举行核问题谈判"),
                            (6, 0, "据报道声明3。")]
    assert [(a["id"], a["role"]) for a in body["actors"]] == [
        ("iran", "agent"), ("ukraine", "counterpart"), ("usa", "counterpart"), ("trump", "subject")]
    assert [t["slug"] for t in body["topics"]] == ["iran-nuclear", "trade"]
    assert body["merged_from"] == [absorbed, MERGED]
    redirect = client.get(f"/api/v1/events/{absorbed}")
    assert (redirect.status_code, redirect.headers["Location"]) == (301, EVENT)
    assert absorbed not in live_events(client)
    [entry] = history(client, absorbed)
    assert (entry["action"], entry["event"], entry["other_event"]) == ("merge", absorbed, SHOWCASE)
    assert (entry["changes"]["actors"], entry["changes"]["topics"], entry["changes"]["place"]) == (
        [["ukraine", "counterpart"]], ["trade"], None)
    assert history(client, SHOWCASE) == [entry]

    undone = client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer)
    assert undone.status_code == 201
    assert (undone.get_json()["action"], undone.get_json()["undo_of"]) == ("undo", entry["id"])
    restored = client.get(f"/api/v1/events/{absorbed}").get_json()
    assert quotes(restored) == quotes(before)
    showcase = client.get(EVENT).get_json()
    assert [(a["id"], a["role"]) for a in showcase["actors"]] == [
        ("iran", "agent"), ("usa", "counterpart"), ("trump", "subject")]
    assert [t["slug"] for t in showcase["topics"]] == ["iran-nuclear"]
    again = client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer)
    assert (again.status_code, again.get_json()["detail"]) == (
        409, f"audit entry {entry['id']} was undone already (by entry {undone.get_json()['id']})")


def test_split_moves_chosen_mentions_to_a_new_event_and_undo_merges_it_back(client, small, writer):
    response = client.post(f"{EVENT}/split", headers=writer, json={"mentions": [{"article": 1, "start": 10}]})
    assert response.status_code == 201
    new = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/events/{new['id']}")
    assert new["id"] != SHOWCASE
    assert quotes(new) == [(1, 10, "伊朗和美国6日将在马斯喀特谈判")]
    assert (new["type"], new["title"], new["start"], new["status"], new["place"]["id"]) == (
        "talks", "伊美在马斯喀特举行核问题谈判", "2026-02-06", "planned", "muscat")
    assert [a["id"] for a in new["actors"]] == ["iran", "usa", "trump"]
    assert quotes(client.get(EVENT).get_json()) == [(2, 0, "伊美将于6日在阿曼首都马斯喀特举行核问题谈判")]
    assert {SHOWCASE, new["id"]} <= set(live_events(client))
    [entry] = history(client, new["id"])
    assert (entry["action"], entry["event"], entry["other_event"]) == ("split", SHOWCASE, new["id"])

    assert client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer).status_code == 201
    assert client.get(f"/api/v1/events/{new['id']}").headers["Location"].endswith(EVENT)
    assert quotes(client.get(EVENT).get_json()) == [(1, 10, "伊朗和美国6日将在马斯喀特谈判"),
                                                    (2, 0, "伊美将于6日在阿曼首都马斯喀特举行核问题谈判")]


@pytest.mark.parametrize("mentions, detail", [
    ([{"article": 3, "start": 0}], f"not mentions of {SHOWCASE}: 3:0"),
    ([{"article": 1, "start": 10}, {"article": 2, "start": 0}], "leave at least one mention with the original event"),
    ([], "Shorter than minimum length 1."),
])
def test_bad_splits_are_422(client, small, writer, mentions, detail):
    response = client.post(f"{EVENT}/split", headers=writer, json={"mentions": mentions})
    assert (response.status_code, response.get_json()["errors"][0]["detail"]) == (422, detail)


def test_delete_leaves_a_tombstone_and_undo_restores_it(client, small, writer):
    response = client.delete(EVENT, headers=writer)
    assert (response.status_code, response.get_data()) == (204, b"")
    gone = client.get(EVENT)
    assert (gone.status_code, gone.get_json()["detail"]) == (410, f"event {SHOWCASE} was deleted")
    assert SHOWCASE not in live_events(client)
    [entry] = history(client, SHOWCASE)
    assert client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer).status_code == 201
    assert client.get(EVENT).status_code == 200
    assert SHOWCASE in live_events(client)


def test_undoing_an_edit_restores_old_values_unless_changed_again(client, small, writer):
    client.patch(EVENT, headers=writer, json={"title": "改一", "status": "occurred"})
    client.patch(EVENT, headers=writer, json={"title": "改二"})
    first, second = history(client, SHOWCASE)
    refused = client.post(f"/api/v1/audit/{first['id']}/undo", headers=writer)
    assert (refused.status_code, refused.get_json()["detail"]) == (
        409, f"title of {SHOWCASE} changed again since entry {first['id']}")
    assert client.post(f"/api/v1/audit/{second['id']}/undo", headers=writer).status_code == 201
    assert client.post(f"/api/v1/audit/{first['id']}/undo", headers=writer).status_code == 201
    body = client.get(EVENT).get_json()
    assert (body["title"], body["status"]) == ("伊美在马斯喀特举行核问题谈判", "planned")
    assert client.post("/api/v1/audit/999/undo", headers=writer).status_code == 404
    log = client.get("/api/v1/audit?limit=2").get_json()
    assert [e["action"] for e in log["items"]] == ["edit", "edit"]
    assert [e["action"] for e in client.get(log["next_url"]).get_json()["items"]] == ["undo", "undo"]


# --- actors --------------------------------------------------------------------------------------

def test_actor_merge_moves_links_and_aliases_and_the_slug_keeps_working(app, client, small, writer):
    putin_events = {e["id"] for e in client.get("/api/v1/actors/putin/events").get_json()["items"]}
    trump_events = {e["id"] for e in client.get("/api/v1/actors/trump/events").get_json()["items"]}
    response = client.post("/api/v1/actors/putin/merge", headers=writer, json={"into": "trump"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "trump"
    assert body["aliases"] == sorted({"特朗普", "Donald Trump", "川普", "Trump", "普京", "Vladimir Putin", "普丁", "putin"})
    assert body["event_count"] == len(putin_events | trump_events)
    assert {e["id"] for e in client.get("/api/v1/events?actor=普丁&limit=500").get_json()["items"]} == \
        putin_events | trump_events
    assert client.get("/api/v1/actors/putin").get_json()["id"] == "trump"
    for event_id in putin_events:
        actors = [a["id"] for a in client.get(f"/api/v1/events/{event_id}").get_json()["actors"]]
        assert "trump" in actors and "putin" not in actors
    entry = client.get("/api/v1/audit").get_json()["items"][-1]
    assert (entry["action"], entry["actor"], entry["changes"]["absorbed"]["slug"]) == ("actor_merge", "trump", "putin")
    assert client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer).status_code == 409


def test_aliases_are_added_and_removed(client, small, writer):
    added = client.post("/api/v1/actors/putin/aliases", headers=writer, json={"alias": "普大帝"})
    assert added.status_code == 201 and "普大帝" in added.get_json()["aliases"]
    assert client.get("/api/v1/events?actor=普大帝").status_code == 200
    assert client.post("/api/v1/actors/putin/aliases", headers=writer, json={"alias": "普大帝"}).status_code == 409
    removed = client.delete("/api/v1/actors/putin/aliases/普丁", headers=writer)
    assert removed.status_code == 200 and "普丁" not in removed.get_json()["aliases"]
    assert client.get("/api/v1/events?actor=普丁").get_json()["errors"][0]["detail"] == "no actor named '普丁'"
    assert client.delete("/api/v1/actors/putin/aliases/普丁", headers=writer).status_code == 404
    entry = client.get("/api/v1/audit").get_json()["items"][-1]
    assert (entry["action"], entry["changes"]) == ("alias_remove", {"alias": "普丁"})
    assert client.post(f"/api/v1/audit/{entry['id']}/undo", headers=writer).status_code == 201
    assert client.get("/api/v1/events?actor=普丁").status_code == 200


def test_every_step_bumps_the_row_version(app, client, small, writer):
    def version() -> int:
        with get_db(app).session() as session:
            return session.scalar(select(Event.row_version).where(Event.public_id == SHOWCASE))

    steps = [lambda: client.patch(EVENT, headers=writer, json={"topics": ["trade"]}),
             lambda: client.post("/api/v1/events/ev_0000000000000003/merge", headers=writer, json={"into": SHOWCASE}),
             lambda: client.post(f"{EVENT}/split", headers=writer, json={"mentions": [{"article": 6, "start": 0}]}),
             lambda: client.delete(EVENT, headers=writer)]
    for step in steps:
        before = version()
        assert step().status_code in (200, 201, 204)
        assert version() > before
    with get_db(app).session() as session:
        assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
            "edit", "merge", "split", "delete"]


# --- ingest respects curation ------------------------------------------------------------------

S1, S2 = "伊朗和美国6日在马斯喀特举行会谈。", "伊朗、美国和阿曼代表6日会谈。"


def _ingest(app, name: str, sentence: str, spec: Spec) -> None:
    with get_db(app).session() as session:
        ingest_document(session, read_text(f"{name}\n\n{sentence}", f"{name}.txt"), extractor(spec))


def test_a_later_report_never_overwrites_what_people_set(app):
    _ingest(app, "first", S1, Spec((S1,), status="planned"))
    with get_db(app).session() as session:
        event = session.scalar(select(Event))
        curation.edit_event(session, event, curation.EventPatch(
            status="postponed", actors=[("irn", "agent"), ("usa", "counterpart")]), "editor")
    _ingest(app, "second", S2, Spec((S2,), status="occurred", actors=("IRN", "USA", "OMN")))
    with get_db(app).session() as session:
        [event] = session.scalars(select(Event)).all()
        assert (event.status, sorted(m.quote for m in event.mentions)) == ("postponed", sorted([S1, S2]))
        assert sorted((link.actor.slug, link.role) for link in event.actor_links) == [
            ("irn", "agent"), ("usa", "counterpart")]


def test_ingest_links_the_survivor_of_a_merged_actor(app):
    _ingest(app, "first", S1, Spec((S1,)))
    with get_db(app).session() as session:
        usa, iran = (session.scalar(select(Actor).where(Actor.slug == slug)) for slug in ("usa", "irn"))
        curation.merge_actors(session, usa, iran, "editor")
    _ingest(app, "second", S2, Spec((S2,), start=dt.date(2026, 3, 1), actors=("USA", "OMN")))
    with get_db(app).session() as session:
        assert sorted(session.scalars(select(Actor.slug))) == ["irn", "omn"]
        later = session.scalar(select(Event).where(Event.start_min == dt.date(2026, 3, 1)))
        assert sorted(link.actor.slug for link in later.actor_links) == ["irn", "omn"]


# --- the CLI --------------------------------------------------------------------------------------

def cli(app, *args: str):
    return CliRunner().invoke(main, list(args), env={"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"]})


def test_the_cli_curates_like_the_api(app, small):
    edited = cli(app, "event", "edit", SHOWCASE, "--title", "命令行改", "--actor", "iran:agent", "--as", "ops")
    assert (edited.exit_code, edited.stderr) == (0, f"{SHOWCASE}: title, actors changed (audit entry 1)\n")
    assert cli(app, "event", "edit", SHOWCASE, "--title", "命令行改").stderr == "nothing to change\n"
    bad = cli(app, "event", "edit", SHOWCASE, "--status", "maybe")
    assert (bad.exit_code, bad.stderr.splitlines()[-1]) == (
        1, "Error: status: must be one of occurred, ongoing, planned, cancelled, postponed")
    assert cli(app, "event", "edit", "ev_nope", "--title", "x").stderr == "Error: no event ev_nope\n"
    split = cli(app, "event", "split", SHOWCASE, "--mention", "1:10", "--as", "ops")
    new = split.stdout.strip()
    assert split.stderr == f"1 mentions of {SHOWCASE} moved to {new} (audit entry 2)\n"
    merged = cli(app, "event", "merge", new, "--into", SHOWCASE, "--as", "ops")
    assert merged.stderr == f"{new} merged into {SHOWCASE}, 1 mentions moved (audit entry 3)\n"
    assert cli(app, "event", "delete", "ev_0000000000000003", "--as", "ops").stderr == \
        "ev_0000000000000003 deleted (audit entry 4)\n"
    assert cli(app, "undo", "4", "--as", "ops").stderr == "delete of entry 4 undone (audit entry 5)\n"
    assert cli(app, "undo", "4").stderr == "Error: audit entry 4 was undone already (by entry 5)\n"
    history = cli(app, "event", "history", SHOWCASE).stdout.splitlines()
    assert [line.split("\t")[0:1] + line.split("\t")[2:4] for line in history] == [
        ["1", "ops", "edit"], ["2", "ops", "split"], ["3", "ops", "merge"]]
    assert history[0].split("\t")[4] == json.dumps({
        "actors": {"new": [["iran", "agent"]], "old": [["iran", "agent"], ["trump", "subject"], ["usa", "counterpart"]]},
        "title": {"new": "命令行改", "old": "伊美在马斯喀特举行核问题谈判"}}, ensure_ascii=False, sort_keys=True)
    assert cli(app, "actor", "alias", "add", "putin", "普大帝", "--as", "ops").stderr == \
        "'普大帝' added to putin (audit entry 6)\n"
    assert cli(app, "actor", "alias", "remove", "putin", "普大帝", "--as", "ops").stderr == \
        "'普大帝' removed from putin (audit entry 7)\n"
    merged_actor = cli(app, "actor", "merge", "putin", "--into", "russia", "--as", "ops")
    assert merged_actor.stderr.startswith("putin merged into russia, ")
    assert cli(app, "event", "edit", SHOWCASE, "--review-state", "rejected").exit_code == 0
    assert cli(app, "events", "--review-state", "rejected").stdout.split("\t")[0] == SHOWCASE
    changes = cli(app, "changes", "--since", "0", "--limit", "1")
    assert changes.stderr == "next: 1 (more)\n"
    assert json.loads(changes.stdout)["seq"] == 1


def test_undoing_a_merge_whose_mentions_moved_on_is_a_conflict(client, small, writer):
    absorbed = "ev_0000000000000003"
    client.post(f"/api/v1/events/{absorbed}/merge", headers=writer, json={"into": SHOWCASE})
    merge = history(client, absorbed)[0]
    client.post(f"{EVENT}/split", headers=writer, json={"mentions": [{"article": 6, "start": 0}]})
    refused = client.post(f"/api/v1/audit/{merge['id']}/undo", headers=writer)
    assert (refused.status_code, refused.get_json()["detail"]) == (
        409, f"the mentions {absorbed} gave {SHOWCASE} have moved on since")
    assert client.get(f"/api/v1/events/{absorbed}").status_code == 301
