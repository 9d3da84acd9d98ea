"""Event pages written to JSON by the database, and histograms written straight
to JSON, equal what the schema would dump, member for member and in the same
order, on every fixture event (on both databases)."""
from __future__ import annotations

import json

from fixtures_api import api_app, dataset  # noqa: F401
from timeline import get_db, queries
from timeline.api.common import page_body
from timeline.api.eventjson import event_page_text, item_json
from timeline.queries import EventFilters
from timeline.schemas import EventPageSchema


def test_database_page_bodies_equal_the_schema_dump(api_app, dataset):
    cursor, seen = None, 0
    with api_app.test_request_context("/api/v1/events?limit=40&count=true"):
        session = get_db(api_app).scoped()
        while True:
            rows = queries.event_page(session, EventFilters(), cursor=cursor, limit=40, count_cap=10000)
            texts = queries.event_page(session, EventFilters(), cursor=cursor, limit=40, count_cap=10000,
                                       item=item_json)
            text = event_page_text(texts)
            assert text.startswith('{"next":') and '"items":[' in text  # compact, as Flask writes the others
            fast = json.loads(text)
            slow = EventPageSchema().dump(page_body(rows))
            assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)
            assert texts.next_cursor == rows.next_cursor
            seen += len(rows.items)
            cursor = rows.next_cursor
            if cursor is None:
                break
    assert seen == len(dataset.live())


def test_histogram_body_equals_the_schema_dump(api_app):
    from timeline.api.stats import histogram_body
    from timeline.schemas import HistogramSchema

    with api_app.app_context():
        session = get_db(api_app).scoped()
        for interval in ("year", "month", "week", "day"):
            buckets = queries.histogram(session, EventFilters(), interval)
            assert len(buckets) > 1
            body = histogram_body(interval, buckets)
            dumped = HistogramSchema().dump({"interval": interval, "buckets": buckets})
            assert json.dumps(body, ensure_ascii=False) == json.dumps(dumped, ensure_ascii=False)


def test_database_timestamps_and_bounds_match_python(api_app, dataset):
    """A fraction of a second is written as isoformat writes it (and left out
    when zero); a season shows its months, a year its year."""
    import datetime as dt

    from sqlalchemy import update

    from timeline.models import Event

    utc = dt.timezone.utc
    with api_app.test_request_context("/api/v1/events"):
        session = get_db(api_app).scoped()
        ids = [row.id for row in dataset.live()][:3]
        values = [(dt.datetime(2027, 3, 1, 12, 0, 0, 123456, tzinfo=utc), dt.date(2024, 4, 1), dt.date(2024, 6, 30),
                   "season"),
                  (dt.datetime(2027, 3, 1, 12, 0, 0, 500, tzinfo=utc), dt.date(987, 1, 1), dt.date(987, 12, 31),
                   "year"),
                  (dt.datetime(2027, 3, 1, 23, 59, 59, tzinfo=utc), dt.date(2024, 2, 26), dt.date(2024, 3, 3), "week")]
        try:
            for event_id, (stamp, start, end, precision) in zip(ids, values):
                session.execute(update(Event).where(Event.id == event_id).values(
                    updated_at=stamp, start_min=start, end_max=end, precision=precision))
            filters = EventFilters(precision=["season", "year", "week"])
            rows = queries.event_page(session, filters, sort="-updated", limit=3)
            texts = queries.event_page(session, filters, sort="-updated", limit=3, item=item_json)
            fast = json.loads(event_page_text(texts))["items"]
            slow = EventPageSchema().dump(page_body(rows))["items"]
            assert fast == slow
            by_id = {item["updated_at"]: (item["start"], item["end"]) for item in fast}
            assert by_id["2027-03-01T12:00:00.123456+00:00"] == ("2024-04", "2024-06")
            assert by_id["2027-03-01T12:00:00.000500+00:00"] == ("0987", "0987")
            assert by_id["2027-03-01T23:59:59+00:00"] == ("2024-02-26", "2024-03-03")
        finally:
            session.rollback()
