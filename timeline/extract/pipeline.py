"""The whole extraction of one document: candidates → merged events → topics, titles.

Pure: a :class:`~timeline.extract.read.Document` in, an :class:`Extraction` out.
"""
from __future__ import annotations

from dataclasses import dataclass

from timeline.extract.events import EventExtractor
from timeline.extract.merge import merge_within
from timeline.extract.model import ActorRef, ExtractedEvent
from timeline.extract.read import Document
from timeline.extract.textnorm import to_simplified
from timeline.extract.topics import assign_topics
from timeline.extract.triggers import load_triggers

#: Stored with every event; bump when rules or lexicons change what comes out.
EXTRACTOR_VERSION = "0.1.0"
MAX_NAMES_IN_TITLE = 3


@dataclass
class Extraction:
    document: Document
    events: list[ExtractedEvent]

    @property
    def reason(self) -> str | None:
        """Why no event came out, for the article's processing outcome."""
        if self.events:
            return None
        if not self.document.clean_text.strip():
            return "the article has no text"
        return "no clause with an event trigger and a resolvable date"

    def to_json(self) -> dict:
        return {"article": self.document.to_json(include_sections=False),
                "extractor_version": EXTRACTOR_VERSION,
                "events": [e.to_json() for e in self.events]}


def _title_names(actors: list[ActorRef]) -> list[str]:
    """The most specific names: people when there are any, else bodies, else states."""
    for kinds in (("person",), ("organization", "group"), ("country",)):
        chosen = [a.name for a in actors if a.kind in kinds]
        if chosen:
            return chosen[:MAX_NAMES_IN_TITLE]
    return []


def make_title(event: ExtractedEvent) -> str:
    """A one-line Chinese title from the event's parts: who, with whom, where, what."""
    verb = load_triggers().rule(event.type).title
    agents = _title_names([a for a in event.actors if a.role == "agent"])
    others = _title_names([a for a in event.actors if a.role in ("counterpart", "subject")])
    title = "、".join(agents)
    if others and event.type not in ("visit",):
        title += ("与" if title else "") + "、".join(others)
    if event.place is not None:
        title += ("访问" if event.type == "visit" else "在") + event.place.name
        if event.type == "visit":
            return title
    return title + verb


def extract(document: Document, extractor: EventExtractor | None = None) -> Extraction:
    events = merge_within((extractor or EventExtractor()).candidates(document))
    article = to_simplified(document.clean_text)
    sections = {s.index: article[s.start:s.end] for s in document.sections}
    for event in events:
        own = to_simplified("".join(m.text for m in event.mentions))
        event.topics = assign_topics(event, own, sections.get(event.section, ""), article)
        event.title = make_title(event)
    return Extraction(document, events)
