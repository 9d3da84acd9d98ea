"""GET /changes: the change feed (see :mod:`timeline.changes`)."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields, validate

from timeline.api.common import PREFIX, ApiBlueprint, session
from timeline.changes import read_feed
from timeline.queries import MAX_ID
from timeline.models import CHANGE_KINDS
from timeline.schemas import EventSchema, Extended, QuerySchema, Timestamp

blp = ApiBlueprint("changes", __name__, url_prefix=f"{PREFIX}/changes",
                   description="Every change to the events, in commit order, for systems that keep a copy.")

#: The most changes one page holds.
FEED_PAGE_MAX = 1000


class ChangesArgs(QuerySchema):
    since = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID), metadata={
        "description": "The `next` of the previous page (0 or absent: from the start)."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=FEED_PAGE_MAX))


class ChangeSchema(Schema):
    seq = fields.Integer(metadata={"description": "Position in the feed; grows in commit order."})
    kind = fields.String(metadata={"description": "One of " + ", ".join(CHANGE_KINDS) + "."})
    id = fields.String(attribute="public_id", metadata={"description": "The event's id."})
    merged_into = fields.String(allow_none=True, metadata={"description": "merged: the survivor's id."})
    row_version = fields.Integer()
    changed_at = Timestamp()
    event = fields.Nested(EventSchema, allow_none=True, metadata={
        "description": "The event as it is now, when it is live now (else null: a later change says why)."})


class FeedSchema(Schema):
    items = fields.List(fields.Nested(ChangeSchema))
    next = fields.String(metadata={"description": "Store it; pass it as `since` to resume (always present)."})
    more = fields.Boolean(metadata={"description": "Whether more changes wait right now."})


@blp.route("")
@blp.arguments(ChangesArgs, location="query")
@blp.response(200, FeedSchema)
def list_changes(args: dict[str, Any]) -> Any:
    """Changes to events after `since`, in the order they were committed.

    `created` and `updated`: store the event (`event` is its state now);
    `merged`: drop it, its mentions are in `merged_into`, which has a change
    of its own; `deleted`: drop it (its id answers 410). No committed change is
    ever left behind a cursor, even with concurrent writers."""
    page = read_feed(session(), args["since"], args["limit"])
    items = [Extended(change, event=page.events.get(change.event_id)) for change in page.items]
    headers = {}
    if page.more:
        query = urlencode({"since": page.next, "limit": args["limit"]})
        headers["Link"] = f'<{request.base_url}?{query}>; rel="next"'
    return {"items": items, "next": str(page.next), "more": page.more}, 200, headers
