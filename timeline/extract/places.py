"""Where an event happened.

From the most to the least direct evidence: a place named in the clause (or
after 在/于/赴… in the sentence), the most specific of a chain (阿曼首都马斯喀特);
a venue the gazetteer lacks (在斐洛里庄园); the trigger itself (抵台); the event
the clause points at (在峰会场边, 出席峰会…并发表讲话, 会后说); where a disaster
strikes; for domestic types the agent's country; for what happens where the
reporter is, the place the dispatch last put its scene in (not for statements),
else the dateline's place when the agents are at home there.  A country or a
body's seat (白宫) names a place only after 在/于…; otherwise it is an actor.
Word lists are in timeline/lexicon/venues.json and references.json.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from timeline.extract.context import SentenceContext, cued, span_in
from timeline.extract.entities import EntityMention
from timeline.extract.model import ActorRef, ExtractedEvent, PlaceRef
from timeline.extract.roles import load_references, state_of
from timeline.extract.segment import Section, Span
from timeline.extract.triggers import TriggerHit, TriggerLexicon
from timeline.lexicon.load import load_lexicon

#: Kinds that name a place only after 在/于/赴…: a country, a body's seat (在白宫签署).
SEAT_KINDS = ("country", "organization")
#: Types that happen where the dispatch is filed when the text names no place.
DATELINE_PLACED = frozenset({"statement", "ceremony", "protest", "summit"})
#: Of those, the ones that take the place of the dispatch's scene; a speaker's
#: place is never guessed from what the dispatch reported before.
SCENE_PLACED = frozenset({"ceremony", "protest", "summit"})
#: Words that put a clause right after an event of a type ("会后说": where the talks were).
#: (Not after 记者/发布/宴: a press conference or a banquet is not the meeting.)
AFTER_EVENT = {re.compile(r"(?<![者布宴晚酒舞峰])会后|会谈后|会晤后"): "talks", re.compile("峰会后"): "summit"}
#: Types whose subject is the place they strike ("缅甸强震", "摩洛哥发生地震").
STRUCK = frozenset({"disaster"})
#: Types that happen in the agent's own country unless a place is named.
DOMESTIC = frozenset({"election", "policy", "ceremony"})
#: A venue name shorter than this (suffix included) is a common noun (大楼).
VENUE_MIN = 3
#: After a body, these make "在X…下" a frame (在国土安全部授权下), not its seat.
NOT_SEAT = re.compile(r"^(?:的|[^，,。；;]{0,4}下)")
#: How far apart two names of a chain may stand (阿曼首都马斯喀特).
CHAIN_GAP = 4


@dataclass(frozen=True)
class Venues:
    suffixes: tuple[str, ...]
    name_tails: tuple[str, ...]
    by_trigger: dict[str, str]
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def load_venues() -> Venues:
    data = json.loads(resources.files("timeline.lexicon").joinpath("venues.json").read_text("utf-8"))
    suffixes = tuple(sorted(data["suffixes"], key=len, reverse=True))
    pattern = re.compile(r"(?:在|于|抵达|前往|飞抵)([^，,。；;在于的、\s]{1,14}?(?:" + "|".join(map(re.escape, suffixes)) + "))")
    return Venues(suffixes, tuple(data["name_tails"]), dict(data["by_trigger"]), pattern)


def place_of(e: EntityMention) -> PlaceRef:
    return PlaceRef(key=e.key, name=e.name, name_en=e.name_en, country=e.code or e.country,
                    kind="country" if e.kind == "country" else e.kind, aliases=tuple(e.aliases))


def country_place(code: str) -> PlaceRef | None:
    country = load_lexicon().by_key().get(code.lower())
    if country is None:
        return None
    return PlaceRef(key=country.key, name=country.name, name_en=country.name_en, country=country.code,
                    kind="country", aliases=country.aliases)


def seat(ctx: SentenceContext, entity: EntityMention) -> bool:
    """A country or body after 在 names where something happens, not a frame."""
    return entity.kind == "country" or not NOT_SEAT.match(ctx.simplified[entity.end - ctx.span.start:])


def names_place(ctx: SentenceContext, entity: EntityMention) -> bool:
    """A place mention that is not part of another name (明斯克小组), or a country
    or body named after 在/于 that is not a frame (在国土安全部授权下)."""
    after = ctx.simplified[entity.end - ctx.span.start:]
    if after.startswith(load_venues().name_tails):
        return False
    if entity.kind == "place":
        return True
    return entity.kind in SEAT_KINDS and cued(ctx, entity) and seat(ctx, entity)


def chain(first: EntityMention, places: list[EntityMention]) -> list[EntityMention]:
    """``first`` and the places that directly follow it (阿曼首都马斯喀特, 意大利米兰)."""
    linked = [first]
    for p in sorted(places, key=lambda e: e.start):
        if p.start >= linked[-1].end and p.start - linked[-1].end <= CHAIN_GAP:
            linked.append(p)
    return linked


def venue(ctx: SentenceContext, clause: Span, scene: PlaceRef | None) -> PlaceRef | None:
    """A venue the gazetteer lacks, after 在/于/抵达: 在斐洛里庄园举行, 在圣彼得大教堂露面."""
    offset = clause.start - ctx.span.start
    match = load_venues().pattern.search(ctx.clause_text(clause))
    if match is None:
        return None
    start = offset + match.start(1)
    # Names the gazetteer knows inside the run (美国明尼苏达州…) are its country, not its name.
    inside = [e for e in ctx.entities if start <= e.start - ctx.span.start < offset + match.end(1)]
    if inside:
        start = max(start, max(e.end for e in inside) - ctx.span.start)
    name = ctx.span.text[start:offset + match.end(1)]
    if len(name) < VENUE_MIN:
        return None
    country = next((e.code or e.country for e in reversed(inside) if e.code or e.country),
                   scene.country if scene else None)
    return PlaceRef(key=f"venue-{name}", name=name, country=country, kind="venue")


class PlaceFinder:
    """Finds events' places; remembers the datelines' places it has looked up."""

    def __init__(self, triggers: TriggerLexicon, recognizer) -> None:
        self.triggers = triggers
        self.recognizer = recognizer
        self._datelines: dict[str, PlaceRef | None] = {}

    def find(self, ctx: SentenceContext, clause: Span, hit: TriggerHit, actors: list[ActorRef],
             found: list[ExtractedEvent], section: Section, scene: PlaceRef | None) -> PlaceRef | None:
        """The place of the event ``hit`` reports (see the module's docstring)."""
        trigger_at = clause.start + hit.start
        # What follows a speech verb is what was said, not where it was said.
        named = self.named(ctx, clause, trigger_at if hit.type == "statement" else None)
        if named is not None:
            return named
        clause_simple = ctx.clause_text(clause)
        unlisted = venue(ctx, clause, scene)
        if unlisted is not None:
            return unlisted
        by_word = next((code for word, code in load_venues().by_trigger.items() if word in clause_simple), None)
        if by_word is not None:
            return country_place(by_word)
        referred = self.referred(ctx, clause_simple, trigger_at, found)
        if referred is not None:
            return referred
        if hit.type in STRUCK:
            struck = [e for e in ctx.entities if e.kind in ("country", "place")
                      and clause.start <= e.start and e.end <= trigger_at]
            if struck:
                return place_of(struck[-1])
        if hit.type in DOMESTIC:
            state = next((a.code or a.country for a in actors if a.role == "agent" and (a.code or a.country)), None)
            if state:
                return country_place(state)
        if hit.type in DATELINE_PLACED:
            if scene is not None and hit.type in SCENE_PLACED:
                return scene
            here = self.dateline_place(section)
            states = {a.code if a.kind == "country" else state_of(a) for a in actors if a.role == "agent"}
            if here is not None and states <= {here.country}:
                return here  # a foreign speaker is not where the reporter files from
        return None

    def named(self, ctx: SentenceContext, clause: Span, until: int | None) -> PlaceRef | None:
        """A place the clause names (any), else one the sentence names after a cue;
        both only before ``until`` when given."""
        scopes = (((clause.start, until or clause.end), False), ((ctx.span.start, until or ctx.span.end), True))
        for scope, need_cue in scopes:
            places = [e for e in ctx.entities if span_in(e.start, e.end, *scope) and names_place(ctx, e)
                      and not any(span_in(e.start, e.end, s, t) for s, t in ctx.datelines)]
            cued_places = [p for p in places if cued(ctx, p)]
            if need_cue:
                places = cued_places
            if not places:
                continue
            linked = chain(cued_places[0], places) if cued_places else places
            best = sorted(linked, key=lambda p: (p.kind == "country", -p.start))[0]
            return place_of(best)
        return None

    def referred(self, ctx: SentenceContext, clause_simple: str, trigger_at: int,
                 found: list[ExtractedEvent]) -> PlaceRef | None:
        """The place of the event the clause points at: through an adverbial (在峰会
        场边), through attending it (出席峰会…并发表讲话), or by speaking after it
        (会后说: where the meeting was)."""
        pointers = [m.group().replace("在", " ", 1) for m in self.triggers.shadows[0].finditer(clause_simple)]
        before = ctx.simplified[:trigger_at - ctx.span.start]
        for verb in load_references().participation:
            at = before.find(verb)
            if at >= 0:
                pointers.append(before[at + len(verb):])
        after_types = [event_type for marker, event_type in AFTER_EVENT.items() if marker.search(clause_simple)]
        candidates = [[hit.type for hit in self.triggers.hits(p)] for p in pointers] + [[t] for t in after_types]
        for types in candidates:
            for event_type in types:
                partner = next((e for e in reversed(found) if e.type == event_type and e.place is not None), None)
                if partner is not None:
                    return partner.place
        return None

    def dateline_place(self, section: Section) -> PlaceRef | None:
        if not section.dateline_place:
            return None
        key = section.dateline_place
        if key not in self._datelines:
            found = [e for e in self.recognizer.find(key) if e.kind == "place"]
            self._datelines[key] = place_of(found[0]) if found else None
        return self._datelines[key]
