"""Raw UTF-8 in a query string (``curl "…/events?actor=普京"``) read as UTF-8.

A client that does not percent-encode sends the bytes as they are; WSGI hands
them over as Latin-1 text, and the parameter would arrive as mojibake full of
C1 control characters.  This middleware percent-encodes such bytes before the
application parses the query, so ``actor=普京`` and ``actor=%E6%99%AE%E4%BA%AC``
mean the same; a query that is ASCII (every browser's) is left untouched.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

#: What a query string keeps as it is: its structure and what is already escaped.
_KEEP = "=&;%+/:,~!$'()*@?"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def utf8_query_strings(app: WsgiApp) -> WsgiApp:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if query and not query.isascii():
            try:
                environ["QUERY_STRING"] = quote(query.encode("latin-1"), safe=_KEEP)
            except UnicodeEncodeError:
                pass  # not bytes-as-Latin-1: leave it to the parameter checks
        return app(environ, start_response)
    return wrapped
