"""Derived tables kept exact on every write: the search index (``event_terms``)
and the facet and histogram counts (``event_counts``).

Every ORM flush that touches what they are computed from (an event, its actor
and topic links, its mentions, an actor's or place's country, a deletion)
updates them in the same transaction: before the flush the touched events'
current contributions are read, after it their new ones, and the difference
is applied (counts by upsert, terms by insert and delete).  A rollback
undoes both together, so readers never see one without the other.

An ``UPDATE`` or ``DELETE`` statement run through a session is handled too
(the rows it touches are looked up before it runs).  Writes that bypass the
session (an ``INSERT`` statement, raw SQL on a connection) must take a
:func:`snapshot` of the events they change before and call :func:`update`
after, or call :func:`rebuild`, which recomputes everything.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, cast, delete, event, func, insert, inspect, literal, select, union, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from timeline.models import (
    Actor, Article, Event, EventActor, EventCount, EventTerm, EventTopic, Mention, Place, Topic,
)
from timeline.search import text_terms
from timeline.sqldates import span_days

CountKey = tuple[str, int, str, str]
TermRow = tuple[int, Any, int]

#: Event attributes whose change moves the event's counts, and its terms.
COUNTED_ATTRIBUTES = ("type", "start_min", "end_max", "place_id", "place", "merged_into_id", "merged_into",
                      "deleted_at")
TERM_ATTRIBUTES = ("title", "start_min", "merged_into_id", "merged_into", "deleted_at")
CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


# --- what an event contributes ------------------------------------------------------

def _live(some: bool) -> Any:
    statement = select(Event.id, Event.type, Event.start_min, Event.end_max, Event.place_id).where(
        Event.merged_into_id.is_(None), Event.deleted_at.is_(None))
    return (statement.where(Event.id.in_(bindparam("ids", expanding=True))) if some else statement).subquery("live")


@lru_cache(maxsize=2)
def contributions(some: bool = False) -> Any:
    """``(scope, scope_id, field, value, n)`` over the live events (with
    ``some``: those of the ``ids`` parameter), built once per process:
    each event counts once in the scope ``all`` and once in the scope of each
    of its actors, under each of its values (``day``, ``month``, ``year``: of
    its first day, for histograms; ``span``: its length in days, which bounds
    date-range scans)."""
    live = _live(some)
    links = select(EventActor.event_id, EventActor.actor_id).join(live, live.c.id == EventActor.event_id).subquery()
    scopes = union_all(
        select(live.c.id.label("event_id"), literal("all").label("scope"), literal(0).label("scope_id")),
        select(links.c.event_id, literal("actor"), links.c.actor_id),
    ).subquery("scopes")
    countries = union(
        select(links.c.event_id, Actor.code).join(Actor, Actor.id == links.c.actor_id)
        .where(Actor.kind == "country", Actor.code.is_not(None)),
        select(links.c.event_id, Actor.country_code).join(Actor, Actor.id == links.c.actor_id)
        .where(Actor.country_code.is_not(None)),
        select(live.c.id, Place.country_code).join(Place, Place.id == live.c.place_id)
        .where(Place.country_code.is_not(None)),
    ).subquery()
    values = union_all(
        select(live.c.id.label("event_id"), literal("type").label("field"), live.c.type.label("value")),
        select(live.c.id, literal("day"), cast(live.c.start_min, String)),
        select(live.c.id, literal("month"), func.substr(cast(live.c.start_min, String), 1, 7)),
        select(live.c.id, literal("year"), func.substr(cast(live.c.start_min, String), 1, 4)),
        select(live.c.id, literal("span"), span_days(live.c.start_min, live.c.end_max)),
        select(links.c.event_id, literal("actor"), cast(links.c.actor_id, String)),
        select(EventTopic.event_id, literal("topic"), cast(EventTopic.topic_id, String))
        .join(live, live.c.id == EventTopic.event_id),
        select(live.c.id, literal("location"), cast(live.c.place_id, String)).where(live.c.place_id.is_not(None)),
        select(countries.c[0], literal("country"), countries.c[1]),
    ).subquery("vals")
    return (select(scopes.c.scope, scopes.c.scope_id, values.c.field, values.c.value, func.count())
            .join(values, values.c.event_id == scopes.c.event_id)
            .group_by(scopes.c.scope, scopes.c.scope_id, values.c.field, values.c.value))


def read_counts(connection: Connection, ids: Iterable[int]) -> Counter[CountKey]:
    counts: Counter[CountKey] = Counter()
    for chunk in _chunks(ids):
        for scope, scope_id, field, value, n in connection.execute(contributions(True), {"ids": chunk}):
            counts[(scope, scope_id, field, value)] += n
    return counts


def read_terms(connection: Connection, ids: Iterable[int]) -> set[TermRow]:
    """``(term, start_min, event_id)`` of the live events among ``ids``."""
    rows: set[TermRow] = set()
    for chunk in _chunks(ids):
        live = {i: (start, [title]) for i, title, start in connection.execute(
            select(Event.id, Event.title, Event.start_min).where(
                Event.id.in_(chunk), Event.merged_into_id.is_(None), Event.deleted_at.is_(None)))}
        for event_id, quote in connection.execute(select(Mention.event_id, Mention.quote)
                                                  .where(Mention.event_id.in_(list(live)))):
            live[event_id][1].append(quote)
        for event_id, (start, texts) in live.items():
            rows.update((term, start, event_id) for term in text_terms(texts))
    return rows


# --- applying a difference ----------------------------------------------------------

@lru_cache(maxsize=2)
def _upsert(dialect: str) -> Any:
    """Add ``n`` to a count, creating it at ``n`` (built once per dialect)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(EventCount)
    return statement.on_conflict_do_update(index_elements=["scope", "scope_id", "field", "value"],
                                           set_={"n": EventCount.n + statement.excluded.n})


def apply_counts(connection: Connection, before: Counter[CountKey], after: Counter[CountKey]) -> None:
    delta = Counter(after)
    delta.subtract(before)
    # In key order, so that concurrent writers lock the rows they share in one order and never deadlock.
    changed = sorted((key, n) for key, n in delta.items() if n)
    if not changed:
        return
    connection.execute(_upsert(connection.dialect.name), [dict(scope=k[0], scope_id=k[1], field=k[2], value=k[3], n=n)
                                             for k, n in changed])
    emptied = [dict(s=k[0], i=k[1], f=k[2], v=k[3]) for k, n in changed if n < 0]
    if emptied:
        connection.execute(delete(EventCount).where(
            EventCount.scope == bindparam("s"), EventCount.scope_id == bindparam("i"),
            EventCount.field == bindparam("f"), EventCount.value == bindparam("v"), EventCount.n == 0), emptied)


def apply_terms(connection: Connection, before: set[TermRow], after: set[TermRow]) -> None:
    gone = before - after
    if gone:
        connection.execute(delete(EventTerm).where(
            EventTerm.term == bindparam("t"), EventTerm.start_min == bindparam("s"),
            EventTerm.event_id == bindparam("e")), [dict(t=t, s=s, e=e) for t, s, e in gone])
    new = after - before
    if new:
        connection.execute(insert(EventTerm), [dict(term=t, start_min=s, event_id=e) for t, s, e in new])


@dataclass
class Touched:
    """Events whose counts, and whose terms, a change moves; and new rows whose
    event gets its id in the flush (with what they move)."""

    counts: set[int] = field(default_factory=set)
    terms: set[int] = field(default_factory=set)
    pending: list[tuple[Any, bool, bool]] = field(default_factory=list)

    def add(self, ids: Iterable[int], counts: bool = True, terms: bool = True) -> None:
        ids = list(ids)
        if counts:
            self.counts.update(ids)
        if terms:
            self.terms.update(ids)

    def resolve_pending(self) -> None:
        for obj, counts, terms in self.pending:
            event_id = obj.id if isinstance(obj, Event) else (obj.event.id if obj.event is not None else obj.event_id)
            if event_id is not None:
                self.add([event_id], counts, terms)
        self.pending = []

    def __bool__(self) -> bool:
        return bool(self.counts or self.terms or self.pending)


def snapshot(connection: Connection, touched: Touched) -> tuple[Counter, set]:
    """What the touched events contribute now."""
    return read_counts(connection, touched.counts), read_terms(connection, touched.terms)


def update(connection: Connection, touched: Touched, before: tuple[Counter, set]) -> None:
    """Apply the difference between ``before`` and what the touched events contribute now."""
    apply_counts(connection, before[0], read_counts(connection, touched.counts))
    apply_terms(connection, before[1], read_terms(connection, touched.terms))


def rebuild_counts(connection: Connection) -> None:
    connection.execute(delete(EventCount))
    connection.execute(insert(EventCount).from_select(["scope", "scope_id", "field", "value", "n"], contributions()))


def rebuild(connection: Connection, batch: int = 20000) -> None:
    """Recompute both derived tables from scratch."""
    rebuild_counts(connection)
    connection.execute(delete(EventTerm))
    last = 0
    while True:
        ids = list(connection.scalars(select(Event.id).where(Event.id > last).order_by(Event.id).limit(batch)))
        if not ids:
            return
        rows = read_terms(connection, ids)
        if rows:
            connection.execute(insert(EventTerm), [dict(term=t, start_min=s, event_id=e) for t, s, e in rows])
        last = ids[-1]


# --- the flush hooks ----------------------------------------------------------------

def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _values(obj: Any, name: str) -> set[Any]:
    """Every value ``name`` had or will have in this flush."""
    history = inspect(obj).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def _touched(session: Session) -> Touched:
    """What the pending changes touch: stored events by id, new rows whose event
    has no id yet (known after the flush).  Links move counts only, mentions
    terms only."""
    touched = Touched()
    connection = session.connection()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Event):
            if obj.id is None:
                touched.pending.append((obj, True, True))
            elif obj in session.new or obj in session.deleted:
                touched.add([obj.id])
            else:
                touched.add([obj.id], _changed(obj, COUNTED_ATTRIBUTES), _changed(obj, TERM_ATTRIBUTES))
        elif isinstance(obj, (EventActor, EventTopic, Mention)):
            counts, terms = not isinstance(obj, Mention), isinstance(obj, Mention)
            event_ids = _values(obj, "event_id")
            if event_ids:
                touched.add(event_ids, counts, terms)
            elif obj.event is not None and obj.event.id is not None:
                touched.add([obj.event.id], counts, terms)
            else:
                touched.pending.append((obj, counts, terms))
        elif isinstance(obj, Actor) and obj.id is not None and (
                obj in session.deleted or _changed(obj, ("kind", "code", "country_code"))):
            touched.add(connection.scalars(select(EventActor.event_id).where(EventActor.actor_id == obj.id)),
                        terms=False)
        elif isinstance(obj, Topic) and obj.id is not None and obj in session.deleted:
            touched.add(connection.scalars(select(EventTopic.event_id).where(EventTopic.topic_id == obj.id)),
                        terms=False)
        elif isinstance(obj, Place) and obj.id is not None and (
                obj in session.deleted or _changed(obj, ("country_code",))):
            touched.add(connection.scalars(select(Event.id).where(Event.place_id == obj.id)), terms=False)
        elif isinstance(obj, Article) and obj.id is not None and obj in session.deleted:
            touched.add(connection.scalars(select(Mention.event_id).where(Mention.article_id == obj.id)),
                        counts=False)
    return touched


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> Any:
    """An UPDATE or DELETE run through a session (``session.execute(update(Event)...)``)
    skips the flush: the rows it will touch are looked up first, then refreshed."""
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    key = {"events": "id", "event_actors": "event_id", "event_topics": "event_id", "mentions": "event_id"}.get(
        getattr(table, "name", None))
    if key is None:
        return None
    found = select(table.c[key])
    if state.statement.whereclause is not None:
        found = found.where(state.statement.whereclause)
    connection = state.session.connection()
    touched = Touched()
    touched.add(connection.scalars(found, state.parameters or {}), counts=table.name != "mentions",
                terms=table.name in ("events", "mentions"))
    before = snapshot(connection, touched)
    result = state.invoke_statement()
    update(connection, touched, before)
    return result


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    touched = _touched(session)
    if touched:
        session.info["timeline.derived"] = (touched, snapshot(session.connection(), touched))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    state = session.info.pop("timeline.derived", None)
    if state is None:
        return
    touched, before = state
    touched.resolve_pending()
    update(session.connection(), touched, before)

