"""Topics of an event, from its own words, its actors and the article around it.

Texts are compared in their folded form (simplified, lower case: see
:func:`timeline.extract.aliases.fold`).  Each topic of
timeline/lexicon/topic_cues.json scores: cue words in the event's
quotes (``OWN`` each), cue words in its section (``SECTION`` each, at most
``SECTION_CAP``) and in the whole article (``ARTICLE`` each, at most
``ARTICLE_CAP``) — a digest's items each have their own subject — its
countries among the event's actors and place, its country pairs, and its event
types.  The best topic is always kept; others are kept when they reach
``KEEP`` of the best score and ``MINIMUM``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from timeline.extract.aliases import fold
from timeline.extract.model import ExtractedEvent

OWN = 3.0
SECTION = 1.0
SECTION_CAP = 3.0
ARTICLE = 0.5
ARTICLE_CAP = 1.5
COUNTRY = 1.0
PAIR = 3.0
TYPE = 3.0
KEEP = 0.5
MINIMUM = 2.5
MAX_TOPICS = 3


@dataclass(frozen=True)
class TopicCues:
    slug: str
    words: tuple[str, ...]
    countries: frozenset[str]
    pairs: tuple[frozenset[str], ...]
    types: frozenset[str]


@lru_cache(maxsize=1)
def load_cues() -> tuple[TopicCues, ...]:
    data = json.loads(resources.files("timeline.lexicon").joinpath("topic_cues.json").read_text("utf-8"))
    return tuple(
        TopicCues(slug, tuple(fold(w) for w in c.get("words", ())), frozenset(c.get("countries", ())),
                  tuple(frozenset(p) for p in c.get("pairs", ())), frozenset(c.get("types", ())))
        for slug, c in data["topics"].items()
    )


def _countries(event: ExtractedEvent) -> set[str]:
    codes = {a.code if a.kind == "country" else a.country for a in event.actors}
    if event.place is not None:
        codes.add(event.place.country)
    return {c for c in codes if c}


def score_topics(event: ExtractedEvent, own_text: str, section_text: str, article_text: str) -> dict[str, float]:
    countries = _countries(event)
    scores: dict[str, float] = {}
    for cues in load_cues():
        score = sum(OWN for w in cues.words if w in own_text)
        score += min(SECTION_CAP, sum(SECTION * section_text.count(w) for w in cues.words))
        score += min(ARTICLE_CAP, sum(ARTICLE * article_text.count(w) for w in cues.words))
        score += COUNTRY * len(cues.countries & countries)
        score += sum(PAIR for pair in cues.pairs if pair <= countries)
        score += TYPE if event.type in cues.types else 0.0
        if score:
            scores[cues.slug] = score
    return scores


def assign_topics(event: ExtractedEvent, own_text: str, section_text: str, article_text: str) -> list[str]:
    scores = score_topics(event, own_text, section_text, article_text)
    if not scores:
        return []
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best = ranked[0][1]
    kept = [slug for slug, s in ranked if s >= max(KEEP * best, MINIMUM)] or [ranked[0][0]]
    return kept[:MAX_TOPICS]
