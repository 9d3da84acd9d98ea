"""Event triggers per type, from timeline/lexicon/triggers.json.

A trigger is a word, or ``A…B`` (A, then B later in the same clause).  Matching
runs on the simplified copy of one clause; the first type of the file that has a
match wins, so specific types are listed before generic ones.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

GAP = "…"
#: How far apart the two halves of an ``A…B`` trigger may be, in characters.
MAX_GAP = 24


@dataclass(frozen=True)
class TriggerHit:
    type: str
    word: str
    start: int
    end: int


@dataclass(frozen=True)
class TypeRule:
    type: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    excludes: tuple[str, ...]
    needs_agent: bool
    title: str


def _compile(trigger: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in trigger.split(GAP)]
    return re.compile(f"(?:[^。！？；]{{0,{MAX_GAP}}}?)".join(parts))


@dataclass(frozen=True)
class TriggerLexicon:
    rules: tuple[TypeRule, ...]
    blockers: dict[str, tuple[str, ...]]
    status_markers: dict[str, tuple[str, ...]]

    def find(self, clause: str) -> TriggerHit | None:
        """The trigger of ``clause``: of the first type that matches, its earliest hit."""
        for rule in self.rules:
            if any(x in clause for x in rule.excludes):
                continue
            best: TriggerHit | None = None
            for word, pattern in rule.patterns:
                match = pattern.search(clause)
                if match and (best is None or match.start() < best.start):
                    best = TriggerHit(rule.type, word, match.start(), match.end())
            if best is not None:
                return best
        return None

    def rule(self, event_type: str) -> TypeRule:
        return next(r for r in self.rules if r.type == event_type)

    def blocker(self, text: str) -> str | None:
        """The kind of blocker (conditional, opinion…) found in ``text``, if any."""
        for kind, words in self.blockers.items():
            if any(w in text for w in words):
                return kind
        return None


@lru_cache(maxsize=1)
def load_triggers() -> TriggerLexicon:
    data = json.loads(resources.files("timeline.lexicon").joinpath("triggers.json").read_text("utf-8"))
    rules = tuple(
        TypeRule(
            type=entry["type"],
            patterns=tuple((t, _compile(t)) for t in entry["triggers"]),
            excludes=tuple(entry.get("exclude", ())),
            needs_agent=bool(entry.get("needs_agent")),
            title=entry["title"],
        )
        for entry in data["types"]
    )
    blockers = {k: tuple(v) for k, v in data["blockers"].items() if k != "about"}
    status = {k: tuple(v) for k, v in data["status"].items() if k != "about"}
    return TriggerLexicon(rules, blockers, status)
