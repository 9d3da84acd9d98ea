"""Shared fixtures: an empty database on every backend, and apps bound to it.

Database tests take the ``database_url`` fixture and so run twice, on SQLite and
on PostgreSQL.  PostgreSQL comes from ``TIMELINE_TEST_POSTGRES_URL`` (default: the
local server, database ``test``); each test gets a scratch database of its own.
Where PostgreSQL is unreachable its tests skip with the reason, unless
``TIMELINE_REQUIRE_ALL=1`` (set by .ci/run), which turns that skip into a failure.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from timeline import create_app
from timeline.db import Base

PG_URL = os.environ.get("TIMELINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("TIMELINE_REQUIRE_ALL", "") not in ("", "0")
BACKENDS = ["sqlite", "postgresql"]


def missing(reason: str) -> None:
    """Skip for a missing service, or fail when the run requires every service."""
    if REQUIRE_ALL:
        pytest.fail(f"TIMELINE_REQUIRE_ALL is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An autocommit engine on the PostgreSQL server, to create scratch databases."""
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network error means: not available
        engine.dispose()
        missing(f"PostgreSQL is not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: "
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
    yield engine
    engine.dispose()


def scratch_postgres(admin: Engine) -> Iterator[str]:
    name = f"timeline_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'timeline.db'}"
        return
    yield from scratch_postgres(request.getfixturevalue("pg_admin"))


@pytest.fixture
def app(database_url: str):
    """An application on an empty database whose schema is built from the models."""
    application = create_app({"DATABASE_URL": database_url, "TESTING": True})
    database = application.extensions["timeline.db"]
    Base.metadata.create_all(database.engine)
    yield application
    database.dispose()


@pytest.fixture
def migrated_app(database_url: str):
    """An application on a database built by the Alembic migrations."""
    from timeline.migrate import upgrade

    application = create_app({"DATABASE_URL": database_url, "TESTING": True})
    upgrade(application)
    yield application
    application.extensions["timeline.db"].dispose()
