"""Extraction output → database, one transaction per article.

The same content twice is a no-op: ``articles.content_hash`` is unique, and a
concurrent insert of the same article loses the race on that constraint rather
than on a check-then-insert.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeline.extract.read import Document
from timeline.models import Article


@dataclass(frozen=True)
class IngestResult:
    """What happened to one article."""

    article_id: int
    created: bool
    name: str
    event_count: int = 0

    def describe(self) -> str:
        what = "stored" if self.created else "already stored"
        return f"{self.name}: {what} as article {self.article_id}, {self.event_count} events"


def _article_row(document: Document) -> Article:
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
        outcome="no_events",
        outcome_reason="event extraction has not run on this article",
    )


def ingest_document(session: Session, document: Document) -> IngestResult:
    """Store ``document`` unless an article with the same content is there; commits."""
    existing = session.scalar(select(Article).where(Article.content_hash == document.content_hash))
    if existing is not None:
        return IngestResult(existing.id, False, document.name, existing.event_count)
    article = _article_row(document)
    session.add(article)
    try:
        session.commit()
    except IntegrityError:
        # Another writer stored the same content between our check and our insert.
        session.rollback()
        existing = session.scalar(select(Article).where(Article.content_hash == document.content_hash))
        if existing is None:
            raise
        return IngestResult(existing.id, False, document.name, existing.event_count)
    return IngestResult(article.id, True, document.name, article.event_count)
