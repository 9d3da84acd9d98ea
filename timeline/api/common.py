"""What every blueprint shares: the blueprint class, the session, page bodies
with their ``next`` cursor and RFC 8288 ``Link`` header."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy.orm import Session
from webargs.flaskparser import FlaskParser

from timeline import get_db
from timeline.queries import Page

PREFIX = "/api/v1"


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose argument schemas decide about unknown
    parameters themselves (ours raise: an unknown query parameter is a 422)."""

    ARGUMENTS_PARSER = FlaskParser(unknown=None)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        """As flask-smorest's, with a schema class made an instance once: given
        a class, webargs builds a new schema (deep-copying its fields) on every
        request, about a millisecond each."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


#: Methods whose requests only read.
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def session() -> Session:
    """The request's session (removed when the application context ends).

    On PostgreSQL a read runs on an autocommit connection: each statement of a
    read sees the latest commit either way (READ COMMITTED), and the BEGIN and
    ROLLBACK round trips around it cost more than a page's query (about 1 ms
    of 4).  SQLite opens no transaction for a read anyway."""
    database = get_db()
    scoped = database.scoped()
    if request.method in READ_METHODS and database.dialect == "postgresql" and not scoped.in_transaction():
        scoped.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return scoped


def page_limit(args: dict[str, Any]) -> int:
    return args.get("limit") or current_app.config["API_PAGE_DEFAULT"]


def url_with_cursor(cursor: str) -> str:
    """This request's URL with ``cursor`` in place of its own."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
    return f"{request.base_url}?{urlencode(query)}"


def link_headers(page: Page[Any]) -> dict[str, str]:
    return {"Link": f'<{url_with_cursor(page.next_cursor)}>; rel="next"'} if page.next_cursor else {}


def page_body(page: Page[Any], items: list[Any] | None = None) -> dict[str, Any]:
    """The body of a list: its items, the next cursor and URL, and the count when asked."""
    body: dict[str, Any] = {
        "items": page.items if items is None else items,
        "next": page.next_cursor,
        "next_url": url_with_cursor(page.next_cursor) if page.next_cursor else None,
    }
    if page.count is not None:
        body["count"] = page.count
        body["count_exact"] = page.count_exact
    return body


def paged(page: Page[Any], items: list[Any] | None = None) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A flask-smorest view result for a page: body, status, Link header."""
    return page_body(page, items), 200, link_headers(page)
