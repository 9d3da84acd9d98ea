"""Curation over HTTP (bearer token with the write scope): edit, merge, split
and delete events, read an event's history and undo steps from the audit
log, merge actors and edit their aliases.  The work is done by
:mod:`timeline.curation`, which the CLI shares.

Lost updates: a write on an event takes ``If-Match`` with the ETag of
``GET /events/{id}`` (or of the previous write's response) and is refused with
412 when the event's representation has changed since.  The tag is a hash of
the exact body, so it is compared as given, with or without its ``W/``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from flask import abort, g, jsonify, request, url_for
from flask_smorest import abort as abort_invalid
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from timeline import curation, queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.api.headers import body_tag
from timeline.auth import require_scope
from timeline.models import AUDIT_ACTIONS, REVIEW_STATES, ROLES, STATUSES, Actor, AuditEntry, Event, EventActor, Mention
from timeline.dateformat import PRECISIONS
from timeline.schemas import ActorSchema, EventDetailSchema, Extended, NoArgs, PageArgs, PageSchema, Timestamp

blp = ApiBlueprint("curation", __name__, url_prefix=PREFIX,
                   description="Corrections by people, each recorded in an audit log and undoable from it.")


def write_route(rule: str, method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A curation endpoint: routed, documented as needing a token, refused without
    the ``write`` scope, and taking no query parameter."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view = blp.arguments(NoArgs, location="query")(view)
        view = require_scope("write", session)(view)
        view = blp.doc(security=WRITE)(view)
        return blp.route(rule, methods=[method])(view)
    return decorate


def errors(*codes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document the problem+json responses an endpoint can give, by status code."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for code in reversed(codes):
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


WRITE = [{"bearerAuth": []}]
AUDIT_ORDER = queries.Order("id", AuditEntry.id, AuditEntry.id)


# --- bodies ----------------------------------------------------------------------------

class BodySchema(Schema):
    class Meta:
        unknown = "raise"


class ActorRoleSchema(BodySchema):
    id = fields.String(required=True, metadata={"description": "Actor slug or numeric id."})
    role = fields.String(load_default="agent", validate=validate.OneOf(ROLES))


class EventPatchSchema(BodySchema):
    """The fields to change; those left out stay as they are."""

    type = fields.String(metadata={"description": "An event type slug (GET /types)."})
    title = fields.String(validate=validate.Length(min=1, max=curation.TITLE_LENGTH))
    start = fields.String(metadata={"description": "First day or period: 2025-02-06, 2025-W07, 2025-02, "
                                                   "2025-Q1, 2025 or a phrase such as 2025年2月."})
    end = fields.String(metadata={"description": "Last day or period (default: start's)."})
    precision = fields.String(validate=validate.OneOf(PRECISIONS), metadata={
        "description": "Widens start and end to whole periods (default: the coarser of their forms)."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    place = fields.String(allow_none=True, metadata={"description": "Place slug; null clears it."})
    actors = fields.List(fields.Nested(ActorRoleSchema), metadata={"description": "The whole list of actors."})
    topics = fields.List(fields.String(), metadata={"description": "The whole list of topic slugs."})
    review_state = fields.String(validate=validate.OneOf(REVIEW_STATES))

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data:
            raise ValidationError("name at least one field to change")


class MergeSchema(BodySchema):
    into = fields.String(required=True, metadata={"description": "The id of the event (or actor) that remains."})


class QuoteRefSchema(BodySchema):
    article = fields.Integer(required=True, validate=validate.Range(min=1, max=queries.MAX_ID))
    start = fields.Integer(required=True, validate=validate.Range(min=0, max=queries.MAX_ID),
                           metadata={"description": "The mention's start offset, as GET /events/{id} gives it."})


class SplitSchema(BodySchema):
    mentions = fields.List(fields.Nested(QuoteRefSchema), required=True, validate=validate.Length(min=1),
                           metadata={"description": "The mentions that move to the new event."})


class AliasSchema(BodySchema):
    alias = fields.String(required=True, validate=validate.Length(min=1, max=200))


# --- responses ---------------------------------------------------------------------------

def _public_id(attribute: str) -> fields.Function:
    return fields.Function(lambda entry: getattr(entry, attribute).public_id if getattr(entry, attribute) else None,
                           metadata={"type": "string", "nullable": True})


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = Timestamp()
    who = fields.String(metadata={"description": "The token's name, or cli: and a user name."})
    action = fields.String(metadata={"description": "One of " + ", ".join(AUDIT_ACTIONS) + "."})
    event = _public_id("event")
    other_event = _public_id("other_event")
    actor = fields.Function(lambda entry: entry.actor.slug if entry.actor else None,
                            metadata={"type": "string", "nullable": True})
    changes = fields.Dict(metadata={"description": "edit: {field: {old, new}}; merge and split: what moved."})
    undo_of = fields.Integer(attribute="undo_of_id", allow_none=True)
    undone_by = fields.Integer(attribute="undone_by_id", allow_none=True)


class AuditPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEntrySchema))


# --- helpers ------------------------------------------------------------------------------

def who() -> str:
    """The name of the request's token (the audit log's ``who``; set by the scope check)."""
    return g.token


def _load_event(event_id: str) -> Event:
    """The event ``event_id`` with what its detail shows; 404 when there is none."""
    event = session().scalar(select(Event).where(Event.public_id == event_id).options(
        *queries.event_list_options(), selectinload(Event.mentions).joinedload(Mention.article),
        joinedload(Event.merged_into)))
    if event is None:
        abort(404, f"no event {event_id}")
    return event


def _live_event(event_id: str) -> Event:
    """A live event; 410 when deleted, 409 naming the survivor when merged."""
    event = _load_event(event_id)
    if event.deleted_at is not None:
        abort(410, f"event {event_id} was deleted")
    if event.merged_into_id is not None:
        survivor = queries.survivor(event).public_id
        abort(409, f"event {event_id} was merged into {survivor}; change that one")
    return event


def detail(event: Event) -> Extended:
    return Extended(event, merged_from=queries.merged_from(session(), event))


def event_etag(event: Event) -> str:
    """The ETag ``GET /events/{id}`` gives ``event`` now."""
    return f'W/"{body_tag(jsonify(EventDetailSchema().dump(detail(event))).get_data())}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def check_if_match(event: Event) -> None:
    """412 unless ``If-Match`` (when sent) names the event's current ETag or is ``*``."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = {_opaque(tag) for tag in header.split(",")}
    if "*" not in tags and _opaque(event_etag(event)) not in tags:
        abort(412, f"event {event.public_id} changed since that ETag; fetch it again")


@contextmanager
def writing() -> Iterator[None]:
    """Run a curation step and commit it: a step that does not fit is a 422
    (naming the field) or a 409; a concurrent change to the same rows is a 409
    (the caller retries with a fresh read)."""
    try:
        yield
        session().commit()
    except curation.Conflict as error:
        session().rollback()
        abort(409, error.message)
    except curation.CurationError as error:
        session().rollback()
        abort_invalid(422, messages={"json": {error.field or "_schema": [error.message]}})
    except StaleDataError:
        session().rollback()
        abort(409, "the event changed while this request was being handled; fetch it again")


def _written(event: Event, status: int = 200) -> Any:
    """The event's detail after a write, with its new ETag (and where it lives, after a POST)."""
    headers = {"ETag": event_etag(event)}
    if request.method == "POST":
        headers["Location"] = url_for("events.get_event", event_id=event.public_id)
    return detail(event), status, headers


# --- events ----------------------------------------------------------------------------------

@write_route("/events/<string:event_id>", "PATCH")
@blp.arguments(EventPatchSchema)
@blp.response(200, EventDetailSchema, description="The event as changed; ETag is its new tag.")
@errors(401, 403, 404, 409, 410, 412, 429)
def patch_event(_args: dict[str, Any], body: dict[str, Any], event_id: str) -> Any:
    """Change an event's type, title, dates, status, place, actors, topics or review state.

    Each change is recorded in the audit log (GET /events/{id}/history) with
    the old and new value; fields set here are never overwritten by ingest or
    re-extraction. `actors` and `topics` replace the whole list. Send
    `If-Match` with the event's ETag to refuse the change (412) when someone
    else changed it first."""
    event = _live_event(event_id)
    check_if_match(event)
    if "actors" in body:
        body["actors"] = [(actor["id"], actor["role"]) for actor in body["actors"]]
    if "place" in body and body["place"] is None:
        body["place"] = ""  # clears it
    with writing():
        curation.edit_event(session(), event, curation.EventPatch(**body), who())
    return _written(event)


@write_route("/events/<string:event_id>", "DELETE")
@blp.response(204, description="Deleted: the id now answers 410 and the change feed lists it as deleted.")
@errors(401, 403, 404, 409, 410, 412, 429)
def delete_event(_args: dict[str, Any], event_id: str) -> Any:
    """Delete an event: a tombstone, not a hole (undo it from the audit log)."""
    event = _live_event(event_id)
    check_if_match(event)
    with writing():
        curation.delete_event(session(), event, who())
    return None


@write_route("/events/<string:event_id>/merge", "POST")
@blp.arguments(MergeSchema)
@blp.response(200, EventDetailSchema, description="The survivor, with the merged event's mentions.")
@errors(401, 403, 404, 409, 410, 412, 429)
def merge_event(_args: dict[str, Any], body: dict[str, Any], event_id: str) -> Any:
    """Merge this event into the event `into`.

    Its mentions move to the survivor, its actors, topics and place join the
    survivor where missing, and its id answers with a 301 to the survivor.
    `If-Match` applies to this event."""
    absorbed = _live_event(event_id)
    check_if_match(absorbed)
    survivor = _live_event(body["into"])
    with writing():
        curation.merge_events(session(), absorbed, survivor, who())
    return _written(survivor)


@write_route("/events/<string:event_id>/split", "POST")
@blp.arguments(SplitSchema)
@blp.response(201, EventDetailSchema, description="The new event; Location names it.")
@errors(401, 403, 404, 409, 410, 412, 429)
def split_event(_args: dict[str, Any], body: dict[str, Any], event_id: str) -> Any:
    """Move the chosen mentions (article id and start offset) to a new event.

    The new event copies this one's fields; at least one mention stays."""
    event = _live_event(event_id)
    check_if_match(event)
    quotes = [(m["article"], m["start"]) for m in body["mentions"]]
    with writing():
        new, _entry = curation.split_event(session(), event, quotes, who())
    return _written(new, 201)


@blp.route("/events/<string:event_id>/history")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditPageSchema)
@blp.alt_response(404, response="NOT_FOUND")
def event_history(args: dict[str, Any], event_id: str) -> Any:
    """The audit log of one event, oldest first: every edit, merge, split,
    delete and undo that names it (merged and deleted events keep theirs)."""
    event = _load_event(event_id)
    return _audit_page(curation.history_statement(event), args)


# --- the audit log -------------------------------------------------------------------------

def _audit_page(statement: Any, args: dict[str, Any]) -> Any:
    statement = statement.options(joinedload(AuditEntry.event), joinedload(AuditEntry.other_event),
                                  joinedload(AuditEntry.actor))
    return paged(queries.keyset_page(session(), statement, AUDIT_ORDER, cursor=args.get("cursor"),
                                     limit=page_limit(args)))


@blp.route("/audit")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditPageSchema)
def list_audit(args: dict[str, Any]) -> Any:
    """Every curation step, oldest first."""
    return _audit_page(select(AuditEntry), args)


@write_route("/audit/<int:entry_id>/undo", "POST")
@blp.response(201, AuditEntrySchema, description="The undo, itself an entry of the log.")
@errors(401, 403, 404, 409, 429)
def undo_entry(_args: dict[str, Any], entry_id: int) -> Any:
    """Undo one step: an edit (unless a field changed again since), a merge,
    a split, a delete, an alias added or removed. Actor merges are final."""
    entry = session().get(AuditEntry, entry_id) if entry_id <= queries.MAX_ID else None
    if entry is None:
        abort(404, f"no audit entry {entry_id}")
    with writing():
        undone = curation.undo(session(), entry, who())
    return undone


# --- actors ------------------------------------------------------------------------------------

def _actor(ident: str) -> Actor:
    actor = curation.resolve_actor(session(), ident)
    if actor is None:
        abort(404, f"no actor {ident}")
    return actor


def _actor_body(actor: Actor) -> Extended:
    counts = queries.event_counts(session(), EventActor.actor_id, [actor.id])
    return Extended(actor, event_count=counts.get(actor.id, 0))


@write_route("/actors/<string:actor_id>/merge", "POST")
@blp.arguments(MergeSchema)
@blp.response(200, ActorSchema, description="The survivor, with the merged actor's aliases and events.")
@errors(401, 403, 404, 429)
def merge_actor(_args: dict[str, Any], body: dict[str, Any], actor_id: str) -> Any:
    """Merge this actor into the actor `into`.

    Its event links and aliases move to the survivor, its names become
    aliases, and its slug keeps naming the survivor (in filters, in lookups,
    and for ingest). Not undoable."""
    absorbed, survivor = _actor(actor_id), _actor(body["into"])
    with writing():
        curation.merge_actors(session(), absorbed, survivor, who())
    return _actor_body(survivor)


@write_route("/actors/<string:actor_id>/aliases", "POST")
@blp.arguments(AliasSchema)
@blp.response(201, ActorSchema)
@errors(401, 403, 404, 409, 429)
def add_alias(_args: dict[str, Any], body: dict[str, Any], actor_id: str) -> Any:
    """Add an alias (any script): filters and lookups find the actor by it."""
    actor = _actor(actor_id)
    with writing():
        curation.add_alias(session(), actor, body["alias"], who())
    return _actor_body(actor)


@write_route("/actors/<string:actor_id>/aliases/<string:alias>", "DELETE")
@blp.response(200, ActorSchema)
@errors(401, 403, 404, 429)
def remove_alias(_args: dict[str, Any], actor_id: str, alias: str) -> Any:
    """Remove an alias; the lexicon files never put it back."""
    actor = _actor(actor_id)
    if curation.find_alias(actor, alias) is None:
        abort(404, f"{actor.slug} has no alias {alias!r}")
    with writing():
        curation.remove_alias(session(), actor, alias, who())
    return _actor_body(actor)
