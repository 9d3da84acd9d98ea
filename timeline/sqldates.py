"""Date arithmetic written once for both databases (SQLite stores dates as ISO
text and subtracts with ``date(x, '-N days')``; PostgreSQL subtracts integers)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class days_before(FunctionElement):
    """``day`` minus ``days`` (an integer expression) as a date."""

    type = Date()
    inherit_cache = True
    name = "days_before"

    def __init__(self, day: dt.date, days: Any) -> None:
        super().__init__(literal(day, Date()), days)


class span_days(FunctionElement):
    """Days from ``start`` to ``end`` (two date columns), zero-padded to five
    digits so that the text's order is the number's."""

    type = Integer()
    inherit_cache = True
    name = "span_days"


@compiles(days_before)
def _days_before_sqlite(element: days_before, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '-' || {days} || ' days')"


@compiles(days_before, "postgresql")
def _days_before_postgresql(element: days_before, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({day} AS DATE) - {days})"


@compiles(span_days)
def _span_days_sqlite(element: span_days, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"printf('%05d', CAST(julianday({end}) - julianday({start}) AS INTEGER))"


@compiles(span_days, "postgresql")
def _span_days_postgresql(element: span_days, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"lpad(CAST({end} - {start} AS TEXT), 5, '0')"
