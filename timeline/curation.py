"""Curation: the corrections people make to what extraction found, as one
service layer for the API and the CLI.  Nothing here commits: the caller does.

Every step writes an :class:`~timeline.models.AuditEntry` with who did it,
when, and the values before and after, and every step but an actor merge can
be undone from it:

* ``edit``: fields of one event (:data:`FIELDS`), each recorded as
  ``{"old": ..., "new": ...}``.  The fields an event's active edits name are
  its *curated* fields: ingest and re-extraction never overwrite them.  Undo
  puts the old values back, unless a field has changed again since (a
  :class:`Conflict` names it).
* ``merge``: the absorbed event's mentions move to the survivor (except
  quotes the survivor already holds), its actors, topics and place join the
  survivor where missing, and it points at the survivor, so its id answers
  with a redirect.  Undo moves back exactly what moved.
* ``split``: chosen mentions move to a new event that copies the original's
  fields.  Undo moves the new event's mentions back and merges it into the
  original, so its id keeps answering.
* ``delete``: a tombstone (``deleted_at``), never a hole.  Undo restores it.
* ``actor_merge``: the absorbed actor's event links and aliases move to the
  survivor, its names become aliases, and its slug redirects (ingest, which
  knows actors by their lexicon slug, then links the survivor).
* ``alias_add`` / ``alias_remove``: the database's aliases are the curated
  truth; the lexicon files only seed a new database.

Every change to an event bumps its ``row_version`` and ``updated_at``, so
optimistic locking and the change feed see it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from timeline.changes import note
from timeline.dateformat import PRECISIONS
from timeline.extract.aliases import fold
from timeline.lexicon.load import taxonomy
from timeline.models import (
    REVIEW_STATES, ROLES, STATUSES, Actor, ActorAlias, ActorRedirect, AuditEntry, Event, EventActor, EventTopic,
    Mention, Place, Topic, utcnow,
)
from timeline.timedates import Span, parse_span, period_span, quarter_span

#: The fields an edit may change; ``date`` is the span, its precision and how it was found.
FIELDS = ("type", "title", "date", "status", "place", "actors", "topics", "review_state")
TITLE_LENGTH = 500


class CurationError(Exception):
    """A curation step that cannot be done as asked."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(CurationError):
    """A value that names nothing or breaks a rule (``field`` says which)."""


class Conflict(CurationError):
    """The step does not fit the current state (already undone, changed since, merged away)."""


# --- who and what ------------------------------------------------------------------

def redirected_actor(session: Session, slug: str) -> Actor | None:
    """The actor a merged actor's slug now stands for."""
    return session.scalar(select(Actor).join(ActorRedirect, ActorRedirect.actor_id == Actor.id)
                          .where(ActorRedirect.slug == slug))


def resolve_actor(session: Session, ident: str) -> Actor | None:
    """An actor by slug or numeric id, or the survivor a merged actor's slug redirects to."""
    from timeline.queries import find_actor

    return find_actor(session, ident) or redirected_actor(session, ident)


def _entry(session: Session, who: str, action: str, changes: dict[str, Any], **targets: Any) -> AuditEntry:
    entry = AuditEntry(who=who, action=action, changes=changes, **targets)
    session.add(entry)
    session.flush()
    return entry


def _touch(*events: Event) -> None:
    """Mark a change the event's own columns may not show (links, mentions): a new row_version."""
    now = utcnow()
    for changed in events:
        changed.updated_at = now


def require_live(event: Event) -> None:
    if event.merged_into_id is not None:
        raise Conflict(f"event {event.public_id} was merged into {event.merged_into.public_id}")
    if event.deleted_at is not None:
        raise Conflict(f"event {event.public_id} was deleted")


# --- field values -------------------------------------------------------------------
# Each field has one JSON form, used in the audit log and compared on undo.

def field_value(event: Event, name: str) -> Any:
    if name == "date":
        return {"start_min": event.start_min.isoformat(), "end_max": event.end_max.isoformat(),
                "precision": event.precision, "date_source": event.date_source, "date_text": event.date_text}
    if name == "place":
        return event.place.slug if event.place is not None else None
    if name == "actors":
        return sorted([link.actor.slug, link.role] for link in event.actor_links)
    if name == "topics":
        return sorted(link.topic.slug for link in event.topic_links)
    return getattr(event, name)


def same_value(name: str, one: Any, other: Any) -> bool:
    """Equal values; a date is the same when its span and precision are (not how it was found)."""
    if name == "date":
        keys = ("start_min", "end_max", "precision")
        return [one[k] for k in keys] == [other[k] for k in keys]
    return one == other


def set_field(session: Session, event: Event, name: str, value: Any) -> None:
    if name == "date":
        event.start_min = dt.date.fromisoformat(value["start_min"])
        event.end_max = dt.date.fromisoformat(value["end_max"])
        event.precision, event.date_source, event.date_text = value["precision"], value["date_source"], value["date_text"]
    elif name == "place":
        event.place = session.scalar(select(Place).where(Place.slug == value)) if value is not None else None
    elif name == "actors":
        _set_actors(session, event, [(slug, role) for slug, role in value])
    elif name == "topics":
        _set_topics(session, event, value)
    else:
        setattr(event, name, value)


def _set_actors(session: Session, event: Event, wanted: Sequence[tuple[str, str]]) -> None:
    by_slug = {a.slug: a for a in session.scalars(select(Actor).where(Actor.slug.in_([s for s, _ in wanted])))}
    roles = {by_slug[slug].id: role for slug, role in wanted}
    for link in list(event.actor_links):
        if link.actor_id not in roles:
            event.actor_links.remove(link)
        else:
            link.role = roles.pop(link.actor_id)
    for actor_id, role in roles.items():
        event.actor_links.append(EventActor(actor_id=actor_id, role=role))


def _set_topics(session: Session, event: Event, slugs: Sequence[str]) -> None:
    wanted = set(session.scalars(select(Topic.id).where(Topic.slug.in_(slugs))))
    for link in list(event.topic_links):
        if link.topic_id not in wanted:
            event.topic_links.remove(link)
        wanted.discard(link.topic_id)
    for topic_id in sorted(wanted):
        event.topic_links.append(EventTopic(topic_id=topic_id))


# --- reading an edit request --------------------------------------------------------

@dataclass
class EventPatch:
    """What a curator asks to change; None leaves a field alone (``place=""`` clears the place)."""

    type: str | None = None
    title: str | None = None
    start: str | None = None
    end: str | None = None
    precision: str | None = None
    status: str | None = None
    place: str | None = None
    actors: Sequence[tuple[str, str]] | None = None
    topics: Sequence[str] | None = None
    review_state: str | None = None


def _widen(day: dt.date, precision: str) -> Span:
    """The whole period of ``precision`` around ``day``."""
    if precision == "season":
        return quarter_span(day.year, (day.month - 1) // 3 + 1)
    return period_span(day, precision)


def _read_span(text: str, name: str) -> Span:
    try:
        return parse_span(text)
    except ValueError as exc:
        raise Invalid(str(exc), name) from None


def date_value(start: str, end: str | None = None, precision: str | None = None) -> dict[str, Any]:
    """The ``date`` field a curator means by ``start`` (and ``end``) as any form
    ``from``/``to`` take (2025-02-06, 2025-W07, 2025-02, 2025-Q1, 2025, 2025年2月),
    widened to whole periods of ``precision`` (default: the coarser of the two forms)."""
    first = _read_span(start, "start")
    last = _read_span(end, "end") if end else first
    if precision is None:
        precision = max(first.precision, last.precision, key=PRECISIONS.index)
    elif precision not in PRECISIONS:
        raise Invalid(f"must be one of {', '.join(PRECISIONS)}", "precision")
    low, high = _widen(first.start, precision).start, _widen(last.end, precision).end
    if low > high:
        raise Invalid("the span ends before it starts", "end")
    return {"start_min": low.isoformat(), "end_max": high.isoformat(), "precision": precision,
            "date_source": "manual", "date_text": None}


def _choice(value: str, allowed: Sequence[str], name: str) -> str:
    if value not in allowed:
        raise Invalid(f"must be one of {', '.join(allowed)}", name)
    return value


def requested_values(session: Session, patch: EventPatch) -> dict[str, Any]:
    """The field values ``patch`` asks for, in their JSON form; :class:`Invalid` names a bad one."""
    values: dict[str, Any] = {}
    if patch.type is not None:
        values["type"] = _choice(patch.type, [t["slug"] for t in taxonomy()], "type")
    if patch.title is not None:
        title = patch.title.strip()
        if not 1 <= len(title) <= TITLE_LENGTH:
            raise Invalid(f"must have 1 to {TITLE_LENGTH} characters", "title")
        values["title"] = title
    if patch.start is not None:
        values["date"] = date_value(patch.start, patch.end, patch.precision)
    elif patch.end is not None or patch.precision is not None:
        raise Invalid("give start with end or precision", "start")
    if patch.status is not None:
        values["status"] = _choice(patch.status, STATUSES, "status")
    if patch.review_state is not None:
        values["review_state"] = _choice(patch.review_state, REVIEW_STATES, "review_state")
    if patch.place is not None:
        values["place"] = _place_slug(session, patch.place) if patch.place else None
    if patch.actors is not None:
        values["actors"] = _actor_roles(session, patch.actors)
    if patch.topics is not None:
        values["topics"] = _topic_slugs(session, patch.topics)
    return values


def _place_slug(session: Session, ident: str) -> str:
    slug = session.scalar(select(Place.slug).where(Place.slug == ident))
    if slug is None:
        raise Invalid(f"no place {ident!r}", "place")
    return slug


def _actor_roles(session: Session, wanted: Sequence[tuple[str, str]]) -> list[list[str]]:
    roles: dict[str, str] = {}
    for ident, role in wanted:
        actor = resolve_actor(session, ident)
        if actor is None:
            raise Invalid(f"no actor {ident!r}", "actors")
        if actor.slug in roles:
            raise Invalid(f"actor {actor.slug!r} named twice", "actors")
        roles[actor.slug] = _choice(role, ROLES, "actors")
    return sorted([slug, role] for slug, role in roles.items())


def _topic_slugs(session: Session, wanted: Sequence[str]) -> list[str]:
    found = set(session.scalars(select(Topic.slug).where(Topic.slug.in_(wanted))))
    missing = [slug for slug in wanted if slug not in found]
    if missing:
        raise Invalid(f"no topic {', '.join(map(repr, missing))}", "topics")
    return sorted(found)


# --- the steps ----------------------------------------------------------------------

def edit_event(session: Session, event: Event, patch: EventPatch, who: str) -> AuditEntry | None:
    """Change the fields ``patch`` names; None when it changes nothing."""
    require_live(event)
    changes = {}
    for name, value in requested_values(session, patch).items():
        old = field_value(event, name)
        if not same_value(name, old, value):
            changes[name] = {"old": old, "new": value}
            set_field(session, event, name, value)
    if not changes:
        return None
    _touch(event)
    return _entry(session, who, "edit", changes, event_id=event.id)


def delete_event(session: Session, event: Event, who: str) -> AuditEntry:
    """Leave a tombstone: the event drops out of every list, its id answers 410."""
    require_live(event)
    event.deleted_at = utcnow()
    return _entry(session, who, "delete", {}, event_id=event.id)


def _quote_key(mention: Mention) -> tuple[int, int]:
    return mention.article_id, mention.start_offset


def _move_mentions(mentions: Sequence[Mention], target: Event) -> list[int]:
    """Move ``mentions`` to ``target``, except quotes it holds already; the ids moved."""
    held = {_quote_key(m) for m in target.mentions}
    moved = []
    for mention in list(mentions):
        if _quote_key(mention) not in held:
            held.add(_quote_key(mention))
            mention.event = target
            moved.append(mention.id)
    return sorted(moved)


def merge_events(session: Session, absorbed: Event, survivor: Event, who: str) -> AuditEntry:
    """Merge ``absorbed`` into ``survivor`` (module docstring)."""
    require_live(absorbed)
    require_live(survivor)
    if absorbed.id == survivor.id:
        raise Invalid("an event cannot be merged into itself", "into")
    moved = _move_mentions(absorbed.mentions, survivor)
    have_actors = {link.actor_id for link in survivor.actor_links}
    actors = [[link.actor.slug, link.role] for link in absorbed.actor_links if link.actor_id not in have_actors]
    for link in absorbed.actor_links:
        if link.actor_id not in have_actors:
            survivor.actor_links.append(EventActor(actor_id=link.actor_id, role=link.role))
    have_topics = {link.topic_id for link in survivor.topic_links}
    topics = sorted(link.topic.slug for link in absorbed.topic_links if link.topic_id not in have_topics)
    for link in absorbed.topic_links:
        if link.topic_id not in have_topics:
            survivor.topic_links.append(EventTopic(topic_id=link.topic_id))
    place = None
    if survivor.place_id is None and absorbed.place is not None:
        survivor.place, place = absorbed.place, absorbed.place.slug
    absorbed.merged_into = survivor
    _touch(absorbed, survivor)
    changes = {"mentions": moved, "actors": sorted(actors), "topics": topics, "place": place}
    return _entry(session, who, "merge", changes, event_id=absorbed.id, other_event_id=survivor.id)


def split_event(session: Session, event: Event, quotes: Sequence[tuple[int, int]], who: str) -> tuple[Event, AuditEntry]:
    """Move the mentions at ``quotes`` (article id, start offset) to a new event
    with the original's fields; at least one mention stays."""
    require_live(event)
    by_key = {_quote_key(m): m for m in event.mentions}
    missing = [f"{article}:{start}" for article, start in quotes if (article, start) not in by_key]
    if missing or not quotes:
        raise Invalid(f"not mentions of {event.public_id}: {', '.join(missing)}" if missing
                      else "name at least one mention", "mentions")
    chosen = [by_key[key] for key in dict.fromkeys(quotes)]
    if len(chosen) == len(by_key):
        raise Invalid("leave at least one mention with the original event", "mentions")
    new = Event(type=event.type, title=event.title, start_min=event.start_min, end_max=event.end_max,
                precision=event.precision, status=event.status, date_source=event.date_source,
                date_text=event.date_text, place=event.place, confidence=event.confidence, speech=event.speech,
                extractor_version=event.extractor_version, review_state=event.review_state)
    new.actor_links = [EventActor(actor_id=link.actor_id, role=link.role) for link in event.actor_links]
    new.topic_links = [EventTopic(topic_id=link.topic_id) for link in event.topic_links]
    session.add(new)
    session.flush()
    moved = _move_mentions(chosen, new)
    _touch(event)
    return new, _entry(session, who, "split", {"mentions": moved}, event_id=event.id, other_event_id=new.id)


# --- undo ----------------------------------------------------------------------------

def undo(session: Session, entry: AuditEntry, who: str) -> AuditEntry:
    """Undo ``entry``; the undo is itself an entry (``undo_of``)."""
    if entry.undone_by_id is not None:
        raise Conflict(f"audit entry {entry.id} was undone already (by entry {entry.undone_by_id})")
    handler = _UNDO.get(entry.action)
    if handler is None:
        raise Conflict(f"a{'n' if entry.action[0] in 'aeiou' else ''} {entry.action} cannot be undone")
    handler(session, entry)
    undone = _entry(session, who, "undo", {"action": entry.action}, event_id=entry.event_id,
                    other_event_id=entry.other_event_id, actor_id=entry.actor_id, undo_of_id=entry.id)
    entry.undone_by_id = undone.id
    return undone


def _event(session: Session, event_id: int | None) -> Event:
    event = session.get(Event, event_id) if event_id is not None else None
    if event is None:
        raise Conflict("the event of this entry no longer exists")
    return event


def _undo_edit(session: Session, entry: AuditEntry) -> None:
    event = _event(session, entry.event_id)
    require_live(event)
    for name, change in entry.changes.items():
        if not same_value(name, field_value(event, name), change["new"]):
            raise Conflict(f"{name} of {event.public_id} changed again since entry {entry.id}", name)
    for name, change in entry.changes.items():
        set_field(session, event, name, change["old"])
    _touch(event)


def _undo_delete(session: Session, entry: AuditEntry) -> None:
    event = _event(session, entry.event_id)
    if event.deleted_at is None:
        raise Conflict(f"event {event.public_id} is not deleted")
    event.deleted_at = None


def _unmerge(session: Session, absorbed: Event, survivor: Event, mention_ids: Sequence[int]) -> None:
    if absorbed.merged_into_id != survivor.id:
        raise Conflict(f"event {absorbed.public_id} is not merged into {survivor.public_id}")
    require_live(survivor)
    wanted = set(mention_ids)
    back = [m for m in survivor.mentions if m.id in wanted]
    if not back and not absorbed.mentions:
        raise Conflict(f"the mentions {absorbed.public_id} gave {survivor.public_id} have moved on since")
    _move_mentions(back, absorbed)
    absorbed.merged_into = None
    _touch(absorbed, survivor)


def _undo_merge(session: Session, entry: AuditEntry) -> None:
    absorbed, survivor = _event(session, entry.event_id), _event(session, entry.other_event_id)
    _unmerge(session, absorbed, survivor, entry.changes["mentions"])
    added_actors = {slug for slug, _ in entry.changes["actors"]}
    for link in list(survivor.actor_links):
        if link.actor.slug in added_actors:
            survivor.actor_links.remove(link)
    added_topics = set(entry.changes["topics"])
    for link in list(survivor.topic_links):
        if link.topic.slug in added_topics:
            survivor.topic_links.remove(link)
    if entry.changes["place"] is not None and field_value(survivor, "place") == entry.changes["place"]:
        survivor.place = None


def _undo_split(session: Session, entry: AuditEntry) -> None:
    original, new = _event(session, entry.event_id), _event(session, entry.other_event_id)
    require_live(original)
    require_live(new)
    _move_mentions(new.mentions, original)
    new.merged_into = original
    _touch(original, new)


def _undo_alias(add: bool) -> Any:
    def handler(session: Session, entry: AuditEntry) -> None:
        actor = session.get(Actor, entry.actor_id) if entry.actor_id is not None else None
        if actor is None:
            raise Conflict("the actor of this entry no longer exists")
        if add:
            _remove_alias(actor, entry.changes["alias"])
        else:
            _add_alias(actor, entry.changes["alias"])
    return handler


_UNDO = {"edit": _undo_edit, "delete": _undo_delete, "merge": _undo_merge, "split": _undo_split,
         "alias_add": _undo_alias(True), "alias_remove": _undo_alias(False)}


# --- actors --------------------------------------------------------------------------

def _add_alias(actor: Actor, alias: str) -> None:
    normalized = fold(alias.strip())
    if any(a.normalized == normalized for a in actor.aliases):
        raise Conflict(f"{actor.slug} has the alias {alias!r} already", "alias")
    actor.aliases.append(ActorAlias(alias=alias.strip(), normalized=normalized))


def find_alias(actor: Actor, alias: str) -> ActorAlias | None:
    """The actor's alias written ``alias``, else the one that folds the same."""
    written = [a for a in actor.aliases if a.alias == alias.strip()]
    folded = [a for a in actor.aliases if a.normalized == fold(alias.strip())]
    return (written or folded or [None])[0]


def _remove_alias(actor: Actor, alias: str) -> None:
    found = find_alias(actor, alias)
    if found is None:
        raise Invalid(f"{actor.slug} has no alias {alias!r}", "alias")
    actor.aliases.remove(found)


def add_alias(session: Session, actor: Actor, alias: str, who: str) -> AuditEntry:
    if not alias.strip() or len(alias.strip()) > 200:
        raise Invalid("must have 1 to 200 characters", "alias")
    _add_alias(actor, alias)
    return _entry(session, who, "alias_add", {"alias": alias.strip()}, actor_id=actor.id)


def remove_alias(session: Session, actor: Actor, alias: str, who: str) -> AuditEntry:
    _remove_alias(actor, alias)
    return _entry(session, who, "alias_remove", {"alias": alias.strip()}, actor_id=actor.id)


def merge_actors(session: Session, absorbed: Actor, survivor: Actor, who: str) -> AuditEntry:
    """Merge ``absorbed`` into ``survivor`` (module docstring); not undoable."""
    if absorbed.id == survivor.id:
        raise Invalid("an actor cannot be merged into itself", "into")
    links = list(session.scalars(select(EventActor).where(EventActor.actor_id == absorbed.id)))
    event_ids = sorted(link.event_id for link in links)
    linked = set(session.scalars(select(EventActor.event_id).where(
        EventActor.actor_id == survivor.id, EventActor.event_id.in_(event_ids))))
    for link in links:
        if link.event_id not in linked:
            session.add(EventActor(event_id=link.event_id, actor_id=survivor.id, role=link.role))
        session.delete(link)
    held = {a.normalized for a in survivor.aliases}
    names = [(a.alias, a.normalized) for a in absorbed.aliases] + \
        [(name, fold(name)) for name in (absorbed.name, absorbed.name_en, absorbed.slug) if name]
    aliases = []
    for alias, normalized in names:
        if normalized not in held:
            held.add(normalized)
            survivor.aliases.append(ActorAlias(alias=alias, normalized=normalized))
            aliases.append(alias)
    session.execute(update(ActorRedirect).where(ActorRedirect.actor_id == absorbed.id).values(actor_id=survivor.id))
    record = {"slug": absorbed.slug, "name": absorbed.name, "name_en": absorbed.name_en, "kind": absorbed.kind,
              "code": absorbed.code, "country": absorbed.country_code}
    session.delete(absorbed)
    session.flush()
    session.add(ActorRedirect(slug=record["slug"], actor_id=survivor.id))
    if event_ids:  # their actors changed: a new version, and a line in the change feed
        session.execute(update(Event).where(Event.id.in_(event_ids))
                        .values(row_version=Event.row_version + 1, updated_at=utcnow()),
                        execution_options={"synchronize_session": "fetch"})
        note(session, event_ids)
    return _entry(session, who, "actor_merge", {"absorbed": record, "events": event_ids, "aliases": aliases},
                  actor_id=survivor.id)


# --- reading the log -----------------------------------------------------------------

def history_statement(event: Event) -> Select:
    """The entries about ``event``, as the event acted on or as the other side."""
    return select(AuditEntry).where(or_(AuditEntry.event_id == event.id, AuditEntry.other_event_id == event.id))


def original_values(session: Session, event_id: int) -> dict[str, Any]:
    """The curated fields of an event, each with the value it had before people
    changed it (the old value of the earliest edit still in force)."""
    values: dict[str, Any] = {}
    for changes in session.scalars(select(AuditEntry.changes).where(
            AuditEntry.event_id == event_id, AuditEntry.action == "edit", AuditEntry.undone_by_id.is_(None))
            .order_by(AuditEntry.id)):
        for name, change in changes.items():
            values.setdefault(name, change["old"])
    return values


def curated_fields(session: Session, event_id: int) -> set[str]:
    """The fields of the event that people set: ingest and re-extraction leave them alone."""
    return set(original_values(session, event_id))


def is_curated(session: Session, event: Event) -> bool:
    """Whether people touched the event at all: reviewed it, or any step still in force names it."""
    if event.review_state != "auto":
        return True
    return session.scalar(select(AuditEntry.id).where(
        or_(AuditEntry.event_id == event.id, AuditEntry.other_event_id == event.id),
        AuditEntry.undone_by_id.is_(None), AuditEntry.action != "undo").limit(1)) is not None
