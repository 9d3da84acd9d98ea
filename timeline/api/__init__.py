"""The REST API: flask-smorest blueprints under /api/v1.

``init_api(app)`` registers the blueprints, the OpenAPI document at
/api/v1/openapi.json with offline docs at /api/v1/docs, problem+json errors and
the CORS/ETag/cache headers.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from timeline import __version__, auth
from timeline.api import errors, guards, headers
from timeline.api.common import PREFIX, session
from timeline.schemas import ProblemSchema

DESCRIPTION = """Dated events extracted from Chinese-language news, by actor, topic and time.

Reads need no credentials (unless the server sets `TIMELINE_READS_NEED_TOKEN`);
writes take a bearer token with the `write` scope (`timeline token create NAME
--scope write`), each token at most `TIMELINE_WRITE_RATE_LIMIT` writes (429 with
`Retry-After` beyond). Bodies larger than `TIMELINE_MAX_CONTENT_LENGTH` are a 413;
control characters in any parameter are a 422. Lists page by an opaque keyset
`cursor` (`next` in the body and an RFC 8288 `Link` header). Errors are RFC 9457
`application/problem+json`; an unknown query parameter is a 422."""


class ProblemApi(Api):
    """flask-smorest's Api with errors rendered as problem+json on API paths."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: Any) -> Any:
        return errors.http_problem(error) if errors.is_api_request() else error

    def _register_responses(self) -> None:
        """Document the error responses as problem+json (success ones stay JSON)."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = errors.PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


def blueprints() -> list[Any]:
    from timeline.api import (
        actors, articles, changes, curation, events, exports, locations, stats, timelines, topics, types,
    )

    return [events.blp, actors.blp, topics.blp, types.blp, locations.blp, articles.blp, stats.blp,
            timelines.blp, exports.blp, curation.blp, changes.blp]


def init_api(app: Flask) -> ProblemApi:
    """Attach the API to ``app``."""
    app.config.setdefault("API_TITLE", "timeline")
    app.config.setdefault("API_VERSION", __version__)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION}})
    app.json.ensure_ascii = False  # Chinese as itself, not \u escapes
    app.json.sort_keys = False  # members in the schemas' order
    api = ProblemApi(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    from timeline.api.docs import bp as docs_page

    app.register_blueprint(docs_page)
    errors.register_error_handlers(app)
    headers.register(app)
    guards.register(app)
    auth.init_app(app, session)
    app.extensions["timeline.api"] = api
    return api
