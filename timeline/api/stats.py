"""GET /stats/histogram and /stats/facets: density and filter lists for a front-end."""
from __future__ import annotations

from typing import Any

from flask import current_app

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, session
from timeline.api.vocabulary import type_labels
from timeline.schemas import FacetArgs, FacetsSchema, HistogramArgs, HistogramSchema, filters_from

blp = ApiBlueprint("stats", __name__, url_prefix=f"{PREFIX}/stats",
                   description="Counts over the events that match the /events filters.")


@blp.route("/histogram")
@blp.arguments(HistogramArgs, location="query")
@blp.response(200, HistogramSchema)
def histogram(args: dict[str, Any]) -> Any:
    """Matching events per year, month, week or day.

    Each event counts in the bucket of its first day; weeks start on Monday;
    empty buckets between the first and the last are included with 0."""
    buckets = queries.histogram(session(), filters_from(args), args["interval"])
    return current_app.json.response(histogram_body(args["interval"], buckets))


def histogram_body(interval: str, buckets: list[queries.Bucket]) -> dict[str, Any]:
    """``HistogramSchema().dump(...)``, written directly: a month histogram over
    30 years is 360 buckets, and marshmallow's dump of them cost more than the query."""
    return {"interval": interval, "buckets": [
        {"key": b.key, "start": b.start.isoformat(), "end": b.end.isoformat(), "count": b.count} for b in buckets]}


@blp.route("/facets")
@blp.arguments(FacetArgs, location="query")
@blp.response(200, FacetsSchema)
def facets(args: dict[str, Any]) -> Any:
    """The most frequent values of fields among the matching events.

    `field` (repeatable): type, actor, topic, location or country; most
    frequent first, `size` values each."""
    result = queries.facets(session(), filters_from(args), dict.fromkeys(args["field"]), args["size"])
    for name, values in result.items():
        if name == "type":
            labels = type_labels()
            values = [queries.FacetValue(v.value, *labels.get(v.value, (None, None)), v.count) for v in values]
        result[name] = values
    return {"facets": result}
