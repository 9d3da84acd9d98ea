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
from sqlalchemy import Float, String, case, cast, select

from timeline.api.common import link_headers, page_body
from timeline.models import ROLES, Actor, Event, EventActor, EventTopic, Place, Topic
from timeline.queries import Page
from timeline.sqljson import JsonSQL, constant, number


_ROLE_RANK = case(*[(EventActor.role == constant(role), number(rank)) for rank, role in enumerate(ROLES)])


def _bounds(sql: JsonSQL, column: Any) -> Any:
    """A span's bound at the event's precision (:func:`timeline.dateformat.format_bounds`)."""
    return case((Event.precision.in_([constant("month"), constant("season")]), sql.day(column, 7)),
                (Event.precision == constant("year"), sql.day(column, 4)), else_=sql.day(column, 10))


@lru_cache(maxsize=2)
def item_json(dialect: str) -> Any:
    """The text of an event's :class:`~timeline.schemas.EventSchema` item, over
    ``events`` outer-joined to ``places`` (a page of :func:`timeline.queries.event_page`)."""
    sql = JsonSQL(dialect)
    place = Place.__table__
    actor = sql.object(("id", Actor.slug), ("name", Actor.name), ("name_en", Actor.name_en), ("kind", Actor.kind),
                       ("code", Actor.code), ("country", Actor.country_code), ("role", EventActor.role))
    actors = sql.array(actor, select(EventActor.role).join(Actor, Actor.id == EventActor.actor_id)
                       .where(EventActor.event_id == Event.id), [_ROLE_RANK, Actor.slug], Event)
    topic = sql.object(("slug", Topic.slug), ("name", Topic.name), ("name_en", Topic.name_en))
    topics = sql.array(topic, select(Topic.slug).join(EventTopic, EventTopic.topic_id == Topic.id)
                       .where(EventTopic.event_id == Event.id), [Topic.slug], Event)
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
