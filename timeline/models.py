"""The relational schema: articles, events and their mentions, actors, places, topics.

Dates are stored as real bounds (``start_min``/``end_max``) with a precision, so
"events between A and B" is an index range scan.  The actor and topic link
tables repeat the event's type and bounds (:data:`LINK_COPIES`, kept by a flush
hook) so "events of actor X between A and B, by date" is one range scan over
``(actor_id, start_min)`` with no join to sort on, and "talks of actor X…" one
over ``(actor_id, type, start_min)``.
"""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Optional

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    JSON,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from timeline.db import Base

PRECISIONS = ("day", "week", "month", "season", "year")
STATUSES = ("occurred", "ongoing", "planned", "cancelled", "postponed")
DATE_SOURCES = ("explicit", "dateline-relative", "anaphora", "inferred-from-dateline", "manual")
ROLES = ("agent", "counterpart", "mediator", "subject")
ACTOR_KINDS = ("person", "country", "organization", "group")
REVIEW_STATES = ("auto", "confirmed", "rejected")
ARTICLE_OUTCOMES = ("events", "no_events", "failed", "duplicate")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_public_id() -> str:
    """An opaque, URL-safe, stable event id (``ev_`` + 16 hex digits)."""
    return "ev_" + secrets.token_hex(8)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Article(Base):
    """One source document, stored once whatever its path (``content_hash`` is unique)."""

    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(_in("outcome", ARTICLE_OUTCOMES), name="outcome"),
        Index("ix_articles_published_id", "published_date", "id"),
        Index("ix_articles_url", "url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    outlet: Mapped[Optional[str]] = mapped_column(String(200))
    url: Mapped[Optional[str]] = mapped_column(String(2000))
    title: Mapped[Optional[str]] = mapped_column(String(1000))
    author: Mapped[Optional[str]] = mapped_column(String(200))
    published_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    published_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16), default="zh")
    format: Mapped[str] = mapped_column(String(32))
    source_name: Mapped[Optional[str]] = mapped_column(String(500))
    raw_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16), default="no_events")
    outcome_reason: Mapped[Optional[str]] = mapped_column(Text)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    extractor_version: Mapped[Optional[str]] = mapped_column(String(32))
    #: A near-duplicate (the same wire story re-published, a corrected version) points at its original.
    duplicate_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)

    mentions: Mapped[list["Mention"]] = relationship(back_populates="article", cascade="all, delete-orphan")


class Place(Base):
    """A named place: a country, region or city, with its country's ISO alpha-3 code."""

    __tablename__ = "places"
    __table_args__ = (
        Index("ix_places_name", "name"),
        Index("ix_places_name_en_lower", func.lower(text("name_en"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[Optional[str]] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="city")
    country_code: Mapped[Optional[str]] = mapped_column(String(3), index=True)

    aliases: Mapped[list["PlaceAlias"]] = relationship(back_populates="place", cascade="all, delete-orphan")


class PlaceAlias(Base):
    __tablename__ = "place_aliases"
    __table_args__ = (UniqueConstraint("place_id", "normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    #: Simplified, case-folded form used for lookups.
    normalized: Mapped[str] = mapped_column(String(200), index=True)

    place: Mapped[Place] = relationship(back_populates="aliases")


class Actor(Base):
    """A person, country, organization or group."""

    __tablename__ = "actors"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTOR_KINDS), name="kind"),
        # name filters look actors up by name and by English name in any case
        Index("ix_actors_name", "name"),
        Index("ix_actors_name_en_lower", func.lower(text("name_en"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[Optional[str]] = mapped_column(String(200))
    #: ISO 3166 alpha-3 for a country; none for a person.
    code: Mapped[Optional[str]] = mapped_column(String(16), unique=True)
    #: The country a person or body belongs to (ISO alpha-3).
    country_code: Mapped[Optional[str]] = mapped_column(String(3), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aliases: Mapped[list["ActorAlias"]] = relationship(back_populates="actor", cascade="all, delete-orphan")


class ActorAlias(Base):
    __tablename__ = "actor_aliases"
    __table_args__ = (UniqueConstraint("actor_id", "normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200), index=True)

    actor: Mapped[Actor] = relationship(back_populates="aliases")


class Topic(Base):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[Optional[str]] = mapped_column(String(200))


class Event(Base):
    """A dated happening.  ``start_min``/``end_max`` are the first and last day of
    the span at ``precision``; a merged event points at its survivor."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("precision", PRECISIONS), name="precision"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("date_source", DATE_SOURCES), name="date_source"),
        CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state"),
        CheckConstraint("start_min <= end_max", name="span"),
        Index("ix_events_start_id", "start_min", "id"),
        Index("ix_events_end_max", "end_max"),
        Index("ix_events_type_start", "type", "start_min", "id"),
        Index("ix_events_updated_id", "updated_at", "id"),
        # Only merged events: "merged_into_id IS NULL" (every live event) must not look selective to a planner.
        Index("ix_events_merged_into_id", "merged_into_id", sqlite_where=text("merged_into_id IS NOT NULL"),
              postgresql_where=text("merged_into_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    start_min: Mapped[dt.date] = mapped_column(Date)
    end_max: Mapped[dt.date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="occurred")
    date_source: Mapped[str] = mapped_column(String(32), default="explicit")
    #: The words that dated it, e.g. "6日" or "去年6月".
    date_text: Mapped[Optional[str]] = mapped_column(String(200))
    place_id: Mapped[Optional[int]] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"), index=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    #: For statements: the words said.
    speech: Mapped[Optional[str]] = mapped_column(Text)
    extractor_version: Mapped[Optional[str]] = mapped_column(String(32))
    review_state: Mapped[str] = mapped_column(String(16), default="auto")
    merged_into_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    deleted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": row_version}

    place: Mapped[Optional[Place]] = relationship()
    merged_into: Mapped[Optional["Event"]] = relationship(remote_side=[id])
    mentions: Mapped[list["Mention"]] = relationship(back_populates="event", cascade="all, delete-orphan")
    actor_links: Mapped[list["EventActor"]] = relationship(back_populates="event", cascade="all, delete-orphan")
    topic_links: Mapped[list["EventTopic"]] = relationship(back_populates="event", cascade="all, delete-orphan")


class Mention(Base):
    """One place in one article that reports an event, with its exact quote."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("event_id", "article_id", "start_offset"),
        Index("ix_mentions_article_event", "article_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    quote: Mapped[str] = mapped_column(Text)
    #: Offsets of the quote in the article's clean text, and in its raw text.
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    raw_start: Mapped[Optional[int]] = mapped_column(Integer)
    raw_end: Mapped[Optional[int]] = mapped_column(Integer)
    date_text: Mapped[Optional[str]] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="mentions")
    article: Mapped[Article] = relationship(back_populates="mentions")


class EventActor(Base):
    """Event ↔ actor with a role; carries the event's type and bounds for ordered range scans."""

    __tablename__ = "event_actors"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        # end_max too: a date range filters along the index without reading the rows
        Index("ix_event_actors_actor_start", "actor_id", "start_min", "event_id", "end_max"),
        Index("ix_event_actors_actor_type_start", "actor_id", "type", "start_min", "event_id", "end_max"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="agent")
    type: Mapped[str] = mapped_column(String(32))
    start_min: Mapped[dt.date] = mapped_column(Date)
    end_max: Mapped[dt.date] = mapped_column(Date)

    event: Mapped[Event] = relationship(back_populates="actor_links")
    actor: Mapped[Actor] = relationship()


class EventTopic(Base):
    """Event ↔ topic; carries the event's type and bounds for ordered range scans."""

    __tablename__ = "event_topics"
    __table_args__ = (Index("ix_event_topics_topic_start", "topic_id", "start_min", "event_id", "end_max"),
                      Index("ix_event_topics_topic_type_start", "topic_id", "type", "start_min", "event_id",
                            "end_max"))

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    start_min: Mapped[dt.date] = mapped_column(Date)
    end_max: Mapped[dt.date] = mapped_column(Date)

    event: Mapped[Event] = relationship(back_populates="topic_links")
    topic: Mapped[Topic] = relationship()


class EventTerm(Base):
    """The search index: one row per distinct character bigram of a live event's
    title and quotes (see :mod:`timeline.search`), carrying the event's first day
    so that "events containing 伊朗, by date" is one ordered range scan.

    Derived data, kept exact on every flush by :mod:`timeline.derived`; no
    foreign key, so no cascade has to scan it."""

    __tablename__ = "event_terms"
    __table_args__ = {"sqlite_with_rowid": False}

    term: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    start_min: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class EventCount(Base):
    """Precomputed facet and histogram counts: how many live events of a scope
    (``all``, or one ``actor``) have each value of a field (``type``, ``actor``,
    ``topic``, ``location``, ``country``; ``day``, ``month``, ``year`` of the
    first day; ``span`` = length in days).

    Derived data, kept exact on every flush by :mod:`timeline.derived`."""

    __tablename__ = "event_counts"
    __table_args__ = (
        # n rides in PostgreSQL's key index, so a scope's counts are an index-only
        # scan; SQLite keeps the whole row in its key order already.
        PrimaryKeyConstraint("scope", "scope_id", "field", "value", postgresql_include=["n"]),
        # A facet's top values without reading the scope's every count (a
        # popular actor has 17,000 counterparts).
        Index("ix_event_counts_top", "scope", "scope_id", "field", "n", "value"),
        {"sqlite_with_rowid": False},
    )

    scope: Mapped[str] = mapped_column(String(8))
    scope_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    field: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(40))
    n: Mapped[int] = mapped_column(Integer)


class VocabularyGeneration(Base):
    """One row: a random token that database triggers replace on every write to
    what names resolve against (see :mod:`timeline.generation`)."""

    __tablename__ = "vocabulary_generation"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[str] = mapped_column(String(32))


class ApiToken(Base):
    """A bearer token for the API's writes.  Only the SHA-256 of the secret is
    stored; the secret is shown once, when the token is created."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The secret's first characters, so a listed token can be recognised.
    prefix: Mapped[str] = mapped_column(String(16))
    #: Space-separated scopes: read, write, admin (each implies the ones before it).
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))


AUDIT_ACTIONS = ("edit", "merge", "split", "delete", "undo", "actor_merge", "alias_add", "alias_remove")
CHANGE_KINDS = ("created", "updated", "merged", "deleted")


class AuditEntry(Base):
    """One curation step: who did what, when, with the values before and after
    (``changes``), enough to undo it.  See :mod:`timeline.curation`."""

    __tablename__ = "audit_log"
    __table_args__ = (CheckConstraint(_in("action", AUDIT_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: A token's name, or ``cli:`` and a user name.
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    #: The event acted on (a merge's absorbed event, a split's original).
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: A merge's survivor, a split's new event.
    other_event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    #: An alias's actor, an actor merge's survivor.
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    undo_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("audit_log.id", ondelete="SET NULL"))
    undone_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("audit_log.id", ondelete="SET NULL"))

    event: Mapped[Optional[Event]] = relationship(foreign_keys=[event_id])
    other_event: Mapped[Optional[Event]] = relationship(foreign_keys=[other_event_id])
    actor: Mapped[Optional[Actor]] = relationship()


class EventChange(Base):
    """One row of the change feed: an event created, updated, merged or deleted
    by a committed transaction.  ``seq`` grows in commit order (see
    :mod:`timeline.changes`)."""

    __tablename__ = "event_changes"
    __table_args__ = (CheckConstraint(_in("kind", CHANGE_KINDS), name="kind"),)

    seq: Mapped[int] = mapped_column(primary_key=True)
    #: No foreign key: a change outlives whatever happens to its event.
    event_id: Mapped[int] = mapped_column(Integer)
    public_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    #: A merged event's survivor (public id).
    merged_into: Mapped[Optional[str]] = mapped_column(String(32))
    row_version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActorRedirect(Base):
    """The slug of an actor merged into another, so ingest, filters and
    lookups by the old slug reach the survivor."""

    __tablename__ = "actor_redirects"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)


import timeline.derived  # noqa: E402,F401  (its flush hooks keep event_terms and event_counts exact)
import timeline.changes  # noqa: E402,F401  (its flush and commit hooks write the change feed)
import timeline.generation  # noqa: E402,F401  (create_all installs its triggers)


#: What an actor or topic link repeats of its event.
LINK_COPIES = ("type", "start_min", "end_max")


def _copy_to_link(source: Event, link: EventActor | EventTopic) -> None:
    for name in LINK_COPIES:
        value = getattr(source, name)
        if getattr(link, name) != value:
            setattr(link, name, value)


@sa_event.listens_for(Session, "before_flush")
def _copy_to_links(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Every new link (or one moved to another event) gets its event's
    :data:`LINK_COPIES`, and every event whose copied fields changed passes them
    on to its links: no writer sets them.  A link whose role alone changed is
    left alone, without loading its event."""
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, (EventActor, EventTopic)) and (
                obj in session.new or inspect(obj).attrs.event_id.history.has_changes()):
            # a pending link added by event_id alone does not load its event
            source = obj.event if obj.event is not None else session.get(Event, obj.event_id)
            if source is not None:
                _copy_to_link(source, obj)
        elif isinstance(obj, Event) and (obj in session.new or any(
                inspect(obj).attrs[name].history.has_changes() for name in LINK_COPIES)):
            for link in (*obj.actor_links, *obj.topic_links):
                _copy_to_link(obj, link)
