"""The ``timeline`` command line.

``timeline`` is a Flask command group, so ``timeline run`` serves the API and
every command here is also ``flask --app timeline <command>``.  Commands that
touch the database run inside the application context; the pure extraction
commands (``dates``, ``read``) do not create an application at all.
"""
from __future__ import annotations

import datetime as dt
import glob
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _dump(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


# --- database ---------------------------------------------------------------

@click.group("db")
def db_group() -> None:
    """The database: schema migrations (Alembic), backup, restore and a consistency check."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    from timeline.migrate import upgrade

    upgrade(current_app, revision)
    click.echo(f"database at {revision}", err=True)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step; 'base' empties it)."""
    from timeline.migrate import downgrade

    downgrade(current_app, revision)
    click.echo(f"database at {revision}", err=True)


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    """Print the schema revision the database is at."""
    from timeline.migrate import current_revision

    click.echo(current_revision(current_app) or "base (empty)")


@db_group.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def db_backup(path: str) -> None:
    """Copy the database to PATH, a new file (SQLite: online backup API; PostgreSQL: pg_dump)."""
    from timeline import get_db
    from timeline.ops import OpsError, backup

    try:
        written = backup(get_db(), path)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up to {written} ({written.stat().st_size} bytes)", err=True)


@db_group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.confirmation_option(prompt="Replace everything in the database with the backup?")
@with_appcontext
def db_restore(path: str) -> None:
    """Replace the database's contents with the backup at PATH (made by db backup)."""
    from timeline import get_db
    from timeline.ops import OpsError, restore

    try:
        restore(get_db(), path)
    except OpsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored from {path}", err=True)


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Report orphans and broken references, one line per check; exit status 1 if any."""
    from timeline import get_db
    from timeline.ops import check

    findings = check(get_db())
    for finding in findings:
        click.echo(finding.line())
    failed = sum(1 for f in findings if f.count)
    click.echo(f"{len(findings)} checks, {failed} failed", err=True)
    if failed:
        sys.exit(1)


# --- seeds ------------------------------------------------------------------

@click.command("seed")
@click.option("--dir", "seed_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder with the seed articles and manifest.json (default: the repository's seeds/).")
@with_appcontext
def seed(seed_dir: str | None) -> None:
    """Load the seed articles; running it again changes nothing."""
    from timeline.seeds import SeedError, load_seeds

    try:
        report = load_seeds(current_app, seed_dir)
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line, err=True)
    click.echo(report.summary(), err=True)


# --- pure extraction --------------------------------------------------------

@click.command("dates")
@click.argument("text", required=False)
@click.option("--base", callback=_iso_date, help="Reference date (YYYY-MM-DD) the text is resolved against.")
@click.option("--jsonl", is_flag=True,
              help='Read lines {"text": ..., "base": "YYYY-MM-DD"} on stdin, write one {"dates": [...]} line each.')
def dates(text: str | None, base: dt.date | None, jsonl: bool) -> None:
    """Find and resolve the temporal expressions in TEXT."""
    from timeline.extract.dates import resolve_dates

    if jsonl:
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                reference = dt.date.fromisoformat(row["base"])
                sentence = row["text"]
            except (ValueError, KeyError, TypeError) as exc:
                raise click.ClickException(f"stdin line {number}: expected {{\"text\", \"base\"}}: {exc}") from None
            found = [d.to_json() for d in resolve_dates(sentence, reference)]
            sys.stdout.write(json.dumps({"dates": found}, ensure_ascii=False) + "\n")
        return
    if text is None:
        raise click.UsageError("give TEXT, or --jsonl with lines on stdin")
    reference = base or dt.date.today()
    _dump([d.to_json() for d in resolve_dates(text, reference)])


@click.command("read")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--published", callback=_iso_date, help="Publication date, when the file does not say.")
def read(path: str, published: dt.date | None) -> None:
    """Print an article's metadata and sections (reference date, text) as JSON."""
    from timeline.extract.read import ReadError, read_path

    try:
        document = read_path(path, published=published)
    except ReadError as exc:
        raise click.ClickException(str(exc)) from None
    _dump(document.to_json())


@click.command("extract")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--published", callback=_iso_date, help="Publication date, when the file does not say or says wrong.")
@click.option("--format", "output_format", type=click.Choice(["json", "table"]), default="json", show_default=True)
def extract_command(path: str, published: dt.date | None, output_format: str) -> None:
    """Extract the events of one article (no database): JSON, or a table for reading."""
    from timeline.extract.pipeline import extract
    from timeline.extract.read import ReadError, read_path

    try:
        extraction = extract(read_path(path, published=published))
    except ReadError as exc:
        raise click.ClickException(str(exc)) from None
    if output_format == "json":
        _dump(extraction.to_json())
        return
    for event in extraction.events:
        span = event.start if event.start == event.end else f"{event.start}..{event.end}"
        click.echo(f"{span:<23} {event.precision:<6} {event.status:<9} {event.type:<18} {event.title}")
    click.echo(f"{len(extraction.events)} events", err=True)


def _expand(paths: tuple[str, ...]) -> list[Path]:
    """Files named, found in folders (recursively), or matched by globs; in order, once each."""
    found: list[Path] = []
    for name in paths:
        matches = [Path(p) for p in sorted(glob.glob(name, recursive=True))] or [Path(name)]
        for match in matches:
            if match.is_dir():
                found.extend(sorted(p for p in match.rglob("*") if p.is_file() and not p.name.startswith(".")))
            elif match.is_file():
                found.append(match)
            else:
                raise click.BadParameter(f"{name}: no such file, folder or matching path", param_hint="PATH")
    return list(dict.fromkeys(found))


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", callback=_iso_date, help="Publication date for files that do not give one.")
@click.option("--quiet", is_flag=True, help="No per-article lines, only the summary.")
@with_appcontext
def ingest(paths: tuple[str, ...], published: dt.date | None, quiet: bool) -> None:
    """Read, extract and store articles: files, folders or globs.

    One transaction per article; an article already stored is skipped; a near-duplicate
    of a stored one is stored linked to it, without events; a file that cannot be
    read is reported and the rest go on (exit status 1 at the end).
    """
    from timeline import get_db
    from timeline.extract.read import ReadError, read_path
    from timeline.ingest import ingest_document

    files = _expand(paths)
    database = get_db()
    new = duplicates = again = events = 0
    failures: list[str] = []
    with click.progressbar(files, label="ingesting", file=sys.stderr, show_pos=True,
                           item_show_func=lambda p: p.name if p else None) as bar:
        for path in bar:
            try:
                document = read_path(path, published=published)
            except ReadError as exc:
                failures.append(str(exc))
                continue
            with database.session() as session:
                result = ingest_document(session, document)
            duplicates += result.created and result.duplicate_of is not None
            new += result.created and result.duplicate_of is None
            again += not result.created
            events += result.event_count if result.created else 0
            if not quiet:
                click.echo(result.describe(), err=True)
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    click.echo(f"{len(files)} files: {new} new articles with {events} events, {duplicates} near-duplicates, "
               f"{again} already stored, {len(failures)} failed", err=True)
    if failures:
        sys.exit(1)


# --- queries (the API's query layer) ------------------------------------------

def _span_bound(end: bool) -> Any:
    def convert(_ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
        from timeline.timedates import parse_span

        if value is None:
            return None
        try:
            span = parse_span(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param=param) from None
        return span.end if end else span.start

    return convert


@click.command("events")
@click.option("--actor", multiple=True, help="Id, slug, code, name or alias; repeat for any of several.")
@click.option("--topic", multiple=True)
@click.option("--type", "types", multiple=True)
@click.option("--from", "date_from", callback=_span_bound(False), help="2025, 2025-02, last week, 上周, ...")
@click.option("--to", "date_to", callback=_span_bound(True))
@click.option("--q", help="Words in titles and quotes.")
@click.option("--review-state", "review_states", multiple=True, type=click.Choice(["auto", "confirmed", "rejected"]))
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def events_command(actor: tuple[str, ...], topic: tuple[str, ...], types: tuple[str, ...],
                   date_from: dt.date | None, date_to: dt.date | None, q: str | None,
                   review_states: tuple[str, ...], limit: int) -> None:
    """List events as the API's GET /events does: id, start, end, type, title (tab-separated)."""
    from timeline import get_db
    from timeline.dateformat import format_bounds
    from timeline.queries import EventFilters, FilterError, event_page

    filters = EventFilters(actor=actor, topic=topic, type=types, q=q, date_from=date_from, date_to=date_to,
                           review_state=review_states)
    with get_db().session() as session:
        try:
            page = event_page(session, filters, limit=limit)
        except FilterError as exc:
            raise click.BadParameter(exc.message, param_hint=f"--{exc.field}") from None
        for event in page.items:
            start, end = format_bounds(event.start_min, event.end_max, event.precision)
            click.echo("\t".join([event.public_id, start, end, event.type, event.title]))


# --- API tokens ---------------------------------------------------------------

@click.group("token")
def token_group() -> None:
    """Bearer tokens for the API's writes (stored hashed; the secret is shown once)."""


@token_group.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, default=["read"], show_default=True,
              type=click.Choice(["read", "write", "admin"]), help="Repeatable; write includes read, admin both.")
@with_appcontext
def token_create(name: str, scopes: tuple[str, ...]) -> None:
    """Create token NAME and print its secret (only now: it is stored hashed)."""
    from sqlalchemy.exc import IntegrityError

    from timeline import get_db
    from timeline.auth import create_token

    try:
        with get_db().session() as session:
            token, secret = create_token(session, name, scopes)
            click.echo(f"token {token.name!r} with scopes {token.scopes}; keep the secret, it is not stored:",
                       err=True)
    except IntegrityError:
        raise click.ClickException(f"a token called {name!r} exists already") from None
    click.echo(secret)


@token_group.command("list")
@with_appcontext
def token_list() -> None:
    """List tokens: name, scopes, secret prefix, created, last used, revoked."""
    from timeline import get_db
    from timeline.auth import list_tokens

    def when(value: dt.datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    with get_db().session() as session:
        for token in list_tokens(session):
            click.echo("\t".join([token.name, token.scopes.replace(" ", ","), token.prefix + "…",
                                  when(token.created_at), when(token.last_used_at), when(token.revoked_at)]))


@token_group.command("revoke")
@click.argument("name")
@with_appcontext
def token_revoke(name: str) -> None:
    """Revoke token NAME: it stops working at once."""
    from timeline import get_db
    from timeline.auth import revoke_token

    with get_db().session() as session:
        if revoke_token(session, name) is None:
            raise click.ClickException(f"no token called {name!r}")
    click.echo(f"token {name!r} revoked", err=True)


from timeline.curation_cli import COMMANDS as CURATION_COMMANDS  # noqa: E402  (event, actor, undo, reextract, changes)

COMMANDS = [db_group, seed, dates, read, extract_command, ingest, events_command, token_group, *CURATION_COMMANDS]


def register(app: Flask) -> None:
    """Attach the commands to ``app.cli`` (``flask --app timeline …``, test runners)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from timeline import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=True, load_dotenv=False)
def main() -> None:
    """timeline: dated events from Chinese-language news, served over REST.

    Configure with TIMELINE_DATABASE_URL (default: SQLite in the instance folder).
    """


for _command in COMMANDS:
    main.add_command(_command)
