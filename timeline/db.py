"""Engine, sessions and the declarative base.

Plain SQLAlchemy 2 (no Flask-SQLAlchemy): the CLI, the ingest path and the API
share one :class:`Database`, and the pure extraction code never sees it.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

#: Stable constraint names, so Alembic can alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, WAL for concurrent readers, and a busy timeout so
    concurrent writers wait instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Planner settings of every PostgreSQL connection.  The API's reads are index
#: walks that stop after a page, over tables the server keeps in memory:
#: - a parallel plan's worker start-up costs more than the walk (a topic page:
#:   19 ms against 1.4 ms);
#: - the default ``random_page_cost`` (4, for spinning disks) prices an index
#:   lookup so high that the 100 actor links of a page were joined by hashing
#:   all 20,000 actors (7.4 ms) instead of 100 lookups (0.2 ms); 1.1 is the
#:   usual figure for SSDs and cached data;
#: - a statement run often is prepared (psycopg, after 5 runs) and then, by
#:   default, planned again on every run whenever PostgreSQL prices its generic
#:   plan above the custom ones: a popular actor's page spent 0.6 ms of 2.7 in
#:   the planner, a rare actor's 0.7 of 2.1.  The API's statements are walks
#:   along one index whose plan does not depend on the values, so a prepared
#:   statement keeps its one generic plan.
POSTGRES_PLANNER = {"max_parallel_workers_per_gather": 0, "random_page_cost": 1.1,
                    "plan_cache_mode": "force_generic_plan"}


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine for ``url``; an SQLite file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True,
                         connect_args={"options": " ".join(f"-c {k}={v}" for k, v in POSTGRES_PLANNER.items())})


class Database:
    """An engine and its session factory, owned by one application."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.scoped = scoped_session(self.session_factory)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.scoped.remove()
        self.engine.dispose()
