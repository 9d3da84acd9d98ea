"""The vocabulary generation: a token that changes with every committed write
to what names resolve against, so a process may keep resolved names while the
token it read them under is still the database's.

What it covers: the ``actors``, ``actor_aliases``, ``actor_redirects``,
``places``, ``place_aliases`` and ``topics`` rows (any insert, update or
delete), and the set of event lengths (a ``span`` count of all events appearing
or disappearing), which bounds how far before a date range an overlapping event
can start.  Database triggers keep it, so no writer can forget to, whether it
goes through the models, a Core statement or raw SQL.

The token is random, never a counter: a rolled-back transaction's token is
never seen again, so nothing remembered under it can be mistaken for a later
state.

* SQLite: the triggers set a new token at once; writers are serialized by the
  database lock, and a writing transaction reads its own token.
* PostgreSQL: the triggers are deferred to commit, so the one generation row is
  locked last, after every lock a writer takes, and adds no lock-order cycle
  between concurrent writers.  Until then a writing transaction still reads the
  old token, so :func:`current` reports it as not cacheable.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from timeline.db import Base
from timeline.models import VocabularyGeneration

#: Tables any write to which changes the generation.
VOCABULARY_TABLES = ("actors", "actor_aliases", "actor_redirects", "places", "place_aliases", "topics")
_TABLE = VocabularyGeneration.__tablename__
#: The span counts of all events, by the row that appears or disappears.
_SPAN = "{row}.scope = 'all' AND {row}.field = 'span'"

_SQLITE_NEW_TOKEN = f"UPDATE {_TABLE} SET value = lower(hex(randomblob(16)))"
_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION timeline_new_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- once per transaction, however many rows it wrote
    IF current_setting('timeline.generation_set', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('timeline.generation_set', 'on', true);
        UPDATE {_TABLE} SET value = md5(random()::text || clock_timestamp()::text || txid_current()::text);
    END IF;
    RETURN NULL;
END $$
"""


def _watched() -> Iterator[tuple[str, str, str | None]]:
    """``(table, operation, row condition)`` of every trigger."""
    for table in VOCABULARY_TABLES:
        for operation in ("insert", "update", "delete"):
            yield table, operation, None
    for operation, row in (("insert", "NEW"), ("delete", "OLD")):
        yield "event_counts", operation, _SPAN.format(row=row)


def _triggers(dialect: str) -> Iterator[tuple[str, str, str]]:
    """``(name, table, CREATE statement)`` of every trigger on ``dialect``."""
    for table, operation, condition in _watched():
        name = f"tr_generation_{table}_{operation}"
        if dialect == "postgresql":
            when = f"WHEN ({condition}) " if condition else ""
            yield name, table, (f"CREATE CONSTRAINT TRIGGER {name} AFTER {operation.upper()} ON {table} "
                                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW {when}"
                                f"EXECUTE FUNCTION timeline_new_generation()")
        else:
            when = f"WHEN {condition} " if condition else ""
            yield name, table, (f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {table} {when}"
                                f"BEGIN {_SQLITE_NEW_TOKEN}; END")


def install(connection: Connection) -> None:
    """Create the triggers and the generation row (the tables must exist)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text(_POSTGRES_FUNCTION))
    for _name, _table, ddl in _triggers(dialect):
        connection.execute(text(ddl))
    connection.execute(text(f"INSERT INTO {_TABLE} (id, value) VALUES (1, :v)"), {"v": secrets.token_hex(16)})


def uninstall(connection: Connection) -> None:
    """Drop the triggers (and the PostgreSQL function); the table is the migration's."""
    dialect = connection.dialect.name
    for name, table, _ddl in _triggers(dialect):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else "")))
    if dialect == "postgresql":
        connection.execute(text("DROP FUNCTION IF EXISTS timeline_new_generation()"))


_STATEMENTS = {
    "postgresql": text(f"SELECT value, txid_current_if_assigned() IS NULL FROM {_TABLE} WHERE id = 1"),
    "sqlite": text(f"SELECT value, 1 FROM {_TABLE} WHERE id = 1"),
}


def current(session: Session) -> tuple[str | None, bool]:
    """``(token, cacheable)``: the generation this session sees, and whether
    what it resolves may be remembered under it (not when its transaction has
    written on PostgreSQL, where the token moves only at commit)."""
    row = session.execute(_STATEMENTS[session.get_bind().dialect.name]).first()
    if row is None:  # a database older than the generation: never cache
        return None, False
    return row[0], bool(row[1])


@event.listens_for(Base.metadata, "after_create")
def _after_create(_metadata: Any, connection: Connection, tables: Any = (), **_kw: Any) -> None:
    """``metadata.create_all`` (the test fixtures) gets the triggers too, once
    every table they watch exists."""
    if any(table.name == _TABLE for table in tables):
        install(connection)
