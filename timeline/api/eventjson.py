"""Event pages written to JSON by the database: each event of a page comes back
as the text of its :class:`timeline.schemas.EventSchema` item, the same members
in the same order with the same values (a test compares the two on every
fixture page, on both databases), and the body is those texts joined.

Turning rows into objects, objects into dicts and dicts into text cost three
times the query on a page of 50 events (about 30 µs an event); the database
builds the same text in C while it reads the rows.  The schema still documents
the response in the OpenAPI document.

Formatting rules kept in step with Python's (:func:`timeline.dateformat.format_bounds`
and ``datetime.isoformat``): a day or week shows its days, a month or season
``YYYY-MM``, a year ``YYYY``; timestamps are UTC as ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00``.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask import Response, current_app
from sqlalchemy import BigInteger, Float, String, case, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by

from timeline.api.common import link_headers, page_body
from timeline.models import ROLES, Actor, Event, EventActor, EventTopic, Place, Topic
from timeline.queries import Page


def _constant(text: str) -> Any:
    """A string written into the SQL: the statement is built once, and a
    member name as a bound parameter costs a binding on every execution."""
    return literal_column("'" + text.replace("'", "''") + "'", String)


def _number(value: int) -> Any:
    return literal_column(str(value))


class _Dialect:
    """The JSON functions and date formatting of one database."""

    def __init__(self, name: str) -> None:
        self.postgres = name == "postgresql"

    def object(self, *members: tuple[str, Any]) -> Any:
        pairs = [part for key, value in members for part in (_constant(key), value)]
        return func.json_build_object(*pairs) if self.postgres else func.json_object(*pairs)

    def nested(self, value: Any) -> Any:
        """A JSON value made elsewhere (a subquery, a CASE) taken as JSON, not as a string."""
        return value if self.postgres else func.json(value)

    def array(self, element: Any, links: Any, order: list[Any]) -> Any:
        """A correlated subquery: the JSON array of ``element`` over the select
        ``links``, in ``order`` (``[]`` when there are none)."""
        if self.postgres:
            aggregate = func.coalesce(func.json_agg(aggregate_order_by(element, *order)), _constant("[]").cast(JSON))
            return links.with_only_columns(aggregate).scalar_subquery()
        # SQLite before 3.44 takes no ORDER BY inside an aggregate: it keeps
        # the order of the rows it is fed, so feed it an ordered subquery.
        # The objects are joined as text and the array parsed once (json_group_array
        # would parse each object again).
        rows = links.with_only_columns(element.label("v")).order_by(*order).correlate(Event).subquery()
        joined = _constant("[").concat(func.coalesce(func.group_concat(rows.c.v, _constant(",")), _constant("")))
        return func.json(select(joined.concat(_constant("]"))).scalar_subquery())

    def day(self, column: Any, width: int) -> Any:
        """The first ``width`` characters of a date's ``YYYY-MM-DD``."""
        if self.postgres:
            return func.to_char(column, _constant({10: "YYYY-MM-DD", 7: "YYYY-MM", 4: "YYYY"}[width]))
        return func.substr(column, _number(1), _number(width))

    def stamp(self, column: Any) -> Any:
        """A UTC timestamp as ``datetime.isoformat`` writes it (no fraction when it is zero)."""
        if self.postgres:
            utc = func.timezone(_constant("UTC"), column)
            micro = func.date_part(_constant("microseconds"), column).cast(BigInteger).op("%")(_number(1000000))
            fraction = case((micro == _number(0), _constant("")), else_=func.to_char(utc, _constant(".US")))
            return func.to_char(utc, _constant('YYYY-MM-DD"T"HH24:MI:SS')).concat(fraction).concat(_constant("+00:00"))
        # SQLite holds 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage format), in UTC
        whole = case((func.substr(column, _number(20)) == _constant(".000000"),
                      func.substr(column, _number(1), _number(19))), else_=column)
        return func.replace(whole, _constant(" "), _constant("T")).concat(_constant("+00:00"))


_ROLE_RANK = case(*[(EventActor.role == _constant(role), _number(rank)) for rank, role in enumerate(ROLES)])


def _bounds(sql: _Dialect, column: Any) -> Any:
    """A span's bound at the event's precision (:func:`timeline.dateformat.format_bounds`)."""
    return case((Event.precision.in_([_constant("month"), _constant("season")]), sql.day(column, 7)),
                (Event.precision == _constant("year"), sql.day(column, 4)), else_=sql.day(column, 10))


@lru_cache(maxsize=2)
def item_json(dialect: str) -> Any:
    """The text of an event's :class:`~timeline.schemas.EventSchema` item, over
    ``events`` outer-joined to ``places`` (a page of :func:`timeline.queries.event_page`)."""
    sql = _Dialect(dialect)
    place = Place.__table__
    actor = sql.object(("id", Actor.slug), ("name", Actor.name), ("name_en", Actor.name_en), ("kind", Actor.kind),
                       ("code", Actor.code), ("country", Actor.country_code), ("role", EventActor.role))
    actors = sql.array(actor, select(EventActor.role).join(Actor, Actor.id == EventActor.actor_id)
                       .where(EventActor.event_id == Event.id), [_ROLE_RANK, Actor.slug])
    topic = sql.object(("slug", Topic.slug), ("name", Topic.name), ("name_en", Topic.name_en))
    topics = sql.array(topic, select(Topic.slug).join(EventTopic, EventTopic.topic_id == Topic.id)
                       .where(EventTopic.event_id == Event.id), [Topic.slug])
    place_object = case((place.c.id.is_(None), None), else_=sql.object(
        ("id", place.c.slug), ("name", place.c.name), ("name_en", place.c.name_en),
        ("country_code", place.c.country_code)))
    item = sql.object(
        ("id", Event.public_id), ("type", Event.type), ("title", Event.title),
        ("start", _bounds(sql, Event.start_min)), ("end", _bounds(sql, Event.end_max)),
        ("precision", Event.precision), ("start_min", sql.day(Event.start_min, 10)),
        ("end_max", sql.day(Event.end_max, 10)), ("status", Event.status), ("date_source", Event.date_source),
        ("date_text", Event.date_text), ("place", sql.nested(place_object)), ("actors", actors), ("topics", topics),
        ("confidence", cast(Event.confidence, Float)), ("review_state", Event.review_state),
        ("created_at", sql.stamp(Event.created_at)), ("updated_at", sql.stamp(Event.updated_at)),
        ("row_version", Event.row_version))
    return cast(item, String) if sql.postgres else item


def event_page_text(page: Page[Any]) -> str:
    """The body of ``page`` (rows of ``item_json`` texts as ``item``):
    ``EventPageSchema().dump(page_body(page))`` as text."""
    body = page_body(page, [])
    head = json.dumps({"next": body["next"], "next_url": body["next_url"]}, ensure_ascii=False,
                      separators=(",", ":"))[:-1]  # compact, as the other bodies are
    items = ",".join(row.item for row in page.items)
    tail = "".join(f',"{name}":{json.dumps(body[name])}' for name in ("count", "count_exact") if name in body)
    return f'{head},"items":[{items}]{tail}}}'


def event_page_response(page: Page[Any]) -> Response:
    response = current_app.response_class(event_page_text(page), mimetype=current_app.json.mimetype)
    response.headers.update(link_headers(page))
    return response
