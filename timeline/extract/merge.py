"""When two mentions are one happening.

The same rule serves within an article (candidates → events) and across
articles (an incoming event against stored ones, in :mod:`timeline.ingest`):

* the same type;
* the same precision and overlapping spans — so a year-level mention
  ("去年的谈判") never swallows a day-level event, and two rounds of talks a
  week apart stay two events; a week or season may hold a day-level mention
  only within an article, where it is the same report being more precise;
* at least one shared actor, or no actors on one side (a headline, a bare
  "会谈"), or — for symmetric types — the same city or venue; and, for directed types (a strike, a statement, a visit: not the
  symmetric ones of triggers.json such as talks), a shared agent when both name
  one — Israel's and America's strikes on Iran the same month are two events,
  two people speaking the same day are two statements.

A candidate dated only by its dateline (a headline) joins the first event of its
type in its section that shares an actor, whatever that event's date: the body
dates it.
"""
from __future__ import annotations

import datetime as dt

from timeline.extract.model import ExtractedEvent
from timeline.extract.triggers import load_triggers

#: Precisions ordered from fine to coarse.
RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4}


def overlaps(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end


def compatible_dates(a: ExtractedEvent, b: ExtractedEvent) -> bool:
    """Same precision and overlapping spans."""
    return a.precision == b.precision and overlaps(a.start_date, a.end_date, b.start_date, b.end_date)


def compatible_actors(a: set[str], b: set[str]) -> bool:
    return not a or not b or bool(a & b)


def _agents(event: ExtractedEvent) -> set[str]:
    """The agents that identify who acted: the people when any is named."""
    agents = [x for x in event.actors if x.role == "agent" and not x.derived]
    people = {x.key for x in agents if x.kind == "person"}
    return people or {x.key for x in agents}


def same_place(a: ExtractedEvent, b: ExtractedEvent) -> bool:
    """Both name the same place more specific than a country."""
    return (a.place is not None and b.place is not None and a.place.key == b.place.key
            and a.place.kind != "country")


def _same_state(a: ExtractedEvent, b: ExtractedEvent) -> bool:
    """One side names only a state, the other a person of that state (伊方 / 巴加埃)."""
    def people(e: ExtractedEvent) -> set[str]:
        return {x.country for x in e.actors if x.role == "agent" and x.kind == "person" and x.country}

    def states(e: ExtractedEvent) -> set[str]:
        return {x.code for x in e.actors if x.role == "agent" and x.kind == "country" and not x.derived}

    return any(not people(x) and states(x) and states(x) <= people(y) for x, y in ((a, b), (b, a)))


def same_happening(a: ExtractedEvent, b: ExtractedEvent) -> bool:
    if a.type != b.type:
        return False
    directed = a.type not in load_triggers().symmetric
    if not compatible_actors(a.named_actor_keys(), b.named_actor_keys()):
        # A summit in Paris on the 17th is one summit, whoever each report names.
        return not directed and same_place(a, b) and compatible_dates(a, b)
    if directed and _agents(a) and _agents(b) and not (_agents(a) & _agents(b)) and not _same_state(a, b):
        return False
    if "inferred-from-dateline" in (a.date_source, b.date_source):
        # A headline speaks for its own section only.
        return a.section == b.section and (bool(a.named_actor_keys() & b.named_actor_keys())
                                           or a.date_source == b.date_source)
    return compatible_dates(a, b)


def absorb(into: ExtractedEvent, other: ExtractedEvent) -> None:
    """Fold ``other`` into ``into``: quotes, actors, a place, a better date."""
    if other.date_source != "inferred-from-dateline" and (
        into.date_source == "inferred-from-dateline" or RANK[other.precision] < RANK[into.precision]
    ):
        into.start_date, into.end_date, into.precision = other.start_date, other.end_date, other.precision
        into.date_source, into.date_text, into.status = other.date_source, other.date_text, other.status
    seen = {m.start for m in into.mentions}
    into.mentions.extend(m for m in other.mentions if m.start not in seen)
    keys = into.actor_keys()
    into.actors.extend(a for a in other.actors if a.key not in keys)
    if into.place is None or (into.place.kind == "country" and other.place and other.place.kind != "country"):
        into.place = other.place or into.place
    if other.speech and not into.speech:
        into.speech = other.speech
    into.confidence = max(into.confidence, other.confidence)


def merge_within(candidates: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Group the candidates of one article into events, in order of first mention.
    Headline candidates that find no dated partner are dropped."""
    events: list[ExtractedEvent] = []
    for candidate in candidates:
        target = next((e for e in events if same_happening(e, candidate)), None)
        if target is None:
            events.append(candidate)
        else:
            absorb(target, candidate)
    return [e for e in events if e.date_source != "inferred-from-dateline"]
