"""Date arithmetic written once for both databases (SQLite stores dates as ISO
text and counts days with ``julianday``; PostgreSQL subtracts dates)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class span_days(FunctionElement):
    """Days from ``start`` to ``end`` (two date columns), zero-padded to five
    digits so that the text's order is the number's."""

    type = String()
    inherit_cache = True
    name = "span_days"


@compiles(span_days)
def _span_days_sqlite(element: span_days, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"printf('%05d', CAST(julianday({end}) - julianday({start}) AS INTEGER))"


@compiles(span_days, "postgresql")
def _span_days_postgresql(element: span_days, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"lpad(CAST({end} - {start} AS TEXT), 5, '0')"
