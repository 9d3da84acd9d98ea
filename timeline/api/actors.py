"""GET /actors, /actors/{id}, /actors/{id}/events."""
from __future__ import annotations

from typing import Any

from flask import abort

from timeline import queries
from timeline.curation import resolve_actor
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.api.events import event_list
from timeline.models import Actor, EventActor
from timeline.schemas import (
    ActorDetailSchema, ActorListArgs, ActorPageSchema, EventListArgs, EventPageSchema, Extended, NoArgs,
)

blp = ApiBlueprint("actors", __name__, url_prefix=f"{PREFIX}/actors",
                   description="People, countries, organizations and groups, with their events.")


def _actor(actor_id: str) -> Actor:
    actor = resolve_actor(session(), actor_id)  # a merged actor's slug names its survivor
    if actor is None:
        abort(404, f"no actor {actor_id}")
    return actor


@blp.route("")
@blp.arguments(ActorListArgs, location="query")
@blp.response(200, ActorPageSchema)
def list_actors(args: dict[str, Any]) -> Any:
    """Actors by slug; `q` matches the start of a Chinese or English name, slug or alias."""
    page = queries.actor_page(session(), prefix=args.get("q"), kind=args.get("kind", ()),
                              country=args.get("country", ()), cursor=args.get("cursor"), limit=page_limit(args))
    counts = queries.event_counts(session(), EventActor.actor_id, [a.id for a in page.items])
    return paged(page, [Extended(a, event_count=counts.get(a.id, 0)) for a in page.items])


@blp.route("/<string:actor_id>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, ActorDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_actor(_args: dict[str, Any], actor_id: str) -> Any:
    """One actor, by slug or numeric id.

    Its aliases, event count, roles, first and last event date, and the actors
    it shares most events with."""
    actor = _actor(actor_id)
    stats = queries.actor_stats(session(), actor)
    counterparts = [Extended(other, events=count) for other, count in stats.counterparts]
    return Extended(actor, event_count=stats.events, roles=stats.roles, first_date=stats.first_date,
                    last_date=stats.last_date, counterparts=counterparts)


@blp.route("/<string:actor_id>/events")
@blp.arguments(EventListArgs, location="query")
@blp.response(200, EventPageSchema)
@blp.alt_response(404, response="NOT_FOUND")
def actor_events(args: dict[str, Any], actor_id: str) -> Any:
    """The actor's events; takes every /events filter."""
    return event_list(args, actor_id=_actor(actor_id).id)
