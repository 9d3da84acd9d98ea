"""Extraction output → database, one transaction per article.

* The same content twice is a no-op: ``articles.content_hash`` is unique, and a
  concurrent insert of the same article loses on that constraint, not on a
  check-then-insert.
* An incoming event that is a stored event's happening (the rule of
  :mod:`timeline.extract.merge`: same type, same precision, overlapping span,
  a shared actor) becomes a new mention of it, never a second row.  Matching
  runs while the transaction holds the database's write lock (SQLite: the
  article insert takes it; PostgreSQL: an advisory lock), so two articles about
  one happening ingested at the same time still give one event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from sqlalchemy import exists, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeline.extract.aliases import fold
from timeline.extract.model import ActorRef, ExtractedEvent, PlaceRef
from timeline.extract.pipeline import EXTRACTOR_VERSION, Extraction, extract
from timeline.extract.read import Document
from timeline.lexicon.load import topic_names
from timeline.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventTopic,
    Mention,
    Place,
    PlaceAlias,
    Topic,
    utcnow,
)

#: Any constant: the key of the PostgreSQL advisory lock that serializes event matching.
MATCH_LOCK_KEY = 7_316_482

Row = TypeVar("Row")


@dataclass(frozen=True)
class IngestResult:
    """What happened to one article."""

    article_id: int
    created: bool
    name: str
    event_count: int = 0
    merged_count: int = 0

    def describe(self) -> str:
        if not self.created:
            return f"{self.name}: already stored as article {self.article_id}"
        merged = f" ({self.merged_count} joined stored events)" if self.merged_count else ""
        return f"{self.name}: article {self.article_id}, {self.event_count} events{merged}"


def _find_article(session: Session, content_hash: str) -> Article | None:
    return session.scalar(select(Article).where(Article.content_hash == content_hash))


def ingest_document(session: Session, document: Document,
                    extractor: Callable[[Document], Extraction] = extract) -> IngestResult:
    """Extract ``document`` and store it with its events, in one transaction (committed)."""
    existing = _find_article(session, document.content_hash)
    if existing is not None:
        return IngestResult(existing.id, False, document.name, existing.event_count)
    extraction = extractor(document)
    try:
        article = _article_row(document, extraction)
        session.add(article)
        session.flush()  # takes SQLite's write lock; a duplicate fails here
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MATCH_LOCK_KEY})
        merged = sum(store_event(session, article, document, event) for event in extraction.events)
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = _find_article(session, document.content_hash)
        if existing is None:
            raise
        return IngestResult(existing.id, False, document.name, existing.event_count)
    except BaseException:
        session.rollback()
        raise
    return IngestResult(article.id, True, document.name, len(extraction.events), merged)


def _article_row(document: Document, extraction: Extraction) -> Article:
    return Article(
        content_hash=document.content_hash,
        outlet=document.outlet,
        url=document.url,
        title=document.title,
        author=document.author,
        published_at=document.published_at,
        published_date=document.published_date,
        language=document.language,
        format=document.format,
        source_name=document.name,
        raw_text=document.raw_text,
        clean_text=document.clean_text,
        outcome="events" if extraction.events else "no_events",
        outcome_reason=extraction.reason,
        event_count=len(extraction.events),
        extractor_version=EXTRACTOR_VERSION,
    )


# -- entities ----------------------------------------------------------------

def _get_or_create(session: Session, find: Callable[[], Row | None], create: Callable[[], Row]) -> Row:
    """The row ``find`` returns, else a new one; a concurrent creator's row wins."""
    row = find()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = create()
            session.add(row)
    except IntegrityError:
        row = find()
        if row is None:
            raise
    return row


def _alias_set(*names: str | None) -> dict[str, str]:
    return {fold(n): n for n in names if n}


def get_actor(session: Session, ref: ActorRef) -> Actor:
    def create() -> Actor:
        actor = Actor(slug=ref.key, kind=ref.kind, name=ref.name, name_en=ref.name_en,
                      code=ref.code if ref.kind == "country" else None, country_code=ref.country)
        actor.aliases = [ActorAlias(alias=a, normalized=n)
                         for n, a in _alias_set(ref.name, ref.name_en, ref.code, *ref.aliases).items()]
        return actor

    return _get_or_create(session, lambda: session.scalar(select(Actor).where(Actor.slug == ref.key)), create)


def get_place(session: Session, ref: PlaceRef) -> Place:
    def create() -> Place:
        place = Place(slug=ref.key, name=ref.name, name_en=ref.name_en, kind=ref.kind, country_code=ref.country)
        place.aliases = [PlaceAlias(alias=a, normalized=n)
                         for n, a in _alias_set(ref.name, ref.name_en, *ref.aliases).items()]
        return place

    return _get_or_create(session, lambda: session.scalar(select(Place).where(Place.slug == ref.key)), create)


def get_topic(session: Session, slug: str) -> Topic:
    def create() -> Topic:
        name, name_en = topic_names(slug)
        return Topic(slug=slug, name=name, name_en=name_en)

    return _get_or_create(session, lambda: session.scalar(select(Topic).where(Topic.slug == slug)), create)


# -- events ------------------------------------------------------------------

def find_stored_match(session: Session, event: ExtractedEvent, actor_ids: list[int]) -> Event | None:
    """A live stored event that is ``event``'s happening (same type and precision,
    overlapping span, a shared actor)."""
    if not actor_ids:
        return None
    shared = exists().where(EventActor.event_id == Event.id, EventActor.actor_id.in_(actor_ids))
    return session.scalar(
        select(Event)
        .where(Event.type == event.type, Event.precision == event.precision,
               Event.start_min <= event.end_date, Event.end_max >= event.start_date,
               Event.merged_into_id.is_(None), Event.deleted_at.is_(None), shared)
        .order_by(Event.start_min, Event.id)
        .limit(1)
    )


def _link(session: Session, stored: Event, actors: list[tuple[Actor, str]], topics: list[Topic]) -> None:
    have_actors = {link.actor_id for link in stored.actor_links}
    for actor, role in actors:
        if actor.id not in have_actors:
            have_actors.add(actor.id)
            stored.actor_links.append(EventActor(actor_id=actor.id, role=role,
                                                 start_min=stored.start_min, end_max=stored.end_max))
    have_topics = {link.topic_id for link in stored.topic_links}
    for topic in topics:
        if topic.id not in have_topics:
            have_topics.add(topic.id)
            stored.topic_links.append(EventTopic(topic_id=topic.id, start_min=stored.start_min,
                                                 end_max=stored.end_max))


def store_event(session: Session, article: Article, document: Document, event: ExtractedEvent) -> bool:
    """Store ``event`` of ``article``; True when it joined a stored event."""
    actors = [(get_actor(session, ref), ref.role) for ref in event.actors]
    topics = [get_topic(session, slug) for slug in event.topics]
    place = get_place(session, event.place) if event.place else None
    stored = find_stored_match(session, event, [a.id for a, _ in actors])
    merged = stored is not None
    if stored is None:
        stored = Event(type=event.type, title=event.title, start_min=event.start_date, end_max=event.end_date,
                       precision=event.precision, status=event.status, date_source=event.date_source,
                       date_text=event.date_text, place=place, confidence=event.confidence,
                       speech=event.speech, extractor_version=EXTRACTOR_VERSION)
        session.add(stored)
    else:
        _update_from_later_report(stored, event)
        if stored.place is None and place is not None:
            stored.place = place
        stored.confidence = max(stored.confidence, event.confidence)
    _link(session, stored, actors, topics)
    for quote in event.mentions:
        raw_start, raw_end = document.raw_span(quote.start, quote.end)
        stored.mentions.append(Mention(article=article, quote=quote.text, start_offset=quote.start,
                                       end_offset=quote.end, raw_start=raw_start, raw_end=raw_end,
                                       date_text=quote.date_text or event.date_text))
    session.flush()
    return merged


def _update_from_later_report(stored: Event, event: ExtractedEvent) -> None:
    """A later report settles a planned event: occurred, cancelled or postponed."""
    if stored.status == "planned" and event.status in ("occurred", "ongoing", "cancelled", "postponed"):
        stored.status = event.status
        stored.updated_at = utcnow()
