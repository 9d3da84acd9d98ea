"""Every API error as RFC 9457 ``application/problem+json``.

Validation errors (webargs' 422, and filters that name nothing) list each
offending query parameter (``parameter``) or body member (``pointer``).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError

from timeline.queries import FilterError

PROBLEM_JSON = "application/problem+json"

#: Headers of an HTTP error worth keeping on its problem response.
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Location")


def problem(status: int, detail: str | None = None, errors: list[dict[str, str]] | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def _messages(value: Any) -> Iterator[str]:
    """The message strings in a marshmallow error value (lists, per-index dicts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _messages(item)
    else:
        for item in value:
            yield from _messages(item)


def validation_errors(messages: Mapping[str, Any]) -> list[dict[str, str]]:
    """webargs' ``{location: {field: messages}}`` as problem ``errors`` entries."""
    errors = []
    for location, by_field in messages.items():
        if not isinstance(by_field, Mapping):
            by_field = {"_schema": by_field}
        for name, value in by_field.items():
            for message in _messages(value):
                entry = {"detail": message}
                if name != "_schema":
                    if location in ("json", "json_or_form"):
                        entry["pointer"] = f"#/{name}"
                    else:
                        entry["parameter"] = str(name)
                errors.append(entry)
    return errors


def _summary(errors: list[dict[str, str]]) -> str:
    """One line naming every field at fault: ``limit: must be between 1 and 500``."""
    parts = []
    for error in errors:
        where = error.get("parameter") or error.get("pointer", "#/")[2:]
        parts.append(f"{where}: {error['detail']}" if where else error["detail"])
    return "; ".join(parts)


def http_problem(error: HTTPException) -> Response:
    """An HTTP exception (raised by routing, webargs or a view) as a problem."""
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k in _KEPT_HEADERS}
    data = getattr(error, "data", None) or {}
    if "messages" in data:
        errors = validation_errors(data["messages"])
        return problem(status, _summary(errors), errors, headers)
    return problem(status, error.description, None, headers)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Problems for filter errors and unexpected exceptions (HTTP exceptions go
    through the Api's handler, see :class:`timeline.api.ProblemApi`)."""

    @app.errorhandler(FilterError)
    def _filter_error(error: FilterError) -> Response:
        errors = [{"detail": error.message, "parameter": error.field}]
        return problem(422, _summary(errors), errors)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if is_api_request():
            return problem(500, "the server failed to answer this request")
        return InternalServerError(original_exception=error)
