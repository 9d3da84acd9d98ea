"""Timeline renderers (TimelineJS3, vis-timeline) and the streamed exports."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from fixtures_api import SHOWCASE, api_app, client, dataset  # noqa: F401
from test_api_events import FILTERS, expected, walk
from timeline.api.timelines import timelinejs_date


def test_timelinejs_dates_leave_out_finer_parts():
    day = dt.date(2025, 2, 6)
    assert timelinejs_date(day, "day") == {"year": "2025", "month": "2", "day": "6"}
    assert timelinejs_date(day, "week") == {"year": "2025", "month": "2", "day": "6"}
    assert timelinejs_date(day, "month") == {"year": "2025", "month": "2"}
    assert timelinejs_date(day, "season") == {"year": "2025", "month": "2"}
    assert timelinejs_date(day, "year") == {"year": "2025"}


def test_timelinejs_event(client):
    body = client.get(f"/api/v1/timelines/timelinejs?q=核问题&from=2026-02-06&to=2026-02-06").get_json()
    assert body == {"events": [{
        "unique_id": SHOWCASE, "start_date": {"year": "2026", "month": "2", "day": "6"}, "display_date": "2026-02-06",
        "text": {"headline": "伊美在马斯喀特举行核问题谈判", "text": "<p>会谈/谈判 · 伊朗、特朗普、美国 · 马斯喀特</p>"},
        "group": "talks"}]}


@pytest.mark.parametrize("precision, start, end", [
    ("week", {"year", "month", "day"}, {"year", "month", "day"}),
    ("season", {"year", "month"}, {"year", "month"}),
    ("year", {"year"}, None),
])
def test_timelinejs_spans(client, dataset, precision, start, end):
    events = client.get(f"/api/v1/timelines/timelinejs?precision={precision}&limit=500").get_json()["events"]
    rows = {r.public_id: r for r in dataset.live() if r.precision == precision}
    assert [e["unique_id"] for e in events] == expected(dataset, lambda r: r.precision == precision, "date")
    for item in events:
        row = rows[item["unique_id"]]
        assert set(item["start_date"]) == start
        assert int(item["start_date"]["year"]) == row.start_min.year
        assert (set(item["end_date"]) if "end_date" in item else None) == end


def test_timelines_page_through_the_link_header(client, dataset):
    ids, url = [], "/api/v1/timelines/vis?limit=40&actor=putin"
    while url:
        response = client.get(url)
        ids += [item["id"] for item in response.get_json()["items"]]
        link = response.headers.get("Link")
        url = link[1:link.index(">")] if link else None
    assert ids == expected(dataset, lambda r: "putin" in r.actors, "date")


def test_vis_items_cover_the_span(client, dataset):
    body = client.get("/api/v1/timelines/vis?actor=zelensky&limit=500").get_json()
    rows = {r.public_id: r for r in dataset.live()}
    for item in body["items"]:
        row = rows[item["id"]]
        assert item["start"] == row.start_min.isoformat()
        assert item["end"] == (row.end_max + dt.timedelta(days=1)).isoformat()
        assert item["type"] == "range" and item["group"] == row.type
        assert item["className"] == f"status-{row.status} precision-{row.precision}"
    assert {g["id"] for g in body["groups"]} == {item["group"] for item in body["items"]}


def set_title(app, event_id: int, title: str) -> str:
    """Change a title in place, leaving updated_at as it was; returns the old title."""
    from sqlalchemy import select, update

    from timeline import get_db
    from timeline.models import Event

    with get_db(app).session() as session:
        old, updated = session.execute(select(Event.title, Event.updated_at).where(Event.id == event_id)).one()
        session.execute(update(Event).where(Event.id == event_id).values(title=title, updated_at=updated))
    return old


def test_renderers_escape_html(api_app, client):
    original = set_title(api_app, 1, '<img src=x onerror="alert(1)">&')
    try:
        vis = client.get("/api/v1/timelines/vis?q=onerror").get_json()["items"][0]
        tl = client.get("/api/v1/timelines/timelinejs?q=onerror").get_json()["events"][0]
        escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;"
        assert vis["content"] == escaped and tl["text"]["headline"] == escaped
    finally:
        set_title(api_app, 1, original)


def streamed(client, url: str):
    """A streamed response, read and closed (closing ends its request context)."""
    response = client.get(url)
    assert response.is_streamed
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize("name", ["none", "actor slug", "range within", "text"])
def test_ndjson_export_is_every_matching_event(client, dataset, name):
    query, predicate = FILTERS[name]
    response = streamed(client, f"/api/v1/events.ndjson?{query}&sort=-date")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [line["id"] for line in lines] == expected(dataset, predicate, "-date")
    listed = walk(client, f"/api/v1/events?{query}&sort=-date&limit=500")
    assert [line["id"] for line in lines] == listed


def test_ndjson_lines_equal_list_items(client):
    line = json.loads(streamed(client, "/api/v1/events.ndjson?q=核问题&from=2026-02-06&to=2026-02-06").get_data())
    assert line == client.get("/api/v1/events?q=核问题&from=2026-02-06&to=2026-02-06").get_json()["items"][0]


def test_csv_export(client, dataset):
    response = streamed(client, "/api/v1/events.csv?actor=trump")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="events.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["id"] for r in rows] == expected(dataset, lambda r: "trump" in r.actors, "date")
    showcase = next(r for r in rows if r["id"] == SHOWCASE)
    assert showcase == {
        "id": SHOWCASE, "type": "talks", "title": "伊美在马斯喀特举行核问题谈判", "start": "2026-02-06",
        "end": "2026-02-06", "precision": "day", "start_min": "2026-02-06", "end_max": "2026-02-06",
        "status": "planned", "date_source": "explicit", "date_text": "6日", "place": "muscat", "place_country": "OMN",
        "actors": "iran:agent;trump:subject;usa:counterpart", "topics": "iran-nuclear", "confidence": "0.9",
        "review_state": "auto", "updated_at": "2026-02-05T08:30:00+00:00"}


def test_export_errors_come_before_the_stream(client):
    response = client.get("/api/v1/events.csv?actor=nobody")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"detail": "no actor named 'nobody'", "parameter": "actor"}]
    assert client.get("/api/v1/events.ndjson?limit=5").status_code == 422
