"""Response headers of every API response: CORS, ETag with 304, Cache-Control.

The ETag is a weak validator over the body a read produced: it changes exactly
when the representation does, including changes no single row's ``row_version``
shows (an actor renamed, a mention added, a page boundary moving).  A client
that sends it back in ``If-None-Match`` gets a bodiless 304.
"""
from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, request

from timeline.api.errors import is_api_request

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Location",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, If-Match, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def cache_control() -> str:
    """Reads may be stored, and revalidated after ``API_CACHE_MAX_AGE`` seconds (0: always)."""
    age = int(current_app.config.get("API_CACHE_MAX_AGE", 0))
    return f"public, max-age={age}" if age else "public, no-cache"


def body_tag(body: bytes) -> str:
    """The entity tag of a response body: a hash of its bytes (sent as a weak validator)."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def _add_headers(response: Response) -> Response:
    if not is_api_request():
        return response
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
        return response
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers.setdefault("Cache-Control", cache_control())
        if not response.is_streamed:
            response.set_etag(body_tag(response.get_data()), weak=True)
            response.make_conditional(request)
    elif response.status_code not in (301, 304, 308):
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    app.after_request(_add_headers)
