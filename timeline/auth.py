"""Bearer tokens for the API: created, listed and revoked from the CLI, checked
on each write (and on each read when ``READS_NEED_TOKEN`` is set), and a
per-token limit on the rate of writes.

A token is ``tl_`` + 43 URL-safe characters; the database keeps only its
SHA-256 and its first eight characters (the prefix, shown by ``token list``),
so a leaked database leaks no usable token.  A presented secret is looked up
by its prefix, which is not secret, and its hash is compared with
:func:`hmac.compare_digest`, so the time an answer takes says nothing about how
much of a guess was right.  Secrets are never logged: the request log names the
token, never the ``Authorization`` header.  Scopes are ranked: a ``write``
token may also read, an ``admin`` token may do everything.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, TooManyRequests

from timeline.models import ApiToken, utcnow

SCOPES = ("read", "write", "admin")
PREFIX = "tl_"
#: Characters of a secret kept in clear, to find its row and to recognise it in ``token list``.
SHOWN = 8
#: ``last_used_at`` is rewritten at most this often, so reads with a token do not each cost a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def allows(token: ApiToken, scope: str) -> bool:
    """Whether ``token`` carries ``scope`` or a higher one."""
    return max(SCOPES.index(s) for s in token.scopes.split()) >= SCOPES.index(scope)


def create_token(session: Session, name: str, scopes: Sequence[str]) -> tuple[ApiToken, str]:
    """A new token and its secret (the only time the secret exists in clear)."""
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}, not {', '.join(unknown) or 'none'}")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:SHOWN],
                     scopes=" ".join(s for s in SCOPES if s in scopes))
    session.add(token)
    session.flush()
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at, ApiToken.id)))


def revoke_token(session: Session, name: str) -> ApiToken | None:
    """Revoke the token called ``name``; None when there is none (revoking twice keeps the first time)."""
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The token whose secret this is (revoked or not), compared in constant time."""
    presented = hash_secret(secret)
    found = None
    for token in session.scalars(select(ApiToken).where(ApiToken.prefix == secret[:SHOWN])):
        if hmac.compare_digest(token.token_hash, presented):
            found = token
    return found


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token whose secret this is, its use recorded; None otherwise."""
    token = find_token(session, secret)
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=dt.timezone.utc)
    if last is None or now - last >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()
    return token


class AuthError(HTTPException):
    """401 or 403 with its ``WWW-Authenticate`` challenge (RFC 6750)."""

    def __init__(self, code: int, description: str, error: str | None = None, scope: str | None = None) -> None:
        super().__init__(description)
        self.code = code
        challenge = 'Bearer realm="timeline"'
        if error:
            challenge += f', error="{error}"'
        if scope:
            challenge += f', scope="{scope}"'
        self.challenge = challenge

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("WWW-Authenticate", self.challenge)]


def check_bearer(scope: str, session: Session) -> ApiToken:
    """The request's token if it carries ``scope``; :class:`AuthError` otherwise.

    The token is kept on ``flask.g.token`` for the request log."""
    kind, _, secret = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        raise AuthError(401, "this request needs a bearer token with the "
                             f"{scope} scope (timeline token create NAME --scope {scope})")
    token = authenticate(session, secret.strip())
    if token is None:
        raise AuthError(401, "the bearer token is unknown or revoked", "invalid_token")
    g.token = token.name
    if not allows(token, scope):
        raise AuthError(403, f"the token {token.name!r} lacks the {scope} scope", "insufficient_scope", scope)
    return token


# --- the rate of writes ------------------------------------------------------------

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(value: str | int | None) -> tuple[int, int] | None:
    """``"N/period"`` (a bare N: per minute) → (N, seconds); None for no limit (0, "off", empty)."""
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "0", "off", "none"):
        return None
    match = re.fullmatch(r"(\d+)\s*(?:/\s*(second|minute|hour|day))?", text)
    if not match:
        raise ValueError(f"rate limit {value!r}: expected N/second, N/minute, N/hour, N/day or 0")
    count = int(match[1])
    return (count, _PERIODS[match[2] or "minute"]) if count else None


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """A token bucket per API token: ``count`` writes at once, refilled at
    ``count`` per ``period`` seconds.  It lives in the process: each worker of
    a multi-process server keeps its own buckets."""

    def __init__(self, count: int, period: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.count = count
        self.period = period
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: int) -> float:
        """Spend one write of ``key``: 0 when allowed, else the seconds until one is."""
        rate = self.count / self.period
        with self._lock:
            now = self.clock()
            bucket = self._buckets.setdefault(key, _Bucket(float(self.count), now))
            bucket.tokens = min(float(self.count), bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / rate


class RateLimited(TooManyRequests):
    """429 with ``Retry-After`` (whole seconds)."""

    def __init__(self, description: str, retry_after: float) -> None:
        super().__init__(description)
        self.retry_after = max(1, math.ceil(retry_after))

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Retry-After", str(self.retry_after))]


def _limit_writes(token: ApiToken) -> None:
    limiter: RateLimiter | None = current_app.extensions.get("timeline.rate_limiter")
    if limiter is None:
        return
    wait = limiter.take(token.id)
    if wait:
        per = next(name for name, seconds in _PERIODS.items() if seconds == limiter.period)
        raise RateLimited(f"the token {token.name!r} may write {limiter.count} times a {per}; "
                          f"try again in {max(1, math.ceil(wait))} s", wait)


def require_scope(scope: str, session: Callable[[], Session]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: 401 without a valid bearer token, 403 when its scopes
    fall short, 429 when a token writes faster than ``WRITE_RATE_LIMIT``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = check_bearer(scope, session())
            if scope != "read":
                _limit_writes(token)
            return view(*args, **kwargs)

        return wrapper

    return decorator


#: Endpoints open whatever READS_NEED_TOKEN says: the API's description, its docs page, CORS preflights.
_OPEN_ENDPOINTS = ("api-docs.openapi_json", "api_docs_ui.")


def init_app(app: Flask, session: Callable[[], Session]) -> None:
    """The write rate limiter, and the read check when ``READS_NEED_TOKEN`` is set."""
    rate = parse_rate(app.config.get("WRITE_RATE_LIMIT"))
    if rate:
        app.extensions["timeline.rate_limiter"] = RateLimiter(*rate)

    @app.before_request
    def _reads_need_token() -> None:
        if not current_app.config.get("READS_NEED_TOKEN") or request.method not in ("GET", "HEAD"):
            return
        endpoint = request.endpoint or ""
        if not request.path.startswith("/api/") or endpoint.startswith(_OPEN_ENDPOINTS):
            return
        check_bearer("read", session())
