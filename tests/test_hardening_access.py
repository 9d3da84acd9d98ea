"""Access and operations: constant-time token lookup, the write rate limit,
reads that need a token, request size limits, logs with request ids that never
hold a secret, /healthz, backup, restore and the consistency check."""
from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from timeline import create_app, get_db
from timeline.auth import RateLimiter, create_token, find_token, parse_rate
from timeline.cli import main
from timeline.logs import JsonFormatter
from timeline.models import ApiToken, Article, Event, Mention

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "001_6b1fbcd766d1bf2b.txt").read_text(encoding="utf-8")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def secrets(app) -> dict[str, str]:
    with get_db(app).session() as session:
        _, write = create_token(session, "writer", ["write"])
        _, other = create_token(session, "other", ["write"])
        _, read = create_token(session, "reader", ["read"])
    return {"write": write, "other": other, "read": read}


def test_tokens_are_found_by_prefix_and_hash_only(app, secrets):
    with get_db(app).session() as session:
        assert find_token(session, secrets["write"]).name == "writer"
        # the same prefix with another ending: found by prefix, refused by the hash comparison
        assert find_token(session, secrets["write"][:-1] + ("A" if secrets["write"][-1] != "A" else "B")) is None
        assert find_token(session, "") is None
        stored = {(t.prefix, t.token_hash) for t in session.scalars(select(ApiToken))}
    assert not any(secret in repr(stored) for secret in secrets.values())


@pytest.mark.parametrize("value, rate", [("60/minute", (60, 60)), ("5", (5, 60)), ("2/second", (2, 1)),
                                         ("100 / hour", (100, 3600)), ("0", None), ("off", None), ("", None)])
def test_rate_settings(value, rate):
    assert parse_rate(value) == rate


def test_rate_setting_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="rate limit '10 per minute': expected N/second"):
        parse_rate("10 per minute")


def test_token_bucket_refills_at_its_rate():
    now = [100.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.take(1) for _ in range(4)] == [0, 0, 0, 20.0]
    assert limiter.take(2) == 0  # each token its own bucket
    now[0] += 20
    assert (limiter.take(1), limiter.take(1)) == (0, 20.0)


def test_writes_beyond_the_rate_are_429_per_token(app, secrets):
    app.config["WRITE_RATE_LIMIT"] = "2/minute"
    app.extensions["timeline.rate_limiter"] = RateLimiter(2, 60)
    client = app.test_client()
    statuses = [client.post("/api/v1/articles", json={"text": f"伊美谈判第{n}轮。"}, headers=bearer(secrets["write"])).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    limited = client.post("/api/v1/articles", json={"text": "伊美谈判。"}, headers=bearer(secrets["write"]))
    assert limited.status_code == 429
    assert limited.content_type == "application/problem+json"
    assert 1 <= int(limited.headers["Retry-After"]) <= 30
    assert limited.get_json()["detail"].startswith("the token 'writer' may write 2 times a minute; try again in ")
    assert client.post("/api/v1/articles", json={"text": "伊美谈判另一轮。"}, headers=bearer(secrets["other"])).status_code == 201
    assert client.get("/api/v1/articles").status_code == 200  # reads are not limited
    with get_db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 3


def test_reads_need_a_token_when_the_setting_says_so(app, secrets):
    app.config["READS_NEED_TOKEN"] = True
    client = app.test_client()
    anonymous = client.get("/api/v1/events")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="timeline"'
    assert anonymous.get_json()["detail"] == ("this request needs a bearer token with the read scope "
                                              "(timeline token create NAME --scope read)")
    assert client.get("/api/v1/events", headers=bearer("tl_wrong")).status_code == 401
    assert client.get("/api/v1/events", headers=bearer(secrets["read"])).status_code == 200
    assert client.get("/api/v1/events", headers=bearer(secrets["write"])).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert client.options("/api/v1/events").status_code == 200
    app.config["READS_NEED_TOKEN"] = False
    assert client.get("/api/v1/events").status_code == 200


@pytest.mark.parametrize("kwargs", [
    {"json": {"text": "谈" * 400}},
    {"data": ("谈" * 400).encode(), "content_type": "text/plain"},
    {"data": {"file": (io.BytesIO(("谈" * 400).encode()), "big.txt")}, "content_type": "multipart/form-data"},
])
def test_bodies_beyond_the_size_limit_are_413(tmp_path, kwargs):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'small.db'}", "MAX_CONTENT_LENGTH": 1000})
    from timeline.db import Base

    Base.metadata.create_all(get_db(app).engine)
    with get_db(app).session() as session:
        _, secret = create_token(session, "w", ["write"])
    response = app.test_client().post("/api/v1/articles", headers=bearer(secret), **kwargs)
    assert response.status_code == 413
    assert response.get_json()["title"] == "Request Entity Too Large"
    with get_db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
    get_db(app).dispose()


def test_the_size_limit_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TIMELINE_MAX_CONTENT_LENGTH", "2048")
    monkeypatch.setenv("TIMELINE_READS_NEED_TOKEN", "true")
    monkeypatch.setenv("TIMELINE_WRITE_RATE_LIMIT", "7/hour")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"})
    assert (app.config["MAX_CONTENT_LENGTH"], app.config["READS_NEED_TOKEN"]) == (2048, True)
    limiter = app.extensions["timeline.rate_limiter"]
    assert (limiter.count, limiter.period) == (7, 3600)


def test_logs_are_json_with_the_request_id_and_never_a_secret(app, secrets, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="timeline"):
        given = client.post("/api/v1/articles", json={"text": SEED}, headers={**bearer(secrets["write"]),
                                                                             "X-Request-Id": "abc-123"})
        fresh = client.get("/api/v1/events?q=谈判", headers=bearer(secrets["read"]))
        hostile = client.get("/api/v1/events", headers={"X-Request-Id": "x" * 65})
    assert given.headers["X-Request-Id"] == "abc-123"
    assert len(fresh.headers["X-Request-Id"]) == 32
    assert len(hostile.headers["X-Request-Id"]) == 32  # an id that does not look like one is replaced
    lines = [json.loads(JsonFormatter().format(record)) for record in caplog.records]
    access = [line for line in lines if line["logger"] == "timeline.access"]
    assert [(a["method"], a["path"], a["status"], a["request_id"], a.get("token")) for a in access] == [
        ("POST", "/api/v1/articles", 201, "abc-123", "writer"),
        ("GET", "/api/v1/events", 200, fresh.headers["X-Request-Id"], None),  # reads are open: not checked
        ("GET", "/api/v1/events", 200, hostile.headers["X-Request-Id"], None)]
    assert all(isinstance(a["duration_ms"], float) for a in access)
    everything = caplog.text + json.dumps(lines, ensure_ascii=False)
    assert not [s for s in secrets.values() if s in everything]
    assert "谈判" not in everything  # query values are not logged


def test_an_unexpected_error_is_logged_with_its_request_id(app, caplog, monkeypatch):
    import timeline.queries

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(timeline.queries, "event_page", broken)
    app.config["TESTING"] = False
    with caplog.at_level(logging.INFO, logger="timeline"):
        response = app.test_client().get("/api/v1/events", headers={"X-Request-Id": "req-500"})
    assert response.status_code == 500
    errors = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(e["message"], e["request_id"]) for e in errors] == [("unhandled error on GET /api/v1/events", "req-500")]
    assert "RuntimeError: boom" in errors[0]["exception"]


def test_healthz(migrated_app):
    response = migrated_app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok", "database": "ok", "schema": _head()})
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_when_the_schema_is_behind(migrated_app):
    from timeline.migrate import downgrade

    downgrade(migrated_app, "-1")
    response = migrated_app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["database"]) == ("error", "ok")
    assert body["detail"] == f"the schema is at {body['schema']}, the code needs {_head()}: run timeline db upgrade"


def test_healthz_when_the_database_is_gone(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'x.db'}"})
    (tmp_path / "missing").rmdir()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable or not migrated (OperationalError)"}


def _head() -> str:
    from timeline.health import head_revision

    return head_revision()


# --- backup, restore, check ----------------------------------------------------------

def cli(app, *args: str):
    return CliRunner().invoke(main, list(args), env={"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"],
                                                     "TIMELINE_LOG_LEVEL": "WARNING"})


def _state(app) -> tuple:
    with get_db(app).session() as session:
        return (sorted(session.scalars(select(Article.content_hash))),
                sorted(session.scalars(select(Event.public_id))),
                session.scalar(select(func.count()).select_from(Mention)))


def test_backup_then_restore_gives_back_the_same_database(migrated_app, tmp_path):
    app = migrated_app
    assert cli(app, "seed").exit_code == 0
    before = _state(app)
    assert len(before[1]) > 0
    backup = tmp_path / "backup.db"
    made = cli(app, "db", "backup", str(backup))
    assert made.exit_code == 0, made.output
    assert made.stderr.startswith(f"backed up to {backup} (")
    again = cli(app, "db", "backup", str(backup))
    assert (again.exit_code, again.stderr.strip()) == (1, f"Error: {backup} exists; choose a new file (a backup never overwrites)")
    with get_db(app).session() as session:  # lose data after the backup
        session.execute(Mention.__table__.delete())
        session.execute(text("DELETE FROM event_actors"))
        session.execute(text("DELETE FROM event_topics"))
        session.execute(Event.__table__.delete())
    assert _state(app)[1] == []
    refused = cli(app, "db", "restore", str(backup))  # no --yes and no terminal: nothing happens
    assert refused.exit_code == 1
    assert _state(app)[1] == []
    restored = cli(app, "db", "restore", "--yes", str(backup))
    assert restored.exit_code == 0, restored.output
    assert _state(app) == before
    assert cli(app, "db", "check").exit_code == 0
    assert migrated_app.test_client().get("/healthz").status_code == 200


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    """(SQLite: the file is checked first; pg_restore judges its own input.)"""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = cli(app, "db", "restore", "--yes", str(junk))
    assert (result.exit_code, result.stderr.strip()) == (
        1, f"Error: {junk} is not a timeline SQLite backup (file is not a database)")


def test_check_reports_orphans_and_broken_references(migrated_app):
    app = migrated_app
    assert cli(app, "seed").exit_code == 0
    clean = cli(app, "db", "check")
    assert clean.exit_code == 0
    assert all(line.startswith("ok    ") for line in clean.stdout.splitlines())
    database = get_db(app)
    with database.engine.begin() as connection:  # write what foreign keys would have refused
        if database.dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        else:
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        event_id = connection.execute(text("SELECT id FROM events ORDER BY id")).scalar()
        connection.execute(text("INSERT INTO mentions (event_id, article_id, quote, start_offset, end_offset, created_at) "
                                "VALUES (999999, 1, 'x', 0, 1, CURRENT_TIMESTAMP)"))
        connection.execute(text("UPDATE events SET merged_into_id = 888888 WHERE id = :id"), {"id": event_id})
        connection.execute(text("UPDATE event_actors SET start_min = '1900-01-01' WHERE event_id = :id"), {"id": event_id})
    if database.dialect == "sqlite":
        database.dispose()
    found = cli(app, "db", "check")
    assert found.exit_code == 1
    failed = [line for line in found.stdout.splitlines() if line.startswith("FAIL")]
    expected = ["FAIL  mentions.event_id names a missing events row: 1 (999999)",
                "FAIL  events.merged_into_id names a missing events row: 1 (888888)",
                "FAIL  event_actors rows whose type or dates differ from their event's: "]
    if database.dialect == "sqlite":
        expected = ["FAIL  SQLite foreign_key_check: "] + expected
    assert len(failed) == len(expected)
    assert all(line.startswith(prefix) for line, prefix in zip(failed, expected)), failed
    assert found.stderr.strip() == f"{len(clean.stdout.splitlines())} checks, {len(expected)} failed"
