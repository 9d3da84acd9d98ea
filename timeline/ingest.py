"""Extraction output → database, one transaction per article.

* The same content twice is a no-op: ``articles.content_hash`` is unique, and a
  concurrent insert of the same article loses on that constraint, not on a
  check-then-insert.
* A near-duplicate (:mod:`timeline.duplicates`: the same story re-published
  with small changes, a corrected version at the same URL, the same story in
  traditional characters) is stored with outcome ``duplicate``, a reason that
  names its original and the similarity, and ``duplicate_of_id``; it is not
  extracted, so it adds no event and no mention: a story is counted once.
* An article that yields no event is stored with outcome ``no_events`` and the
  extractor's reason.
* Cross-article matching.  An incoming event joins a live stored event — it
  becomes new mentions of it, never a second row — when
  :func:`timeline.extract.merge.same_happening` holds for the pair (the same
  type; the same precision and overlapping spans, so a year-level mention
  such as 去年的谈判 never swallows a day-level event and two rounds of talks a
  week apart stay two; no clash of speakers for statements) and they share at
  least two actors, or every actor of the side that names only one.  The
  second condition is stricter than within an article: across articles "the
  United States" alone does not make US–Iran and US–Russia talks on the same
  day one happening.  Among several matches the one sharing the most actors
  wins.  Stored events starting more than :data:`MATCH_LOOKBACK` before the
  incoming one are not looked at, which keeps the lookup an index range scan.
  An article's own events are never matched against each other: extraction
  has already decided which of its mentions are one happening.
* A later report settles a stored planned event: its status becomes the
  incoming occurred, ongoing, cancelled or postponed.  Fields people set
  (:func:`timeline.curation.curated_fields`) are never overwritten, and a
  merged actor's slug links its survivor.
* Matching and the near-duplicate check run while the transaction holds the
  database's write lock (SQLite: the article insert takes it; PostgreSQL: an
  advisory lock), so two articles about one happening ingested at the same
  time still give one event, and two copies of one story still give one
  original.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from sqlalchemy import exists, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from timeline.curation import curated_fields, redirected_actor
from timeline.duplicates import Fingerprint, Original
from timeline.extract.aliases import fold
from timeline.extract.merge import same_happening
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
#: A stored event must start at most this long before an incoming one to be compared with it.
MATCH_LOOKBACK = dt.timedelta(days=400)
#: Shared actors needed across articles (fewer only when one side names fewer).
SHARED_ACTORS = 2
#: The statuses a later report may give a stored planned event.
SETTLED = ("occurred", "ongoing", "cancelled", "postponed")

Row = TypeVar("Row")


@dataclass(frozen=True)
class IngestResult:
    """What happened to one article."""

    article_id: int
    created: bool
    name: str
    event_count: int = 0
    merged_count: int = 0
    duplicate_of: int | None = None
    reason: str | None = None

    def describe(self) -> str:
        if not self.created:
            return f"{self.name}: already stored as article {self.article_id}"
        if self.duplicate_of is not None:
            return f"{self.name}: article {self.article_id}, {self.reason}; no events of its own"
        if not self.event_count:
            return f"{self.name}: article {self.article_id}, no events: {self.reason}"
        merged = f" ({self.merged_count} joined stored events)" if self.merged_count else ""
        return f"{self.name}: article {self.article_id}, {self.event_count} events{merged}"


def _find_article(session: Session, content_hash: str) -> Article | None:
    return session.scalar(select(Article).where(Article.content_hash == content_hash))


def _already_stored(article: Article, name: str) -> IngestResult:
    return IngestResult(article.id, False, name, article.event_count, duplicate_of=article.duplicate_of_id,
                        reason=article.outcome_reason)


def serialize_matching(session: Session) -> None:
    """Hold the write lock until commit.  SQLite's is already held since the
    article insert; PostgreSQL's row locks do not cover reads, so take an
    advisory lock that every ingest takes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MATCH_LOCK_KEY})


def ingest_document(session: Session, document: Document,
                    extractor: Callable[[Document], Extraction] = extract) -> IngestResult:
    """Store ``document`` with its events, or as a near-duplicate of a stored
    article, in one transaction (committed)."""
    existing = _find_article(session, document.content_hash)
    if existing is not None:
        return _already_stored(existing, document.name)
    fingerprint = Fingerprint(document)
    original = fingerprint.find_original(session)
    extraction = extractor(document) if original is None else None  # a duplicate costs no extraction
    try:
        article = _article_row(document)
        session.add(article)
        session.flush()  # takes SQLite's write lock; the same content fails here
        serialize_matching(session)
        if original is None:  # a copy may have landed while this one was being extracted
            original = fingerprint.find_original(session, exclude_id=article.id)
        merged = 0
        if original is not None:
            _record_duplicate(article, original)
        elif extraction is not None:
            record_extraction(article, extraction)
            writer = EventWriter(session, article, document)
            merged = sum(writer.store(event) for event in extraction.events)
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = _find_article(session, document.content_hash)
        if existing is None:
            raise
        return _already_stored(existing, document.name)
    except BaseException:
        session.rollback()
        raise
    return IngestResult(article.id, True, document.name, article.event_count, merged,
                        article.duplicate_of_id, article.outcome_reason)


def _fit(value: str | None, column: Any) -> str | None:
    """``value`` cut to fit ``column`` (PostgreSQL refuses longer strings): a
    Markdown heading that runs a whole paragraph is still the title."""
    limit = column.type.length
    return value if value is None or len(value) <= limit else value[:limit - 1] + "…"


def _article_row(document: Document) -> Article:
    return Article(
        content_hash=document.content_hash,
        outlet=_fit(document.outlet, Article.outlet),
        url=_fit(document.url, Article.url),
        title=_fit(document.title, Article.title),
        author=_fit(document.author, Article.author),
        published_at=document.published_at,
        published_date=document.published_date,
        language=document.language,
        format=document.format,
        source_name=_fit(document.name, Article.source_name),
        raw_text=document.raw_text,
        clean_text=document.clean_text,
    )


def record_extraction(article: Article, extraction: Extraction) -> None:
    article.outcome = "events" if extraction.events else "no_events"
    article.outcome_reason = extraction.reason
    article.event_count = len(extraction.events)
    article.extractor_version = EXTRACTOR_VERSION


def _record_duplicate(article: Article, original: Original) -> None:
    article.outcome = "duplicate"
    article.outcome_reason = original.reason()
    article.duplicate_of_id = original.article_id
    article.event_count = 0


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

    def find() -> Actor | None:  # a merged actor's slug stands for its survivor
        return session.scalar(select(Actor).where(Actor.slug == ref.key)) or redirected_actor(session, ref.key)

    return _get_or_create(session, find, create)


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

def as_extracted(stored: Event) -> ExtractedEvent:
    """A stored event in the form the merge rule compares."""
    actors = [ActorRef(link.actor.slug, link.actor.name, link.actor.kind, role=link.role)
              for link in stored.actor_links]
    return ExtractedEvent(type=stored.type, start_date=stored.start_min, end_date=stored.end_max,
                          precision=stored.precision, status=stored.status, date_source=stored.date_source,
                          date_text=stored.date_text, actors=actors, place=None, mentions=[])


def shared_actors(stored: ExtractedEvent, incoming: ExtractedEvent) -> int:
    """How many actors the two share, or 0 when that is too few to be one happening
    across articles (see the module docstring)."""
    shared = len(stored.actor_keys() & incoming.actor_keys())
    needed = min(SHARED_ACTORS, len(stored.actor_keys()), len(incoming.actor_keys()))
    return shared if shared and shared >= needed else 0


def _earliest_match_start(start: dt.date) -> dt.date:
    """``start`` less :data:`MATCH_LOOKBACK`, or the calendar's first day for events dated in year 1."""
    return start - MATCH_LOOKBACK if start - dt.date.min > MATCH_LOOKBACK else dt.date.min


def find_stored_match(session: Session, event: ExtractedEvent, actor_ids: list[int],
                      exclude: Set[int] = frozenset()) -> Event | None:
    """The live stored event that is ``event``'s happening, if any (module docstring)."""
    if not actor_ids:
        return None
    shared = exists().where(EventActor.event_id == Event.id, EventActor.actor_id.in_(actor_ids))
    candidates = session.scalars(
        select(Event)
        .where(Event.type == event.type, Event.precision == event.precision,
               Event.start_min <= event.end_date, Event.start_min >= _earliest_match_start(event.start_date),
               Event.end_max >= event.start_date,
               Event.merged_into_id.is_(None), Event.deleted_at.is_(None), shared,
               Event.id.not_in(exclude))
        .options(selectinload(Event.actor_links).selectinload(EventActor.actor))
        .order_by(Event.start_min, Event.id)
    ).all()
    best, best_shared = None, 0
    for candidate in candidates:
        view = as_extracted(candidate)
        count = shared_actors(view, event)
        if count > best_shared and same_happening(view, event):
            best, best_shared = candidate, count
    return best


def update_from_later_report(stored: Event, event: ExtractedEvent) -> None:
    """A later report settles a planned event: occurred, ongoing, cancelled or postponed."""
    if stored.status == "planned" and event.status in SETTLED:
        stored.status = event.status


class EventWriter:
    """Stores the events of one article.

    Remembers the events it created, so the article's own events are never
    matched against each other, and the quotes it added, so two of its events
    that join one stored event do not quote the same place twice.
    """

    def __init__(self, session: Session, article: Article, document: Document) -> None:
        self.session = session
        self.article = article
        self.document = document
        self.created: set[int] = set()
        self.quoted: set[tuple[int, int]] = set()

    def store(self, event: ExtractedEvent) -> bool:
        """Store ``event``; True when it joined a stored event."""
        session = self.session
        actors = [(get_actor(session, ref), ref.role) for ref in event.actors]
        topics = [get_topic(session, slug) for slug in event.topics]
        place = get_place(session, event.place) if event.place else None
        stored = find_stored_match(session, event, [a.id for a, _ in actors], self.created)
        if stored is None:
            stored = Event(type=event.type, title=event.title, start_min=event.start_date, end_max=event.end_date,
                           precision=event.precision, status=event.status, date_source=event.date_source,
                           date_text=event.date_text, place=place, confidence=event.confidence,
                           speech=event.speech, extractor_version=EXTRACTOR_VERSION)
            session.add(stored)
            session.flush()
            self.created.add(stored.id)
            _link(stored, actors, topics)
            joined = False
        else:
            join_evidence(session, stored, event, actors, topics, place)
            stored.updated_at = utcnow()  # new evidence: the change feed and row_version see it
            joined = True
        self._quote(stored, event)
        session.flush()
        return joined

    def _quote(self, stored: Event, event: ExtractedEvent) -> None:
        for quote in event.mentions:
            if (stored.id, quote.start) in self.quoted:
                continue
            self.quoted.add((stored.id, quote.start))
            raw_start, raw_end = self.document.raw_span(quote.start, quote.end)
            # Mention(event=...) appends without loading the stored event's other mentions.
            self.session.add(Mention(event=stored, article=self.article, quote=quote.text,
                                     start_offset=quote.start, end_offset=quote.end, raw_start=raw_start,
                                     raw_end=raw_end, date_text=quote.date_text or event.date_text))


def join_evidence(session: Session, stored: Event, event: ExtractedEvent, actors: list[tuple[Actor, str]],
                  topics: list[Topic], place: Place | None) -> None:
    """What a later report adds to a stored event; fields people set stay as they are."""
    kept = curated_fields(session, stored.id)
    if "status" not in kept:
        update_from_later_report(stored, event)
    if stored.place is None and place is not None and "place" not in kept:
        stored.place = place
    stored.confidence = max(stored.confidence, event.confidence)
    _link(stored, [] if "actors" in kept else actors, [] if "topics" in kept else topics)


def _link(stored: Event, actors: list[tuple[Actor, str]], topics: list[Topic]) -> None:
    have_actors = {link.actor_id for link in stored.actor_links}
    for actor, role in actors:
        if actor.id not in have_actors:
            have_actors.add(actor.id)
            stored.actor_links.append(EventActor(actor_id=actor.id, role=role))
    have_topics = {link.topic_id for link in stored.topic_links}
    for topic in topics:
        if topic.id not in have_topics:
            have_topics.add(topic.id)
            stored.topic_links.append(EventTopic(topic_id=topic.id))
