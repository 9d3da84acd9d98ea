"""GET /articles, GET /articles/{id}, and POST /articles (a bearer token with the write scope)."""
from __future__ import annotations

from typing import Any

import dataclasses

from flask import abort, request, url_for
from flask_smorest import abort as abort_invalid
from marshmallow import Schema, ValidationError

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.models import Article
from timeline.auth import require_scope
from timeline.schemas import (
    ArticleDetailSchema, ArticleJsonSchema, ArticleListArgs, ArticleMetaSchema, ArticlePageSchema, Extended, NoArgs,
)

blp = ApiBlueprint("articles", __name__, url_prefix=f"{PREFIX}/articles",
                   description="The source articles, how their processing went, and the events they report.")


def article_detail(article: Article) -> Extended:
    """An article with its live events, as the detail schema dumps it."""
    return Extended(article, events=queries.article_events(session(), article.id))


@blp.route("")
@blp.arguments(ArticleListArgs, location="query")
@blp.response(200, ArticlePageSchema)
def list_articles(args: dict[str, Any]) -> Any:
    """Articles, most recently stored first; `outlet` and title words (`q`) narrow them."""
    page = queries.article_page(session(), outlet=args.get("outlet", ()), q=args.get("q"),
                                cursor=args.get("cursor"), limit=page_limit(args))
    return paged(page)


@blp.route("/<int:article_id>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_article(_args: dict[str, Any], article_id: int) -> Any:
    """One article: metadata, processing outcome, and its events.

    Events come in the order the article first mentions them."""
    article = queries.find_article(session(), article_id)
    if article is None:
        abort(404, f"no article {article_id}")
    return article_detail(article)


def _load(schema: Schema, data: Any, location: str) -> dict[str, Any]:
    """``data`` loaded by ``schema``; a 422 naming the fields at fault otherwise."""
    try:
        return schema.load(data if data is not None else {})
    except ValidationError as exc:
        abort_invalid(422, messages={location: exc.messages})


def _read(meta: dict[str, Any], reader: Any, content: Any, name: str, where: dict[str, str]) -> Any:
    """The document in ``content``, with the caller's metadata; a 422 when it cannot be read."""
    from timeline.extract.read import ReadError

    try:
        document = reader(content, meta.get("name") or name, published=meta.get("published"),
                          outlet=meta.get("outlet"), url=meta.get("url"))
    except ReadError as exc:
        abort_invalid(422, messages={where["location"]: {where["field"]: [str(exc)]}})
    return dataclasses.replace(document, title=meta["title"]) if meta.get("title") else document


def _uploaded_document() -> Any:
    """The article of a JSON body, a multipart ``file`` part or a raw text body."""
    from timeline.extract.read import read_bytes, read_text

    if request.is_json:
        _load(NoArgs(), request.args, "query")
        body = _load(ArticleJsonSchema(), request.get_json(), "json")
        return _read(body, read_text, body.pop("text"), "upload", {"location": "json", "field": "text"})
    if request.mimetype == "multipart/form-data":
        _load(NoArgs(), request.args, "query")
        upload = request.files.get("file")
        meta = _load(ArticleMetaSchema(), {k: v for k, v in request.form.items()}, "form")
        if upload is None:
            abort_invalid(422, messages={"form": {"file": ["a multipart upload needs a file part named file"]}})
        return _read(meta, read_bytes, upload.read(), upload.filename or "upload", {"location": "form", "field": "file"})
    if request.mimetype.startswith("text/") or request.mimetype == "application/octet-stream":
        meta = _load(ArticleMetaSchema(), request.args.to_dict(), "query")
        return _read(meta, read_bytes, request.get_data(), "upload", {"location": "query", "field": "body"})
    abort(415, "send JSON {text, ...}, a multipart/form-data upload with a file part, or a text/* body")


@blp.route("", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}], requestBody={"required": True, "content": {
    "application/json": {"schema": ArticleJsonSchema},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}, "title": {"type": "string"},
        "published": {"type": "string", "format": "date"}, "outlet": {"type": "string"},
        "url": {"type": "string"}, "name": {"type": "string"}}}},
    "text/plain": {"schema": {"type": "string"}},
}})
@blp.response(201, ArticleDetailSchema, description="Stored now; Location names it.")
@blp.alt_response(200, schema=ArticleDetailSchema, description="The same text was already stored.")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
@require_scope("write", session)
def post_article() -> Any:
    """Ingest an article (bearer token with the write scope).

    JSON `{text, title?, published?, outlet?, url?, name?}`, a multipart upload
    (`file` part plus the same fields), or a raw `text/*` body with the fields
    as query parameters. The encoding and format are detected. Returns the
    article with its events: 201 when new, 200 when it was already there."""
    document = _uploaded_document()
    from timeline.ingest import ingest_document

    result = ingest_document(session(), document)
    article = queries.find_article(session(), result.article_id)
    location = url_for("articles.get_article", article_id=article.id)
    return article_detail(article), 201 if result.created else 200, {"Location": location}
