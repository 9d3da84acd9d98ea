"""Structured logs: one JSON object a line, each request with its id.

Every request gets an id: the caller's ``X-Request-Id`` when it is a short
token of safe characters (so a proxy's id carries through), else a new one.
It is sent back in the ``X-Request-Id`` response header and put on every log
record made while the request runs, together with one access record per
request: method, path, status, duration and the name of the token used.
Headers, query values and bodies are never logged, so neither is a secret.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

#: An incoming request id is kept only if it looks like one.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: Attributes every LogRecord has; anything else was passed in ``extra`` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, request id,
    the ``extra`` fields, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and v is not None})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    return handler


def init_app(app: Flask) -> None:
    """Log records of ``app.logger`` (the "timeline" logger) in ``LOG_FORMAT``,
    request ids on requests and responses, one access record per request."""
    logger = app.logger
    logger.removeHandler(default_handler)
    if not any(getattr(h, "timeline_handler", False) for h in logger.handlers):
        handler = _handler(str(app.config.get("LOG_FORMAT", "json")))
        handler.timeline_handler = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(str(app.config.get("LOG_LEVEL", "INFO")).upper())
    access = logger.getChild("access")

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        rid = g.get("request_id")
        if rid:
            response.headers["X-Request-Id"] = rid
        started = g.get("request_started")
        access.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "token": g.get("token"), "remote": request.remote_addr,
        })
        return response
