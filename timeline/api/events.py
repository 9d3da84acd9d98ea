"""GET /events and GET /events/{id}."""
from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, abort, current_app, redirect, url_for

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, session
from timeline.api.eventjson import event_page_response, item_json
from timeline.schemas import EventDetailSchema, EventListArgs, EventPageSchema, Extended, NoArgs, filters_from

blp = ApiBlueprint("events", __name__, url_prefix=f"{PREFIX}/events",
                   description="Dated events, filtered by actor, topic, type, place, country, text and time.")


def event_list(args: dict[str, Any], **resolved: Any) -> Response:
    """A page of events for loaded :class:`EventListArgs` (``resolved``: an
    ``actor_id`` or ``topic_id`` fixed by the path)."""
    filters = dataclasses.replace(filters_from(args), **resolved)
    cap = current_app.config.get("API_COUNT_CAP", 10000) if args["count"] else None
    page = queries.event_page(session(), filters, sort=args["sort"], cursor=args.get("cursor"),
                              limit=page_limit(args), count_cap=cap, item=item_json)
    return event_page_response(page)


@blp.route("")
@blp.arguments(EventListArgs, location="query")
@blp.response(200, EventPageSchema)
def list_events(args: dict[str, Any]) -> Any:
    """Events matching the filters, a keyset page at a time.

    Repeated `actor`, `topic`, `type`, `status`, `location` and `country` values
    are alternatives; `actor_all` values must all take part. Merged and deleted
    events are left out. The `next` cursor (also in the `Link` header) gives the
    following page; `count=true` adds the total, capped at 10,000.
    """
    return event_list(args)


@blp.route("/<string:event_id>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, EventDetailSchema)
@blp.alt_response(301, description="The event was merged: Location names the event it was merged into.")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(410, response="GONE")
def get_event(_args: dict[str, Any], event_id: str) -> Any:
    """Everything about one event.

    Its date with precision and how it was found, actors with roles, place,
    topics, and every mention with its quote and article. A merged event's id
    redirects (301) to the event it was merged into."""
    found = queries.find_event(session(), event_id)
    if found.moved_to:
        return redirect(url_for("events.get_event", event_id=found.moved_to), 301)
    if found.deleted:
        abort(410, f"event {event_id} was deleted")
    if found.event is None:
        abort(404, f"no event {event_id}")
    return Extended(found.event, merged_from=queries.merged_from(session(), found.event))
