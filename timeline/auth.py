"""Bearer tokens for the API's writes: created, listed and revoked from the CLI,
checked on each write.

A token is ``tl_`` + 43 URL-safe characters; the database keeps only its
SHA-256, so a leaked database leaks no usable token.  Scopes are ranked: a
``write`` token may also read, an ``admin`` token may do everything.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from timeline.models import ApiToken, utcnow

SCOPES = ("read", "write", "admin")
PREFIX = "tl_"


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
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:8],
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


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """The live token whose secret this is, its use recorded; None otherwise."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
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


def require_scope(scope: str, session: Callable[[], Session]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: 401 without a valid bearer token, 403 when its scopes fall short."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kind, _, secret = request.headers.get("Authorization", "").partition(" ")
            if kind.lower() != "bearer" or not secret.strip():
                raise AuthError(401, "this request needs a bearer token with the "
                                     f"{scope} scope (timeline token create NAME --scope {scope})")
            token = authenticate(session(), secret.strip())
            if token is None:
                raise AuthError(401, "the bearer token is unknown or revoked", "invalid_token")
            if not allows(token, scope):
                raise AuthError(403, f"the token {token.name!r} lacks the {scope} scope", "insufficient_scope", scope)
            return view(*args, **kwargs)

        return wrapper

    return decorator
