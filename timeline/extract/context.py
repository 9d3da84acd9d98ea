"""One sentence as the event extractor sees it, and how a name stands in it.

A :class:`SentenceContext` holds the sentence, its analysis copy, its dates and
its entity mentions; the predicates here say what a mention is in the
sentence: a qualifier of the next name (美国总统特朗普), a place after 在/于, the
source of a report (据新华社), a mediator (在卡塔尔斡旋下).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from timeline.extract.dates import TemporalExpression
from timeline.extract.entities import EntityMention
from timeline.extract.read import Document
from timeline.extract.segment import Span

#: Words right before a place that make it the event's place.
PLACE_CUES = ("在", "于", "赴", "抵达", "访问", "前往", "飞抵", "到访", "来到")
#: Phrases that make the actor inside them a mediator.
MEDIATOR_PATTERNS = (re.compile(r"在(?P<x>[^，,。]{1,20}?)(?:的)?(?:斡旋|调解|主持|协调)下"),
                     re.compile(r"由(?P<x>[^，,。]{1,20}?)(?:斡旋|调解|主持)"))
#: What may stand between a qualifier and the name it qualifies: titles, not
#: conjunctions, prepositions or punctuation (美国总统特朗普, not 美国和伊朗).
QUALIFIER_GAP = re.compile(r"[^\s，,。；;：:、和与同及跟对向在将于的并而“”「」（）()]{0,8}")
QUALIFIED_KINDS = ("person", "organization", "group", "place")
#: 特朗普的乌克兰事务特使凯洛格: a possessive title before a person.
POSSESSIVE_GAP = re.compile(r"的[^\s，,。；;：:、和与同及跟对向在将于的并而“”「」（）()]{1,10}")
#: "据新华社报道", "据伊方介绍": the source of a report is not an actor of what it reports.
SOURCE_CUE = "据"
SOURCE_REACH = 6


@dataclass(frozen=True)
class PlacedDate:
    """A resolved date with its offsets in the article's clean text."""

    start: int
    end: int
    value: TemporalExpression


@dataclass
class SentenceContext:
    """What one sentence offers its clauses: dates, entities, its analysis copy."""

    span: Span
    simplified: str
    dates: list[PlacedDate]
    entities: list[EntityMention]
    #: The last date of the section's earlier sentences, for sentences with none.
    carried: PlacedDate | None = None
    #: Where the datelines stand in the clean text: no quote or date comes from them.
    datelines: list[tuple[int, int]] = field(default_factory=list)
    #: Mentions that can be actors: not the source of a report, not a country
    #: named as a place (在阿曼), not a name inside an adverbial.
    actors: list[EntityMention] = field(default_factory=list)

    def clause_text(self, clause: Span) -> str:
        """The analysis copy of a clause of this sentence."""
        offset = clause.start - self.span.start
        return self.simplified[offset:offset + len(clause.text)]

    @cached_property
    def mediators(self) -> list[tuple[int, int]]:
        """Where the sentence names a mediator (在卡塔尔的斡旋下), in clean-text offsets."""
        return [(self.span.start + m.start("x"), self.span.start + m.end("x"))
                for pattern in MEDIATOR_PATTERNS for m in pattern.finditer(self.simplified)]


def span_in(start: int, end: int, outer_start: int, outer_end: int) -> bool:
    return outer_start <= start and end <= outer_end


def dateline_spans(document: Document) -> list[tuple[int, int]]:
    """Where the sections' datelines stand: the agency and byline there are no actors."""
    spans = []
    for section in document.sections:
        if section.dateline:
            at = document.clean_text.find(section.dateline, section.start)
            if at >= 0:
                spans.append((at, at + len(section.dateline)))
    return spans


def qualifies(ctx: SentenceContext, entity: EntityMention) -> bool:
    """True when a country or body only qualifies the name right after it."""
    if entity.kind not in ("country", "organization"):
        return False
    following = [e for e in ctx.entities if e.start >= entity.end]
    if not following:
        return False
    nxt = min(following, key=lambda e: e.start)
    gap = ctx.simplified[entity.end - ctx.span.start:nxt.start - ctx.span.start]
    if QUALIFIER_GAP.fullmatch(gap) is None and not (nxt.kind == "person" and POSSESSIVE_GAP.fullmatch(gap)):
        return False
    # 伊朗裔美国商人: a country qualifies another only through a word (裔, 籍), never
    # in an abbreviation run (伊美 names two parties).
    return nxt.kind in QUALIFIED_KINDS or (nxt.kind == "country" and entity.kind == "country" and gap != "")


def sourced(ctx: SentenceContext, entity: EntityMention) -> bool:
    at = entity.start - ctx.span.start
    return SOURCE_CUE in ctx.simplified[max(0, at - SOURCE_REACH):at]


def cued(ctx: SentenceContext, entity: EntityMention) -> bool:
    """The mention follows 在/于/赴/访问…: it names where something happens."""
    before = ctx.simplified[max(0, entity.start - ctx.span.start - 3):entity.start - ctx.span.start]
    return any(before.endswith(c) for c in PLACE_CUES)
