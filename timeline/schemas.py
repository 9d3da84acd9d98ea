"""marshmallow schemas: the API's query parameters (loaded, unknown ones refused)
and its response bodies (dumped from the models; also the OpenAPI document).

Response schemas dump ORM objects directly; values a row does not hold (counts,
first and last dates) arrive through :class:`Extended`, which shows a row with
extra attributes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from timeline.dateformat import PRECISIONS, format_bounds
from timeline.extract.read import PUBLISHED_RANGE
from timeline.models import ACTOR_KINDS, REVIEW_STATES, ROLES, STATUSES
from timeline.queries import EVENT_ORDERS, FACET_FIELDS, INTERVALS, MAX_ID, EventFilters, utc
from timeline.timedates import parse_span


class Extended:
    """``base`` seen with extra attributes, for a schema to dump."""

    def __init__(self, base: Any, **extra: Any) -> None:
        self._base = base
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


# --- fields ------------------------------------------------------------------------

class Repeatable(fields.List):
    """A query parameter given once or repeated (``?type=a&type=b``); values may
    also be comma-separated (``?type=a,b``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        values = [value] if isinstance(value, str) else list(value)
        parts = [part.strip() for item in values for part in str(item).split(",") if part.strip()]
        if not parts:  # ?field= is no value, not "every value" nor "no filter"
            raise ValidationError("Empty value: give one or more values, or leave the parameter out.")
        return super()._deserialize(parts, attr, data, **kwargs)


class DateBound(fields.String):
    """``from``/``to``: an ISO date, a partial date or a phrase, read as the first
    (``from``) or last (``to``) day of the span it names."""

    def __init__(self, *, end: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.end = end

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            span = parse_span(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return span.end if self.end else span.start


class Timestamp(fields.DateTime):
    """An instant in UTC, whatever the backend hands back."""

    def _serialize(self, value: dt.datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else utc(value).isoformat()


def _bound(index: int) -> fields.Function:
    return fields.Function(lambda event: format_bounds(event.start_min, event.end_max, event.precision)[index],
                           metadata={"type": "string", "description": "The span's "
                                     + ("first" if index == 0 else "last")
                                     + " bound written at its precision: 2025-02-06, 2025-02 or 2025."})


class SortedList(fields.Nested):
    """A nested list dumped in a fixed order."""

    def __init__(self, nested: Any, *, key: Any, **kwargs: Any) -> None:
        super().__init__(nested, many=True, **kwargs)
        self.key = key

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return super()._serialize(sorted(value or [], key=self.key), attr, obj, **kwargs)


def _limit(value: int) -> None:
    highest = current_app.config["API_PAGE_MAX"]
    if not 1 <= value <= highest:
        raise ValidationError(f"must be between 1 and {highest}")


def _type_slug(value: str) -> None:
    from timeline.api.vocabulary import type_slugs

    slugs = type_slugs()
    if value not in slugs:
        raise ValidationError(f"unknown type {value!r}; one of: {', '.join(slugs)}")


# --- query parameters ----------------------------------------------------------------

class QuerySchema(Schema):
    """Query parameters: an unknown one is an error, not silently ignored."""

    class Meta:
        unknown = RAISE


class PageArgs(QuerySchema):
    cursor = fields.String(metadata={"description": "Opaque cursor from a previous page's `next`."})
    limit = fields.Integer(validate=_limit, metadata={"description": "Rows per page (default 50, at most 500)."})


class EventFilterArgs(QuerySchema):
    """The filters every event endpoint takes."""

    actor = fields.List(fields.String(), metadata={
        "description": "Actor id, slug, code, or any name or alias in any script; repeat for any of several."})
    actor_all = fields.List(fields.String(), metadata={"description": "Actors that must all take part."})
    topic = fields.List(fields.String(), metadata={"description": "Topic slug or name; repeat for any of several."})
    type = Repeatable(fields.String(validate=_type_slug), metadata={"description": "Event type slugs (GET /types)."})
    status = Repeatable(fields.String(validate=validate.OneOf(STATUSES)))
    location = fields.List(fields.String(), metadata={"description": "Place slug, id, name or alias."})
    country = fields.List(fields.String(), metadata={
        "description": "ISO 3166 alpha-3 code or country name: events whose actors or place belong to it."})
    article = fields.List(fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
                          metadata={"description": "Events reported by this article id."})
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "Words in the event's title or quotes (all must occur)."})
    date_from = DateBound(end=False, data_key="from", metadata={
        "description": "Start of the range: 2025-02-06, 2025-02, 2025, 2025-W07, 2025-Q1, "
                       "'last week', 'this month', '2025年2月', '上周'."})
    date_to = DateBound(end=True, data_key="to", metadata={"description": "End of the range, same forms as `from`."})
    within = fields.Boolean(load_default=False, metadata={
        "description": "Only events whose whole span lies in the range (default: spans that overlap it)."})
    precision = Repeatable(fields.String(validate=validate.OneOf(PRECISIONS)),
                           metadata={"description": "Keep these precisions only, e.g. day,month."})
    review_state = Repeatable(fields.String(validate=validate.OneOf(REVIEW_STATES)), metadata={
        "description": "Keep these review states only: auto (as extracted), confirmed, rejected."})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("the range ends before it starts", "to")


FILTER_FIELDS = tuple(EventFilterArgs._declared_fields)


def filters_from(args: dict[str, Any]) -> EventFilters:
    """The :class:`EventFilters` in loaded arguments (other keys are left alone)."""
    return EventFilters(**{name: args[name] for name in FILTER_FIELDS if name in args})


class EventListArgs(EventFilterArgs, PageArgs):
    sort = fields.String(load_default="date", validate=validate.OneOf(tuple(EVENT_ORDERS)), metadata={
        "description": "date (first day, oldest first), -date (newest first), updated or -updated."})
    count = fields.Boolean(load_default=False, metadata={"description": "Add the total (capped) to the body."})


class ExportArgs(EventFilterArgs):
    sort = fields.String(load_default="date", validate=validate.OneOf(tuple(EVENT_ORDERS)))


class TimelineArgs(EventFilterArgs, PageArgs):
    sort = fields.String(load_default="date", validate=validate.OneOf(tuple(EVENT_ORDERS)))


class HistogramArgs(EventFilterArgs):
    interval = fields.String(load_default="month", validate=validate.OneOf(INTERVALS))


class FacetArgs(EventFilterArgs):
    field = Repeatable(fields.String(validate=validate.OneOf(FACET_FIELDS)), required=True,
                       metadata={"description": "One or more of type, actor, topic, location, country."})
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200),
                          metadata={"description": "Values per facet, most frequent first."})


class ActorListArgs(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "Prefix of a name, English name, slug or alias."})
    kind = Repeatable(fields.String(validate=validate.OneOf(ACTOR_KINDS)))
    country = fields.List(fields.String(validate=validate.Length(equal=3)))


class PlaceListArgs(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=200))
    country = fields.List(fields.String(validate=validate.Length(equal=3)))


class ArticleListArgs(PageArgs):
    outlet = fields.List(fields.String())
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "Words in the title."})


class NoArgs(QuerySchema):
    """An endpoint that takes no query parameters."""


# --- responses: events -------------------------------------------------------------------

class PlaceRefSchema(Schema):
    id = fields.String(attribute="slug")
    name = fields.String()
    name_en = fields.String(allow_none=True)
    country_code = fields.String(allow_none=True)


class EventActorSchema(Schema):
    id = fields.String(attribute="actor.slug")
    name = fields.String(attribute="actor.name")
    name_en = fields.String(attribute="actor.name_en", allow_none=True)
    kind = fields.String(attribute="actor.kind")
    code = fields.String(attribute="actor.code", allow_none=True)
    country = fields.String(attribute="actor.country_code", allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))


class TopicRefSchema(Schema):
    slug = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)


class EventTopicSchema(Schema):
    slug = fields.String(attribute="topic.slug")
    name = fields.String(attribute="topic.name")
    name_en = fields.String(attribute="topic.name_en", allow_none=True)


class EventSchema(Schema):
    id = fields.String(attribute="public_id")
    type = fields.String()
    title = fields.String()
    start = _bound(0)
    end = _bound(1)
    precision = fields.String()
    start_min = fields.Date()
    end_max = fields.Date()
    status = fields.String()
    date_source = fields.String()
    date_text = fields.String(allow_none=True)
    place = fields.Nested(PlaceRefSchema, allow_none=True)
    actors = SortedList(EventActorSchema, attribute="actor_links",
                        key=lambda link: (ROLES.index(link.role), link.actor.slug))
    topics = SortedList(EventTopicSchema, attribute="topic_links", key=lambda link: link.topic.slug)
    confidence = fields.Float()
    review_state = fields.String()
    created_at = Timestamp()
    updated_at = Timestamp()
    row_version = fields.Integer()


class ArticleRefSchema(Schema):
    id = fields.Integer()
    title = fields.String(allow_none=True)
    outlet = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    published = fields.Date(attribute="published_date", allow_none=True)


class MentionSchema(Schema):
    quote = fields.String()
    start = fields.Integer(attribute="start_offset")
    end = fields.Integer(attribute="end_offset")
    date_text = fields.String(allow_none=True)
    article = fields.Nested(ArticleRefSchema)


def _mention_order(mention: Any) -> tuple:
    return (mention.article.published_date or dt.date.min, mention.article_id, mention.start_offset)


class EventDetailSchema(EventSchema):
    speech = fields.String(allow_none=True)
    mentions = SortedList(MentionSchema, key=_mention_order)
    merged_into = fields.Function(lambda event: event.merged_into.public_id if event.merged_into else None,
                                  metadata={"type": "string", "nullable": True})
    merged_from = fields.List(fields.String(), metadata={"description": "Ids of events merged into this one."})


class PageSchema(Schema):
    next = fields.String(allow_none=True, metadata={"description": "Cursor of the next page; null on the last."})
    next_url = fields.String(allow_none=True)


class EventPageSchema(PageSchema):
    items = fields.List(fields.Nested(EventSchema))
    count = fields.Integer(metadata={"description": "With count=true: the number of matching events, capped."})
    count_exact = fields.Boolean(metadata={"description": "False when the count reached its cap."})


# --- responses: actors, topics, types, places, articles ------------------------------------

class ActorSchema(Schema):
    id = fields.String(attribute="slug")
    numeric_id = fields.Integer(attribute="id")
    name = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()
    code = fields.String(allow_none=True)
    country = fields.String(attribute="country_code", allow_none=True)
    aliases = fields.Function(lambda actor: sorted({a.alias for a in actor.aliases}),
                              metadata={"type": "array", "items": {"type": "string"}})
    event_count = fields.Integer()


class CounterpartSchema(Schema):
    id = fields.String(attribute="slug")
    name = fields.String()
    name_en = fields.String(allow_none=True)
    kind = fields.String()
    events = fields.Integer(metadata={"description": "Events shared with the actor."})


class ActorDetailSchema(ActorSchema):
    first_date = fields.Date(allow_none=True, metadata={"description": "First day of its earliest event."})
    last_date = fields.Date(allow_none=True, metadata={"description": "Last day of its latest event."})
    roles = fields.Dict(keys=fields.String(), values=fields.Integer())
    counterparts = fields.List(fields.Nested(CounterpartSchema))


class ActorPageSchema(PageSchema):
    items = fields.List(fields.Nested(ActorSchema))


class TopicSchema(TopicRefSchema):
    event_count = fields.Integer()


class TopicDetailSchema(TopicSchema):
    first_date = fields.Date(allow_none=True)
    last_date = fields.Date(allow_none=True)


class TopicPageSchema(PageSchema):
    items = fields.List(fields.Nested(TopicSchema))


class TypeSchema(Schema):
    slug = fields.String()
    name = fields.String(metadata={"description": "Chinese label."})
    description = fields.String()
    cameo = fields.List(fields.String(), metadata={"description": "Nearest CAMEO codes (none where CAMEO has none)."})
    plover = fields.List(fields.String(), metadata={"description": "Nearest PLOVER event types."})
    event_count = fields.Integer()


class TypeListSchema(Schema):
    items = fields.List(fields.Nested(TypeSchema))


class PlaceSchema(PlaceRefSchema):
    kind = fields.String()
    event_count = fields.Integer()


class PlacePageSchema(PageSchema):
    items = fields.List(fields.Nested(PlaceSchema))


class ArticleSchema(ArticleRefSchema):
    published_at = Timestamp(allow_none=True)
    author = fields.String(allow_none=True)
    language = fields.String()
    format = fields.String()
    source_name = fields.String(allow_none=True)
    ingested_at = Timestamp()
    outcome = fields.String()
    outcome_reason = fields.String(allow_none=True)
    event_count = fields.Integer()
    extractor_version = fields.String(allow_none=True)
    duplicate_of = fields.Integer(attribute="duplicate_of_id", allow_none=True)


class ArticleDetailSchema(ArticleSchema):
    events = fields.List(fields.Nested(EventSchema))


class ArticlePageSchema(PageSchema):
    items = fields.List(fields.Nested(ArticleSchema))


# --- responses: statistics ----------------------------------------------------------------

class BucketSchema(Schema):
    key = fields.String(metadata={"description": "2025, 2025-02, or the bucket's first day."})
    start = fields.Date()
    end = fields.Date()
    count = fields.Integer()


class HistogramSchema(Schema):
    interval = fields.String()
    buckets = fields.List(fields.Nested(BucketSchema))


class FacetValueSchema(Schema):
    value = fields.String()
    name = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    count = fields.Integer()


class FacetsSchema(Schema):
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))


# --- errors ------------------------------------------------------------------------------------

class ProblemErrorSchema(Schema):
    detail = fields.String()
    parameter = fields.String(metadata={"description": "The query parameter at fault."})
    pointer = fields.String(metadata={"description": "JSON pointer to the body member at fault."})


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(ProblemErrorSchema))


# --- responses: timeline renderers -----------------------------------------------------------

class TimelineJSDateSchema(Schema):
    """A TimelineJS3 date: finer parts are left out at a coarser precision."""

    year = fields.String()
    month = fields.String()
    day = fields.String()


class TimelineJSTextSchema(Schema):
    headline = fields.String(metadata={"description": "HTML; every text from articles is escaped."})
    text = fields.String(metadata={"description": "HTML; every text from articles is escaped."})


class TimelineJSEventSchema(Schema):
    unique_id = fields.String()
    start_date = fields.Nested(TimelineJSDateSchema)
    end_date = fields.Nested(TimelineJSDateSchema)
    display_date = fields.String()
    text = fields.Nested(TimelineJSTextSchema)
    group = fields.String()


class TimelineJSSchema(Schema):
    """TimelineJS3's JSON format."""

    events = fields.List(fields.Nested(TimelineJSEventSchema))


class VisItemSchema(Schema):
    id = fields.String()
    content = fields.String(metadata={"description": "HTML-escaped title."})
    title = fields.String(metadata={"description": "Tooltip, HTML-escaped."})
    start = fields.String(metadata={"description": "First day of the span."})
    end = fields.String(metadata={"description": "The day after the span's last day (vis-timeline ends are exclusive)."})
    type = fields.String()
    group = fields.String()
    className = fields.String()


class VisGroupSchema(Schema):
    id = fields.String()
    content = fields.String()


class VisTimelineSchema(Schema):
    """vis-timeline's DataSet items and groups (one group per event type)."""

    items = fields.List(fields.Nested(VisItemSchema))
    groups = fields.List(fields.Nested(VisGroupSchema))


# --- request bodies ----------------------------------------------------------------------------

class ArticleMetaSchema(QuerySchema):
    """What the caller knows about an uploaded article (the reader finds the rest)."""

    title = fields.String(validate=validate.Length(min=1, max=1000), metadata={"description": "Overrides the title read."})
    published = fields.Date(validate=validate.Range(*PUBLISHED_RANGE),
                            metadata={"description": "Publication date, when the text does not say."})
    outlet = fields.String(validate=validate.Length(min=1, max=200))
    url = fields.URL(validate=validate.Length(max=2000))
    name = fields.String(validate=validate.Length(min=1, max=500),
                         metadata={"description": "A name for the upload, shown in errors and as its source."})


class ArticleJsonSchema(ArticleMetaSchema):
    text = fields.String(required=True, validate=validate.Length(min=1),
                         metadata={"description": "The article: plain text, Markdown, HTML or a feed item."})
