"""Hostile and broken input: the corpus of tests/hostile/ through the CLI and the
API on both databases, hostile strings in every parameter of every read, and
control characters anywhere in a request."""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fixtures_api import api_app, client  # noqa: F401  (fixtures)
from timeline import get_db
from timeline.auth import create_token
from timeline.cli import main
from timeline.models import ApiToken, Article, Event, Mention
from timeline.ops import check

HOSTILE = Path(__file__).resolve().parent / "hostile"
EXPECTED: dict[str, dict[str, Any]] = {k: v for k, v in json.loads((HOSTILE / "expected.json").read_text()).items()
                                       if not k.startswith("_")}
REFUSED = sorted(name for name, outcome in EXPECTED.items() if "refused" in outcome)
STORED = sorted(name for name, outcome in EXPECTED.items() if "stored" in outcome)


def test_every_corpus_file_has_an_expected_outcome():
    files = {p.name for p in HOSTILE.iterdir() if p.suffix not in (".py", ".json") and p.is_file()}
    assert files == set(EXPECTED)
    assert (len(REFUSED), len(STORED)) == (17, 14)


def assert_stored_as_expected(session, source_name: str, facts: dict[str, Any]) -> None:
    article = session.scalar(select(Article).where(Article.source_name == source_name))
    assert article is not None, source_name
    for key, value in facts.items():
        if key == "published":
            assert (article.published_date.isoformat() if article.published_date else None) == value, source_name
        elif key.endswith("_length"):
            column = key.removesuffix("_length")
            actual = getattr(article, "clean_text" if column == "text" else column)
            assert len(actual) == value, (source_name, key)
            if column != "text":
                assert actual.endswith("…")
        elif key == "text_includes":
            assert all(words in article.clean_text for words in value), source_name
        elif key == "text_excludes":
            assert not [words for words in value if words in article.clean_text], source_name
        else:
            assert getattr(article, key) == value, (source_name, key)


def assert_consistent(app) -> None:
    """Nothing half-written: every consistency check of `timeline db check` passes."""
    assert [f.line() for f in check(get_db(app)) if f.count] == []


def test_corpus_through_the_cli(app):
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "--quiet", *(str(HOSTILE / name) for name in sorted(EXPECTED))],
                           env={"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"]})
    assert result.exit_code == 1, result.output
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error: "))
    assert errors == sorted(f"error: {name}: {EXPECTED[name]['refused']}" for name in REFUSED)
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith(f"{len(EXPECTED)} files: {len(STORED)} new articles with ")
    assert summary.endswith(f", 0 near-duplicates, 0 already stored, {len(REFUSED)} failed")
    with get_db(app).session() as session:
        assert sorted(session.scalars(select(Article.source_name))) == STORED
        for name in STORED:
            assert_stored_as_expected(session, name, EXPECTED[name]["stored"])
    assert_consistent(app)


@pytest.fixture
def writer(app) -> dict[str, str]:
    with get_db(app).session() as session:
        _, secret = create_token(session, "hostile", ["write"])
    app.config["WRITE_RATE_LIMIT"] = "0"
    app.extensions.pop("timeline.rate_limiter", None)
    return {"Authorization": f"Bearer {secret}"}


def test_corpus_through_the_api(app, writer):
    client = app.test_client()
    for name in sorted(EXPECTED):
        data = (HOSTILE / name).read_bytes()
        response = client.post("/api/v1/articles", data={"file": (io.BytesIO(data), name)},
                               content_type="multipart/form-data", headers=writer)
        if name in REFUSED:
            assert response.status_code == 422, (name, response.get_json())
            assert response.content_type == "application/problem+json"
            assert response.get_json()["errors"] == [{"detail": f"{name}: {EXPECTED[name]['refused']}",
                                                      "parameter": "file"}]
        else:
            assert response.status_code == 201, (name, response.get_json())
    with get_db(app).session() as session:
        assert sorted(session.scalars(select(Article.source_name))) == STORED
        for name in STORED:
            assert_stored_as_expected(session, name, EXPECTED[name]["stored"])
        # "stored as text, never executed": the API hands the title back as the literal string
        scripts = session.scalar(select(Article.id).where(Article.source_name == "scripts.html"))
    detail = client.get(f"/api/v1/articles/{scripts}").get_json()
    assert detail["title"] == "<img src=x onerror=alert(1)>伊美谈判"
    assert_consistent(app)


def test_events_at_the_calendar_ends_read_back_everywhere(app, writer):
    """Events dated 9999-12-31 and 0001-01-05 are stored, and every read and
    renderer answers about them (date arithmetic there runs off the calendar)."""
    client = app.test_client()
    data = (HOSTILE / "dates_at_calendar_ends.md").read_bytes()
    created = client.post("/api/v1/articles", data=data, content_type="text/markdown", headers=writer)
    assert created.status_code == 201, created.get_json()
    starts = {event["start"] for event in created.get_json()["events"]}
    assert {"9999-12-31", "0001-01-05"} <= starts
    paths = ["/api/v1/events?sort=date", "/api/v1/events?sort=-date&count=true", "/api/v1/events?from=9999&to=9999",
             "/api/v1/events?from=0001-01&to=0001-01-31", "/api/v1/timelines/timelinejs", "/api/v1/timelines/vis",
             "/api/v1/events.csv", "/api/v1/events.ndjson", "/api/v1/stats/facets?field=type", "/api/v1/stats/facets?field=actor"]
    paths += ["/api/v1/stats/histogram?interval=year", "/api/v1/stats/histogram?interval=day&from=9999",
              "/api/v1/stats/histogram?interval=week&to=0001"]
    paths += [f"/api/v1/events/{event['id']}" for event in created.get_json()["events"]]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    years = client.get("/api/v1/stats/histogram?interval=year").get_json()
    assert (len(years["buckets"]), years["buckets"][-1]["end"]) == (9999, "9999-12-31")
    # by day, 0001..9999 would be millions of buckets: a 422 that says so, not a server out of memory
    days = client.get("/api/v1/stats/histogram?interval=day")
    assert days.status_code == 422
    assert days.get_json()["errors"] == [{"parameter": "interval", "detail": (
        f"{min(starts)}..9999-12-31 by day is more than 10000 buckets: use a longer interval or narrow from/to")}]


#: Strings that look like SQL, paths, markup, odd numbers and dates, for every parameter.
HOSTILE_VALUES = [
    "' OR '1'='1", "1; DROP TABLE events; --", "ev_' UNION SELECT token_hash FROM api_tokens --",
    "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "C:\\Windows\\win.ini",
    "<script>alert(1)</script>", "%00", "${jndi:ldap://x}", "¹²³", "９９", "-1", "99999999999999999999",
    "0025-01-01", "9999-12-31", "𠀀" * 300, "",
]


def _operations(spec: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(path, operation.get("parameters", [])) for path, item in spec["paths"].items()
            for method, operation in item.items() if method == "get"]


def test_hostile_strings_in_every_parameter_of_every_read(client):  # noqa: F811
    spec = client.get("/api/v1/openapi.json").get_json()
    operations = _operations(spec)
    assert len(operations) >= 18
    database = get_db(client.application)
    with database.session() as session:
        before = (session.scalar(select(func.count()).select_from(Event)),
                  session.scalar(select(func.count()).select_from(Article)),
                  session.scalar(select(func.count()).select_from(Mention)))
    tried = 0
    for template, parameters in operations:
        path_names = [p["name"] for p in parameters if p["in"] == "path"]
        query_names = [p["name"] for p in parameters if p["in"] == "query"]
        for value in HOSTILE_VALUES:
            targets = [(None, name) for name in query_names] + [(name, None) for name in path_names]
            for path_name, query_name in targets:
                path = template
                for name in path_names:
                    path = path.replace("{" + name + "}", (value or "x") if name == path_name else "1")
                query = {query_name: value} if query_name else {}
                response = client.get(path, query_string=query)
                tried += 1
                assert response.status_code < 500, (path, query, response.get_data(as_text=True)[:300])
                if response.status_code >= 400:
                    assert response.content_type == "application/problem+json", (path, query)
    with database.session() as session:
        after = (session.scalar(select(func.count()).select_from(Event)),
                 session.scalar(select(func.count()).select_from(Article)),
                 session.scalar(select(func.count()).select_from(Mention)))
        assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert after == before
    print(f"{tried} hostile requests over {len(operations)} operations")
    assert tried > 1500


@pytest.mark.parametrize("query, errors", [
    ({"q": "谈\x00判"}, [{"detail": "contains the control character U+0000 at position 1", "parameter": "q"}]),
    ({"actor": "\x1b[31m"}, [{"detail": "contains the control character U+001B at position 0", "parameter": "actor"}]),
    ({"a\x07": "1"}, [{"detail": "contains the control character U+0007 at position 1", "parameter": "a\x07"}]),
])
def test_control_characters_in_the_query_are_422(client, query, errors):  # noqa: F811
    response = client.get("/api/v1/events", query_string=query)
    assert (response.status_code, response.get_json()["errors"]) == (422, errors)


def test_control_characters_in_paths_are_422(client):  # noqa: F811
    response = client.get("/api/v1/actors/iran%00")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"detail": "contains the control character U+0000 at position 4",
                                              "parameter": "actor_id"}]


@pytest.mark.parametrize("body, status, errors", [
    ({"text": "伊美谈判", "title": "标\x00题"}, 422,
     [{"detail": "contains the control character U+0000 at position 1", "pointer": "#/title"}]),
    ({"text": "伊美谈判", "outlet": "\ud800"}, 422,
     [{"detail": "contains an unpaired surrogate U+D800 at position 0", "pointer": "#/outlet"}]),
    ({"text": "伊美谈判\ud83d"}, 422,
     [{"detail": "upload: contains an unpaired surrogate U+D83D at position 4", "pointer": "#/text"}]),
    ({"text": "伊美\x00谈判"}, 422, [{"detail": "upload: contains a NUL character (U+0000) at position 2", "pointer": "#/text"}]),
    ({"text": "伊美谈判", "published": "0025-02-06"}, 422,
     [{"detail": "Must be greater than or equal to 1800-01-01 and less than or equal to 2199-12-31.",
       "pointer": "#/published"}]),
])
def test_hostile_json_bodies_are_422(app, writer, body, status, errors):
    # json.dumps keeps lone surrogates as \\ud800 escapes, as a hostile client would send them
    response = app.test_client().post("/api/v1/articles", data=json.dumps(body), content_type="application/json",
                                      headers=writer)
    assert (response.status_code, response.get_json()["errors"]) == (status, errors)
    with get_db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_control_characters_in_form_fields_and_file_names_are_422(app, writer):
    response = app.test_client().post(
        "/api/v1/articles", content_type="multipart/form-data", headers=writer,
        data={"file": (io.BytesIO("伊美谈判".encode()), "a\x1b.txt"), "outlet": "新华\x00社"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"detail": "contains the control character U+0000 at position 2", "parameter": "outlet"},
        {"detail": "file name contains the control character U+001B at position 1", "parameter": "file"}]


def test_bytes_that_read_only_as_mojibake_are_refused():
    from timeline.extract.read import ReadError, read_bytes

    kana = "あいうえおかきくけこ".encode("gb18030") * 3 + "丂".encode("gb18030")  # 0x81 0x40: no Big5 byte pair
    with pytest.raises(ReadError) as refused:
        read_bytes(kana, "kana.txt")
    assert str(refused.value) == ("kana.txt: is not UTF-8, and as GB18030 or Big5 it reads as kana and symbols "
                                  "(mojibake): convert it to UTF-8")


def test_a_long_q_narrows_by_a_bounded_number_of_pairs(client):  # noqa: F811
    """Each character pair beyond a word's first is a join for the planner; seven
    words with 26 of them took PostgreSQL 18 s to plan.  At most six are used."""
    from sqlalchemy import event as sa_event

    from timeline.queries import MAX_EXTRA_PAIRS

    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    engine = get_db(client.application).engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get("/api/v1/events", query_string={"q": "ev_' UNION SELECT token_hash FROM api_tokens --"})
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    page = max(seen, key=len)
    assert page.count("event_terms AS event_terms_") == MAX_EXTRA_PAIRS == 6
