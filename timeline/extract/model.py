"""What extraction produces: events with dates, actors, place, topics and quotes.

Plain dataclasses, no database: :mod:`timeline.ingest` turns them into rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from timeline.dateformat import format_bounds


@dataclass(frozen=True)
class ActorRef:
    """An actor as the extractor saw it; ``key`` is the lexicon slug (or a new one)."""

    key: str
    name: str
    kind: str
    name_en: str | None = None
    code: str | None = None
    country: str | None = None
    role: str = "agent"
    aliases: tuple[str, ...] = ()
    is_new: bool = False
    #: Not named in the text but implied (an official's state): it never decides a merge.
    derived: bool = False

    def with_role(self, role: str) -> "ActorRef":
        return replace(self, role=role)

    def to_json(self) -> dict:
        return {"name": self.name, "name_en": self.name_en, "code": self.code, "kind": self.kind,
                "role": self.role, "slug": self.key, "country": self.country, "aliases": list(self.aliases)}


@dataclass(frozen=True)
class PlaceRef:
    key: str
    name: str
    name_en: str | None = None
    country: str | None = None
    kind: str = "city"
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"name": self.name, "name_en": self.name_en, "code": self.country, "kind": self.kind,
                "slug": self.key, "aliases": list(self.aliases)}


@dataclass(frozen=True)
class Quote:
    """A quote in the article's clean text, with its offsets there."""

    text: str
    start: int
    end: int
    date_text: str | None = None

    def to_json(self) -> dict:
        return {"quote": self.text, "start": self.start, "end": self.end, "date_text": self.date_text}


@dataclass
class ExtractedEvent:
    type: str
    start_date: dt.date
    end_date: dt.date
    precision: str
    status: str
    date_source: str
    date_text: str | None
    actors: list[ActorRef]
    place: PlaceRef | None
    mentions: list[Quote]
    topics: list[str] = field(default_factory=list)
    title: str = ""
    confidence: float = 0.5
    speech: str | None = None
    #: Index of the article section the first mention came from, and of its
    #: dispatch (the run of sections under one dateline).
    section: int = 0
    dispatch: int = 0

    @property
    def start(self) -> str:
        return format_bounds(self.start_date, self.end_date, self.precision)[0]

    @property
    def end(self) -> str:
        return format_bounds(self.start_date, self.end_date, self.precision)[1]

    def actor_keys(self) -> set[str]:
        return {a.key for a in self.actors}

    def named_actor_keys(self) -> set[str]:
        """The actors the text names (not the states implied by officials)."""
        return {a.key for a in self.actors if not a.derived}

    def to_json(self) -> dict:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "precision": self.precision,
            "status": self.status,
            "date_source": self.date_source,
            "date_text": self.date_text,
            "title": self.title,
            "actors": [a.to_json() for a in self.actors],
            "location": self.place.to_json() if self.place else None,
            "topics": list(self.topics),
            "confidence": round(self.confidence, 2),
            "speech": self.speech,
            "evidence": [m.text for m in self.mentions],
            "mentions": [m.to_json() for m in self.mentions],
        }
