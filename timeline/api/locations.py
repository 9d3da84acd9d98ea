"""GET /locations."""
from __future__ import annotations

from typing import Any

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.models import Event
from timeline.schemas import Extended, PlaceListArgs, PlacePageSchema

blp = ApiBlueprint("locations", __name__, url_prefix=f"{PREFIX}/locations",
                   description="Places events happened in, with their country.")


@blp.route("")
@blp.arguments(PlaceListArgs, location="query")
@blp.response(200, PlacePageSchema)
def list_locations(args: dict[str, Any]) -> Any:
    """Places by slug.

    `q` matches the start of a name, English name or alias; `country` keeps
    the places of these ISO alpha-3 codes."""
    page = queries.place_page(session(), prefix=args.get("q"), country=args.get("country", ()),
                              cursor=args.get("cursor"), limit=page_limit(args))
    counts = queries.event_counts(session(), Event.place_id, [p.id for p in page.items])
    return paged(page, [Extended(p, event_count=counts.get(p.id, 0)) for p in page.items])
