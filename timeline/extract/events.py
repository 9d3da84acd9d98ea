"""Clauses → candidate events: trigger, date, status, quote; actors and place
come from :mod:`timeline.extract.roles` and :mod:`timeline.extract.places`.

For every clause of every sentence of every section, the clause's trigger (see
:mod:`timeline.extract.triggers`) makes a candidate when the clause is not
blocked (conditional, hypothetical, opinion, negation, a report alone…) and a
date governs it: one in the clause, else the nearest one earlier in the
sentence, else — only for a clause that points back (会后, 随后, 当晚) — the last
date of the dispatch.  Dates in datelines date nothing.  A same-day anaphor
after an event word (地震发生当日) dates to that event.  An undated clause that
points back at an event (此次谈判由…率团参加) adds its actors and quote to it; a
headline with a trigger and no date is dated by the dispatch and kept only if it
merges with a dated event of its section.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from timeline.extract.aliases import fold
from timeline.extract.context import (
    PlacedDate,
    SentenceContext,
    cued,
    dateline_spans,
    sourced,
    span_in,
)
from timeline.extract.dates import DateResolver, TemporalExpression
from timeline.extract.entities import EntityMention, default_recognizer
from timeline.extract.model import ActorRef, ExtractedEvent, PlaceRef, Quote
from timeline.extract.places import PlaceFinder
from timeline.extract.read import Document
from timeline.extract.roles import (
    actor_of,
    add_participants,
    clause_actors,
    with_destination,
    with_territorial_state,
)
from timeline.extract.segment import Section, Span, clauses, sentences
from timeline.extract.triggers import TriggerHit, TriggerLexicon, load_triggers

#: A question reports nothing ("谈判地点为何选在阿曼？").
QUESTION_ENDS = ("？", "?", "吗")
QUOTE_RE = re.compile(r"[“「『\"](?P<q>[^”」』\"]{2,})[”」』\"]")


def _governing_date(ctx: SentenceContext, clause: Span, trigger_at: int, speech: bool) -> PlacedDate | None:
    """The date of a clause: in it (nearest before the trigger, else first after),
    else the nearest earlier in the sentence, else the last date of the section's
    earlier sentences (会后, 随后 report on what was just dated; whether it may be
    used is decided by the caller).  A date later in the sentence belongs to
    another clause's event, and a date after a speech verb to what was said."""
    inside = [d for d in ctx.dates if span_in(d.start, d.end, clause.start, clause.end)
              and not (speech and d.start > trigger_at)]  # after a speech verb: the words' own dates
    if inside:
        before = [d for d in inside if d.start <= trigger_at]
        return before[-1] if before else inside[0]
    earlier = [d for d in ctx.dates if d.end <= clause.start]
    if earlier:
        return earlier[-1]
    return ctx.carried


#: An undated clause that points back at an event ("此次谈判由…率团参加") adds its
#: actors and quote to the dispatch's latest event of its type instead of making one.
UNDATED = "undated"


def _attach(clause_event: ExtractedEvent, found: list[ExtractedEvent]) -> None:
    target = next((e for e in reversed(found)
                   if e.type == clause_event.type and e.dispatch == clause_event.dispatch), None)
    if target is None:
        return
    keys = target.actor_keys()
    target.actors.extend(a.with_role("counterpart" if a.role == "agent" and target.actors else a.role)
                         for a in clause_event.actors if a.key not in keys)
    target.mentions.extend(clause_event.mentions)


def _inherit_series(event: ExtractedEvent, found: list[ExtractedEvent]) -> None:
    """"首轮会谈12日举行", "第三轮会谈定于下周六": an event that names nobody
    continues the section's series of its type and has the parties of its
    fullest report."""
    series = [e for e in found if e.type == event.type and e.section == event.section and e.actors]
    previous = max(series, key=lambda e: len(e.actors), default=None)  # the fullest report of it
    if previous is not None:
        event.actors = [a for a in previous.actors if a.role in ("agent", "counterpart")]


#: Types done by the state on whose territory they happen.
STATE_ACTS = frozenset({"law_enforcement"})

#: How far after a date a contract word (期货) makes it no event date.
DATE_MODIFIER_REACH = 4

#: The resolver's rule for 当天/同日/次日/前一天, which event words can re-anchor.
ANAPHORA_RULE = "anaphora_day"
#: How far before such an anaphor an event word may stand ("地震发生当日"), within its clause.
EVENT_ANAPHOR_REACH = 8
CLAUSE_MARKS = "，,；;：:。"

HEADLINE_GAP = re.compile(r"(?<=[^\s\x00-\x7f])[ 　]+(?=[^\s\x00-\x7f])")
MAX_QUOTE = 240
#: A sentence this short is quoted whole: it is the natural unit a reader checks.
SHORT_SENTENCE = 120

#: 并 joins two predicates ("出席峰会并发表讲话"): each may be an event.  Not 并不/并未…
COORDINATION = re.compile(r"(?<=[^，,、；;])并(?=[^不未非没无且列入称])")


def _headline_parts(sentence: Span) -> list[Span]:
    """A headline's parts: words set apart by spaces are separate statements
    ("中美元首旧金山会晤 同意恢复两军高层沟通")."""
    parts, cut = [], 0
    for match in HEADLINE_GAP.finditer(sentence.text):
        parts.append(Span(sentence.text[cut:match.start()], sentence.start + cut, sentence.start + match.start()))
        cut = match.end()
    parts.append(Span(sentence.text[cut:], sentence.start + cut, sentence.end))
    return [p for p in parts if p.text.strip()]


def predicate_clauses(sentence: Span, is_heading: bool = False) -> list[Span]:
    """The sentence's clauses, each further split before a coordinating 并
    (and, in a headline, at the spaces between its parts)."""
    out: list[Span] = []
    pieces = [c for part in _headline_parts(sentence) for c in clauses(part)] if is_heading else clauses(sentence)
    for clause in pieces:
        cut = clause.start
        for match in COORDINATION.finditer(fold(clause.text)):
            out.append(Span(clause.text[cut - clause.start:match.start()], cut, clause.start + match.start()))
            cut = clause.start + match.start()
        out.append(Span(clause.text[cut - clause.start:], cut, clause.end))
    return out


class EventExtractor:
    """Finds the candidate events of a document (before merging)."""

    def __init__(self, triggers: TriggerLexicon | None = None, recognizer=None) -> None:
        self.triggers = triggers or load_triggers()
        self.recognizer = recognizer or default_recognizer()
        self.places = PlaceFinder(self.triggers, self.recognizer)

    # -- per document -------------------------------------------------------
    def candidates(self, document: Document) -> list[ExtractedEvent]:
        found: list[ExtractedEvent] = []
        last_person: ActorRef | None = None
        headings = [(line.start, line.end) for line in document.lines if line.level > 0]
        datelines = dateline_spans(document)
        sections = [(section, sentences(section.text, section.start)) for section in document.sections]
        all_sentences = [sentence for _, spans in sections for sentence in spans]
        mentions = iter(self.recognizer.find_in_parts([sentence.text for sentence in all_sentences]))
        previous: TemporalExpression | None = None
        previous_reference: dt.date | None = None
        dispatch = 0
        scene: PlaceRef | None = None
        for section, spans in sections:
            reference = section.reference_date or document.published_date
            if reference != previous_reference:
                previous = None  # another dispatch: 同日 cannot reach back into it
                dispatch += 1
                scene = None
            previous_reference = reference
            resolver = DateResolver(reference, taiwan=document.taiwan, previous=previous) if reference else None
            carried: PlacedDate | None = None
            recent: list[ActorRef] = []
            for sentence in spans:
                entities = [e.shifted(sentence.start) for e in next(mentions)]
                if resolver is None:
                    continue  # nothing to resolve the dates against
                ctx = self._context(sentence, entities, resolver, datelines)
                anchored = self._event_anaphora(ctx, found, reference, document.taiwan)
                if anchored is not None:
                    resolver = DateResolver(reference, taiwan=document.taiwan, previous=anchored)
                ctx.carried = carried
                carried = ctx.dates[-1] if ctx.dates else ctx.carried
                if ctx.dates:
                    previous = ctx.dates[-1].value
                is_heading = any(span_in(sentence.start, sentence.end, s, e) for s, e in headings)
                is_question = sentence.text.rstrip("”」』）) ").endswith(QUESTION_ENDS)
                parts = [] if is_question else predicate_clauses(sentence, is_heading)
                appended = 0  # events of this sentence in ``found``
                for i, clause in enumerate(parts):
                    following = parts[i + 1] if i + 1 < len(parts) else None
                    event, last_person = self._clause_event(document, reference, ctx, clause, following,
                                                            last_person, recent, is_heading, section, found,
                                                            scene)
                    if event is None:
                        if appended:
                            add_participants(ctx, clause, found[-1])
                        continue
                    event.dispatch = dispatch
                    if event.date_source == UNDATED:
                        _attach(event, found)
                    else:
                        if not event.actors:
                            _inherit_series(event, found)
                        found.append(event)
                        appended += 1
                    if event.place is not None and event.place.kind != "country":
                        scene = event.place
                persons = [e for e in ctx.entities if e.kind == "person"]
                if persons:
                    last_person = actor_of(persons[-1])
                for mention in ctx.actors:
                    ref = actor_of(mention)
                    recent[:] = [r for r in recent if r.key != ref.key] + [ref]
        return found

    def _event_anaphora(self, ctx: SentenceContext, found: list[ExtractedEvent], reference: dt.date,
                        taiwan: bool) -> TemporalExpression | None:
        """Re-anchor "地震发生当日", "会谈次日": a same-day anaphor right after an
        event word refers to the last event of that type, not to the last date
        written.  Returns the new anchor for the sentences that follow."""
        anchored = None
        for i, placed in enumerate(ctx.dates):
            if placed.value.rule != ANAPHORA_RULE:
                continue
            at = placed.start - ctx.span.start
            clause_start = max(ctx.simplified.rfind(p, 0, at) for p in CLAUSE_MARKS) + 1
            hits = self.triggers.hits(ctx.simplified[max(clause_start, at - EVENT_ANAPHOR_REACH):at])
            # The first event of that type: the article's main happening of its kind.
            partner = next((e for e in found if hits and e.type == hits[-1].type
                            and e.date_source != "inferred-from-dateline"), None)
            if partner is None:
                continue
            anchor = TemporalExpression("", 0, 0, partner.start_date, partner.end_date, partner.precision,
                                        "event", "previous")
            redone = DateResolver(reference, taiwan=taiwan, previous=anchor).resolve(placed.value.text)
            if redone and redone[0].is_date:
                value = redone[0]
                value.start, value.end = placed.value.start, placed.value.end
                ctx.dates[i] = PlacedDate(placed.start, placed.end, value)
                anchored = value
        return anchored

    def _context(self, sentence: Span, entities: list[EntityMention], resolver: DateResolver,
                 datelines: list[tuple[int, int]]) -> SentenceContext:
        simplified = fold(sentence.text)
        dates = [PlacedDate(sentence.start + d.start, sentence.start + d.end, d)
                 for d in resolver.resolve(sentence.text)
                 if d.is_date and not any(m in simplified[d.end:d.end + DATE_MODIFIER_REACH]
                                          for m in self.triggers.date_modifiers)]
        # The dateline's date says when the dispatch was filed, not when anything happened.
        dates = [d for d in dates if not any(span_in(d.start, d.end, s, t) for s, t in datelines)]
        ctx = SentenceContext(sentence, simplified, dates, entities, datelines=datelines)
        shadowed = datelines + [(sentence.start + m.start(), sentence.start + m.end())
                                for m in self.triggers.shadows[0].finditer(ctx.simplified)]
        mediated = ctx.mediators
        ctx.actors = [e for e in entities if e.is_actor and not sourced(ctx, e)
                      and (any(span_in(e.start, e.end, s, t) for s, t in mediated)
                           or (not cued(ctx, e) and not any(span_in(e.start, e.end, s, t) for s, t in shadowed)))]
        return ctx

    # -- per clause ---------------------------------------------------------
    def _clause_event(self, document: Document, reference: dt.date, ctx: SentenceContext, clause: Span,
                      following: Span | None, last_person: ActorRef | None, recent: list[ActorRef],
                      is_heading: bool, section: Section, found: list[ExtractedEvent],
                      scene: PlaceRef | None) -> tuple[ExtractedEvent | None, ActorRef | None]:
        clause_simple = ctx.clause_text(clause)
        hit = self.triggers.find(clause_simple)
        if hit is None:
            return None, last_person
        trigger_at = clause.start + hit.start
        before_trigger = ctx.simplified[:trigger_at - ctx.span.start]
        if self.triggers.blocker(before_trigger, clause_simple, hit.start):
            return None, last_person
        placed = _governing_date(ctx, clause, trigger_at, hit.type == "statement")
        if placed is not None and placed is ctx.carried and not self._may_carry(clause_simple, hit, placed, reference):
            placed = None
        if (placed is not None and not span_in(placed.start, placed.end, clause.start, clause.end)
                and placed.value.end_date < reference and self._planned_marker(clause_simple, hit)):
            placed = None  # "准备开展对话" after "官员23日表示": the 23rd is when it was said
        date = placed.value if placed else None
        undated = date is None and not is_heading
        if undated and not any(w in clause_simple[:hit.end] for w in self.triggers.back_references):
            return None, last_person
        if hit.type == "statement" and (undated or (date is not None and date.start_date > reference)):
            return None, last_person  # words are said by the dateline, not after it
        actors = clause_actors(ctx, clause, trigger_at, last_person, recent)
        rule = self.triggers.rule(hit.type)
        if rule.needs_agent and not any(a.role == "agent" for a in actors):
            return None, last_person
        if date is None:
            start = end = reference
            precision, date_text = "day", None
            date_source = UNDATED if undated else "inferred-from-dateline"
            since = False
        else:
            start, end, precision = date.start_date, date.end_date, date.precision
            date_source = "explicit" if date.anchor == "absolute" else (
                "anaphora" if date.anchor == "previous" or placed is ctx.carried else "dateline-relative")
            date_text = date.text
            since = date.since and not date.future
        status = self._status(clause_simple, hit, start, end, reference, since)
        quote = replace(self._quote(document, ctx, clause, following, trigger_at, ctx.datelines),
                        date_text=date_text)
        place = self.places.find(ctx, clause, hit, actors, found, section, scene)
        if hit.type == "visit" and place is not None:
            actors = with_destination(actors, place)
        if hit.type in STATE_ACTS and place is not None:
            actors = with_territorial_state(actors, place)
        event = ExtractedEvent(
            type=hit.type, start_date=start, end_date=end, precision=precision, status=status,
            date_source=date_source, date_text=date_text, actors=actors,
            place=place, mentions=[quote],
            speech=self._speech(ctx, trigger_at) if hit.type == "statement" else None,
            section=section.index,
        )
        event.confidence = _confidence(event)
        return event, last_person

    def _may_carry(self, clause: str, hit: TriggerHit, carried: PlacedDate, reference: dt.date) -> bool:
        """A paragraph's last date dates a clause that has none only when the
        clause points back (会后, 随后…), and never dates a statement in the
        future of the dateline (its own words are already said)."""
        if not any(m in clause for m in self.triggers.carry_markers):
            return False
        return not (hit.type == "statement" and carried.value.start_date > reference)

    def _planned_marker(self, clause: str, hit: TriggerHit) -> bool:
        return self.triggers.status_markers["planned"].search(clause[:hit.start]) is not None

    def _status(self, clause: str, hit: TriggerHit, start: dt.date, end: dt.date,
                reference: dt.date, since: bool) -> str:
        markers = self.triggers.status_markers
        window = clause[max(0, hit.start - 12):hit.end + 4]
        if markers["cancelled"].search(window):
            return "cancelled"
        if markers["postponed"].search(window):
            return "postponed"
        if since or markers["ongoing"].search(clause[:hit.start]):
            return "ongoing"
        if start > reference or self._planned_marker(clause, hit):
            return "planned" if end >= reference else "occurred"
        return "occurred"

    def _quote(self, document: Document, ctx: SentenceContext, clause: Span, following: Span | None,
               trigger_at: int, datelines: list[tuple[int, int]]) -> Quote:
        """The whole sentence when it is short; else the clause, widened back to
        its agent when that is named earlier in the sentence (no actor before
        the trigger in the clause) and on to the next clause when that one
        reports no event of its own (its object or purpose)."""
        if ctx.span.end - ctx.span.start <= SHORT_SENTENCE:
            start, end = ctx.span.start, ctx.span.end
        else:
            start, end = clause.start, clause.end
            agent_spans = [e.start for e in ctx.actors if e.start < clause.start]
            if agent_spans and not any(clause.start <= e.start < trigger_at for e in ctx.actors):
                start = max(ctx.span.start, agent_spans[0])
            if following is not None and self.triggers.find(
                    ctx.simplified[following.start - ctx.span.start:following.end - ctx.span.start]) is None:
                end = following.end
            if end - start > MAX_QUOTE:
                end = clause.end
            if end - start > MAX_QUOTE:
                start = max(clause.start, end - MAX_QUOTE)
        for dateline_start, dateline_end in datelines:
            if start <= dateline_start < end or dateline_start <= start < dateline_end:
                start = max(start, dateline_end)
        text = document.clean_text[start:end].strip("，,；;、 　\n")
        first = document.clean_text.find(text, start)
        return Quote(text, first, first + len(text))

    def _speech(self, ctx: SentenceContext, trigger_at: int) -> str | None:
        after = ctx.span.text[trigger_at - ctx.span.start:]
        quoted = [m.group("q") for m in QUOTE_RE.finditer(after)]
        return "".join(quoted) if quoted else None


def _confidence(event: ExtractedEvent) -> float:
    """A rough belief in the event: date found in the text, actors, place."""
    score = 0.4
    score += {"explicit": 0.25, "dateline-relative": 0.2, "anaphora": 0.15}.get(event.date_source, 0.0)
    score += 0.2 if any(a.role == "agent" for a in event.actors) else 0.0
    score += 0.1 if event.place else 0.0
    return min(score, 0.95)
