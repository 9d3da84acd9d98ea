"""Clauses → candidate events: trigger, date, actors, place, status, quote.

For every clause of every sentence of every section: the first trigger type that
matches (see :mod:`timeline.extract.triggers`) makes a candidate when the clause
is not blocked (conditional, hypothetical, opinion, a report alone) and a date
governs it: one in the clause, else the nearest one earlier in the sentence,
else the first one later in it.  A headline with a trigger and no date is dated
by the section's reference date (``inferred-from-dateline``) and is kept only if
it merges with a dated event of the body.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from importlib import resources
from dataclasses import dataclass, field, replace

from timeline.extract.dates import DateResolver, TemporalExpression
from timeline.extract.entities import EntityMention, default_recognizer
from timeline.extract.model import ActorRef, ExtractedEvent, PlaceRef, Quote
from timeline.extract.read import Document
from timeline.extract.segment import Section, Span, clauses, sentences
from timeline.extract.aliases import fold
from timeline.extract.triggers import TriggerHit, TriggerLexicon, load_triggers
from timeline.lexicon.load import load_lexicon

PERSON_PRONOUNS = ("他", "她")
#: A question reports nothing ("谈判地点为何选在阿曼？").
QUESTION_ENDS = ("？", "?", "吗")
#: Phrases that make the actor after them a mediator.
MEDIATOR_PATTERNS = (re.compile(r"在(?P<x>[^，,。]{1,20}?)(?:的)?(?:斡旋|调解|主持|协调)下"),
                     re.compile(r"由(?P<x>[^，,。]{1,20}?)(?:斡旋|调解|主持)"))
#: Words right before a place that make it the event's place.
PLACE_CUES = ("在", "于", "赴", "抵达", "访问", "前往", "飞抵", "到访", "来到")
QUOTE_RE = re.compile(r"[“「『\"](?P<q>[^”」』\"]{2,})[”」』\"]")


@dataclass(frozen=True)
class PlacedDate:
    """A resolved date with its offsets in the article's clean text."""

    start: int
    end: int
    value: TemporalExpression


@dataclass
class SentenceContext:
    """What one sentence offers its clauses: dates, entities, simplified text."""

    span: Span
    simplified: str
    dates: list[PlacedDate]
    entities: list[EntityMention]
    #: The last date of the section's earlier sentences, for sentences with none.
    carried: PlacedDate | None = None
    #: Where the datelines stand in the clean text: no quote or date comes from them.
    datelines: list[tuple[int, int]] = field(default_factory=list)
    #: Mentions that can be actors: not a country or body that only qualifies the
    #: next name (美国总统特朗普, 俄外交部), not a country named as a place (在阿曼).
    actors: list[EntityMention] = field(default_factory=list)


def _span_in(start: int, end: int, outer_start: int, outer_end: int) -> bool:
    return outer_start <= start and end <= outer_end


def _governing_date(ctx: SentenceContext, clause: Span, trigger_at: int, speech: bool) -> PlacedDate | None:
    """The date of a clause: in it (nearest before the trigger, else first after),
    else the nearest earlier in the sentence, else the last date of the section's
    earlier sentences (会后, 随后 report on what was just dated; whether it may be
    used is decided by the caller).  A date later in the sentence belongs to
    another clause's event, and a date after a speech verb to what was said."""
    inside = [d for d in ctx.dates if _span_in(d.start, d.end, clause.start, clause.end)
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


def _state_of(actor: ActorRef, entities: dict) -> str | None:
    """The state a person or body acts for: none for the head of an international
    organization (古特雷斯 speaks for the UN, not for Portugal)."""
    if actor.kind not in ("person", "organization"):
        return None
    entry = entities.get(actor.key)
    org = entities.get(entry.org) if entry is not None and entry.org else None
    if org is not None and not org.country:
        return None
    return actor.country


def _with_states(actors: list[ActorRef]) -> list[ActorRef]:
    """Officials and state bodies act for their state: a person's or body's country
    joins the event in the same role (郭嘉昆 → China), unless already there."""
    present = {a.code or a.key.upper() for a in actors if a.kind == "country"}
    out = list(actors)
    countries = load_lexicon().by_key()
    for actor in actors:
        code = _state_of(actor, countries)
        if not code or code in present:
            continue
        country = countries.get(code.lower())
        if country is None or country.kind != "country":
            continue
        present.add(code)
        out.append(ActorRef(key=country.key, name=country.name, kind="country", name_en=country.name_en,
                            code=country.code, role=actor.role, aliases=country.aliases, derived=True))
    return out


def _with_territorial_state(actors: list[ActorRef], place: PlaceRef) -> list[ActorRef]:
    """Arrests and trials are the acts of the state where they happen (在伊朗被捕)."""
    if any(a.kind == "country" and a.role == "agent" for a in actors):
        return actors
    country = load_lexicon().by_key().get((place.country or "").lower())
    if country is None or country.kind != "country":
        return actors
    return [a for a in actors if a.key != country.key] + [
        ActorRef(key=country.key, name=country.name, kind="country", name_en=country.name_en,
                 code=country.code, role="agent", aliases=country.aliases, derived=True)]


def _with_destination(actors: list[ActorRef], place: PlaceRef) -> list[ActorRef]:
    """A visit's destination country is its counterpart (访问平壤: North Korea)."""
    code = place.country
    if not code or any(a.code == code or (a.kind == "country" and a.key == code.lower()) for a in actors):
        return actors
    country = load_lexicon().by_key().get(code.lower())
    if country is None:
        return actors
    return actors + [ActorRef(key=country.key, name=country.name, kind="country", name_en=country.name_en,
                              code=country.code, role="counterpart", aliases=country.aliases)]


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
#: Types done by the state on whose territory they happen.
STATE_ACTS = frozenset({"law_enforcement"})
#: Types whose subject is the place they strike ("缅甸强震", "摩洛哥发生地震").
STRUCK = frozenset({"disaster"})
#: Types that happen in the agent's own country unless a place is named.
DOMESTIC = frozenset({"election", "policy", "ceremony"})
#: A venue name shorter than this (suffix included) is a common noun (大楼).
VENUE_MIN = 3
#: After a body, these make "在X…下" a frame (在国土安全部授权下), not its seat.
NOT_SEAT = re.compile(r"^(?:的|[^，,。；;]{0,4}下)")

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
        self._dateline_places: dict[str, PlaceRef | None] = {}

    # -- per document -------------------------------------------------------
    def candidates(self, document: Document) -> list[ExtractedEvent]:
        found: list[ExtractedEvent] = []
        last_person: ActorRef | None = None
        headings = [(line.start, line.end) for line in document.lines if line.level > 0]
        datelines = _dateline_spans(document)
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
                is_heading = any(_span_in(sentence.start, sentence.end, s, e) for s, e in headings)
                is_question = sentence.text.rstrip("”」』）) ").endswith(QUESTION_ENDS)
                parts = [] if is_question else predicate_clauses(sentence, is_heading)
                made = 0
                for i, clause in enumerate(parts):
                    following = parts[i + 1] if i + 1 < len(parts) else None
                    event, last_person = self._clause_event(document, reference, ctx, clause, following,
                                                            last_person, recent, is_heading, section, found,
                                                            scene)
                    if event is None:
                        self._participants(ctx, clause, found, sentence_start=len(found) - made)
                        continue
                    made += 1
                    event.dispatch = dispatch
                    if event.date_source == UNDATED:
                        _attach(event, found)
                    else:
                        if not event.actors:
                            _inherit_series(event, found)
                        found.append(event)
                    if event.place is not None and event.place.kind != "country":
                        scene = event.place
                persons = [e for e in ctx.entities if e.kind == "person"]
                if persons:
                    last_person = _actor(persons[-1])
                for mention in ctx.actors:
                    ref = _actor(mention)
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
        dates = [d for d in dates if not any(_span_in(d.start, d.end, s, t) for s, t in datelines)]
        ctx = SentenceContext(sentence, simplified, dates, entities, datelines=datelines)
        shadowed = datelines + [(sentence.start + m.start(), sentence.start + m.end())
                                for m in self.triggers.shadows[0].finditer(ctx.simplified)]
        mediated = [(sentence.start + m.start("x"), sentence.start + m.end("x"))
                    for pattern in MEDIATOR_PATTERNS for m in pattern.finditer(simplified)]
        ctx.actors = [e for e in entities if e.is_actor and not _sourced(ctx, e)
                      and (any(_span_in(e.start, e.end, s, t) for s, t in mediated)
                           or (not _cued(ctx, e) and not any(_span_in(e.start, e.end, s, t) for s, t in shadowed)))]
        return ctx

    # -- per clause ---------------------------------------------------------
    def _clause_event(self, document: Document, reference: dt.date, ctx: SentenceContext, clause: Span,
                      following: Span | None, last_person: ActorRef | None, recent: list[ActorRef],
                      is_heading: bool, section: Section, found: list[ExtractedEvent],
                      scene: PlaceRef | None) -> tuple[ExtractedEvent | None, ActorRef | None]:
        offset = clause.start - ctx.span.start
        clause_simple = ctx.simplified[offset:offset + len(clause.text)]
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
        if (placed is not None and not _span_in(placed.start, placed.end, clause.start, clause.end)
                and placed.value.end_date < reference and self._planned_marker(clause_simple, hit)):
            placed = None  # "准备开展对话" after "官员23日表示": the 23rd is when it was said
        date = placed.value if placed else None
        undated = date is None and not is_heading
        if undated and not any(w in clause_simple[:hit.end] for w in self.triggers.back_references):
            return None, last_person
        if hit.type == "statement" and (undated or (date is not None and date.start_date > reference)):
            return None, last_person  # words are said by the dateline, not after it
        actors = self._actors(ctx, clause, clause_simple, trigger_at, last_person, recent)
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
        place = self._place(ctx, clause, hit, actors, found, section, scene)
        if hit.type == "visit" and place is not None:
            actors = _with_destination(actors, place)
        if hit.type in STATE_ACTS and place is not None:
            actors = _with_territorial_state(actors, place)
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

    def _actors(self, ctx: SentenceContext, clause: Span, clause_simple: str, trigger_at: int,
                last_person: ActorRef | None, recent: list[ActorRef]) -> list[ActorRef]:
        """Actors of the clause: before the trigger agents, after it counterparts;
        mediators by phrase.  两国/双方/两人 stand for the last actors of that kind
        named before (``recent``, oldest first).  With no agent in the clause, the
        sentence's first agent carries over; a clause opening with 他/她 refers to
        the last person."""
        mediators: set[tuple[int, int]] = set()
        for pattern in MEDIATOR_PATTERNS:
            for m in pattern.finditer(ctx.simplified):
                mediators.add((ctx.span.start + m.start("x"), ctx.span.start + m.end("x")))
        actors: list[ActorRef] = []
        seen: set[str] = set()

        def add(ref: ActorRef) -> None:
            if ref.key not in seen:
                seen.add(ref.key)
                actors.append(ref)

        in_clause = [e for e in ctx.actors if _span_in(e.start, e.end, clause.start, clause.end)
                     or any(s <= e.start and e.end <= t for s, t in mediators)]  # 在卡塔尔斡旋下，…
        for e in in_clause:
            if any(s <= e.start and e.end <= t for s, t in mediators):
                role = "mediator"
            elif e.start < trigger_at and not _targeted(ctx, e):
                role = "agent"
            else:
                role = "counterpart"
            add(_actor(e).with_role(role))
        for word, (kind, count) in load_references().words.items():
            at = clause_simple.find(word)
            if at < 0 or sum(a.kind == kind for a in actors) >= count:
                continue
            role = "agent" if clause.start + at < trigger_at else "counterpart"
            # The last ones named: earlier in this sentence, else before it.
            here = [_actor(e) for e in ctx.actors if e.end <= clause.start + at]
            named = [r for r in recent if r.key not in {h.key for h in here}] + here
            for ref in [r for r in named if r.kind == kind][-count:]:
                add(ref.with_role(role))
        if not any(a.role == "agent" for a in actors):
            stripped = clause_simple.lstrip("，,、；; 　")
            if stripped.startswith(PERSON_PRONOUNS):
                # 他 is the last person named before it: in this sentence, else before.
                named = [e for e in ctx.entities if e.kind == "person" and e.end <= clause.start
                         and not _qualifies(ctx, e)]
                referent = _actor(named[-1]) if named else last_person
                if referent is not None:
                    add(referent.with_role("agent"))
            else:
                for subject in _subject_group(ctx, clause):
                    add(_actor(subject).with_role("agent"))
        return _with_states(actors)

    def _place(self, ctx: SentenceContext, clause: Span, hit: TriggerHit, actors: list[ActorRef],
               found: list[ExtractedEvent], section: Section, scene: PlaceRef | None) -> PlaceRef | None:
        """Where the event happened, from the most to the least direct evidence:
        a place named in the clause (or after 在/于/赴… in the sentence); a venue
        the gazetteer lacks (在斐洛里庄园); the trigger itself (抵台); the event
        an adverbial points at (在峰会场边: the summit's place); for domestic
        types the agent's country; for what happens where the reporter is, the
        place the dispatch last put its scene in (not for statements), else the
        dateline's place when the agents are at home there."""
        # What follows a speech verb is what was said, not where it was said.
        speech_at = clause.start + hit.start if hit.type == "statement" else None
        named = self._named_place(ctx, clause, speech_at)
        if named is not None:
            return named
        offset = clause.start - ctx.span.start
        clause_simple = ctx.simplified[offset:offset + len(clause.text)]
        venue = _venue(ctx, clause_simple, offset, scene)
        if venue is not None:
            return venue
        by_word = next((code for word, code in load_venues().by_trigger.items() if word in clause_simple), None)
        if by_word is not None:
            return _country_place(by_word)
        referred = self._referred_place(ctx, clause_simple, clause.start + hit.start, found)
        if referred is not None:
            return referred
        if hit.type in STRUCK:
            struck = [e for e in ctx.entities if e.kind in ("country", "place")
                      and clause.start <= e.start and e.end <= clause.start + hit.start]
            if struck:
                return _place(struck[-1])
        if hit.type in DOMESTIC:
            state = next((a.code or a.country for a in actors if a.role == "agent" and (a.code or a.country)), None)
            if state:
                return _country_place(state)
        if hit.type in DATELINE_PLACED:
            if scene is not None and hit.type in SCENE_PLACED:
                return scene
            here = self._dateline_place(section)
            entities = load_lexicon().by_key()
            states = {a.code if a.kind == "country" else _state_of(a, entities)
                      for a in actors if a.role == "agent"}
            if here is not None and states <= {here.country}:
                return here  # a foreign speaker is not where the reporter files from
        return None

    def _named_place(self, ctx: SentenceContext, clause: Span, until: int | None) -> PlaceRef | None:
        scopes = (((clause.start, until or clause.end), False), ((ctx.span.start, until or ctx.span.end), True))
        for scope, need_cue in scopes:
            places = [e for e in ctx.entities if _span_in(e.start, e.end, *scope) and _names_place(ctx, e)
                      and not any(_span_in(e.start, e.end, s, t) for s, t in ctx.datelines)]
            cued = [p for p in places if _cued(ctx, p)]
            if need_cue:
                places = cued
            if not places:
                continue
            chain = _chain(cued[0], places) if cued else places
            best = sorted(chain, key=lambda p: (p.kind == "country", -p.start))[0]
            return _place(best)
        return None

    def _referred_place(self, ctx: SentenceContext, clause_simple: str, trigger_at: int,
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
        for marker, event_type in AFTER_EVENT.items():
            if marker.search(clause_simple):
                pointers.append(event_type)
        for pointer in pointers:
            types = [hit.type for hit in self.triggers.hits(pointer)] or [t for t in AFTER_EVENT.values()
                                                                          if t == pointer][:1]
            for event_type in types:
                partner = next((e for e in reversed(found) if e.type == event_type and e.place is not None), None)
                if partner is not None:
                    return partner.place
        return None

    def _participants(self, ctx: SentenceContext, clause: Span, found: list[ExtractedEvent],
                      sentence_start: int) -> None:
        """"泽连斯基应邀参加", "阿拉格齐和威特科夫分别率团": a clause with no event of
        its own that says who took part adds them to the sentence's last event."""
        offset = clause.start - ctx.span.start
        text = ctx.simplified[offset:offset + len(clause.text)]
        if len(found) <= sentence_start or not any(w in text for w in load_references().participation):
            return
        event = found[-1]
        keys = event.actor_keys()
        joined = [_actor(e).with_role("counterpart") for e in ctx.actors
                  if _span_in(e.start, e.end, clause.start, clause.end)]
        event.actors.extend(a for a in _with_states(joined) if a.key not in keys)

    def _dateline_place(self, section: Section) -> PlaceRef | None:
        if not section.dateline_place:
            return None
        key = section.dateline_place
        if key not in self._dateline_places:
            found = [e for e in self.recognizer.find(key) if e.kind == "place"]
            self._dateline_places[key] = _place(found[0]) if found else None
        return self._dateline_places[key]

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


@dataclass(frozen=True)
class References:
    #: 两国 and 两人: the kind and number of actors they stand for.
    words: dict[str, tuple[str, int]]
    participation: tuple[str, ...]
    target_markers: tuple[str, ...]


@lru_cache(maxsize=1)
def load_references() -> References:
    data = json.loads(resources.files("timeline.lexicon").joinpath("references.json").read_text("utf-8"))
    return References({word: (r["kind"], r["count"]) for word, r in data["references"].items()},
                      tuple(data["participation"]), tuple(data["target_markers"]))


def _dateline_spans(document: Document) -> list[tuple[int, int]]:
    """Where the sections' datelines stand: the agency and byline there are no actors."""
    spans = []
    for section in document.sections:
        if section.dateline:
            at = document.clean_text.find(section.dateline, section.start)
            if at >= 0:
                spans.append((at, at + len(section.dateline)))
    return spans


#: What may stand between a qualifier and the name it qualifies: titles, not
#: conjunctions, prepositions or punctuation (美国总统特朗普, not 美国和伊朗).
QUALIFIER_GAP = re.compile(r"[^\s，,。；;：:、和与同及跟对向在将于的并而“”「」（）()]{0,8}")
QUALIFIED_KINDS = ("person", "organization", "group", "place")
#: 特朗普的乌克兰事务特使凯洛格: a possessive title before a person.
POSSESSIVE_GAP = re.compile(r"的[^\s，,。；;：:、和与同及跟对向在将于的并而“”「」（）()]{1,10}")


def _qualifies(ctx: SentenceContext, entity: EntityMention) -> bool:
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


#: "据新华社报道", "据伊方介绍": the source of a report is not an actor of what it reports.
SOURCE_CUE = "据"
SOURCE_REACH = 6


def _sourced(ctx: SentenceContext, entity: EntityMention) -> bool:
    at = entity.start - ctx.span.start
    return SOURCE_CUE in ctx.simplified[max(0, at - SOURCE_REACH):at]


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


def _names_place(ctx: SentenceContext, entity: EntityMention) -> bool:
    """A place mention that is not part of another name (明斯克小组), or a country
    or body named after 在/于 that is not a frame (在国土安全部授权下)."""
    after = ctx.simplified[entity.end - ctx.span.start:]
    if after.startswith(load_venues().name_tails):
        return False
    if entity.kind == "place":
        return True
    return entity.kind in SEAT_KINDS and _cued(ctx, entity) and _seat(ctx, entity)


def _venue(ctx: SentenceContext, clause_simple: str, offset: int, scene: PlaceRef | None) -> PlaceRef | None:
    """A venue the gazetteer lacks, after 在/于/抵达: 在斐洛里庄园举行, 在圣彼得大教堂露面."""
    match = load_venues().pattern.search(clause_simple)
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


def _country_place(code: str) -> PlaceRef | None:
    country = load_lexicon().by_key().get(code.lower())
    if country is None:
        return None
    return PlaceRef(key=country.key, name=country.name, name_en=country.name_en, country=country.code,
                    kind="country", aliases=country.aliases)


#: What joins coordinated subjects: 阿利耶夫和帕希尼扬, 拜拉莫夫与米尔佐扬.
COORDINATOR = re.compile(r"[和与及、]")


def _subject_group(ctx: SentenceContext, clause: Span) -> list[EntityMention]:
    """The sentence's subject for a clause that names none: its first actor that is
    not a qualifier, with those coordinated to it (A和B)."""
    earlier = [e for e in ctx.actors if e.end <= clause.start]
    subjects = [e for e in earlier if not _qualifies(ctx, e)] or earlier
    if not subjects:
        return []
    group = [subjects[0]]
    for e in subjects[1:]:
        gap = ctx.simplified[group[-1].end - ctx.span.start:e.start - ctx.span.start]
        if not COORDINATOR.fullmatch(gap[:1]) or not QUALIFIER_GAP.fullmatch(gap[1:]):
            break
        group.append(e)
    return group


def _targeted(ctx: SentenceContext, entity: EntityMention) -> bool:
    """对俄罗斯实施制裁, 向敏昂莱致电, 与哈马斯达成协议: the actor after such a word
    is acted upon or met; the subject, when the clause has none, is the sentence's."""
    head = ctx.simplified[:entity.start - ctx.span.start]
    if head.endswith(load_references().target_markers):
        return True
    # 与美国总统特朗普: a name qualified by a targeted one is targeted too.
    before = [e for e in ctx.entities if e.end <= entity.start]
    qualifier = max(before, key=lambda e: e.end) if before else None
    return qualifier is not None and _qualifies(ctx, qualifier) and _targeted(ctx, qualifier)


def _seat(ctx: SentenceContext, entity: EntityMention) -> bool:
    """A country or body after 在 names where something happens, not a frame."""
    return entity.kind == "country" or not NOT_SEAT.match(ctx.simplified[entity.end - ctx.span.start:])


def _cued(ctx: SentenceContext, entity: EntityMention) -> bool:
    before = ctx.simplified[max(0, entity.start - ctx.span.start - 3):entity.start - ctx.span.start]
    return any(before.endswith(c) for c in PLACE_CUES)


def _chain(first: EntityMention, places: list[EntityMention]) -> list[EntityMention]:
    """``first`` and the places that directly follow it (阿曼首都马斯喀特, 意大利米兰)."""
    chain = [first]
    for p in sorted(places, key=lambda e: e.start):
        if p.start >= chain[-1].end and p.start - chain[-1].end <= 4:
            chain.append(p)
    return chain


def _actor(e: EntityMention) -> ActorRef:
    """The mention as an actor; the form written in the article is one of its aliases."""
    aliases = tuple(dict.fromkeys(a for a in (*e.aliases, e.text) if a != e.name))
    return ActorRef(key=e.key, name=e.name, kind=e.kind, name_en=e.name_en, code=e.code,
                    country=e.country, aliases=aliases, is_new=e.is_new)


def _place(e: EntityMention) -> PlaceRef:
    return PlaceRef(key=e.key, name=e.name, name_en=e.name_en, country=e.code or e.country,
                    kind="country" if e.kind == "country" else e.kind, aliases=tuple(e.aliases))


def _confidence(event: ExtractedEvent) -> float:
    """A rough belief in the event: date found in the text, actors, place."""
    score = 0.4
    score += {"explicit": 0.25, "dateline-relative": 0.2, "anaphora": 0.15}.get(event.date_source, 0.0)
    score += 0.2 if any(a.role == "agent" for a in event.actors) else 0.0
    score += 0.1 if event.place else 0.0
    return min(score, 0.95)
