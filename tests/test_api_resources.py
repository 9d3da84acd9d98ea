"""Event detail, actors, topics, locations and articles; errors and HTTP headers."""
from __future__ import annotations

from collections import Counter

import pytest

from fixtures_api import ACTORS, PLACES, SHOWCASE, TOPICS, api_app, client, dataset  # noqa: F401
from test_api_events import expected, walk

ACTOR = {a[0]: dict(zip(("slug", "kind", "name", "name_en", "code", "country", "aliases"), a)) for a in ACTORS}


def problem(status: int, title: str, instance: str, detail: str) -> dict:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": instance}


# --- event detail ----------------------------------------------------------------------

def test_event_detail_body(client):
    response = client.get(f"/api/v1/events/{SHOWCASE}")
    assert response.status_code == 200
    body = response.get_json()
    listed = client.get("/api/v1/events?from=2026-02-06&to=2026-02-06&q=核问题").get_json()["items"][0]
    assert body == {**listed, "speech": None, "mentions": [
        {"quote": "伊朗和美国6日将在马斯喀特谈判", "start": 10, "end": 25, "date_text": "6日",
         "article": {"id": 1, "title": "文章1", "outlet": "新华社", "url": "https://example.org/1",
                     "published": "2025-02-01"}},
        {"quote": "伊美将于6日在阿曼首都马斯喀特举行核问题谈判", "start": 0, "end": 22, "date_text": "6日",
         "article": {"id": 2, "title": "文章2", "outlet": "德国之声", "url": "https://example.org/2",
                     "published": "2025-02-02"}},
    ], "merged_into": None, "merged_from": ["ev_00000000merged01"]}
    assert list(body)[:3] == ["id", "type", "title"]


def test_merged_event_redirects_to_its_survivor(client):
    response = client.get("/api/v1/events/ev_00000000merged01")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/api/v1/events/{SHOWCASE}"
    assert client.get("/api/v1/events/ev_00000000merged01", follow_redirects=True).get_json()["id"] == SHOWCASE


@pytest.mark.parametrize("url, status, title, detail", [
    ("/api/v1/events/ev_nothing", 404, "Not Found", "no event ev_nothing"),
    ("/api/v1/events/ev_00000000deleted1", 410, "Gone", "event ev_00000000deleted1 was deleted"),
    ("/api/v1/actors/nobody", 404, "Not Found", "no actor nobody"),
    ("/api/v1/actors/nobody/events", 404, "Not Found", "no actor nobody"),
    ("/api/v1/topics/nothing", 404, "Not Found", "no topic nothing"),
    ("/api/v1/articles/999", 404, "Not Found", "no article 999"),
    ("/api/v1/articles/99999999999", 404, "Not Found", "no article 99999999999"),
    ("/api/v1/actors/99999999999", 404, "Not Found", "no actor 99999999999"),
    ("/api/v1/nowhere", 404, "Not Found", "The requested URL was not found on the server. If you entered the URL "
                                          "manually please check your spelling and try again."),
])
def test_unknown_ids_are_problems(client, url, status, title, detail):
    response = client.get(url)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert response.get_json() == problem(status, title, url.split("?")[0], detail)
    assert response.headers["Cache-Control"] == "no-store"


def test_wrong_method_is_405_problem(client):
    response = client.delete("/api/v1/events")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.get_json() == problem(405, "Method Not Allowed", "/api/v1/events",
                                          "The method is not allowed for the requested URL.")


def test_detail_takes_no_query_parameters(client):
    response = client.get(f"/api/v1/events/{SHOWCASE}?limit=1")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"detail": "Unknown field.", "parameter": "limit"}]


# --- headers -------------------------------------------------------------------------------

def test_etag_and_304(client):
    first = client.get("/api/v1/events?limit=3")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get("/api/v1/events?limit=3", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get("/api/v1/events?limit=4", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    detail = client.get(f"/api/v1/events/{SHOWCASE}")
    assert client.get(f"/api/v1/events/{SHOWCASE}",
                      headers={"If-None-Match": detail.headers["ETag"]}).status_code == 304


def test_cors(client):
    response = client.get("/api/v1/events?limit=1", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "ETag, Link, Location"
    preflight = client.options("/api/v1/events", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
    assert preflight.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type, If-Match, If-None-Match"


# --- actors -----------------------------------------------------------------------------------

def actor_events(dataset, slug):
    return [r for r in dataset.live() if slug in r.actors]


def test_actor_list_walks_every_actor_by_slug(client, dataset):
    assert walk(client, "/api/v1/actors?limit=3") == sorted(ACTOR)
    items = client.get("/api/v1/actors?limit=500").get_json()["items"]
    assert {a["id"]: a["event_count"] for a in items} == {s: len(actor_events(dataset, s)) for s in ACTOR}


@pytest.mark.parametrize("query, slugs", [
    ("q=泽", ["zelensky"]), ("q=澤倫", ["zelensky"]), ("q=vlad", ["putin"]), ("q=u", ["ukraine", "un", "usa"]),
    ("q=美", ["usa"]), ("q=tr", ["trump"]), ("q=川", ["trump"]), ("kind=person", ["putin", "trump", "zelensky"]),
    ("kind=country,organization&q=u", ["ukraine", "un", "usa"]), ("country=USA", ["trump", "usa"]),
])
def test_actor_search(client, query, slugs):
    assert [a["id"] for a in client.get(f"/api/v1/actors?{query}").get_json()["items"]] == slugs


def test_actor_detail_body(client, dataset):
    rows = actor_events(dataset, "trump")
    shared = Counter(other for r in rows for other in r.actors if other != "trump")
    top = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:10]
    body = client.get("/api/v1/actors/trump").get_json()
    assert body == {
        "id": "trump", "numeric_id": 5, "name": "特朗普", "name_en": "Donald Trump", "kind": "person",
        "code": None, "country": "USA", "aliases": ["Donald Trump", "Trump", "川普", "特朗普"],
        "event_count": len(rows),
        "first_date": min(r.start_min for r in rows).isoformat(),
        "last_date": max(r.end_max for r in rows).isoformat(),
        "roles": dict(Counter(r.actors["trump"] for r in rows)),
        "counterparts": [{"id": slug, "name": ACTOR[slug]["name"], "name_en": ACTOR[slug]["name_en"],
                          "kind": ACTOR[slug]["kind"], "events": n} for slug, n in top],
    }
    assert client.get("/api/v1/actors/5").get_json() == body
    assert client.get("/api/v1/actors/川普").get_json() == body  # any alias that names only it
    assert client.get("/api/v1/actors/%E6%BE%A4%E5%80%AB%E6%96%AF%E5%9F%BA").get_json()["id"] == "zelensky"


@pytest.mark.parametrize("query", ["", "&from=2025&sort=-date", "&actor=putin&topic=trade"])
def test_actor_events_take_the_event_filters(client, dataset, query):
    got = walk(client, f"/api/v1/actors/trump/events?limit=7{query}")
    assert got == walk(client, f"/api/v1/events?actor_all=trump&limit=50{query}")
    if not query:
        assert got == expected(dataset, lambda r: "trump" in r.actors, "date")


# --- topics and locations ---------------------------------------------------------------------

def test_topics(client, dataset):
    items = client.get("/api/v1/topics").get_json()["items"]
    assert items == [{"slug": slug, "name": name, "name_en": name_en,
                      "event_count": sum(slug in r.topics for r in dataset.live())}
                     for slug, name, name_en in sorted(TOPICS)]
    assert walk(client, "/api/v1/topics?limit=1", key="slug") == sorted(t[0] for t in TOPICS)


def test_topic_detail_and_events(client, dataset):
    rows = [r for r in dataset.live() if "trade" in r.topics]
    assert client.get("/api/v1/topics/trade").get_json() == {
        "slug": "trade", "name": "贸易与关税", "name_en": "Trade and tariffs", "event_count": len(rows),
        "first_date": min(r.start_min for r in rows).isoformat(),
        "last_date": max(r.end_max for r in rows).isoformat()}
    assert walk(client, "/api/v1/topics/trade/events?limit=11&sort=-updated") == \
        expected(dataset, lambda r: "trade" in r.topics, "-updated")


@pytest.mark.parametrize("query, slugs", [
    ("", ["geneva", "kyiv", "muscat", "tehran"]), ("q=基輔", ["kyiv"]), ("q=mus", ["muscat"]),
    ("country=irn", ["tehran"]),
])
def test_locations(client, dataset, query, slugs):
    items = client.get(f"/api/v1/locations?{query}").get_json()["items"]
    assert [p["id"] for p in items] == slugs
    place = {p[0]: p for p in PLACES}
    for item in items:
        slug, name, name_en, kind, country, _aliases = place[item["id"]]
        assert item == {"id": slug, "name": name, "name_en": name_en, "country_code": country, "kind": kind,
                        "event_count": sum(r.place == slug for r in dataset.live())}


# --- articles ---------------------------------------------------------------------------------

def test_article_list_newest_first(client):
    assert [a["id"] for a in client.get("/api/v1/articles").get_json()["items"]] == [6, 5, 4, 3, 2, 1]
    pages = []
    url = "/api/v1/articles?limit=4"
    while url:
        body = client.get(url).get_json()
        pages.append([a["id"] for a in body["items"]])
        url = body["next_url"]
    assert pages == [[6, 5, 4, 3], [2, 1]]
    assert [a["id"] for a in client.get("/api/v1/articles?outlet=新华社").get_json()["items"]] == [5, 3, 1]


def test_article_detail(client, dataset):
    body = client.get("/api/v1/articles/2").get_json()
    events = body.pop("events")
    assert body == {"id": 2, "title": "文章2", "outlet": "德国之声", "url": "https://example.org/2",
                    "published": "2025-02-02", "published_at": None, "author": None, "language": "zh",
                    "format": "text", "source_name": None, "ingested_at": "2025-03-01T00:00:00+00:00",
                    "outcome": "no_events", "outcome_reason": None, "event_count": 0, "extractor_version": None,
                    "duplicate_of": None}
    first = {}
    for row in dataset.rows:
        for index, (article, _quote) in enumerate(row.quotes):
            if article == 2:
                kept = row if row.merged_into is None else next(r for r in dataset.rows if r.id == row.merged_into)
                if kept.live:
                    first[kept.public_id] = min(first.get(kept.public_id, (10 * index, kept.id)), (10 * index, kept.id))
    assert [e["id"] for e in events] == sorted(first, key=first.get)


# --- types ---------------------------------------------------------------------------------------

def test_types_are_the_taxonomy_with_counts(client, dataset):
    items = client.get("/api/v1/types").get_json()["items"]
    assert len(items) == 20
    assert items[0] == {"slug": "talks", "name": "会谈/谈判", "description": "negotiations, consultations, "
                        "working-level or ministerial meetings between parties, mediated/indirect talks",
                        "cameo": ["04"], "plover": ["CONSULT"],
                        "event_count": sum(r.type == "talks" for r in dataset.live())}
    assert [i["slug"] for i in items][-1] == "other"
    assert sum(i["event_count"] for i in items) == len(dataset.live())
