"""Serves the timeline page at ``/`` and its assets under ``/assets/``.

The page is plain HTML, CSS and JavaScript (no build step) that reads the API
under ``/api/v1``.  Its Content-Security-Policy allows only this origin's own
scripts, styles and requests: article text is always inserted as text, and the
policy is a second wall should that ever slip.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

HERE = Path(__file__).resolve().parent

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/assets")


@bp.get("/")
def index() -> Response:
    """The page itself; every view state lives in its query string, so one route serves them all."""
    response = send_from_directory(HERE, "index.html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.after_request
def _assets_revalidate(response: Response) -> Response:
    """Assets are revalidated on each load (cheap: ETag and Last-Modified), so a
    new release is never hidden behind a stale cached script."""
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
