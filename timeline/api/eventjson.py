"""Event pages written straight to JSON: the same members, in the same order,
as :class:`timeline.schemas.EventPageSchema` dumps (a test compares the two on
every fixture page), without marshmallow's per-field machinery, which cost
more than the database on a page of 50 events.  The schema still documents
the response in the OpenAPI document."""
from __future__ import annotations

from typing import Any

from flask import Response, current_app

from timeline.api.common import link_headers, page_body
from timeline.dateformat import format_bounds
from timeline.models import ROLES, Event
from timeline.queries import Page, utc

_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _stamp(value: Any) -> str | None:
    return None if value is None else utc(value).isoformat()


def event_item(event: Event) -> dict[str, Any]:
    """``EventSchema().dump(event)``."""
    start, end = format_bounds(event.start_min, event.end_max, event.precision)
    place = event.place
    actors = sorted(event.actor_links, key=lambda link: (_ROLE_RANK[link.role], link.actor.slug))
    return {
        "id": event.public_id,
        "type": event.type,
        "title": event.title,
        "start": start,
        "end": end,
        "precision": event.precision,
        "start_min": event.start_min.isoformat(),
        "end_max": event.end_max.isoformat(),
        "status": event.status,
        "date_source": event.date_source,
        "date_text": _text(event.date_text),
        "place": None if place is None else {"id": place.slug, "name": place.name, "name_en": _text(place.name_en),
                                             "country_code": _text(place.country_code)},
        "actors": [{"id": link.actor.slug, "name": link.actor.name, "name_en": _text(link.actor.name_en),
                    "kind": link.actor.kind, "code": _text(link.actor.code), "country": _text(link.actor.country_code),
                    "role": link.role} for link in actors],
        "topics": [{"slug": link.topic.slug, "name": link.topic.name, "name_en": _text(link.topic.name_en)}
                   for link in sorted(event.topic_links, key=lambda link: link.topic.slug)],
        "confidence": float(event.confidence),
        "review_state": event.review_state,
        "created_at": _stamp(event.created_at),
        "updated_at": _stamp(event.updated_at),
        "row_version": int(event.row_version),
    }


def event_page_body(page: Page[Event]) -> dict[str, Any]:
    """``EventPageSchema().dump(page_body(page))``."""
    body = page_body(page, [event_item(event) for event in page.items])
    ordered = {"next": body["next"], "next_url": body["next_url"], "items": body["items"]}
    if "count" in body:
        ordered["count"] = body["count"]
        ordered["count_exact"] = body["count_exact"]
    return ordered


def event_page_response(page: Page[Event]) -> Response:
    response = current_app.json.response(event_page_body(page))
    response.headers.update(link_headers(page))
    return response
