"""Event triggers per type, from timeline/lexicon/triggers.json.

A trigger is a word, or ``A…B`` (A, then B later in the same clause).  Matching
runs on the simplified copy of one clause.  The clause's event is its earliest
trigger — in Chinese the main predicate comes before its objects — with two
exceptions: triggers inside a time or setting adverbial (在峰会上, 在会谈前一天)
do not count, and an announcing verb (宣布) yields to the event it announces.
At one position the longer trigger (签署…豁免 over 签署), then the type listed
first in the file, wins.
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
    #: (trigger, its first part, compiled): the first part is a cheap test before the regex.
    patterns: tuple[tuple[str, str, re.Pattern[str]], ...]
    excludes: tuple[str, ...]
    needs_agent: bool
    title: str


def _compile(trigger: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in trigger.split(GAP)]
    return re.compile(f"(?:[^。！？；]{{0,{MAX_GAP}}}?)".join(parts))


#: Blocker kinds that stop a clause wherever they stand in it; the others count
#: only before the trigger (如果 after a trigger starts another thought).
CLAUSE_WIDE = frozenset({"negation", "modal", "recurring", "boilerplate"})
#: Blocker kinds that stop only their own clause: "伊朗媒体报道说" is no event, but
#: what it reports in the next clause is.
CLAUSE_LOCAL = frozenset({"reporting_only"})
#: A verb trigger right before 的 modifies a noun (美俄达成的共识): no event of its own;
#: a speech word right after 的 is a noun (俄方的安全提议), not someone speaking.
MODIFIER = "的"
NOUN_REACH = 3


def _modifies(clause: str, match: re.Match[str], word: str, event_type: str) -> bool:
    head_end = match.start() + len(word.split(GAP)[0])
    if clause.startswith(MODIFIER, head_end) or clause.startswith(MODIFIER, match.end()):
        return True
    return event_type == "statement" and MODIFIER in clause[max(0, match.start() - NOUN_REACH):match.start()]


@dataclass(frozen=True)
class TriggerLexicon:
    rules: tuple[TypeRule, ...]
    blockers: dict[str, tuple[str, ...]]
    status_markers: dict[str, re.Pattern[str]]
    #: Types whose agent and counterpart are interchangeable (A会谈B = B会谈A).
    symmetric: frozenset[str]
    #: Spans whose triggers are not the clause's event: adverbials ("在会谈前一天",
    #: "在峰会上"), the object of a stance ("对…表示欢迎"), long quotations.
    shadows: tuple[re.Pattern[str], ...]
    #: Statement verbs that announce another event (宣布征收关税 is a sanction).
    complement_verbs: frozenset[str]
    #: Words that let a clause with no date of its own take its paragraph's last date.
    carry_markers: tuple[str, ...]
    #: Words that, right after a date, make it name a contract (4月黄金期货), not a time.
    date_modifiers: tuple[str, ...]
    #: Words by which an undated clause points at an event already reported (此次谈判).
    back_references: tuple[str, ...]

    def hits(self, clause: str) -> list[TriggerHit]:
        """Each type's earliest trigger in ``clause`` outside shadows, by position
        (ties: the longer, more specific trigger, then the type listed first)."""
        shadowed = self.shadowed(clause)
        found: list[tuple[int, int, TriggerHit]] = []
        for order, rule in enumerate(self.rules):
            if any(x in clause for x in rule.excludes):
                continue
            best: TriggerHit | None = None
            for word, head, pattern in rule.patterns:
                if head not in clause:
                    continue
                for match in pattern.finditer(clause):
                    if any(s <= match.start() and match.end() <= e for s, e in shadowed):
                        continue
                    if _modifies(clause, match, word, rule.type):
                        continue
                    if best is None or match.start() < best.start:
                        best = TriggerHit(rule.type, word, match.start(), match.end())
                    break
            if best is not None:
                found.append((best.start, best.start - best.end, order, best))
        return [hit for *_, hit in sorted(found, key=lambda t: t[:3])]

    def shadowed(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for pattern in self.shadows for m in pattern.finditer(text)]

    def find(self, clause: str) -> TriggerHit | None:
        """The clause's event trigger: the earliest one (the main predicate comes
        first), unless it is an announcing verb followed by another type's trigger."""
        hits = self.hits(clause)
        if not hits:
            return None
        first = hits[0]
        if first.word in self.complement_verbs:
            announced = [h for h in hits if h.type != first.type and h.start >= first.end]
            if announced:
                return announced[0]
        return first

    def rule(self, event_type: str) -> TypeRule:
        return next(r for r in self.rules if r.type == event_type)

    def blocker(self, before_trigger: str, clause: str, trigger_start: int) -> str | None:
        """The kind of blocker (conditional, opinion, negation…) that stops a
        clause, given the sentence up to the trigger, the clause and where the
        trigger starts in it."""
        for kind, words in self.blockers.items():
            if kind in CLAUSE_WIDE:
                scope = clause
            elif kind in CLAUSE_LOCAL:
                scope = clause[:trigger_start]
            else:
                scope = before_trigger
            if any(w in scope for w in words):
                return kind
        return None


@lru_cache(maxsize=1)
def load_triggers() -> TriggerLexicon:
    data = json.loads(resources.files("timeline.lexicon").joinpath("triggers.json").read_text("utf-8"))
    rules = tuple(
        TypeRule(
            type=entry["type"],
            patterns=tuple((t, t.split(GAP)[0], _compile(t)) for t in entry["triggers"]),
            excludes=tuple(entry.get("exclude", ())),
            needs_agent=bool(entry.get("needs_agent")),
            title=entry["title"],
        )
        for entry in data["types"]
    )
    blockers = {k: tuple(v) for k, v in data["blockers"].items() if k != "about"}
    status = {k: re.compile("|".join(v)) for k, v in data["status"].items() if k != "about"}
    return TriggerLexicon(rules, blockers, status, frozenset(data["symmetric"]),
                          tuple(re.compile(p) for p in data["shadows"]),
                          frozenset(data["complement_verbs"]), tuple(data["carry_markers"]),
                          tuple(data["date_modifiers"]), tuple(data["back_references"]))
