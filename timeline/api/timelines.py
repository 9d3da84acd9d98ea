"""GET /timelines/timelinejs and /timelines/vis: the /events filters rendered for
TimelineJS3 and vis-timeline.  A page at a time, like /events (next page in the
``Link`` header, since neither format has a place for it).

Every text that comes from an article is HTML-escaped: both libraries insert
these strings as HTML.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, link_headers, page_limit, session
from timeline.api.vocabulary import type_labels
from timeline.dateformat import format_bounds
from timeline.models import Event
from timeline.schemas import TimelineArgs, TimelineJSSchema, VisTimelineSchema, filters_from

blp = ApiBlueprint("timelines", __name__, url_prefix=f"{PREFIX}/timelines",
                   description="The /events filters rendered for TimelineJS3 and vis-timeline.")

#: The date parts TimelineJS3 gets at each precision (finer ones are left out).
PARTS = {"day": 3, "week": 3, "month": 2, "season": 2, "year": 1}


def timelinejs_date(day: dt.date, precision: str) -> dict[str, str]:
    return dict(list(zip(("year", "month", "day"), (str(day.year), str(day.month), str(day.day))))[:PARTS[precision]])


def _summary(event: Event, label: str) -> str:
    """The event's type, actors and place, as escaped HTML."""
    actors = "、".join(link.actor.name for link in sorted(event.actor_links, key=lambda l: l.actor.slug))
    parts = [label, actors, event.place.name if event.place else ""]
    return "<p>" + " · ".join(escape(p) for p in parts if p) + "</p>"


def timelinejs_event(event: Event, labels: dict[str, tuple[str | None, str | None]]) -> dict[str, Any]:
    start, end = format_bounds(event.start_min, event.end_max, event.precision)
    item: dict[str, Any] = {
        "unique_id": event.public_id,
        "start_date": timelinejs_date(event.start_min, event.precision),
        "display_date": start if start == end else f"{start} – {end}",
        "text": {"headline": escape(event.title), "text": _summary(event, labels.get(event.type, (event.type,))[0])},
        "group": event.type,
    }
    if start != end:
        item["end_date"] = timelinejs_date(event.end_max, event.precision)
    return item


def day_after(day: dt.date) -> str:
    """The ISO day after ``day``; after 9999-12-31 that is year 10000, in ISO 8601's expanded form."""
    return "+010000-01-01" if day == dt.date.max else (day + dt.timedelta(days=1)).isoformat()


def vis_item(event: Event) -> dict[str, Any]:
    start, end = format_bounds(event.start_min, event.end_max, event.precision)
    return {
        "id": event.public_id,
        "content": escape(event.title),
        "title": escape(start if start == end else f"{start} – {end}"),
        "start": event.start_min.isoformat(),
        "end": day_after(event.end_max),
        "type": "range",
        "group": event.type,
        "className": f"status-{event.status} precision-{event.precision}",
    }


def _page(args: dict[str, Any]) -> queries.Page[Event]:
    return queries.event_page(session(), filters_from(args), sort=args["sort"], cursor=args.get("cursor"),
                              limit=page_limit(args))


@blp.route("/timelinejs")
@blp.arguments(TimelineArgs, location="query")
@blp.response(200, TimelineJSSchema)
def timelinejs(args: dict[str, Any]) -> Any:
    """Matching events as TimelineJS3 JSON.

    Partial dates leave out the finer parts (a month-precision event has no
    day), a span has an end date, the event type is its group. Text is
    HTML-escaped. The next page is in the Link header."""
    page = _page(args)
    labels = type_labels()
    return {"events": [timelinejs_event(e, labels) for e in page.items]}, 200, link_headers(page)


@blp.route("/vis")
@blp.arguments(TimelineArgs, location="query")
@blp.response(200, VisTimelineSchema)
def vis(args: dict[str, Any]) -> Any:
    """Matching events as vis-timeline items and groups.

    Each item is a range over its precision's whole span (end exclusive),
    grouped by event type. The next page is in the Link header."""
    page = _page(args)
    labels = type_labels()
    used = dict.fromkeys(e.type for e in page.items)
    groups = [{"id": slug, "content": escape(labels.get(slug, (slug,))[0] or slug)}
              for slug in sorted(used, key=lambda s: (list(labels).index(s) if s in labels else len(labels), s))]
    return {"items": [vis_item(e) for e in page.items], "groups": groups}, 200, link_headers(page)
