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

#: How many Latin-1 readings of UTF-8 a server stack may have stacked up.
MAX_READINGS = 2

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _as_text(query: str) -> str:
    """Undo the Latin-1 readings of UTF-8 bytes: once by any WSGI server, twice by
    Werkzeug's development server (it encodes what http.server decoded).  Text
    that is not such a reading (café typed as Latin-1) is kept as it is."""
    for _ in range(MAX_READINGS):
        try:
            query = query.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            break
    return query


def utf8_query_strings(app: WsgiApp) -> WsgiApp:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        if query and not query.isascii():
            environ["QUERY_STRING"] = quote(_as_text(query).encode("utf-8"), safe=_KEEP)
        return app(environ, start_response)
    return wrapped
