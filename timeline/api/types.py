"""GET /types: the event taxonomy."""
from __future__ import annotations

from typing import Any

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, session
from timeline.api.vocabulary import taxonomy
from timeline.queries import EventFilters
from timeline.schemas import NoArgs, TypeListSchema

blp = ApiBlueprint("types", __name__, url_prefix=f"{PREFIX}/types",
                   description="The event types, with their nearest CAMEO and PLOVER codes.")


@blp.route("")
@blp.arguments(NoArgs, location="query")
@blp.response(200, TypeListSchema)
def list_types(_args: dict[str, Any]) -> Any:
    """Every event type of the taxonomy, in its order, with its live event count."""
    entries = taxonomy()
    counts = {f.value: f.count for f in queries.facet(session(), EventFilters(), "type", len(entries))}
    return {"items": [{**entry, "event_count": counts.get(entry["slug"], 0)} for entry in entries]}
