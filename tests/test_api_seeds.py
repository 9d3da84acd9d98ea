"""End to end on the seed articles: only facts that hold whatever the extractor
finds (what the articles are, and that every view of the events agrees)."""
from __future__ import annotations

import re

import pytest

from timeline.seeds import load_seeds

FORMATS = {"day": r"\d{4}-\d{2}-\d{2}", "week": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}",
           "season": r"\d{4}-\d{2}", "year": r"\d{4}"}


@pytest.fixture
def seeded(migrated_app):
    load_seeds(migrated_app)
    return migrated_app.test_client()


def all_items(client, url: str) -> list[dict]:
    items = []
    while url:
        body = client.get(url).get_json()
        items += body["items"]
        url = body["next_url"]
    return items


def test_seed_articles(seeded):
    articles = {a["published"]: a for a in all_items(seeded, "/api/v1/articles?limit=2")}
    assert sorted(articles) == ["2021-12-24", "2025-02-12", "2025-02-18", "2026-02-05"]
    assert articles["2026-02-05"]["outlet"] == "新华社"
    assert articles["2025-02-12"]["outlet"] == "新华社"
    for article in articles.values():
        detail = seeded.get(f"/api/v1/articles/{article['id']}").get_json()
        for event in detail["events"]:
            mentions = seeded.get(f"/api/v1/events/{event['id']}").get_json()["mentions"]
            assert article["id"] in {m["article"]["id"] for m in mentions}
        assert {e["id"] for e in detail["events"]} == \
            {e["id"] for e in all_items(seeded, f"/api/v1/events?article={article['id']}&limit=500")}


def test_every_view_of_the_seed_events_agrees(seeded):
    events = all_items(seeded, "/api/v1/events?limit=7")
    count = seeded.get("/api/v1/events?count=true&limit=1").get_json()["count"]
    assert len(events) == count
    assert sum(t["event_count"] for t in seeded.get("/api/v1/types").get_json()["items"]) == count
    buckets = seeded.get("/api/v1/stats/histogram?interval=year").get_json()["buckets"]
    assert sum(b["count"] for b in buckets) == count
    for event in events:
        assert re.fullmatch(FORMATS[event["precision"]], event["start"])
        assert re.fullmatch(FORMATS[event["precision"]], event["end"])
        assert event["start_min"] <= event["end_max"]
    assert [e["start_min"] for e in events] == sorted(e["start_min"] for e in events)


def test_seeding_again_changes_no_etag(migrated_app, seeded):
    first = seeded.get("/api/v1/events?limit=500").headers["ETag"]
    load_seeds(migrated_app)
    assert seeded.get("/api/v1/events?limit=500", headers={"If-None-Match": first}).status_code == 304
