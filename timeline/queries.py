"""The query layer shared by the API and the CLI: filters, sort orders, keyset
pages, counts, histograms and facets over the live events.

Every function takes a :class:`~sqlalchemy.orm.Session` and plain values; none
knows about HTTP.  A list costs a fixed number of statements whatever its page
size: one per filter that names things (to resolve names to ids), one for the
page, one per eager-loaded collection, one for an optional count.

Live events are those neither merged into another (``merged_into_id``) nor
deleted (``deleted_at``).  An event matches a date range [A, B] when its span
overlaps it (``start_min <= B and end_max >= A``), or, with ``within``, when
the span lies inside it.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement, Integer, Select, bindparam, cast, exists, func, literal, literal_column, or_, select, tuple_,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, joinedload, selectinload

from timeline.dateformat import last_day_of_month
from timeline.lookups import Lookups
from timeline.search import word_keys
from timeline.sqljson import JsonSQL, as_list
from timeline.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventCount,
    EventTerm,
    EventTopic,
    Mention,
    Place,
    PlaceAlias,
    Topic,
)

T = TypeVar("T")

INTERVALS = ("year", "month", "week", "day")
FACET_FIELDS = ("type", "actor", "topic", "location", "country")


class FilterError(ValueError):
    """A filter value that names nothing, or a cursor that does not fit the query."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def normalize_name(text: str) -> str:
    """The lookup form of a name, as the ingest path stores it in ``*_aliases.normalized``."""
    from timeline.extract.aliases import fold

    return fold(text.strip())


def utc(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware UTC datetime (SQLite hands back naive UTC values)."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


# --- filters -------------------------------------------------------------------

@dataclass(frozen=True)
class EventFilters:
    """The /events filters as given by a user: names, slugs, codes, ids.

    Repeated values of one filter are alternatives (OR), except ``actor_all``,
    whose values must all be actors of the event.
    """

    actor: Sequence[str] = ()
    actor_all: Sequence[str] = ()
    topic: Sequence[str] = ()
    type: Sequence[str] = ()
    status: Sequence[str] = ()
    location: Sequence[str] = ()
    country: Sequence[str] = ()
    article: Sequence[int] = ()
    precision: Sequence[str] = ()
    review_state: Sequence[str] = ()
    q: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    within: bool = False
    #: Already resolved: the actor or topic of an /actors/{id}/events or /topics/{slug}/events path.
    actor_id: int | None = None
    topic_id: int | None = None

    def __post_init__(self) -> None:
        """Repeated values as tuples, so that equal filters hash alike (they key
        the statements :func:`event_page` keeps)."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))

    def vocabulary_only(self) -> bool:
        """Whether what these filters select is built from the vocabulary alone,
        so statements built for them may be kept under its generation: article
        ids are checked against the articles on every use."""
        return not self.article


def live() -> list[ColumnElement[bool]]:
    """The conditions of an event that is neither merged nor deleted."""
    return [Event.merged_into_id.is_(None), Event.deleted_at.is_(None)]


@dataclass(frozen=True)
class Driver:
    """An index range that holds exactly the events one filter keeps, in date
    order: a page of them is a walk along it, joined to ``events``, however
    many events the filter keeps (a popular actor's 60,000, a common word's)."""

    #: Lower is tried first: an actor is usually the narrowest filter, then a word, then a topic.
    rank: int
    start: InstrumentedAttribute
    event_id: InstrumentedAttribute
    where: tuple[ColumnElement[bool], ...]
    #: The condition of ``event_conditions`` the join replaces.
    replaces: ColumnElement[bool]


@dataclass
class Selection:
    """The conditions of some filters, with the drivers they offer."""

    conditions: list[ColumnElement[bool]]
    drivers: list[Driver] = field(default_factory=list)
    #: Resolved ids of a lone actor filter (None when there is none or several), for the precomputed counts.
    actor_id: int | None = None
    counted: bool = False
    #: The earliest first day a matching event can have (:func:`_first_day_floor`).
    floor: dt.date | None = None


def event_conditions(session: Session, filters: EventFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``filters``; names are resolved to ids first, and a
    name that matches nothing raises :class:`FilterError` naming the filter."""
    return select_events(session, filters).conditions


def _link_condition(selection: Selection, owner: InstrumentedAttribute, ids: Set[int], filters: EventFilters,
                    rank: int) -> None:
    """Events linked to any of ``ids`` through ``owner`` (``EventActor.actor_id``
    or ``EventTopic.topic_id``); a lone id also offers its link table's index
    ``(owner, start_min)`` as a driver of rank ``rank``, or, with one type,
    ``(owner, type, start_min)``: the links repeat their event's type."""
    condition = Event.id.in_(_events_linked(owner, ids, filters, selection.floor))
    selection.conditions.append(condition)
    if len(ids) == 1:
        (owner_id,) = ids
        link = owner.class_
        typed = (link.type == filters.type[0],) if len(filters.type) == 1 else ()
        selection.drivers.append(Driver(rank, link.start_min, link.event_id, (
            owner == owner_id, *typed, *_date_conditions(link.start_min, link.end_max, filters, selection.floor)),
            condition))


#: The only filters the precomputed counts answer for (with one actor at most); any other narrows.
COUNTED_FILTERS = ("actor", "actor_all", "actor_id", "within")


def select_events(session: Session, filters: EventFilters, lookups: Lookups | None = None) -> Selection:
    """The conditions of ``filters``, the index ranges that could drive a page,
    and whether the precomputed counts answer for them (no filter, or one actor)."""
    lookups = lookups or Lookups(session)
    selection = Selection(live(), floor=_first_day_floor(lookups, filters))
    actor_sets = []
    if filters.actor:
        actor_sets.append(set().union(*_resolve(lookups, "actor", filters.actor, _actor_matches).values()))
    actor_sets.extend(_resolve(lookups, "actor_all", filters.actor_all, _actor_matches).values())
    if filters.actor_id is not None:
        actor_sets.append({filters.actor_id})
    for ids in actor_sets:
        _link_condition(selection, EventActor.actor_id, ids, filters, rank=0)
    narrowed = any(getattr(filters, f.name) not in (None, False, (), []) for f in dataclasses.fields(filters)
                   if f.name not in COUNTED_FILTERS)
    if not narrowed and len(actor_sets) <= 1 and all(len(ids) == 1 for ids in actor_sets):
        selection.counted = True
        selection.actor_id = next(iter(actor_sets[0])) if actor_sets else None
    conditions = selection.conditions
    if filters.topic_id is not None:
        _link_condition(selection, EventTopic.topic_id, {filters.topic_id}, filters, rank=2)
    if filters.topic:
        _link_condition(selection, EventTopic.topic_id,
                        set().union(*_resolve(lookups, "topic", filters.topic, _topic_matches).values()), filters, rank=2)
    if filters.location:
        ids = set().union(*_resolve(lookups, "location", filters.location, _place_matches).values())
        conditions.append(Event.place_id.in_(ids))
    if filters.country:
        countries = tuple(filters.country)
        conditions.append(_country_condition(lookups.get(
            ("country", countries), lambda: frozenset(_resolve_countries(lookups, countries)))))
    if filters.article:
        conditions.append(Event.id.in_(_events_of_articles(session, filters.article)))
    if filters.type:
        conditions.append(Event.type.in_(filters.type))
    if filters.status:
        conditions.append(Event.status.in_(filters.status))
    if filters.precision:
        conditions.append(Event.precision.in_(filters.precision))
    if filters.review_state:
        conditions.append(Event.review_state.in_(filters.review_state))
    conditions.extend(_date_conditions(Event.start_min, Event.end_max, filters, selection.floor))
    _text_conditions(selection, filters.q)
    return selection


def _first_day_floor(lookups: Lookups, filters: EventFilters) -> dt.date | None:
    """The earliest first day an event overlapping the range can have: no live
    event spans longer than the longest one counted.  A literal, so that both
    planners estimate the range it bounds."""
    if filters.within or filters.date_from is None:
        return None
    longest = lookups.get(("longest span",), lambda: lookups.session.scalar(
        select(cast(func.max(EventCount.value), Integer)).where(
            EventCount.scope == "all", EventCount.scope_id == 0, EventCount.field == "span")))
    if longest is None:  # no live event at all
        return filters.date_from
    return filters.date_from - dt.timedelta(days=min(longest, filters.date_from.toordinal() - 1))


def _date_conditions(start: Any, end: Any, filters: EventFilters, floor: dt.date | None) -> list[ColumnElement[bool]]:
    """The range as conditions on a span.  An overlap also bounds the first day
    from below by ``floor`` (:func:`_first_day_floor`), so that the first day's
    index is walked over the range only, not from its beginning."""
    conditions = []
    if filters.within:
        if filters.date_from:
            conditions.append(start >= filters.date_from)
        if filters.date_to:
            conditions.append(end <= filters.date_to)
    else:
        if filters.date_to:
            conditions.append(start <= filters.date_to)
        if filters.date_from:
            conditions.append(end >= filters.date_from)
            if floor is not None:
                conditions.append(start >= floor)
    return conditions


def _events_linked(owner: InstrumentedAttribute, ids: Set[int], filters: EventFilters,
                   floor: dt.date | None) -> Select:
    """Event ids linked to ``ids`` through ``owner``; the link table carries the
    span, so the date range narrows the index scan on ``(owner, start_min)``."""
    link = owner.class_
    return select(link.event_id).where(owner.in_(ids), *_date_conditions(link.start_min, link.end_max, filters, floor))


def _events_of_articles(session: Session, article_ids: Sequence[int]) -> Select:
    found = set(session.scalars(select(Article.id).where(Article.id.in_(article_ids))))
    missing = [str(i) for i in article_ids if i not in found]
    if missing:
        raise FilterError("article", f"no article with id {', '.join(missing)}")
    return select(Mention.event_id).where(Mention.article_id.in_(article_ids))


def _like_pattern(term: str, prefix: bool = False) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


#: Character pairs one ``q`` narrows by beyond each word's first.  Each is a join
#: PostgreSQL's planner must place, and its planning time explodes with them
#: (7 words, 30 pairs: 18 s of planning for a 5 ms query): a hostile ``q`` held a
#: worker.  LIKE decides the answer, so pairs left out cost no result.
MAX_EXTRA_PAIRS = 6


def _text_conditions(selection: Selection, q: str | None) -> None:
    """Every word of ``q`` in the title or in one of the event's quotes.

    The search index (:mod:`timeline.search`) narrows the events to those
    holding each word's character pairs; the LIKE conditions then decide, so
    the index changes the speed, never the answer.  The first pair of the
    first word of two or more characters can drive a page.  Beyond each word's
    first pair at most :data:`MAX_EXTRA_PAIRS` pairs are used in all."""
    spare = MAX_EXTRA_PAIRS
    for term in (q or "").split():
        pattern = _like_pattern(term)
        quoted = select(Mention.event_id).where(Mention.event_id == Event.id,
                                                Mention.quote.ilike(pattern, escape="\\"))
        selection.conditions.append(or_(Event.title.ilike(pattern, escape="\\"), exists(quoted)))
        keys = word_keys(term)
        if keys.low is not None:
            selection.conditions.append(Event.id.in_(select(EventTerm.event_id).where(
                EventTerm.term.between(keys.low, keys.high))))
            continue
        first, *rest = keys.keys
        condition = Event.id.in_(select(EventTerm.event_id).where(EventTerm.term == first))
        selection.conditions.append(condition)
        if not any(d.rank == 1 for d in selection.drivers):
            selection.drivers.append(Driver(1, EventTerm.start_min, EventTerm.event_id, (EventTerm.term == first,),
                                            condition))
        used, spare = rest[:spare], max(0, spare - len(rest))
        for key in used:
            other = aliased(EventTerm)  # not the driver's copy of the table
            selection.conditions.append(exists().where(other.term == key, other.start_min == Event.start_min,
                                                       other.event_id == Event.id))


# --- resolving names to ids ----------------------------------------------------------

#: (session, values) -> {value: ids it names}
Matcher = Callable[[Session, Sequence[str]], dict[str, set[int]]]


def _resolve(lookups: Lookups, name: str, values: Sequence[str], matcher: Matcher) -> dict[str, frozenset[int]]:
    """Each value's ids (remembered while the vocabulary is unchanged); a value
    that names nothing is a :class:`FilterError`."""
    if not values:
        return {}
    key = (matcher.__name__, tuple(values))
    found = lookups.get(key, lambda: {v: frozenset(ids) for v, ids in matcher(lookups.session, values).items()})
    missing = [v for v in values if not found.get(v)]
    if missing:
        raise FilterError(name, f"no {name.split('_')[0]} named {', '.join(repr(v) for v in missing)}")
    return found


#: The largest id an INTEGER column holds; a larger number names no row.
MAX_ID = 2**31 - 1


def _integer(value: str) -> int | None:
    return int(value) if value.isdecimal() and int(value) <= MAX_ID else None


@lru_cache(maxsize=4)
def _name_statements(model: Any, alias_owner: InstrumentedAttribute) -> tuple[Select, Select]:
    """The two lookups of :func:`_named_matches`, built once per model (the
    values travel as expanding parameters)."""
    code = getattr(model, "code", None)
    direct = [model.id.in_(bindparam("ids", expanding=True)), model.slug.in_(bindparam("slugs", expanding=True)),
              model.name.in_(bindparam("names", expanding=True)),
              func.lower(model.name_en).in_(bindparam("folded", expanding=True))]
    if code is not None:
        direct.append(code.in_(bindparam("codes", expanding=True)))
    alias_model = alias_owner.class_
    return (select(model.id, model.slug, model.name, model.name_en,
                   code if code is not None else literal(None)).where(or_(*direct)),
            select(alias_model.normalized, alias_owner).where(
                alias_model.normalized.in_(bindparam("normalized", expanding=True))))


def _named_matches(session: Session, values: Sequence[str], model: Any, alias_owner: InstrumentedAttribute,
                   ) -> dict[str, set[int]]:
    """Rows of ``model`` named by each value: numeric id, slug, name, English
    name (any case), a country's code, or any alias in any script (compared in
    the normalized form the aliases are stored in)."""
    keys = {v: (v.strip(), v.strip().casefold(), normalize_name(v), _integer(v.strip())) for v in values}
    raws = sorted({k[0] for k in keys.values()})
    direct, aliased = _name_statements(model, alias_owner)
    rows = session.execute(direct, {
        "ids": sorted({k[3] for k in keys.values() if k[3] is not None}), "slugs": raws, "names": raws,
        "folded": sorted({k[1] for k in keys.values()}), "codes": sorted({r.upper() for r in raws})}).all()
    by_alias: dict[str, set[int]] = defaultdict(set)
    for alias, owner_id in session.execute(aliased, {"normalized": sorted({k[2] for k in keys.values()})}):
        by_alias[alias].add(owner_id)
    found: dict[str, set[int]] = {}
    for value, (raw, low, norm, number) in keys.items():
        found[value] = set(by_alias.get(norm, ()))
        for row_id, slug, name, name_en, row_code in rows:
            if row_id == number or raw in (slug, name) or (name_en or "").casefold() == low or \
                    (row_code is not None and row_code == raw.upper()):
                found[value].add(row_id)
    return found


def _actor_matches(session: Session, values: Sequence[str]) -> dict[str, set[int]]:
    return _named_matches(session, values, Actor, ActorAlias.actor_id)


def _place_matches(session: Session, values: Sequence[str]) -> dict[str, set[int]]:
    return _named_matches(session, values, Place, PlaceAlias.place_id)


def _topic_matches(session: Session, values: Sequence[str]) -> dict[str, set[int]]:
    """Topics by id, slug, or Chinese or English name."""
    raws = {v.strip() for v in values}
    rows = session.scalars(select(Topic).where(or_(
        Topic.slug.in_(raws), Topic.name.in_(raws), func.lower(Topic.name_en).in_({r.casefold() for r in raws}),
        Topic.id.in_({i for i in map(_integer, raws) if i is not None})))).all()
    return {v: {t.id for t in rows if v.strip() in (t.slug, t.name, str(t.id))
                or (t.name_en or "").casefold() == v.strip().casefold()} for v in values}


def _resolve_countries(lookups: Lookups, values: Sequence[str]) -> set[str]:
    """ISO alpha-3 codes as given, other values through the country actors they name."""
    codes = {v.strip().upper() for v in values if len(v.strip()) == 3 and v.strip().isascii() and v.strip().isalpha()}
    names = [v for v in values if v.strip().upper() not in codes]
    if names:
        matched = _resolve(lookups, "country", names, _actor_matches)
        ids = set().union(*matched.values())
        rows = lookups.session.execute(select(Actor.id, Actor.code).where(Actor.id.in_(ids), Actor.kind == "country")).all()
        countries = {actor_id: code for actor_id, code in rows if code}
        missing = [v for v in names if not any(i in countries for i in matched[v])]
        if missing:
            raise FilterError("country", f"no country named {', '.join(repr(v) for v in missing)}")
        codes |= set(countries.values())
    return codes


def _country_condition(codes: set[str]) -> ColumnElement[bool]:
    """Events with an actor of the country (the country itself, or a person or
    body of it), or placed in it."""
    of_country = select(EventActor.event_id).join(Actor, Actor.id == EventActor.actor_id).where(
        or_(Actor.code.in_(codes), Actor.country_code.in_(codes)))
    placed = select(Place.id).where(Place.country_code.in_(codes))
    return or_(Event.id.in_(of_country), Event.place_id.in_(placed))


# --- keyset pages ----------------------------------------------------------------

#: The parameters a page after a cursor binds (:meth:`Order.after`).
CURSOR_KEY, CURSOR_ID = "cursor_key", "cursor_id"

@dataclass(frozen=True)
class Order:
    """A sort order over ``(key, id)``, both in the same direction, so that a
    page after a row is one index range scan."""

    name: str
    key: InstrumentedAttribute
    id: InstrumentedAttribute
    descending: bool = False
    #: How the key travels inside a cursor.
    encode: Callable[[Any], Any] = lambda value: value
    decode: Callable[[Any], Any] = lambda value: value
    #: The row's attributes that hold the key and id, when ``key`` and ``id`` are another table's copies.
    row_attributes: tuple[str, str] | None = None

    def row_names(self) -> tuple[str, str]:
        """The attributes of a row that hold its key and id."""
        return self.row_attributes or (self.key.key, self.id.key)

    def row_values(self, row: Any) -> tuple[Any, Any]:
        key, row_id = self.row_names()
        return getattr(row, key), getattr(row, row_id)

    def clauses(self, key: Any = None, row_id: Any = None) -> list[Any]:
        """ORDER BY clauses over ``key`` and ``row_id`` (default: the order's own columns)."""
        columns = (self.key if key is None else key, self.id if row_id is None else row_id)
        return [c.desc() for c in columns] if self.descending else [c.asc() for c in columns]

    def after(self) -> ColumnElement[bool]:
        """The rows after a cursor's ``(key, id)``, bound at execution as
        :data:`CURSOR_KEY` and :data:`CURSOR_ID`, so one statement serves every
        cursor of a query."""
        pair = tuple_(self.key, self.id)
        bound = tuple_(bindparam(CURSOR_KEY, type_=self.key.type), bindparam(CURSOR_ID, type_=self.id.type))
        return pair < bound if self.descending else pair > bound


def _date_out(value: dt.date) -> str:
    return value.isoformat()


def _datetime_out(value: dt.datetime) -> str:
    return utc(value).isoformat()


def _datetime_in(value: str) -> dt.datetime:
    return utc(dt.datetime.fromisoformat(value))


EVENT_ORDERS = {
    "date": Order("date", Event.start_min, Event.id, False, _date_out, dt.date.fromisoformat),
    "-date": Order("-date", Event.start_min, Event.id, True, _date_out, dt.date.fromisoformat),
    "updated": Order("updated", Event.updated_at, Event.id, False, _datetime_out, _datetime_in),
    "-updated": Order("-updated", Event.updated_at, Event.id, True, _datetime_out, _datetime_in),
}


def encode_cursor(order: Order, key: Any, row_id: Any) -> str:
    payload = json.dumps({"o": order.name, "k": order.encode(key), "i": row_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(order: Order, cursor: str) -> tuple[Any, Any]:
    """The ``(key, id)`` a cursor points after; :class:`FilterError` if it is not one of ours."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        name, key, row_id = payload["o"], payload["k"], payload["i"]
        decoded = order.decode(key)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise FilterError("cursor", "not a cursor this API gave out") from None
    if name != order.name:
        raise FilterError("cursor", f"this cursor belongs to sort={name}, not sort={order.name}")
    return decoded, row_id


@dataclass
class Page(Generic[T]):
    """One page of rows, the cursor of the next (None on the last) and an optional capped count."""

    items: list[T]
    next_cursor: str | None = None
    count: int | None = None
    count_exact: bool | None = None


def page_statement(statement: Select, order: Order, *, after_cursor: bool, limit: int) -> Select:
    """``statement`` as a page in ``order``: ``limit`` rows and one more (which
    tells whether there is a next page), after the cursor's row when ``after_cursor``."""
    if after_cursor:
        statement = statement.where(order.after())
    # The limit is written into the SQL, not bound: with it bound, PostgreSQL
    # prices a generic plan as if the walk could read a tenth of the table, so
    # a text search was planned again on every run (about 1 ms of 5).
    return statement.order_by(*order.clauses()).limit(literal_column(str(int(limit) + 1)))


def cursor_params(order: Order, cursor: str | None) -> dict[str, Any]:
    """The values :meth:`Order.after` binds for ``cursor`` (none without one)."""
    if not cursor:
        return {}
    key, row_id = decode_cursor(order, cursor)
    return {CURSOR_KEY: key, CURSOR_ID: row_id}


def finish_page(page: Page[Any], rows: list[Any], order: Order, limit: int) -> Page[Any]:
    """``page`` with the first ``limit`` of ``rows`` and the cursor after the last
    of them when there were more."""
    page.items = rows[:limit]
    if len(rows) > limit:
        page.next_cursor = encode_cursor(order, *order.row_values(page.items[-1]))
    return page


def keyset_page(session: Session, statement: Select, order: Order, *, cursor: str | None, limit: int,
                count_cap: int | None = None) -> Page[Any]:
    """Run ``statement`` (a select of one entity) as a page of entities in ``order``."""
    page: Page[Any] = Page(items=[])
    if count_cap is not None:
        page.count, page.count_exact = run_count(session, count_statement(statement, count_cap), count_cap)
    rows = list(session.scalars(page_statement(statement, order, after_cursor=bool(cursor), limit=limit),
                                cursor_params(order, cursor)))
    return finish_page(page, rows, order, limit)


def count_statement(statement: Select, cap: int) -> Select:
    """The number of rows of ``statement``, counting no further than ``cap`` and one more."""
    return select(func.count()).select_from(statement.order_by(None).limit(cap + 1).subquery())


def run_count(session: Session, statement: Select, cap: int) -> tuple[int, bool]:
    """``(count, exact)`` of a :func:`count_statement`."""
    counted = session.scalar(statement)
    return (min(counted, cap), counted <= cap)


# --- events ----------------------------------------------------------------------------

def event_list_options() -> list[Any]:
    """What a listed event shows: actors, topics and place, in one statement each."""
    return [selectinload(Event.actor_links).joinedload(EventActor.actor),
            selectinload(Event.topic_links).joinedload(EventTopic.topic),
            joinedload(Event.place)]


def events_statement(session: Session, filters: EventFilters) -> Select:
    return select(Event).where(*event_conditions(session, filters))


def planned(selection: Selection, order: Order) -> tuple[Select, Order]:
    """The statement of ``selection`` in ``order``: by date, driven along the
    best index range a filter offers (a lone actor, a word, a lone topic),
    joined to the events and ordered by that range's copy of the first day, so
    a page, page 1 or page 200, reads about as many index entries as it shows."""
    if order.key is not Event.start_min or not selection.drivers:
        return select(Event).where(*selection.conditions), order
    driver = min(selection.drivers, key=lambda d: d.rank)
    conditions = [c for c in selection.conditions if c is not driver.replaces]
    statement = (select(Event).join(driver.event_id.class_, driver.event_id == Event.id)
                 .where(*driver.where, *conditions))
    return statement, dataclasses.replace(order, key=driver.start, id=driver.event_id,
                                          row_attributes=("start_min", "id"))


@dataclass(frozen=True)
class EventPagePlan:
    """The statements of a page of events, with the order its cursor follows."""

    rows: Select
    order: Order
    count: Select | None


#: A column over ``events`` outer-joined to ``places`` that gives a page's item, by dialect name.
ItemColumn = Callable[[str], ColumnElement[Any]]


def event_page(session: Session, filters: EventFilters, *, sort: str = "date", cursor: str | None = None,
               limit: int = 50, count_cap: int | None = None, item: ItemColumn | None = None) -> Page[Any]:
    """A page of live events matching ``filters``, with their actors, topics and
    place, as read-only rows (see :func:`event_rows`); with ``item``, as rows
    of that column (``item``) and the sort key and id the cursor is made of.

    The statements are built once per filters, sort, page size, count cap and
    whether a cursor is given, and kept while the vocabulary they resolved
    names against is unchanged (:mod:`timeline.lookups`); the cursor's values
    are bound at execution.  Building a statement and computing the key
    SQLAlchemy finds its compiled form under cost more than running it."""
    lookups = Lookups(session)
    plan = lookups.get(("event page", filters, sort, bool(cursor), limit, count_cap, item),
                       lambda: _event_page_plan(session, lookups, filters, sort, bool(cursor), limit, count_cap, item),
                       remember=filters.vocabulary_only())
    page: Page[Any] = Page(items=[])
    if plan.count is not None:  # built when count_cap is given
        page.count, page.count_exact = run_count(session, plan.count, count_cap)
    params = cursor_params(plan.order, cursor)
    rows = event_rows(session, plan.rows, params) if item is None else \
        session.connection().execute(plan.rows, params).all()
    return finish_page(page, rows, plan.order, limit)


def _event_page_plan(session: Session, lookups: Lookups, filters: EventFilters, sort: str, after_cursor: bool,
                     limit: int, count_cap: int | None, item: ItemColumn | None) -> EventPagePlan:
    statement, order = planned(select_events(session, filters, lookups), EVENT_ORDERS[sort])
    rows = event_rows_statement(page_statement(statement, order, after_cursor=after_cursor, limit=limit), order,
                                session.get_bind().dialect.name, item)
    return EventPagePlan(rows, order, None if count_cap is None else count_statement(statement, count_cap))


_PLACE_COLUMNS = ("slug", "name", "name_en", "kind", "country_code")
_ACTOR_COLUMNS = ("slug", "name", "name_en", "kind", "code", "country_code")


@lru_cache(maxsize=2)
def _row_columns(dialect: str) -> tuple[Any, ...]:
    """What a listed event's row holds besides the event: its place, and its
    actor and topic links as JSON gathered by correlated subqueries on
    ``events.id`` (built once per dialect)."""
    place = Place.__table__
    sql = JsonSQL(dialect)
    actors = (select(sql.rows(EventActor.actor_id, EventActor.role, *(getattr(Actor, n) for n in _ACTOR_COLUMNS)))
              .join(Actor, Actor.id == EventActor.actor_id).where(EventActor.event_id == Event.id).scalar_subquery())
    topics = (select(sql.rows(Topic.id, Topic.slug, Topic.name, Topic.name_en))
              .join(EventTopic, EventTopic.topic_id == Topic.id).where(EventTopic.event_id == Event.id)
              .scalar_subquery())
    return (*Event.__table__.c, *(place.c[n].label(f"place_{n}") for n in _PLACE_COLUMNS),
            actors.label("actor_links"), topics.label("topic_links"))


def event_rows_statement(statement: Select, order: Order, dialect: str, item: ItemColumn | None = None) -> Select:
    """The rows of ``statement`` (a select of :class:`Event`, ordered and
    limited in ``order``) for :func:`event_rows`, or of ``item`` with the
    cursor's key and id, in one statement: the page's ids and sort keys first,
    then, for those rows only, the events, places and links (as JSON)."""
    page = statement.with_only_columns(order.key.label("k"), order.id.label("i")).subquery("page")
    place = Place.__table__
    if item is None:
        columns = _row_columns(dialect)
    else:
        key_name, id_name = order.row_names()
        columns = (page.c.k.label(key_name), page.c.i.label(id_name), item(dialect).label("item"))
    return (select(*columns)
            .select_from(page).join(Event, Event.id == page.c.i).outerjoin(place, place.c.id == Event.place_id)
            .order_by(*order.clauses(page.c.k, page.c.i)))


def event_rows(session: Session, statement: Select, params: dict[str, Any]) -> list[SimpleNamespace]:
    """The events of an :func:`event_rows_statement` as plain rows with the
    attributes of an event, its place, ``actor_links`` (``role``, ``actor``)
    and ``topic_links`` (``topic``), and none of the ORM's bookkeeping, which
    cost more than the queries on a page of 50.  (Run on the session's
    connection: the ORM's handling of a statement of plain columns costs more
    than the statement.)"""
    rows = session.connection().execute(statement, params)
    events = []
    names = tuple(rows.keys())
    for row in rows:
        data = dict(zip(names, row))
        found = SimpleNamespace(id=data["place_id"], **{n: data.pop(f"place_{n}") for n in _PLACE_COLUMNS})
        data["place"] = found if found.id is not None else None
        data["actor_links"] = [
            SimpleNamespace(actor_id=actor_id, role=role, actor=SimpleNamespace(
                id=actor_id, **dict(zip(_ACTOR_COLUMNS, values))))
            for actor_id, role, *values in as_list(data["actor_links"])]
        data["topic_links"] = [
            SimpleNamespace(topic_id=topic_id, topic=SimpleNamespace(id=topic_id, slug=slug, name=name, name_en=name_en))
            for topic_id, slug, name, name_en in as_list(data["topic_links"])]
        events.append(SimpleNamespace(**data))
    return events


def iter_events(session: Session, statement: Select, *, sort: str = "date", chunk: int = 500) -> Iterator[Event]:
    """Every event of ``statement`` (from :func:`events_statement`, whose filters
    are resolved when it is built), fetched a keyset page at a time (for exports)."""
    statement = statement.options(*event_list_options())
    cursor = None
    while True:
        page = keyset_page(session, statement, EVENT_ORDERS[sort], cursor=cursor, limit=chunk)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
        session.expunge_all()  # keep memory flat over a long export


@dataclass(frozen=True)
class EventLookup:
    """The outcome of looking up an event id: the event, or where a merged one went."""

    event: Event | None = None
    moved_to: str | None = None
    deleted: bool = False


#: An event's detail in two statements: the event joined to its place, its few
#: actor and topic links and what it was merged into, then its mentions with
#: their articles (joining those too would repeat each article per link).
_DETAIL_OPTIONS = (joinedload(Event.actor_links).joinedload(EventActor.actor),
                   joinedload(Event.topic_links).joinedload(EventTopic.topic), joinedload(Event.place),
                   joinedload(Event.merged_into), selectinload(Event.mentions).joinedload(Mention.article))


def find_event(session: Session, public_id: str) -> EventLookup:
    """The live event ``public_id`` with everything about it; a merged event's
    survivor (following merges of merges); or nothing."""
    event = session.execute(select(Event).where(Event.public_id == public_id).options(
        *_DETAIL_OPTIONS)).unique().scalar_one_or_none()
    if event is None:
        return EventLookup()
    if event.merged_into_id is not None:
        return EventLookup(moved_to=survivor(event).public_id)
    if event.deleted_at is not None:
        return EventLookup(deleted=True)
    return EventLookup(event=event)


def survivor(event: Event) -> Event:
    """The event ``event`` was merged into, following merges of merges (a cycle stops the walk)."""
    seen = {event.id}
    while event.merged_into is not None and event.merged_into.id not in seen:
        event = event.merged_into
        seen.add(event.id)
    return event


def merged_from(session: Session, event: Event) -> list[str]:
    """Public ids of the events merged into ``event``."""
    return list(session.scalars(select(Event.public_id).where(Event.merged_into_id == event.id).order_by(Event.id)))


# --- histograms and facets ---------------------------------------------------------------

@dataclass(frozen=True)
class Bucket:
    key: str
    start: dt.date
    end: dt.date
    count: int


def _bucket_start(interval: str, day: dt.date) -> dt.date:
    if interval == "year":
        return dt.date(day.year, 1, 1)
    if interval == "month":
        return dt.date(day.year, day.month, 1)
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _bucket_end(interval: str, start: dt.date) -> dt.date:
    """The last day of the bucket that starts on ``start`` (the calendar's last day at most)."""
    if interval == "year":
        return dt.date(start.year, 12, 31)
    if interval == "month":
        return last_day_of_month(start.year, start.month)
    length = dt.timedelta(days=6 if interval == "week" else 0)
    return start + length if dt.date.max - start > length else dt.date.max


#: Most buckets one histogram answers with (0001..9999 by year fits; by day it would be millions).
MAX_BUCKETS = 10_000


def _bucket_count(interval: str, first: dt.date, last: dt.date) -> int:
    if interval == "year":
        return last.year - first.year + 1
    if interval == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return (last - first).days // (7 if interval == "week" else 1) + 1


def _bucket_key(interval: str, start: dt.date) -> str:
    if interval == "year":
        return f"{start.year:04d}"
    if interval == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()


def _bucket_expression(dialect: str, interval: str) -> ColumnElement[Any]:
    """SQL for the first day of the bucket of an event's start."""
    column = Event.start_min
    if dialect == "postgresql":
        return func.date_trunc(interval, column).cast(Event.start_min.type)
    modifiers = {"year": ["start of year"], "month": ["start of month"],
                 "week": ["weekday 0", "-6 days"], "day": []}[interval]
    return func.date(column, *[literal(m) for m in modifiers])


def histogram(session: Session, filters: EventFilters, interval: str) -> list[Bucket]:
    """Live matching events per ``interval``, each counted in the bucket of its
    first day; the buckets run without gaps from the first to the last non-empty one.
    With no filter or one actor the per-day counts are precomputed."""
    selection = select_events(session, filters)
    if selection.counted:
        counts: dict[dt.date, int] = defaultdict(int)
        if interval in ("year", "month"):  # counted as 2025 or 2025-02
            for key, n in session.execute(select(EventCount.value, EventCount.n).where(*_counted(selection, interval))):
                counts[dt.date.fromisoformat(key + ("-01-01" if interval == "year" else "-01"))] += n
        else:
            for day, n in session.execute(select(EventCount.value, EventCount.n).where(*_counted(selection, "day"))):
                counts[_bucket_start(interval, dt.date.fromisoformat(day))] += n
    else:
        bucket = _bucket_expression(session.get_bind().dialect.name, interval).label("bucket")
        inner = select(bucket).where(*selection.conditions).subquery()
        rows = session.execute(select(inner.c.bucket, func.count()).group_by(inner.c.bucket).order_by(inner.c.bucket))
        counts = {_as_date(start): n for start, n in rows}
    if not counts:
        return []
    buckets, start, last = [], min(counts), max(counts)
    if _bucket_count(interval, start, last) > MAX_BUCKETS:
        raise FilterError("interval", f"{start.isoformat()}..{last.isoformat()} by {interval} is more than "
                                      f"{MAX_BUCKETS} buckets: use a longer interval or narrow from/to")
    while True:
        end = _bucket_end(interval, start)
        buckets.append(Bucket(_bucket_key(interval, start), start, end, counts.get(start, 0)))
        if start >= last:
            return buckets
        start = end + dt.timedelta(days=1)


def _as_date(value: Any) -> dt.date:
    """SQLite's date() returns text; PostgreSQL's cast a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@dataclass(frozen=True)
class FacetValue:
    value: str
    name: str | None
    name_en: str | None
    count: int


def facets(session: Session, filters: EventFilters, field_names: Iterable[str], size: int,
           ) -> dict[str, list[FacetValue]]:
    """The ``size`` most frequent values of each field among the matching
    events, most frequent first (ties by value); precomputed with no filter or
    one actor.  One statement a field, built once per filters, fields and size
    while the vocabulary is unchanged (as :func:`event_page`'s)."""
    names = tuple(field_names)
    lookups = Lookups(session)
    statements = lookups.get(("facets", filters, names, size),
                             lambda: _facet_statements(select_events(session, filters, lookups), names, size),
                             remember=filters.vocabulary_only())
    return {name: [FacetValue(*row) for row in session.execute(statement)] for name, statement in statements.items()}


def facet(session: Session, filters: EventFilters, field_name: str, size: int) -> list[FacetValue]:
    """:func:`facets` of one field."""
    return facets(session, filters, (field_name,), size)[field_name]


def _facet_statements(selection: Selection, field_names: Sequence[str], size: int) -> dict[str, Select]:
    """Each field's statement of ``(value, name, name_en, count)`` rows."""
    if selection.counted:
        return {name: _counted_facet(selection, name, size) for name in field_names}
    matching = select(Event.id).where(*selection.conditions)
    return {name: _type_facet(matching, size) if name == "type" else _country_facet(matching, size)
            if name == "country" else _linked_facet(matching, name, size) for name in field_names}


def _linked_facet(matching: Select, field_name: str, size: int) -> Select:
    link, model, key = {
        "actor": (EventActor.actor_id, Actor, Actor.slug),
        "topic": (EventTopic.topic_id, Topic, Topic.slug),
        "location": (Event.place_id, Place, Place.slug),
    }[field_name]
    owner = link.class_.event_id if link.class_ is not Event else Event.id
    n = func.count(func.distinct(owner)).label("n")
    return (select(key, model.name, model.name_en, n)
            .select_from(link.class_).join(model, model.id == link)
            .where(owner.in_(matching))
            .group_by(model.id, key, model.name, model.name_en)
            .order_by(n.desc(), key).limit(size))


def _counted(selection: Selection, field_name: str) -> list[ColumnElement[bool]]:
    """The precomputed counts of ``field_name`` in the scope of ``selection`` (all events, or one actor's)."""
    scope = ("all", 0) if selection.actor_id is None else ("actor", selection.actor_id)
    return [EventCount.scope == scope[0], EventCount.scope_id == scope[1], EventCount.field == field_name,
            EventCount.n > 0]


def _counted_facet(selection: Selection, field_name: str, size: int) -> Select:
    n = EventCount.n
    counted = _counted(selection, field_name)
    if field_name in ("type", "country"):
        top = select(EventCount.value, n).where(*counted).order_by(n.desc(), EventCount.value).limit(size)
        return _country_names(top.subquery()) if field_name == "country" else \
            top.with_only_columns(EventCount.value, literal(None), literal(None), n)
    # Only the rows at or above the size-th largest count (ties included) are
    # joined to their names: a popular actor has thousands of counterparts.
    top = select(n).where(*counted).order_by(n.desc()).limit(size).subquery()
    least = select(func.min(top.c.n)).scalar_subquery()
    model = {"actor": Actor, "topic": Topic, "location": Place}[field_name]
    return (select(model.slug, model.name, model.name_en, n)
            .join(model, model.id == cast(EventCount.value, Integer))
            .where(*counted, n >= least).order_by(n.desc(), model.slug).limit(size))


def _country_names(counts: Any) -> Select:
    """``(code, count)`` rows (a subquery, in order) named after the actor with that code."""
    coded = aliased(Actor)  # not the joined copy of the table
    named = (select(coded.id).where(coded.code == counts.c[0]).order_by(coded.id).limit(1)
             .correlate(counts).scalar_subquery())
    return (select(counts.c[0], Actor.name, Actor.name_en, counts.c[1])
            .select_from(counts).outerjoin(Actor, Actor.id == named)
            .order_by(counts.c[1].desc(), counts.c[0]))


def _type_facet(matching: Select, size: int) -> Select:
    n = func.count().label("n")
    return (select(Event.type, literal(None), literal(None), n).where(Event.id.in_(matching))
            .group_by(Event.type).order_by(n.desc(), Event.type).limit(size))


def _country_facet(matching: Select, size: int) -> Select:
    """Countries of the events' actors (a country's own code, or a person's or
    body's country) and places; an event counts once per country."""
    pairs = union_all(
        select(EventActor.event_id.label("event_id"), Actor.code.label("code"))
        .join(Actor, Actor.id == EventActor.actor_id).where(Actor.code.is_not(None), Actor.kind == "country"),
        select(EventActor.event_id, Actor.country_code)
        .join(Actor, Actor.id == EventActor.actor_id).where(Actor.country_code.is_not(None)),
        select(Event.id, Place.country_code).join(Place, Place.id == Event.place_id)
        .where(Place.country_code.is_not(None)),
    ).subquery()
    n = func.count(func.distinct(pairs.c.event_id)).label("n")
    return _country_names(select(pairs.c.code, n).where(pairs.c.event_id.in_(matching))
                          .group_by(pairs.c.code).order_by(n.desc(), pairs.c.code).limit(size).subquery())


# --- actors, topics, places, articles -----------------------------------------------------

ACTOR_ORDER = Order("name", Actor.slug, Actor.id)
TOPIC_ORDER = Order("slug", Topic.slug, Topic.id)
PLACE_ORDER = Order("slug", Place.slug, Place.id)
ARTICLE_ORDER = Order("-id", Article.id, Article.id, True)


def find_actor(session: Session, ident: str) -> Actor | None:
    """An actor by slug or numeric id, else by a name or alias that names only it
    (川普, Trump: the same names the ``actor`` filter takes)."""
    condition = Actor.slug == ident
    if (number := _integer(ident)) is not None:
        condition = or_(condition, Actor.id == number)
    actor = session.scalar(select(Actor).where(condition).options(selectinload(Actor.aliases))
                           .order_by((Actor.slug == ident).desc()).limit(1))
    if actor is None:
        named = _actor_matches(session, [ident]).get(ident, set())
        if len(named) == 1:
            actor = session.scalar(select(Actor).where(Actor.id == next(iter(named)))
                                   .options(selectinload(Actor.aliases)))
    return actor


def actor_page(session: Session, *, prefix: str | None = None, kind: Sequence[str] = (),
               country: Sequence[str] = (), cursor: str | None = None, limit: int = 50) -> Page[Actor]:
    """Actors by slug; ``prefix`` matches the start of a name, English name, slug or alias."""
    statement = select(Actor).options(selectinload(Actor.aliases))
    if prefix:
        folded = _like_pattern(prefix.strip().casefold(), prefix=True)
        aliased = select(ActorAlias.actor_id).where(
            ActorAlias.normalized.like(_like_pattern(normalize_name(prefix), prefix=True), escape="\\"))
        statement = statement.where(or_(
            Actor.name.like(_like_pattern(prefix.strip(), prefix=True), escape="\\"),
            func.lower(Actor.name_en).like(folded, escape="\\"),
            Actor.slug.like(folded, escape="\\"), Actor.id.in_(aliased)))
    if kind:
        statement = statement.where(Actor.kind.in_(kind))
    if country:
        codes = [c.upper() for c in country]
        statement = statement.where(or_(Actor.country_code.in_(codes), Actor.code.in_(codes)))
    return keyset_page(session, statement, ACTOR_ORDER, cursor=cursor, limit=limit)


#: The precomputed field that counts the events of each owner of a link.
COUNTED_LINKS = {"actor_id": "actor", "topic_id": "topic", "place_id": "location"}


def event_counts(session: Session, link: InstrumentedAttribute, ids: Iterable[int]) -> dict[int, int]:
    """Live events per owner id, through ``link`` (``EventActor.actor_id``,
    ``EventTopic.topic_id`` or ``Event.place_id``), from the precomputed counts."""
    keys = {str(i): i for i in ids}
    if not keys:
        return {}
    rows = session.execute(select(EventCount.value, EventCount.n).where(
        EventCount.scope == "all", EventCount.scope_id == 0, EventCount.field == COUNTED_LINKS[link.key],
        EventCount.value.in_(keys)))
    return {keys[value]: n for value, n in rows}


@dataclass(frozen=True)
class ActorStats:
    events: int
    roles: dict[str, int]
    first_date: dt.date | None
    last_date: dt.date | None
    counterparts: list[tuple[Actor, int]] = field(default_factory=list)


def actor_stats(session: Session, actor: Actor, counterparts: int = 10) -> ActorStats:
    """How many live events, in which roles, over which dates, and with whom most often."""
    mine = select(EventActor.event_id).join(Event, Event.id == EventActor.event_id).where(
        EventActor.actor_id == actor.id, *live())
    total, first, last = session.execute(
        select(func.count(), func.min(Event.start_min), func.max(Event.end_max)).where(Event.id.in_(mine))).one()
    roles = dict(session.execute(
        select(EventActor.role, func.count()).join(Event, Event.id == EventActor.event_id)
        .where(EventActor.actor_id == actor.id, *live()).group_by(EventActor.role)).all())
    n = func.count().label("n")
    others = session.execute(
        select(Actor, n).join(EventActor, EventActor.actor_id == Actor.id)
        .where(EventActor.event_id.in_(mine), Actor.id != actor.id)
        .group_by(Actor.id).order_by(n.desc(), Actor.slug).limit(counterparts)).all()
    return ActorStats(total, roles, first, last, [(other, count) for other, count in others])


def find_topic(session: Session, slug: str) -> Topic | None:
    return session.scalar(select(Topic).where(Topic.slug == slug))


def topic_page(session: Session, *, cursor: str | None = None, limit: int = 50) -> Page[Topic]:
    return keyset_page(session, select(Topic), TOPIC_ORDER, cursor=cursor, limit=limit)


def date_range(session: Session, link: InstrumentedAttribute, owner_id: int) -> tuple[int, dt.date | None, dt.date | None]:
    """``(events, first day, last day)`` of the live events linked to one owner."""
    return tuple(session.execute(
        select(func.count(), func.min(Event.start_min), func.max(Event.end_max))
        .select_from(link.class_).join(Event, Event.id == link.class_.event_id)
        .where(link == owner_id, *live())).one())


def place_page(session: Session, *, prefix: str | None = None, country: Sequence[str] = (),
               cursor: str | None = None, limit: int = 50) -> Page[Place]:
    """Places by slug; ``prefix`` matches the start of a name, English name or alias."""
    statement = select(Place)
    if prefix:
        aliased = select(PlaceAlias.place_id).where(
            PlaceAlias.normalized.like(_like_pattern(normalize_name(prefix), prefix=True), escape="\\"))
        statement = statement.where(or_(
            Place.name.like(_like_pattern(prefix.strip(), prefix=True), escape="\\"),
            func.lower(Place.name_en).like(_like_pattern(prefix.strip().casefold(), prefix=True), escape="\\"),
            Place.id.in_(aliased)))
    if country:
        statement = statement.where(Place.country_code.in_([c.upper() for c in country]))
    return keyset_page(session, statement, PLACE_ORDER, cursor=cursor, limit=limit)


def article_page(session: Session, *, outlet: Sequence[str] = (), q: str | None = None,
                 cursor: str | None = None, limit: int = 50) -> Page[Article]:
    """Articles, newest stored first."""
    statement = select(Article)
    if outlet:
        statement = statement.where(Article.outlet.in_(outlet))
    for term in (q or "").split():
        statement = statement.where(Article.title.ilike(_like_pattern(term), escape="\\"))
    return keyset_page(session, statement, ARTICLE_ORDER, cursor=cursor, limit=limit)


def find_article(session: Session, article_id: int) -> Article | None:
    return session.get(Article, article_id) if article_id <= MAX_ID else None


def article_events(session: Session, article_id: int) -> list[Event]:
    """The live events an article reports, in the order it first mentions them;
    a mention of a merged event counts for its survivor."""
    mentioned = session.execute(select(Mention.event_id, func.min(Mention.start_offset))
                                .where(Mention.article_id == article_id).group_by(Mention.event_id)).all()
    first_offset = dict(mentioned)
    events = session.scalars(select(Event).where(Event.id.in_(first_offset)).options(joinedload(Event.merged_into)))
    order: dict[int, int] = {}
    for event in events:
        kept = survivor(event)
        if kept.deleted_at is None and kept.merged_into_id is None:
            order[kept.id] = min(order.get(kept.id, first_offset[event.id]), first_offset[event.id])
    if not order:
        return []
    live_events = session.scalars(select(Event).where(Event.id.in_(order)).options(*event_list_options())).all()
    return sorted(live_events, key=lambda e: (order[e.id], e.id))
