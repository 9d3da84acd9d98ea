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
