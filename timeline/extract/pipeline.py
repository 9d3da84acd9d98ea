"""The whole extraction of one document: candidates → merged events → topics, titles.

Pure: a :class:`~timeline.extract.read.Document` in, an :class:`Extraction` out.
"""
from __future__ import annotations

from dataclasses import dataclass

from timeline.extract.events import EventExtractor
from timeline.extract.merge import merge_within
from timeline.extract.model import ActorRef, ExtractedEvent
from timeline.extract.read import Document
from timeline.extract.aliases import fold
from timeline.extract.topics import assign_topics
from timeline.extract.triggers import load_triggers

#: Stored with every event; bump when rules or lexicons change what comes out.
EXTRACTOR_VERSION = "0.1.0"
MAX_NAMES_IN_TITLE = 3
MAX_QUOTE_TITLE = 40


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


def _parties(actors: list[ActorRef]) -> list[str]:
    """The parties of a symmetric event: two or more people, else two or more states."""
    for kind in ("person", "country"):
        named = list(dict.fromkeys(a.name for a in actors if a.kind == kind and a.role != "mediator"))
        if len(named) >= 2:
            return named[:MAX_NAMES_IN_TITLE]
    return _title_names([a for a in actors if a.role != "mediator"])


def make_title(event: ExtractedEvent) -> str:
    """A one-line Chinese title from the event's parts: who (with whom), where, what.
    With no one named, the event's own shortest quote says it best."""
    verb = load_triggers().rule(event.type).title
    if event.type in load_triggers().symmetric:
        who = "、".join(_parties(event.actors))
    else:
        who = "、".join(_title_names([a for a in event.actors if a.role == "agent"]))
        others = _title_names([a for a in event.actors if a.role in ("counterpart", "subject")])
        if others and event.type != "visit":
            who += ("与" if who else "") + "、".join(others)
    if not who:
        quote = min((m.text for m in event.mentions), key=len)
        return quote if len(quote) <= MAX_QUOTE_TITLE else quote[:MAX_QUOTE_TITLE] + "…"
    place = event.place
    states = {a.code for a in event.actors if a.kind == "country"}
    if place is None or (place.kind == "country" and place.country in states and event.type != "visit"):
        return who + verb
    if event.type == "visit":
        return f"{who}访问{place.name}"
    return f"{who}在{place.name}{verb}"


def extract(document: Document, extractor: EventExtractor | None = None) -> Extraction:
    events = merge_within((extractor or EventExtractor()).candidates(document))
    article = fold(document.clean_text)
    sections = {s.index: article[s.start:s.end] for s in document.sections}
    for event in events:
        own = fold("".join(m.text for m in event.mentions))
        event.topics = assign_topics(event, own, sections.get(event.section, ""), article)
        event.title = make_title(event)
    return Extraction(document, events)
