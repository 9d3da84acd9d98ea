"""GET /stats/histogram and /stats/facets against an independent count."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from fixtures_api import ACTORS, PLACES, TOPICS, api_app, client, dataset, statements  # noqa: F401
from test_api_events import FILTERS, in_country

ACTOR = {a[0]: a for a in ACTORS}
PLACE = {p[0]: p for p in PLACES}
TOPIC = {t[0]: t for t in TOPICS}


def bucket_of(interval: str, day: dt.date) -> dt.date:
    return {"year": lambda: day.replace(month=1, day=1), "month": lambda: day.replace(day=1),
            "week": lambda: day - dt.timedelta(days=day.weekday()), "day": lambda: day}[interval]()


def next_bucket(interval: str, start: dt.date) -> dt.date:
    if interval == "year":
        return start.replace(year=start.year + 1)
    if interval == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if interval == "week" else 1)


@pytest.mark.parametrize("interval", ["year", "month", "week", "day"])
@pytest.mark.parametrize("name", ["none", "actor slug", "range overlap", "text", "country code"])
def test_histogram(client, dataset, interval, name):
    query, predicate = FILTERS[name]
    counts = Counter(bucket_of(interval, r.start_min) for r in dataset.live() if predicate(r))
    want = []
    start = min(counts)
    while start <= max(counts):
        after = next_bucket(interval, start)
        key = {"year": f"{start.year}", "month": f"{start:%Y-%m}"}.get(interval, start.isoformat())
        want.append({"key": key, "start": start.isoformat(), "end": (after - dt.timedelta(days=1)).isoformat(),
                     "count": counts.get(start, 0)})
        start = after
    body = client.get(f"/api/v1/stats/histogram?interval={interval}&{query}").get_json()
    assert body == {"interval": interval, "buckets": want}


def test_histogram_of_nothing_is_empty(client):
    assert client.get("/api/v1/stats/histogram?from=1990&to=1990").get_json() == {"interval": "month", "buckets": []}


def ranked(counter: Counter, size: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:size]


@pytest.mark.parametrize("name", ["none", "actor slug", "range overlap", "status"])
def test_facets(client, dataset, name):
    query, predicate = FILTERS[name]
    rows = [r for r in dataset.live() if predicate(r)]
    body = client.get(f"/api/v1/stats/facets?field=actor&field=topic,location&field=country&size=5&{query}")
    facets = body.get_json()["facets"]
    assert list(facets) == ["actor", "topic", "location", "country"]
    assert facets["actor"] == [{"value": s, "name": ACTOR[s][2], "name_en": ACTOR[s][3], "count": n}
                               for s, n in ranked(Counter(a for r in rows for a in r.actors), 5)]
    assert facets["topic"] == [{"value": s, "name": TOPIC[s][1], "name_en": TOPIC[s][2], "count": n}
                               for s, n in ranked(Counter(t for r in rows for t in r.topics), 5)]
    assert facets["location"] == [{"value": s, "name": PLACE[s][1], "name_en": PLACE[s][2], "count": n}
                                  for s, n in ranked(Counter(r.place for r in rows if r.place), 5)]
    codes = {code for a in ACTORS for code in a[4:6] if code} | {p[4] for p in PLACES}
    country_counts = Counter({c: sum(in_country(c)(r) for r in rows) for c in codes})
    names = {a[4]: (a[2], a[3]) for a in ACTORS if a[4]}
    assert facets["country"] == [{"value": c, "name": names.get(c, (None, None))[0],
                                  "name_en": names.get(c, (None, None))[1], "count": n}
                                 for c, n in ranked(+country_counts, 5)]


def test_type_facet_has_labels(client, dataset):
    facets = client.get("/api/v1/stats/facets?field=type&size=3").get_json()["facets"]
    counts = ranked(Counter(r.type for r in dataset.live()), 3)
    assert [(f["value"], f["count"]) for f in facets["type"]] == counts
    assert all(f["name"] for f in facets["type"])


@pytest.mark.parametrize("query, parameter", [("interval=hour", "interval"), ("", "field"),
                                              ("field=colour", "field"), ("field=type&size=0", "size")])
def test_bad_stats_parameters(client, query, parameter):
    url = "/api/v1/stats/" + ("histogram" if "interval" in query else "facets") + f"?{query}"
    response = client.get(url)
    assert response.status_code == 422
    assert [e["parameter"] for e in response.get_json()["errors"]] == [parameter]


@pytest.mark.parametrize("query", ["actor=iran", "topic=trade&type=talks"], ids=["counted", "filtered"])
def test_facets_cost_one_statement_a_field(client, statements, query):
    url = f"/api/v1/stats/facets?field=type&field=actor&field=topic&field=country&size=5&{query}"
    first = client.get(url).get_json()
    statements.clear()
    assert client.get(url).get_json() == first
    # the vocabulary generation, then one statement per field, built once
    assert len(statements) == 5
    assert "vocabulary_generation" in statements[0]
