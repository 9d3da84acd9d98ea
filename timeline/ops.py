"""Operations on a whole database: backup, restore, and a consistency check.

* SQLite: :func:`backup` copies the live database with SQLite's online backup
  API (readers and writers may go on meanwhile; the copy is one consistent
  snapshot), into a temporary file renamed into place, so PATH is never a
  half-written backup.  :func:`restore` checks that PATH is an intact timeline
  database, then copies it over the live one with the same API.
* PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean
  --single-transaction`` (the PostgreSQL client programs must be installed).
* :func:`check` runs the SQL checks of :data:`CHECKS` (orphans, references to
  rows that are not there, copies of event dates that disagree) and, on SQLite,
  ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``.  Foreign keys
  prevent most of these, but not in a database written with them off (another
  SQLite client, a restore with triggers disabled), and not the rules the
  schema cannot state.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from timeline.db import Database


class OpsError(RuntimeError):
    """A backup, restore or check that cannot be done; the message says why."""


# --- backup and restore ------------------------------------------------------------


def _sqlite_file(database: Database) -> Path:
    name = make_url(database.url).database
    if not name or name == ":memory:":
        raise OpsError("an in-memory SQLite database has no file to back up or restore")
    return Path(name)


def _libpq_url(database: Database) -> str:
    """The database's URL as the PostgreSQL client programs take it (no driver name)."""
    return make_url(database.url).set(drivername="postgresql").render_as_string(hide_password=False)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise OpsError(f"{name} is not installed (it comes with the PostgreSQL client: apt-get install postgresql-client)")
    return found


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise OpsError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.returncode}")


def backup(database: Database, path: str | os.PathLike[str]) -> Path:
    """Write a consistent copy of ``database`` to ``path`` (which must not exist)."""
    target = Path(path)
    if target.exists():
        raise OpsError(f"{target} exists; choose a new file (a backup never overwrites)")
    if not target.parent.is_dir():
        raise OpsError(f"{target.parent} is not a folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        if database.dialect == "sqlite":
            source = sqlite3.connect(_sqlite_file(database))
            copy = sqlite3.connect(temporary)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        elif database.dialect == "postgresql":
            _run([_program("pg_dump"), "--format=custom", "--no-owner", f"--file={temporary}",
                  f"--dbname={_libpq_url(database)}"])
        else:
            raise OpsError(f"no backup for {database.dialect} databases")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def _check_sqlite_backup(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
            revision = source.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise OpsError(f"{path} is not a timeline SQLite backup ({exc})") from None
    if verdict != "ok":
        raise OpsError(f"{path} is damaged: {verdict}")
    if revision is None:
        raise OpsError(f"{path} is not a timeline SQLite backup (no schema revision)")


def restore(database: Database, path: str | os.PathLike[str]) -> None:
    """Replace the contents of ``database`` with the backup at ``path``."""
    source_path = Path(path)
    if not source_path.is_file():
        raise OpsError(f"{source_path}: no such backup file")
    database.dispose()  # pooled connections would keep reading the old pages
    if database.dialect == "sqlite":
        _check_sqlite_backup(source_path)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_file(database))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif database.dialect == "postgresql":
        _run([_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(database)}", str(source_path)])
    else:
        raise OpsError(f"no restore for {database.dialect} databases")


# --- the consistency check -----------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A named query that selects the ids of the rows at fault."""

    name: str
    sql: str


def _orphans(table: str, column: str, parent: str, key: str = "id") -> Check:
    return Check(f"{table}.{column} names a missing {parent} row",
                 f"SELECT t.{column} FROM {table} t LEFT JOIN {parent} p ON p.{key} = t.{column} "
                 f"WHERE t.{column} IS NOT NULL AND p.{key} IS NULL")


CHECKS: tuple[Check, ...] = (
    _orphans("mentions", "event_id", "events"),
    _orphans("mentions", "article_id", "articles"),
    _orphans("event_actors", "event_id", "events"),
    _orphans("event_actors", "actor_id", "actors"),
    _orphans("event_topics", "event_id", "events"),
    _orphans("event_topics", "topic_id", "topics"),
    _orphans("actor_aliases", "actor_id", "actors"),
    _orphans("place_aliases", "place_id", "places"),
    _orphans("events", "place_id", "places"),
    _orphans("events", "merged_into_id", "events"),
    _orphans("articles", "duplicate_of_id", "articles"),
    Check("events merged into themselves", "SELECT id FROM events WHERE merged_into_id = id"),
    Check("live events without a mention",
          "SELECT e.id FROM events e WHERE e.merged_into_id IS NULL AND e.deleted_at IS NULL "
          "AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.event_id = e.id)"),
    Check("near-duplicates of a near-duplicate (the link must be one hop)",
          "SELECT a.id FROM articles a JOIN articles o ON o.id = a.duplicate_of_id WHERE o.duplicate_of_id IS NOT NULL"),
    Check("near-duplicate articles with mentions of their own",
          "SELECT DISTINCT a.id FROM articles a JOIN mentions m ON m.article_id = a.id WHERE a.outcome = 'duplicate'"),
    Check("event_actors rows whose type or dates differ from their event's",
          "SELECT l.event_id FROM event_actors l JOIN events e ON e.id = l.event_id "
          "WHERE l.type <> e.type OR l.start_min <> e.start_min OR l.end_max <> e.end_max"),
    Check("event_topics rows whose type or dates differ from their event's",
          "SELECT l.event_id FROM event_topics l JOIN events e ON e.id = l.event_id "
          "WHERE l.type <> e.type OR l.start_min <> e.start_min OR l.end_max <> e.end_max"),
)

#: Offending ids shown per check.
SAMPLE = 10


@dataclass
class Finding:
    name: str
    ids: list[str] = field(default_factory=list)
    count: int = 0

    def line(self) -> str:
        if not self.count:
            return f"ok    {self.name}"
        more = f" and {self.count - len(self.ids)} more" if self.count > len(self.ids) else ""
        return f"FAIL  {self.name}: {self.count} ({', '.join(self.ids)}{more})"


def check(database: Database) -> list[Finding]:
    """Every check with what it found (an empty ``ids`` list: nothing wrong)."""
    findings = []
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            verdicts = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
            bad = [v for v in verdicts if v != "ok"]
            findings.append(Finding("SQLite integrity_check", bad[:SAMPLE], len(bad)))
            broken = [f"{row[0]} row {row[1]} -> {row[2]}" for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]
            findings.append(Finding("SQLite foreign_key_check", broken[:SAMPLE], len(broken)))
        for item in CHECKS:
            ids = [str(row[0]) for row in connection.execute(text(item.sql))]
            findings.append(Finding(item.name, ids[:SAMPLE], len(ids)))
    return findings
