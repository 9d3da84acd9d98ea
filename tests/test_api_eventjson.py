"""Event pages and histograms written straight to JSON equal what the schema would dump,
member for member and in the same order, on every fixture event."""
from __future__ import annotations

import json

from fixtures_api import api_app, dataset  # noqa: F401
from timeline import get_db, queries
from timeline.api.common import page_body
from timeline.api.eventjson import event_page_body
from timeline.queries import EventFilters
from timeline.schemas import EventPageSchema


def test_fast_page_bodies_equal_the_schema_dump(api_app, dataset):
    cursor, seen = None, 0
    with api_app.test_request_context("/api/v1/events?limit=40&count=true"):
        session = get_db(api_app).scoped()
        while True:
            page = queries.event_page(session, EventFilters(), cursor=cursor, limit=40, count_cap=10000)
            fast = event_page_body(page)
            slow = EventPageSchema().dump(page_body(page))
            assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)
            seen += len(page.items)
            cursor = page.next_cursor
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
