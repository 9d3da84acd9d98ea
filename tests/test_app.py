"""The application factory and its settings."""
from __future__ import annotations

from pathlib import Path

from timeline import create_app, get_db
from timeline.config import load_settings


def test_config_override_wins_over_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TIMELINE_DATABASE_URL", "sqlite:///from-env.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "TESTING": True})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'x.db'}"
    assert app.testing is True
    assert get_db(app).url == app.config["DATABASE_URL"]


def test_environment_sets_database_url(monkeypatch):
    monkeypatch.setenv("TIMELINE_DATABASE_URL", "sqlite:////tmp/env.db")
    assert create_app().config["DATABASE_URL"] == "sqlite:////tmp/env.db"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("TIMELINE_DATABASE_URL", raising=False)
    settings = load_settings(tmp_path / "instance")
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'timeline.db'}"


def test_typed_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TIMELINE_SQL_ECHO", "yes")
    monkeypatch.setenv("TIMELINE_API_PAGE_MAX", "200")
    settings = load_settings(tmp_path)
    assert settings["SQL_ECHO"] is True
    assert settings["API_PAGE_MAX"] == 200


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}"})
    with get_db(app).engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert Path(tmp_path / "nested" / "db.sqlite").exists()


def test_wsgi_exposes_an_app(monkeypatch, tmp_path):
    monkeypatch.setenv("TIMELINE_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    import importlib

    import wsgi

    importlib.reload(wsgi)
    assert wsgi.app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'w.db'}"


def test_raw_utf8_query_strings_are_read_as_utf8():
    """curl sends "?actor=普京" as raw bytes; WSGI gives them as Latin-1 text."""
    from timeline.wsgi_query import utf8_query_strings

    seen = {}

    def inner(environ, start_response):
        seen["query"] = environ["QUERY_STRING"]
        return [b""]

    app = utf8_query_strings(inner)
    once = "actor=普京&limit=2".encode().decode("latin-1")  # gunicorn and most servers
    app({"QUERY_STRING": once}, lambda *a: None)
    assert seen["query"] == "actor=%E6%99%AE%E4%BA%AC&limit=2"
    twice = once.encode().decode("latin-1")  # Werkzeug's development server
    app({"QUERY_STRING": twice}, lambda *a: None)
    assert seen["query"] == "actor=%E6%99%AE%E4%BA%AC&limit=2"
    app({"QUERY_STRING": "q=café"}, lambda *a: None)  # Latin-1 text that is no UTF-8 reading
    assert seen["query"] == "q=caf%C3%A9"
    app({"QUERY_STRING": "actor=%E6%99%AE&from=2025"}, lambda *a: None)
    assert seen["query"] == "actor=%E6%99%AE&from=2025"


def test_raw_utf8_query_reaches_the_api_as_text(tmp_path):
    from timeline.db import Base

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}", "TESTING": True})
    Base.metadata.create_all(get_db(app).engine)
    raw = "from=2025年2月&to=2025-03".encode().decode("latin-1")
    response = app.test_client().get("/api/v1/events", environ_overrides={"QUERY_STRING": raw})
    assert response.status_code == 200
    assert response.get_json() == {"next": None, "next_url": None, "items": []}
