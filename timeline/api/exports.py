"""GET /events.csv and /events.ndjson: every matching event, streamed."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from flask import Response

from timeline import get_db, queries
from timeline.api.common import PREFIX, ApiBlueprint, session
from timeline.dateformat import format_bounds
from timeline.models import Event
from timeline.queries import utc
from timeline.schemas import EventSchema, ExportArgs, filters_from

blp = ApiBlueprint("exports", __name__, url_prefix=PREFIX,
                   description="Every event matching the /events filters, streamed as CSV or NDJSON.")

CSV_COLUMNS = ["id", "type", "title", "start", "end", "precision", "start_min", "end_max", "status",
               "date_source", "date_text", "place", "place_country", "actors", "topics", "confidence",
               "review_state", "updated_at"]


def csv_row(event: Event) -> list[Any]:
    """One CSV line; actors as ``slug:role`` and topics as slugs, ``;``-separated."""
    start, end = format_bounds(event.start_min, event.end_max, event.precision)
    actors = ";".join(f"{l.actor.slug}:{l.role}" for l in sorted(event.actor_links, key=lambda l: l.actor.slug))
    topics = ";".join(sorted(l.topic.slug for l in event.topic_links))
    return [event.public_id, event.type, event.title, start, end, event.precision, event.start_min.isoformat(),
            event.end_max.isoformat(), event.status, event.date_source, event.date_text or "",
            event.place.slug if event.place else "", event.place.country_code or "" if event.place else "",
            actors, topics, event.confidence, event.review_state, utc(event.updated_at).isoformat()]


def _csv_lines(events: Iterator[Event]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in chain([CSV_COLUMNS], map(csv_row, events)):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _ndjson_lines(events: Iterator[Event]) -> Iterator[str]:
    schema = EventSchema()
    for event in events:
        yield json.dumps(schema.dump(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def _events(args: dict[str, Any]) -> Iterator[Event]:
    """The matching events, read by a session of their own while the response
    streams (the request's session is gone by then).  The filters are resolved
    before anything is sent, so a bad one is still a 422."""
    statement = queries.events_statement(session(), filters_from(args))
    stream_session = get_db().session_factory()

    def generate() -> Iterator[Event]:
        try:
            yield from queries.iter_events(stream_session, statement, sort=args["sort"])
        finally:
            stream_session.close()

    return generate()


def _stream(lines: Iterator[str], mimetype: str, filename: str) -> Response:
    return Response(lines, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/events.csv")
@blp.arguments(ExportArgs, location="query")
@blp.response(200, content_type="text/csv", description="One header line, then one line per event.")
def events_csv(args: dict[str, Any]) -> Any:
    """Matching events as CSV (RFC 4180), streamed."""
    return _stream(_csv_lines(_events(args)), "text/csv", "events.csv")


@blp.route("/events.ndjson")
@blp.arguments(ExportArgs, location="query")
@blp.response(200, content_type="application/x-ndjson", description="One /events item per line.")
def events_ndjson(args: dict[str, Any]) -> Any:
    """Matching events as newline-delimited JSON (each line as in /events), streamed."""
    return _stream(_ndjson_lines(_events(args)), "application/x-ndjson", "events.ndjson")
