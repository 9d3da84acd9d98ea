"""The change feed: every committed change to an event, in commit order.

Session hooks record it, so no writer can forget to: after each flush the
events it touched are noted (an event row, its actor and topic links, its
mentions, including a mention moving from one event to another), and just
before the transaction commits one :class:`~timeline.models.EventChange` row
per noted event is written, its kind read from the event's final state:
``merged`` or ``deleted`` when it ended so, ``created`` when it is new in this
transaction, ``updated`` otherwise.

Nothing is ever skipped.  A consumer reads ``seq > cursor`` and stores the
last ``seq`` it saw, so a row that became visible with a ``seq`` lower than one
already read would be lost.  A sequence number is handed out before commit, so
on PostgreSQL a slow transaction could commit behind a faster one that took a
later number.  Here feed rows are written in a serialized step: the writer
takes a transaction-scoped advisory lock (:data:`FEED_LOCK_KEY`) right before
inserting them and keeps it until its commit is visible, so the next writer
takes its numbers only after that.  SQLite serializes writers anyway (the
inserts happen under its write lock).  Numbers may have gaps (rolled-back
transactions), never late arrivals.

Writes that bypass the unit of work (a Core ``UPDATE`` of events) are not seen;
they must call :func:`note` with the events they changed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, aliased

from timeline.models import Event, EventActor, EventChange, EventTopic, Mention, utcnow

#: Any constant (distinct from ingest's): the advisory lock that orders feed positions on PostgreSQL.
FEED_LOCK_KEY = 7_316_483
_KEY = "timeline.changes"


@dataclass
class Noted:
    """Events a transaction touched so far, which of them are new, and the
    public ids of those deleted outright (their rows are gone at commit)."""

    touched: set[int] = field(default_factory=set)
    created: set[int] = field(default_factory=set)
    removed: dict[int, str] = field(default_factory=dict)


def _noted(session: Session) -> Noted:
    return session.info.setdefault(_KEY, Noted())


def note(session: Session, event_ids: Iterable[int]) -> None:
    """Record that the events ``event_ids`` changed in this transaction."""
    _noted(session).touched.update(event_ids)


def _event_ids(obj: Any) -> set[int]:
    """The events a link or mention belonged to before and after the flush."""
    state = inspect(obj)
    ids = {obj.event_id}
    ids.update(state.attrs.event_id.history.deleted)
    ids.update(e.id for e in state.attrs.event.history.deleted if e is not None)
    return {i for i in ids if i is not None}


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: UOWTransaction) -> None:
    touched: set[int] = set()
    created: set[int] = set()
    removed: dict[int, str] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        if isinstance(obj, Event):
            touched.add(obj.id)
            if obj in session.new:
                created.add(obj.id)
            elif obj in session.deleted:
                removed[obj.id] = obj.public_id
        elif isinstance(obj, (EventActor, EventTopic, Mention)):
            touched |= _event_ids(obj)
    if touched:
        noted = _noted(session)
        noted.touched |= touched
        noted.created |= created
        noted.removed.update(removed)


def _serialize(session: Session) -> None:
    """Hold the feed lock until commit (PostgreSQL; SQLite's write lock is held already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_KEY})


def _change(row: Any, created: bool, now: dt.datetime) -> dict[str, Any]:
    """The feed row of an event from its state at commit."""
    kind = ("merged" if row.merged_into_id is not None else "deleted" if row.deleted_at is not None
            else "created" if created else "updated")
    return dict(event_id=row.id, public_id=row.public_id, kind=kind, merged_into=row.merged_into,
                row_version=row.row_version, changed_at=now)


def write_pending(session: Session) -> int:
    """Write the feed rows of what this transaction changed, under the feed
    lock; runs by itself before commit (tests call it to hold a transaction
    open after its rows have their numbers).  Returns how many were written."""
    session.flush()
    noted: Noted | None = session.info.pop(_KEY, None)
    if noted is None or not noted.touched:
        return 0
    ids = sorted(noted.touched)
    survivor = aliased(Event)
    state = {row.id: row for row in session.execute(
        select(Event.id, Event.public_id, Event.merged_into_id, Event.deleted_at, Event.row_version,
               survivor.public_id.label("merged_into"))
        .outerjoin(survivor, survivor.id == Event.merged_into_id).where(Event.id.in_(ids)))}
    now = utcnow()
    rows = []
    for event_id in ids:
        row = state.get(event_id)
        if row is not None:
            rows.append(_change(row, event_id in noted.created, now))
        elif event_id in noted.removed:  # else it was created and rolled back inside a savepoint
            rows.append(dict(event_id=event_id, public_id=noted.removed[event_id], kind="deleted",
                             merged_into=None, row_version=0, changed_at=now))
    if not rows:
        return 0
    _serialize(session)
    session.execute(insert(EventChange), rows)
    return len(rows)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back transaction's notes go with it."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)


# --- reading the feed ---------------------------------------------------------------

@dataclass
class FeedPage:
    """Changes after a cursor, in commit order, with the current state of the
    events among them that are live now."""

    items: list[EventChange]
    events: dict[int, Event]
    #: The cursor to resume from: the last change's ``seq`` (the one given when there is none).
    next: int
    #: Whether more changes wait after this page.
    more: bool


def read_feed(session: Session, since: int = 0, limit: int = 100) -> FeedPage:
    """The changes with ``seq > since``, at most ``limit`` of them."""
    from timeline.queries import event_list_options, live

    rows = list(session.scalars(select(EventChange).where(EventChange.seq > since)
                                .order_by(EventChange.seq).limit(limit + 1)))
    items = rows[:limit]
    wanted = {c.event_id for c in items if c.kind in ("created", "updated")}
    events = {e.id: e for e in session.scalars(
        select(Event).where(Event.id.in_(wanted), *live()).options(*event_list_options()))} if wanted else {}
    return FeedPage(items, events, items[-1].seq if items else since, len(rows) > limit)
