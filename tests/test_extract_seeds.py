"""End to end on the four seed articles: the events a timeline reader needs most,
asserted by type, date, status, place and parties (stable facts of the texts)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from timeline.extract.pipeline import extract
from timeline.extract.read import read_path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MANIFEST = {row["file"]: row for row in json.loads((SEEDS / "manifest.json").read_text("utf-8"))["articles"]}


def seed_events(prefix: str) -> list[dict]:
    name = next(n for n in MANIFEST if n.startswith(prefix))
    published = MANIFEST[name]["published"]
    document = read_path(SEEDS / name, published=dt.date.fromisoformat(published) if published else None)
    return [e.to_json() for e in extract(document).events]


def find(events: list[dict], type_: str, start: str) -> dict:
    matches = [e for e in events if e["type"] == type_ and e["start"] == start]
    assert len(matches) == 1, [(e["type"], e["start"], e["title"]) for e in events]
    return matches[0]


def codes(event: dict) -> set[str]:
    return {a["code"] for a in event["actors"] if a["code"]}


def people(event: dict) -> set[str]:
    return {a["name"] for a in event["actors"] if a["kind"] == "person"}


@pytest.fixture(scope="module")
def newspaper() -> list[dict]:
    return seed_events("000")


def test_newspaper_page_planned_talks_in_muscat(newspaper):
    talks = find(newspaper, "talks", "2026-02-06")
    assert (talks["precision"], talks["status"]) == ("day", "planned")
    assert talks["location"]["name"] == "马斯喀特"
    assert {"IRN", "USA"} <= codes(talks)
    assert {"阿拉格齐", "威特科夫"} <= people(talks)
    assert "iran-nuclear" in talks["topics"]
    assert "伊美将于6日在阿曼首都马斯喀特举行核问题谈判。" in " ".join(talks["evidence"])


def test_newspaper_page_treaty_expiry_and_prisoner_exchange(newspaper):
    expiry = find(newspaper, "treaty_expiry", "2026-02-05")
    assert codes(expiry) == {"USA", "RUS"}
    assert {"arms-control", "us-russia"} <= set(expiry["topics"])
    swap = find(newspaper, "prisoner_exchange", "2026-02-05")
    assert {"RUS", "UKR"} <= codes(swap)
    assert swap["topics"] == ["russia-ukraine"]


def test_newspaper_page_dates_from_each_dispatch(newspaper):
    """Each dispatch has its own dateline; anaphora and month names resolve against it."""
    assert find(newspaper, "protest", "2026-01-21")["location"]["name"] == "明尼阿波利斯"
    strikes = [e for e in newspaper if e["type"] == "military_action" and e["start"] == "2025-06"]
    assert sorted(tuple(sorted(codes(e))) for e in strikes) == [("IRN", "ISR"), ("IRN", "USA")]
    enforcement = find(newspaper, "law_enforcement", "2025-12")
    assert (enforcement["end"], enforcement["status"]) == ("2026-02", "ongoing")
    assert find(newspaper, "treaty_expiry", "2019")["precision"] == "year"


def test_front_matter_page_statements_and_planned_talks():
    events = seed_events("001")
    putin = [e for e in events if e["type"] == "statement" and "普京" in people(e)]
    assert putin and all(e["start"] == "2021-12-23" for e in putin)
    talks = find(events, "talks", "2022-01")
    assert (talks["precision"], talks["status"]) == ("month", "planned")
    exercise = find(events, "military_exercise", "2021-12-23")
    assert exercise["location"]["name"] == "克里米亚"


def test_feed_item_riyadh_talks_and_last_weeks_call():
    events = seed_events("002")
    talks = find(events, "talks", "2025-02-18")
    assert talks["location"]["name"] == "利雅得"
    assert {"USA", "RUS"} <= codes(talks)
    call = find(events, "phone_call", "2025-02-10")
    assert (call["end"], call["precision"]) == ("2025-02-16", "week")
    assert people(call) == {"特朗普", "普京"}
    visit = find(events, "visit", "2025-02-19")
    assert (visit["status"], visit["location"]["name"]) == ("planned", "乌克兰")
    assert "凯洛格" in people(visit)


def test_commentary_page_visit_range_and_tariffs():
    events = seed_events("003")
    visit = find(events, "visit", "2025-02-06")
    assert (visit["end"], visit["precision"], visit["location"]["name"]) == ("2025-02-08", "day", "美国")
    assert "石破茂" in people(visit)
    tariffs = find(events, "sanctions", "2025-02-09")
    assert "特朗普" in people(tariffs)
    assert "trade" in tariffs["topics"]
    summit = find(events, "summit", "2025-02-10")
    assert (summit["end"], summit["location"]["name"]) == ("2025-02-11", "巴黎")
