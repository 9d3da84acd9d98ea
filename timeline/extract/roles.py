"""Who took part in an event, and in which role.

Before the trigger an actor is the agent, after it (or after 与/对/向) the
counterpart; a mediator is named by 在…斡旋下.  With no agent in its clause, the
sentence's subject acts (its first actor that qualifies no other name, with
those coordinated to it); 他/她 is the last person named; 两国/双方/两人 stand for
the actors last named.  An official's or state body's country joins the event
in the same role; a visit's destination and the state where an arrest happens
join too.  Word lists are in timeline/lexicon/references.json.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from timeline.extract.context import QUALIFIER_GAP, SentenceContext, qualifies, span_in
from timeline.extract.entities import EntityMention
from timeline.extract.model import ActorRef, ExtractedEvent, PlaceRef
from timeline.extract.segment import Span
from timeline.lexicon.load import load_lexicon

PERSON_PRONOUNS = ("他", "她")
#: What joins coordinated subjects: 阿利耶夫和帕希尼扬, 拜拉莫夫与米尔佐扬.
COORDINATOR = re.compile(r"[和与及、]")


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


def actor_of(e: EntityMention) -> ActorRef:
    """The mention as an actor; the form written in the article is one of its aliases."""
    aliases = tuple(dict.fromkeys(a for a in (*e.aliases, e.text) if a != e.name))
    return ActorRef(key=e.key, name=e.name, kind=e.kind, name_en=e.name_en, code=e.code,
                    country=e.country, aliases=aliases, is_new=e.is_new)


def country_actor(code: str | None, role: str, derived: bool) -> ActorRef | None:
    """The lexicon's country of ISO code ``code`` as an actor, if there is one."""
    country = load_lexicon().by_key().get((code or "").lower())
    if country is None or country.kind != "country":
        return None
    return ActorRef(key=country.key, name=country.name, kind="country", name_en=country.name_en,
                    code=country.code, role=role, aliases=country.aliases, derived=derived)


def state_of(actor: ActorRef) -> str | None:
    """The state a person or body acts for: none for the head of an international
    organization (古特雷斯 speaks for the UN, not for Portugal)."""
    if actor.kind not in ("person", "organization"):
        return None
    entities = load_lexicon().by_key()
    entry = entities.get(actor.key)
    org = entities.get(entry.org) if entry is not None and entry.org else None
    if org is not None and not org.country:
        return None
    return actor.country


def with_states(actors: list[ActorRef]) -> list[ActorRef]:
    """Officials and state bodies act for their state: a person's or body's country
    joins the event in the same role (郭嘉昆 → China), unless already there."""
    present = {a.code or a.key.upper() for a in actors if a.kind == "country"}
    out = list(actors)
    for actor in actors:
        code = state_of(actor)
        if not code or code in present:
            continue
        state = country_actor(code, actor.role, derived=True)
        if state is not None:
            present.add(code)
            out.append(state)
    return out


def with_territorial_state(actors: list[ActorRef], place: PlaceRef) -> list[ActorRef]:
    """Arrests and trials are the acts of the state where they happen (在伊朗被捕)."""
    if any(a.kind == "country" and a.role == "agent" for a in actors):
        return actors
    state = country_actor(place.country, "agent", derived=True)
    if state is None:
        return actors
    return [a for a in actors if a.key != state.key] + [state]


def with_destination(actors: list[ActorRef], place: PlaceRef) -> list[ActorRef]:
    """A visit's destination country is its counterpart (访问平壤: North Korea)."""
    code = place.country
    if not code or any(a.code == code or (a.kind == "country" and a.key == code.lower()) for a in actors):
        return actors
    state = country_actor(code, "counterpart", derived=False)
    return actors + [state] if state is not None else actors


def subject_group(ctx: SentenceContext, clause: Span) -> list[EntityMention]:
    """The sentence's subject for a clause that names none: its first actor that is
    not a qualifier, with those coordinated to it (A和B)."""
    earlier = [e for e in ctx.actors if e.end <= clause.start]
    subjects = [e for e in earlier if not qualifies(ctx, e)] or earlier
    if not subjects:
        return []
    group = [subjects[0]]
    for e in subjects[1:]:
        gap = ctx.simplified[group[-1].end - ctx.span.start:e.start - ctx.span.start]
        if not COORDINATOR.fullmatch(gap[:1]) or not QUALIFIER_GAP.fullmatch(gap[1:]):
            break
        group.append(e)
    return group


def targeted(ctx: SentenceContext, entity: EntityMention) -> bool:
    """对俄罗斯实施制裁, 向敏昂莱致电, 与哈马斯达成协议: the actor after such a word
    is acted upon or met; the subject, when the clause has none, is the sentence's."""
    head = ctx.simplified[:entity.start - ctx.span.start]
    if head.endswith(load_references().target_markers):
        return True
    # 与美国总统特朗普: a name qualified by a targeted one is targeted too.
    before = [e for e in ctx.entities if e.end <= entity.start]
    qualifier = max(before, key=lambda e: e.end) if before else None
    return qualifier is not None and qualifies(ctx, qualifier) and targeted(ctx, qualifier)


def clause_actors(ctx: SentenceContext, clause: Span, trigger_at: int, last_person: ActorRef | None,
                  recent: list[ActorRef]) -> list[ActorRef]:
    """The actors of a clause with their roles (see the module's docstring);
    ``recent`` lists the actors named before the sentence, oldest first."""
    clause_simple = ctx.clause_text(clause)
    mediators = ctx.mediators
    actors: list[ActorRef] = []
    seen: set[str] = set()

    def add(ref: ActorRef) -> None:
        if ref.key not in seen:
            seen.add(ref.key)
            actors.append(ref)

    in_clause = [e for e in ctx.actors if span_in(e.start, e.end, clause.start, clause.end)
                 or any(span_in(e.start, e.end, s, t) for s, t in mediators)]  # 在卡塔尔斡旋下，…
    for e in in_clause:
        if any(span_in(e.start, e.end, s, t) for s, t in mediators):
            role = "mediator"
        elif e.start < trigger_at and not targeted(ctx, e):
            role = "agent"
        else:
            role = "counterpart"
        add(actor_of(e).with_role(role))
    for word, (kind, count) in load_references().words.items():
        at = clause_simple.find(word)
        if at < 0 or sum(a.kind == kind for a in actors) >= count:
            continue
        role = "agent" if clause.start + at < trigger_at else "counterpart"
        # The last ones named: earlier in this sentence, else before it.
        here = [actor_of(e) for e in ctx.actors if e.end <= clause.start + at]
        named = [r for r in recent if r.key not in {h.key for h in here}] + here
        for ref in [r for r in named if r.kind == kind][-count:]:
            add(ref.with_role(role))
    if not any(a.role == "agent" for a in actors):
        if clause_simple.lstrip("，,、；; 　").startswith(PERSON_PRONOUNS):
            # 他 is the last person named before it: in this sentence, else before.
            named = [e for e in ctx.entities if e.kind == "person" and e.end <= clause.start
                     and not qualifies(ctx, e)]
            referent = actor_of(named[-1]) if named else last_person
            if referent is not None:
                add(referent.with_role("agent"))
        else:
            for subject in subject_group(ctx, clause):
                add(actor_of(subject).with_role("agent"))
    return with_states(actors)


def add_participants(ctx: SentenceContext, clause: Span, event: ExtractedEvent) -> None:
    """"泽连斯基应邀参加", "阿拉格齐和威特科夫分别率团": a clause with no event of its
    own that says who took part adds them to ``event`` (the sentence's last)."""
    if not any(w in ctx.clause_text(clause) for w in load_references().participation):
        return
    keys = event.actor_keys()
    joined = [actor_of(e).with_role("counterpart") for e in ctx.actors
              if span_in(e.start, e.end, clause.start, clause.end)]
    event.actors.extend(a for a in with_states(joined) if a.key not in keys)
