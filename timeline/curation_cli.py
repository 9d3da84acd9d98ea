"""The curation commands of the ``timeline`` CLI: the same steps as the API's
writes (:mod:`timeline.curation`), plus ``reextract`` and the change feed.

Steps are recorded in the audit log as ``cli:`` and the user's login name,
or the name given with ``--as``.
"""
from __future__ import annotations

import getpass
import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from timeline.models import AuditEntry, Event

ACTING = click.option("--as", "who", help="Name recorded in the audit log (default: cli:LOGIN).")


def _who(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


@contextmanager
def _session() -> Iterator[Session]:
    """A committed session; curation errors become CLI errors."""
    from timeline import get_db
    from timeline.curation import CurationError

    try:
        with get_db().session() as session:
            yield session
    except CurationError as exc:
        where = f"{exc.field}: " if exc.field else ""
        raise click.ClickException(where + exc.message) from None


def _event(session: Session, public_id: str) -> Event:
    event = session.scalar(select(Event).where(Event.public_id == public_id))
    if event is None:
        raise click.ClickException(f"no event {public_id}")
    return event


def _pair(value: str, what: str) -> tuple[str, str]:
    first, sep, second = value.rpartition(":")
    if not sep or not first or not second:
        raise click.BadParameter(f"{value!r}: expected {what}")
    return first, second


def _report(entry: AuditEntry | None, text: str) -> None:
    if entry is None:
        click.echo("nothing to change", err=True)
    else:
        click.echo(f"{text} (audit entry {entry.id})", err=True)


# --- events -------------------------------------------------------------------------

@click.group("event")
def event_group() -> None:
    """Correct one event: edit, delete, merge, split; read its history."""


@event_group.command("edit")
@click.argument("event_id")
@click.option("--type", "type_", help="Event type slug.")
@click.option("--title")
@click.option("--start", help="2025-02-06, 2025-W07, 2025-02, 2025-Q1, 2025, 2025年2月 ...")
@click.option("--end")
@click.option("--precision", type=click.Choice(["day", "week", "month", "season", "year"]))
@click.option("--status")
@click.option("--place", help="Place slug; an empty value clears it.")
@click.option("--actor", "actors", multiple=True, help="SLUG:ROLE, repeatable; replaces the list.")
@click.option("--topic", "topics", multiple=True, help="Topic slug, repeatable; replaces the list.")
@click.option("--review-state", type=click.Choice(["auto", "confirmed", "rejected"]))
@ACTING
@with_appcontext
def event_edit(event_id: str, type_: str | None, title: str | None, start: str | None, end: str | None,
               precision: str | None, status: str | None, place: str | None, actors: tuple[str, ...],
               topics: tuple[str, ...], review_state: str | None, who: str | None) -> None:
    """Change fields of EVENT_ID; each change goes to the audit log."""
    from timeline.curation import EventPatch, edit_event

    patch = EventPatch(type=type_, title=title, start=start, end=end, precision=precision, status=status,
                       place=place, actors=[_pair(a, "SLUG:ROLE") for a in actors] if actors else None,
                       topics=list(topics) if topics else None, review_state=review_state)
    with _session() as session:
        entry = edit_event(session, _event(session, event_id), patch, _who(who))
        _report(entry, f"{event_id}: {', '.join(entry.changes) if entry else ''} changed")


@event_group.command("delete")
@click.argument("event_id")
@ACTING
@with_appcontext
def event_delete(event_id: str, who: str | None) -> None:
    """Delete EVENT_ID (a tombstone: undo it from the audit log)."""
    from timeline.curation import delete_event

    with _session() as session:
        _report(delete_event(session, _event(session, event_id), _who(who)), f"{event_id} deleted")


@event_group.command("merge")
@click.argument("event_id")
@click.option("--into", required=True, help="The event that remains.")
@ACTING
@with_appcontext
def event_merge(event_id: str, into: str, who: str | None) -> None:
    """Merge EVENT_ID into another event: its mentions move, its id redirects."""
    from timeline.curation import merge_events

    with _session() as session:
        entry = merge_events(session, _event(session, event_id), _event(session, into), _who(who))
        _report(entry, f"{event_id} merged into {into}, {len(entry.changes['mentions'])} mentions moved")


@event_group.command("split")
@click.argument("event_id")
@click.option("--mention", "mentions", multiple=True, required=True,
              help="ARTICLE:START of a mention to move (as GET /events/{id} shows it); repeatable.")
@ACTING
@with_appcontext
def event_split(event_id: str, mentions: tuple[str, ...], who: str | None) -> None:
    """Move mentions of EVENT_ID to a new event; prints the new event's id."""
    from timeline.curation import split_event

    quotes = []
    for value in mentions:
        article, start = _pair(value, "ARTICLE:START")
        if not (article.isdecimal() and start.isdecimal()):
            raise click.BadParameter(f"{value!r}: expected ARTICLE:START, two numbers", param_hint="--mention")
        quotes.append((int(article), int(start)))
    with _session() as session:
        new, entry = split_event(session, _event(session, event_id), quotes, _who(who))
        _report(entry, f"{len(entry.changes['mentions'])} mentions of {event_id} moved to {new.public_id}")
        click.echo(new.public_id)


def _entry_line(entry: AuditEntry) -> str:
    undone = f"\tundone by {entry.undone_by_id}" if entry.undone_by_id else ""
    return "\t".join([str(entry.id), entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.who, entry.action,
                      json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)]) + undone


@event_group.command("history")
@click.argument("event_id")
@with_appcontext
def event_history(event_id: str) -> None:
    """The audit log of EVENT_ID: id, time, who, action, changes (tab-separated)."""
    from timeline.curation import history_statement

    with _session() as session:
        for entry in session.scalars(history_statement(_event(session, event_id)).order_by(AuditEntry.id)):
            click.echo(_entry_line(entry))


@click.command("undo")
@click.argument("entry_id", type=int)
@ACTING
@with_appcontext
def undo_command(entry_id: int, who: str | None) -> None:
    """Undo the step recorded as audit entry ENTRY_ID."""
    from timeline.curation import undo

    with _session() as session:
        entry = session.get(AuditEntry, entry_id)
        if entry is None:
            raise click.ClickException(f"no audit entry {entry_id}")
        _report(undo(session, entry, _who(who)), f"{entry.action} of entry {entry_id} undone")


# --- actors ---------------------------------------------------------------------------

@click.group("actor")
def actor_group() -> None:
    """Curate actors: merge two, add and remove aliases."""


def _actor(session: Session, ident: str) -> Any:
    from timeline.curation import resolve_actor

    actor = resolve_actor(session, ident)
    if actor is None:
        raise click.ClickException(f"no actor {ident}")
    return actor


@actor_group.command("merge")
@click.argument("actor_id")
@click.option("--into", required=True, help="The actor that remains.")
@ACTING
@with_appcontext
def actor_merge(actor_id: str, into: str, who: str | None) -> None:
    """Merge ACTOR_ID into another actor: its events and aliases move, its slug redirects."""
    from timeline.curation import merge_actors

    with _session() as session:
        entry = merge_actors(session, _actor(session, actor_id), _actor(session, into), _who(who))
        _report(entry, f"{actor_id} merged into {into}, {len(entry.changes['events'])} events relinked")


@actor_group.group("alias")
def alias_group() -> None:
    """Add or remove an actor's aliases (the database's aliases are the curated truth)."""


@alias_group.command("add")
@click.argument("actor_id")
@click.argument("alias")
@ACTING
@with_appcontext
def alias_add(actor_id: str, alias: str, who: str | None) -> None:
    """Add ALIAS to ACTOR_ID: filters and lookups find the actor by it."""
    from timeline.curation import add_alias

    with _session() as session:
        _report(add_alias(session, _actor(session, actor_id), alias, _who(who)), f"{alias!r} added to {actor_id}")


@alias_group.command("remove")
@click.argument("actor_id")
@click.argument("alias")
@ACTING
@with_appcontext
def alias_remove(actor_id: str, alias: str, who: str | None) -> None:
    """Remove ALIAS from ACTOR_ID; the lexicon files never put it back."""
    from timeline.curation import remove_alias

    with _session() as session:
        _report(remove_alias(session, _actor(session, actor_id), alias, _who(who)),
                f"{alias!r} removed from {actor_id}")


# --- re-extraction and the feed ----------------------------------------------------------

@click.command("reextract")
@click.option("--article", "articles", multiple=True, type=int, help="Only this article id; repeatable.")
@with_appcontext
def reextract_command(articles: tuple[int, ...]) -> None:
    """Run the current extractor over the stored articles, keeping every manual
    edit, merge, split and rejection; event ids stay stable."""
    from timeline import get_db
    from timeline.reextract import reextract

    report = reextract(get_db(), list(articles) or None)
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    click.echo(report.summary(), err=True)
    if report.failures:
        sys.exit(1)


@click.command("changes")
@click.option("--since", default=0, show_default=True, type=click.IntRange(0, 2**31 - 1),
              help="Print the changes after this feed position.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def changes_command(since: int, limit: int) -> None:
    """Print the change feed as JSON lines: seq, kind, id, merged_into, row_version."""
    from timeline.changes import read_feed

    with _session() as session:
        page = read_feed(session, since, limit)
        for change in page.items:
            click.echo(json.dumps({"seq": change.seq, "kind": change.kind, "id": change.public_id,
                                   "merged_into": change.merged_into, "row_version": change.row_version}))
    click.echo(f"next: {page.next}{' (more)' if page.more else ''}", err=True)


COMMANDS = [event_group, undo_command, actor_group, reextract_command, changes_command]
