"""Refuse, before any view runs, request parameters that no query or row can use.

Control characters (other than tab and line breaks) and unpaired surrogates
have no place in a filter, an id, a title or a URL: PostgreSQL cannot even
bind a NUL, and a surrogate cannot be encoded for either database.  Every query
parameter (name and value), path parameter, form field, upload file name and
JSON member (names and values, at any depth) is checked; the article text
itself is left to the reader, which has its own rules for documents
(:func:`timeline.extract.read.read_text`).  The answer is a 422 problem whose
``errors`` name each parameter or member at fault, the same shape webargs'
validation errors have.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from flask_smorest import abort

from timeline.api.errors import is_api_request

#: C0 and C1 controls except tab, line feed and carriage return; DEL; unpaired surrogates.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: JSON members that hold a document, checked by the reader instead.
DOCUMENT_MEMBERS = frozenset({"/text"})


def problem_with(value: str | None) -> str | None:
    """Why ``value`` is refused, or None (a multipart part may come without a name: None)."""
    match = _FORBIDDEN.search(value) if isinstance(value, str) else None
    if match is None:
        return None
    char = match.group()
    kind = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
    return f"contains {kind} U+{ord(char):04X} at position {match.start()}"


def _json_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, string) for every member name and string value under ``value``."""
    if isinstance(value, str):
        if pointer not in DOCUMENT_MEMBERS:
            yield pointer or "/", value
    elif isinstance(value, dict):
        for key, item in value.items():
            member = f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            yield member, str(key)
            yield from _json_strings(item, member)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{pointer}/{index}")


def _query_errors() -> Iterator[tuple[str, str, str]]:
    """(location, field, message) for each parameter of the request that is refused."""
    for name, value in request.args.items(multi=True):
        for text in (name, value):
            if why := problem_with(text):
                yield "query", name, why
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and (why := problem_with(value)):
            yield "path", name, why
    if request.mimetype == "multipart/form-data" or request.mimetype == "application/x-www-form-urlencoded":
        for name, value in request.form.items(multi=True):
            for text in (name, value):
                if why := problem_with(text):
                    yield "form", name, why
        for name, upload in request.files.items(multi=True):
            if upload.filename and (why := problem_with(upload.filename)):
                yield "form", name, f"file name {why}"
    if request.is_json:
        body = request.get_json(silent=True)
        for pointer, text in _json_strings(body):
            if why := problem_with(text):
                yield "json", pointer[1:] or "_schema", why


def _check_parameters() -> None:
    if not is_api_request():
        return
    messages: dict[str, dict[str, list[str]]] = {}
    for location, name, why in _query_errors():
        messages.setdefault(location, {}).setdefault(name, []).append(why)
    if messages:
        abort(422, messages=messages)


def register(app: Flask) -> None:
    app.before_request(_check_parameters)
