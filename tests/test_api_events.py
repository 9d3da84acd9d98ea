"""GET /events: every filter and sort order, walked page by page through the
cursor and compared with an independent computation over the fixture's facts."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest

from fixtures_api import ACTORS, PLACES, SHOWCASE, Dataset, Row, api_app, client, dataset, statements  # noqa: F401

ACTOR_COUNTRY = {slug: code or country for slug, _k, _n, _e, code, country, _a in ACTORS}
PLACE_COUNTRY = {slug: country for slug, _n, _e, _k, country, _a in PLACES}
SORTS = {
    "date": (lambda r: (r.start_min, r.id), False),
    "-date": (lambda r: (r.start_min, r.id), True),
    "updated": (lambda r: (r.updated_at, r.id), False),
    "-updated": (lambda r: (r.updated_at, r.id), True),
}


def overlaps(a: str, b: str):
    start, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return lambda r: r.start_min <= end and r.end_max >= start


def in_country(code: str):
    return lambda r: any(ACTOR_COUNTRY[a] == code for a in r.actors) or PLACE_COUNTRY.get(r.place) == code


def has_words(*words: str):
    return lambda r: all(w in r.title or any(w in q for _a, q in r.quotes) for w in words)


# (query string, predicate over a Row)
FILTERS = {
    "none": ("", lambda r: True),
    "actor slug": ("actor=trump", lambda r: "trump" in r.actors),
    "actor traditional alias": ("actor=澤倫斯基", lambda r: "zelensky" in r.actors),
    "actor English name": ("actor=donald%20TRUMP", lambda r: "trump" in r.actors),
    "actor code": ("actor=IRN", lambda r: "iran" in r.actors),
    "actors any": ("actor=putin&actor=联合国", lambda r: "putin" in r.actors or "un" in r.actors),
    "actors all": ("actor_all=usa&actor_all=伊朗", lambda r: {"usa", "iran"} <= set(r.actors)),
    "topic": ("topic=iran-nuclear", lambda r: "iran-nuclear" in r.topics),
    "topics any": ("topic=trade&topic=美俄关系", lambda r: {"trade", "us-russia"} & set(r.topics)),
    "type": ("type=talks,summit", lambda r: r.type in ("talks", "summit")),
    "status": ("status=planned&status=ongoing", lambda r: r.status in ("planned", "ongoing")),
    "location alias": ("location=馬斯喀特", lambda r: r.place == "muscat"),
    "location slug": ("location=geneva&location=Kiev", lambda r: r.place in ("geneva", "kyiv")),
    "country code": ("country=UKR", in_country("UKR")),
    "country name": ("country=伊朗", in_country("IRN")),
    "article": ("article=3", lambda r: any(a == 3 for a, _q in r.quotes)),
    "text": ("q=谈判", has_words("谈判")),
    "text two words": ("q=据报道%20制裁", has_words("据报道", "制裁")),
    "range overlap": ("from=2024-03-10&to=2024-06-20", overlaps("2024-03-10", "2024-06-20")),
    "range within": ("from=2024-03-10&to=2024-06-20&within=true",
                     lambda r: r.start_min >= dt.date(2024, 3, 10) and r.end_max <= dt.date(2024, 6, 20)),
    "from year": ("from=2025", lambda r: r.end_max >= dt.date(2025, 1, 1)),
    "to month": ("to=2024-02", lambda r: r.start_min <= dt.date(2024, 2, 29)),
    "month": ("from=2024-05&to=2024-05", overlaps("2024-05-01", "2024-05-31")),
    "iso week": ("from=2024-W10&to=2024-W10", overlaps("2024-03-04", "2024-03-10")),
    "precision": ("precision=day,month", lambda r: r.precision in ("day", "month")),
    "combined": ("actor=trump&from=2024&precision=day&precision=week&status=occurred",
                 lambda r: "trump" in r.actors and r.end_max >= dt.date(2024, 1, 1)
                 and r.precision in ("day", "week") and r.status == "occurred"),
}


def expected(data: Dataset, predicate, sort: str) -> list[str]:
    key, reverse = SORTS[sort]
    return [r.public_id for r in sorted(filter(predicate, data.live()), key=key, reverse=reverse)]


def walk(client, url: str, key: str = "id") -> list[str]:
    """Every id of every page, following ``next_url`` and checking the Link header."""
    ids: list[str] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        ids += [item[key] for item in body["items"]]
        url = body["next_url"]
        assert response.headers.get("Link") == (f'<{url}>; rel="next"' if url else None)
        assert (body["next"] is None) == (url is None)
        pages += 1
        assert pages < 200
    return ids


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("name", FILTERS)
def test_walk_every_filter_and_sort(client, dataset, name, sort):
    query, predicate = FILTERS[name]
    want = expected(dataset, predicate, sort)
    got = walk(client, f"/api/v1/events?{query}&sort={sort}&limit=9")
    assert got == want
    assert len(set(got)) == len(got)


def test_small_pages_across_ties(client, dataset):
    """Pages of 2 over many same-day events lose and repeat nothing."""
    assert walk(client, "/api/v1/events?limit=2") == expected(dataset, lambda r: True, "date")


def test_default_limit_and_count(api_app, client, dataset):
    api_app.config["API_COUNT_CAP"] = 10000
    body = client.get("/api/v1/events?actor=trump&count=true").get_json()
    total = len(expected(dataset, lambda r: "trump" in r.actors, "date"))
    assert len(body["items"]) == min(50, total)
    assert (body["count"], body["count_exact"]) == (total, True)


def test_count_is_capped(api_app, client, dataset):
    api_app.config["API_COUNT_CAP"] = 100
    body = client.get("/api/v1/events?count=true&limit=1").get_json()
    assert (body["count"], body["count_exact"]) == (100, False)
    assert "count" not in client.get("/api/v1/events?limit=1").get_json()


def test_merged_and_deleted_events_are_left_out(client, dataset):
    ids = set(walk(client, "/api/v1/events?limit=500"))
    assert "ev_00000000merged01" not in ids and "ev_00000000deleted1" not in ids
    assert ids == {r.public_id for r in dataset.live()}


def test_listed_event_body(client):
    body = client.get("/api/v1/events?from=2026-02-06&to=2026-02-06&q=核问题").get_json()
    assert body == {"items": [{
        "id": SHOWCASE, "type": "talks", "title": "伊美在马斯喀特举行核问题谈判",
        "start": "2026-02-06", "end": "2026-02-06", "precision": "day",
        "start_min": "2026-02-06", "end_max": "2026-02-06", "status": "planned", "date_source": "explicit",
        "date_text": "6日",
        "place": {"id": "muscat", "name": "马斯喀特", "name_en": "Muscat", "country_code": "OMN"},
        "actors": [
            {"id": "iran", "name": "伊朗", "name_en": "Iran", "kind": "country", "code": "IRN", "country": None,
             "role": "agent"},
            {"id": "usa", "name": "美国", "name_en": "United States", "kind": "country", "code": "USA",
             "country": None, "role": "counterpart"},
            {"id": "trump", "name": "特朗普", "name_en": "Donald Trump", "kind": "person", "code": None,
             "country": "USA", "role": "subject"},
        ],
        "topics": [{"slug": "iran-nuclear", "name": "伊朗核问题", "name_en": "Iran nuclear"}],
        "confidence": 0.9, "review_state": "auto",
        "created_at": "2025-03-01T00:00:00+00:00", "updated_at": "2026-02-05T08:30:00+00:00", "row_version": 1,
    }], "next": None, "next_url": None}


@pytest.mark.parametrize("query, body", [
    ("fooo=1", {"detail": "fooo: Unknown field.", "errors": [{"detail": "Unknown field.", "parameter": "fooo"}]}),
    ("limit=501", {"detail": "limit: must be between 1 and 500",
                   "errors": [{"detail": "must be between 1 and 500", "parameter": "limit"}]}),
    ("limit=x", {"detail": "limit: Not a valid integer.",
                 "errors": [{"detail": "Not a valid integer.", "parameter": "limit"}]}),
    ("from=someday", {"detail": "from: not a date, partial date or date phrase: 'someday'",
                      "errors": [{"detail": "not a date, partial date or date phrase: 'someday'",
                                  "parameter": "from"}]}),
    ("from=2025-02-30", {"detail": "from: not a valid date: '2025-02-30'",
                         "errors": [{"detail": "not a valid date: '2025-02-30'", "parameter": "from"}]}),
    ("to=十二日战争", {"detail": "to: not a date, partial date or date phrase: '十二日战争'",
                      "errors": [{"detail": "not a date, partial date or date phrase: '十二日战争'", "parameter": "to"}]}),
    ("from=2025&to=2024", {"detail": "to: the range ends before it starts",
                           "errors": [{"detail": "the range ends before it starts", "parameter": "to"}]}),
    ("actor=nobody&actor=trump", {"detail": "actor: no actor named 'nobody'",
                                  "errors": [{"detail": "no actor named 'nobody'", "parameter": "actor"}]}),
    ("actor_all=nobody", {"detail": "actor_all: no actor named 'nobody'",
                          "errors": [{"detail": "no actor named 'nobody'", "parameter": "actor_all"}]}),
    ("topic=nothing", {"detail": "topic: no topic named 'nothing'",
                       "errors": [{"detail": "no topic named 'nothing'", "parameter": "topic"}]}),
    ("location=atlantis", {"detail": "location: no location named 'atlantis'",
                           "errors": [{"detail": "no location named 'atlantis'", "parameter": "location"}]}),
    ("country=特朗普", {"detail": "country: no country named '特朗普'",
                       "errors": [{"detail": "no country named '特朗普'", "parameter": "country"}]}),
    ("article=99999999999", {"detail": "article: Must be greater than or equal to 1 and less than or equal to "
                             "2147483647.", "errors": [{"detail": "Must be greater than or equal to 1 and less than "
                                                       "or equal to 2147483647.", "parameter": "article"}]}),
    ("article=99", {"detail": "article: no article with id 99",
                    "errors": [{"detail": "no article with id 99", "parameter": "article"}]}),
    ("status=done", {"detail": "status: Must be one of: occurred, ongoing, planned, cancelled, postponed.",
                     "errors": [{"detail": "Must be one of: occurred, ongoing, planned, cancelled, postponed.",
                                 "parameter": "status"}]}),
    ("sort=title", {"detail": "sort: Must be one of: date, -date, updated, -updated.",
                    "errors": [{"detail": "Must be one of: date, -date, updated, -updated.", "parameter": "sort"}]}),
    ("cursor=bm9wZQ", {"detail": "cursor: not a cursor this API gave out",
                       "errors": [{"detail": "not a cursor this API gave out", "parameter": "cursor"}]}),
])
def test_bad_parameters_are_422_problems(client, query, body):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Unprocessable Entity", "status": 422,
                                   "instance": "/api/v1/events", **body}


def test_cursor_of_another_sort_is_refused(client):
    cursor = client.get("/api/v1/events?limit=1").get_json()["next"]
    response = client.get(f"/api/v1/events?sort=-date&cursor={cursor}")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"detail": "this cursor belongs to sort=date, not sort=-date", "parameter": "cursor"}]


def test_phrases_are_whole_periods(client, dataset, monkeypatch):
    monkeypatch.setattr("timeline.timedates.today", lambda: dt.date(2024, 3, 13))
    for phrase, start, end in [("last week", "2024-03-04", "2024-03-10"), ("this month", "2024-03-01", "2024-03-31"),
                               ("last year", "2023-01-01", "2023-12-31"), ("last quarter", "2023-10-01", "2023-12-31"),
                               ("上周", "2024-03-04", "2024-03-10"), ("2024年2月", "2024-02-01", "2024-02-29"),
                               ("去年", "2023-01-01", "2023-12-31")]:
        got = walk(client, f"/api/v1/events?from={quote(phrase)}&to={quote(phrase)}&limit=500")
        assert got == expected(dataset, overlaps(start, end), "date"), phrase


def test_detail_costs_a_fixed_number_of_statements(client, statements):
    client.get(f"/api/v1/events/{SHOWCASE}")
    # the event joined to its place, merge target, actor and topic links; its mentions; merged-from ids
    assert len(statements) == 3


def test_list_costs_the_same_statements_whatever_the_page_size(client, statements):
    query = ("/api/v1/events?actor=trump&actor=putin&topic=iran-nuclear&topic=trade&location=geneva"
             "&location=muscat&location=kyiv&country=UKR&q=据报道&count=true&limit={}")
    client.get(query.format(3))
    cold = len(statements)
    statements.clear()
    client.get(query.format(3))
    small = len(statements)
    statements.clear()
    body = client.get(query.format(300)).get_json()
    assert len(body["items"]) > 3
    assert len(statements) == small
    # the vocabulary generation (1), the count (1), the page with its actor and topic links (1)
    assert small == 3
    assert "vocabulary_generation" in statements[0]
    # the first time also: actor names and aliases (2), topics (1), place names and aliases (2)
    assert cold == small + 5
