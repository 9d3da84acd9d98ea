"""GET /topics, /topics/{slug}, /topics/{slug}/events."""
from __future__ import annotations

from typing import Any

from flask import abort

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.api.events import event_list
from timeline.models import EventTopic, Topic
from timeline.schemas import (
    EventListArgs, EventPageSchema, Extended, NoArgs, PageArgs, TopicDetailSchema, TopicPageSchema,
)

blp = ApiBlueprint("topics", __name__, url_prefix=f"{PREFIX}/topics",
                   description="What readers follow over time: russia-ukraine, iran-nuclear, trade, ...")


def _topic(slug: str) -> Topic:
    topic = queries.find_topic(session(), slug)
    if topic is None:
        abort(404, f"no topic {slug}")
    return topic


@blp.route("")
@blp.arguments(PageArgs, location="query")
@blp.response(200, TopicPageSchema)
def list_topics(args: dict[str, Any]) -> Any:
    """Topics by slug, with their event counts."""
    page = queries.topic_page(session(), cursor=args.get("cursor"), limit=page_limit(args))
    counts = queries.event_counts(session(), EventTopic.topic_id, [t.id for t in page.items])
    return paged(page, [Extended(t, event_count=counts.get(t.id, 0)) for t in page.items])


@blp.route("/<string:slug>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, TopicDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_topic(_args: dict[str, Any], slug: str) -> Any:
    """One topic: its names, event count, and first and last event date."""
    topic = _topic(slug)
    count, first, last = queries.date_range(session(), EventTopic.topic_id, topic.id)
    return Extended(topic, event_count=count, first_date=first, last_date=last)


@blp.route("/<string:slug>/events")
@blp.arguments(EventListArgs, location="query")
@blp.response(200, EventPageSchema)
@blp.alt_response(404, response="NOT_FOUND")
def topic_events(args: dict[str, Any], slug: str) -> Any:
    """The topic's events; takes every /events filter."""
    return event_list(args, topic_id=_topic(slug).id)
