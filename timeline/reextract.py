"""Re-extraction: run the current extractor over the stored articles (after a
lexicon or rule improvement) and bring the events up to date without losing
what people did.  One transaction per article, in the order they were stored,
under ingest's write lock.

How old and new events are matched, per article:

1. Each quote of a new event is compared with the article's stored mentions
   by how many characters they share in the article's text (when the reader
   now cleans the text differently, an old quote is first found again by its
   words, nearest its old place).  A mention belongs to the event holding it
   now, after any merge or split (the survivor, for a merged event).
2. A new event matches a stored event whose mentions its quotes overlap, if
   the stored event's *extracted* type (its type before any edit, from the
   audit log) is the new event's type: one sentence can report a visit and
   talks, and type keeps them apart.  Pairs are taken best first (spans that
   overlap, again by the extracted dates, before those that do not, since
   improving date rules is a reason to re-extract; then most shared
   characters), each event at most once.
3. A new event left over whose quotes overlap a mention people placed (moved
   by a merge or split in force) joins the event holding that mention, so a
   merge or split is never undone by re-extraction.
4. Other new events are stored as ingest stores them (which may join a stored
   event of another article by the cross-article rule).

What a match changes: the event keeps its id, its review state, whether it is
merged or deleted (a tombstone stays a tombstone; a rejected event stays
rejected).  Its quotes from this article are refreshed, each in the event
that holds it.  Fields people edited (their audit entries still in force)
are never written.  The other fields are rewritten from the new extraction
when this article is the event's first source (type, title, dates, status,
place), and the actors and topics when it is the only one; an event that
other articles also report gains actors and topics as ingest would add them.

Stored events nobody matched: events people touched (reviewed, edited,
merged, split) keep their mentions untouched; the others lose this article's
mentions, and an event left with none becomes a tombstone (``deleted``), so
its id answers 410 and the change feed reports it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from timeline import curation
from timeline.db import Database
from timeline.extract.model import ExtractedEvent, Quote
from timeline.extract.pipeline import EXTRACTOR_VERSION, Extraction, extract
from timeline.extract.read import Document, ReadError, read_text
from timeline.ingest import EventWriter, get_actor, get_place, get_topic, join_evidence, record_extraction, \
    serialize_matching
from timeline.models import Article, AuditEntry, Event, Mention, utcnow
from timeline.queries import survivor

Span = tuple[int, int]


@dataclass
class ReextractReport:
    """What a run did, in events."""

    articles: int = 0
    #: New events that matched a stored one (their ids kept).
    matched: int = 0
    #: Of those, the ones whose fields or quotes changed.
    updated: int = 0
    #: New events stored as ingest would: new rows, or joined to events of other articles.
    added: int = 0
    #: Stored events no longer found and untouched by people, now tombstones.
    removed: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.articles} articles: {self.matched} events matched ({self.updated} updated), "
                f"{self.added} added, {self.removed} no longer found, {len(self.failures)} failed")


def stored_document(article: Article) -> Document:
    """The article read again from its stored raw text, with the metadata it was stored with."""
    document = read_text(article.raw_text, article.source_name or f"article {article.id}",
                         published=article.published_date, outlet=article.outlet, url=article.url)
    document.title = article.title
    document.content_hash = article.content_hash
    return document


def _overlap(one: Span | None, other: Span) -> int:
    return 0 if one is None else max(0, min(one[1], other[1]) - max(one[0], other[0]))


def _relocate(mention: Mention, old_text: str, new_text: str) -> Span | None:
    """Where ``mention`` is in the article's new clean text."""
    if old_text == new_text:
        return mention.start_offset, mention.end_offset
    found, start = [], new_text.find(mention.quote)
    while start >= 0:
        found.append(start)
        start = new_text.find(mention.quote, start + 1)
    if not found:
        return None
    start = min(found, key=lambda at: abs(at - mention.start_offset))
    return start, start + len(mention.quote)


@dataclass
class OldMention:
    mention: Mention
    #: The event that holds it now: the survivor, for a mention of a merged event.
    holder: Event
    span: Span | None


class ArticleReextraction:
    """Re-extraction of one article inside its transaction (module docstring)."""

    def __init__(self, session: Session, article: Article, document: Document, extraction: Extraction,
                 report: ReextractReport) -> None:
        self.session = session
        self.article = article
        self.document = document
        self.events = extraction.events
        self.report = report
        mentions = session.scalars(select(Mention).where(Mention.article_id == article.id)
                                   .options(joinedload(Mention.event).joinedload(Event.merged_into))
                                   .order_by(Mention.id)).all()
        self.old = [OldMention(m, survivor(m.event), _relocate(m, article.clean_text, document.clean_text))
                    for m in mentions]
        self.holders = {old.holder.id: old.holder for old in self.old}
        self.claimed: set[int] = set()
        self.used = {(m.event_id, m.start_offset) for m in mentions}
        self._originals: dict[int, dict[str, Any]] = {}
        self._curated: dict[int, bool] = {}

    def original(self, holder: Event) -> dict[str, Any]:
        if holder.id not in self._originals:
            self._originals[holder.id] = curation.original_values(self.session, holder.id)
        return self._originals[holder.id]

    def curated(self, holder: Event) -> bool:
        if holder.id not in self._curated:
            self._curated[holder.id] = curation.is_curated(self.session, holder)
        return self._curated[holder.id]

    # --- matching ---------------------------------------------------------------

    def _overlaps(self, new: ExtractedEvent, mentions: Sequence[OldMention]) -> dict[int, int]:
        """Characters shared with each holder's mentions."""
        shared: dict[int, int] = defaultdict(int)
        for quote in new.mentions:
            for old in mentions:
                shared[old.holder.id] += _overlap(old.span, (quote.start, quote.end))
        return {holder_id: n for holder_id, n in shared.items() if n}

    def _extracted_span(self, holder: Event) -> tuple[dt.date, dt.date]:
        date = self.original(holder).get("date")
        if date is None:
            return holder.start_min, holder.end_max
        return dt.date.fromisoformat(date["start_min"]), dt.date.fromisoformat(date["end_max"])

    def match(self) -> dict[int, Event]:
        """New event index → the stored event it is (rules 1 and 2)."""
        pairs = []
        for index, new in enumerate(self.events):
            for holder_id, shared in self._overlaps(new, self.old).items():
                holder = self.holders[holder_id]
                if self.original(holder).get("type", holder.type) != new.type:
                    continue
                start, end = self._extracted_span(holder)
                dated = start <= new.end_date and new.start_date <= end
                pairs.append((not dated, -shared, index, holder_id))
        matched: dict[int, Event] = {}
        taken: set[int] = set()
        for _, _, index, holder_id in sorted(pairs):
            if index not in matched and holder_id not in taken:
                matched[index] = self.holders[holder_id]
                taken.add(holder_id)
        return matched

    def placed_by_people(self) -> dict[int, Event]:
        """New event index → the event holding a mention people placed that its quotes overlap (rule 3)."""
        holder_ids = list(self.holders)
        moved: set[int] = set()
        for changes in self.session.scalars(select(AuditEntry.changes).where(
                AuditEntry.action.in_(("merge", "split")), AuditEntry.undone_by_id.is_(None),
                or_(AuditEntry.event_id.in_(holder_ids), AuditEntry.other_event_id.in_(holder_ids)))):
            moved.update(changes["mentions"])
        placed = [old for old in self.old if old.mention.id in moved]
        found = {}
        for index, new in enumerate(self.events):
            shared = self._overlaps(new, placed)
            if shared:
                found[index] = self.holders[max(shared, key=lambda holder_id: (shared[holder_id], -holder_id))]
        return found

    # --- writing ------------------------------------------------------------------

    def quote(self, holder: Event, new: ExtractedEvent) -> bool:
        """Bring the quotes of ``new`` into the database: each refreshes the old
        mention it overlaps most (preferring ``holder``'s), wherever that
        mention lives now; a quote overlapping none becomes a mention of
        ``holder``.  A tombstone's mentions are left as they are.  True when a
        row changed."""
        changed = False
        for quote in new.mentions:
            span = (quote.start, quote.end)
            candidates = [old for old in self.old if old.mention.id not in self.claimed and _overlap(old.span, span)]
            if candidates:
                best = max(candidates, key=lambda old: (old.holder is holder, _overlap(old.span, span)))
                self.claimed.add(best.mention.id)
                changed |= holder.deleted_at is None and self._refresh(best.mention, quote)
            elif holder.deleted_at is None and (holder.id, quote.start) not in self.used:
                self.used.add((holder.id, quote.start))
                raw_start, raw_end = self.document.raw_span(quote.start, quote.end)
                self.session.add(Mention(event=holder, article=self.article, quote=quote.text,
                                         start_offset=quote.start, end_offset=quote.end, raw_start=raw_start,
                                         raw_end=raw_end, date_text=quote.date_text or new.date_text))
                changed = True
        return changed

    def _refresh(self, mention: Mention, quote: Quote) -> bool:
        if (mention.start_offset, mention.end_offset, mention.quote) == (quote.start, quote.end, quote.text):
            return False
        key = (mention.event_id, quote.start)
        if key != (mention.event_id, mention.start_offset) and key in self.used:
            return False  # the event quotes that place already
        self.used.discard((mention.event_id, mention.start_offset))
        self.used.add(key)
        mention.quote, mention.start_offset, mention.end_offset = quote.text, quote.start, quote.end
        mention.raw_start, mention.raw_end = self.document.raw_span(quote.start, quote.end)
        return True

    def _sources(self, holder: Event) -> tuple[bool, bool]:
        """Whether this article is the event's first source, and its only one."""
        first = self.session.scalar(select(Mention.article_id).where(Mention.event_id == holder.id)
                                    .order_by(Mention.id).limit(1))
        others = self.session.scalar(select(func.count()).select_from(Mention).where(
            Mention.event_id == holder.id, Mention.article_id != self.article.id))
        return first in (None, self.article.id), not others

    def update(self, holder: Event, new: ExtractedEvent) -> bool:
        """Rewrite what the new extraction says and people did not set (module docstring)."""
        session = self.session
        first, only = self._sources(holder)
        actors = [(get_actor(session, ref), ref.role) for ref in new.actors]
        topics = [get_topic(session, slug) for slug in new.topics]
        place = get_place(session, new.place) if new.place else None
        values: dict[str, Any] = {}
        if first:
            values.update(type=new.type, title=new.title, status=new.status,
                          place=place.slug if place is not None else None,
                          date={"start_min": new.start_date.isoformat(), "end_max": new.end_date.isoformat(),
                                "precision": new.precision, "date_source": new.date_source,
                                "date_text": new.date_text})
        if only:
            roles = {}
            for actor, role in actors:
                roles.setdefault(actor.slug, role)
            values.update(actors=sorted([slug, role] for slug, role in roles.items()),
                          topics=sorted({topic.slug for topic in topics}))
        kept = set(self.original(holder))
        before = {name: curation.field_value(holder, name) for name in curation.FIELDS}
        for name, value in values.items():
            if name not in kept and not curation.same_value(name, before[name], value):
                curation.set_field(session, holder, name, value)
        if not only:
            join_evidence(session, holder, new, actors, topics, place)
        if first:
            holder.confidence, holder.speech = new.confidence, new.speech
        holder.extractor_version = EXTRACTOR_VERSION
        return session.is_modified(holder) or any(
            not curation.same_value(name, before[name], curation.field_value(holder, name)) for name in before)

    def drop_stale(self) -> None:
        """Mentions nobody matched leave events people never touched; such an event left with none is deleted."""
        emptied: dict[int, Event] = {}
        for old in self.old:
            holder = old.holder
            if old.mention.id in self.claimed or holder.deleted_at is not None or self.curated(holder):
                continue
            self.session.delete(old.mention)
            emptied[holder.id] = holder
        self.session.flush()
        if not emptied:
            return
        remaining = set(self.session.scalars(select(Mention.event_id).where(Mention.event_id.in_(emptied))))
        for holder_id, holder in emptied.items():
            if holder_id not in remaining:
                holder.deleted_at = utcnow()
                self.report.removed += 1

    def run(self) -> None:
        matched = self.match()
        joined = {i: h for i, h in self.placed_by_people().items() if i not in matched}
        for index, holder in matched.items():
            self.report.matched += 1
            updated = holder.deleted_at is None and self.update(holder, self.events[index])
            if self.quote(holder, self.events[index]) or updated:
                self.report.updated += 1
        for index, holder in joined.items():
            self.quote(holder, self.events[index])
        writer = EventWriter(self.session, self.article, self.document)
        writer.created |= set(self.holders)  # an article's own events are never matched together
        writer.quoted |= self.used
        for index, new in enumerate(self.events):
            if index not in matched and index not in joined:
                writer.store(new)
                self.report.added += 1
        self.drop_stale()


def reextract_article(session: Session, article: Article, extractor: Callable[[Document], Extraction] = extract,
                      report: ReextractReport | None = None) -> ReextractReport:
    """Re-extract one stored article (not committed)."""
    report = report or ReextractReport()
    document = stored_document(article)
    extraction = extractor(document)
    record_extraction(article, extraction)
    session.flush()  # takes SQLite's write lock before anything is read
    serialize_matching(session)
    ArticleReextraction(session, article, document, extraction, report).run()
    if article.clean_text != document.clean_text:
        article.clean_text = document.clean_text
    session.flush()
    report.articles += 1
    return report


def _article_ids(session: Session, only: Sequence[int] | None) -> list[int]:
    """Stored articles that were extracted (near-duplicates never are), in the order they were stored."""
    statement = select(Article.id).where(Article.outcome != "duplicate").order_by(Article.id)
    if only:
        statement = statement.where(Article.id.in_(only))
    return list(session.scalars(statement))


def reextract(database: Database, article_ids: Sequence[int] | None = None,
              extractor: Callable[[Document], Extraction] = extract,
              progress: Callable[[Article], None] | None = None) -> ReextractReport:
    """Re-extract the stored articles (or those of ``article_ids``), each in a
    transaction of its own; an article that cannot be read again is reported
    and the rest go on."""
    report = ReextractReport()
    with database.session() as session:
        ids = _article_ids(session, article_ids)
    for article_id in ids:
        with database.session() as session:
            article = session.get(Article, article_id)
            if progress is not None:
                progress(article)
            try:
                reextract_article(session, article, extractor, report)
            except ReadError as exc:
                report.failures.append(f"article {article_id}: {exc}")
    return report
