"""Date spans at a precision ↔ the ISO strings users see (GUIDELINES.md).

day ``2025-02-06``; week: its Monday and Sunday as days; month ``2025-06``;
season: first and last month (``2025-01``..``2025-03``); year ``2025``.
Shared by extraction output, the API and the CLI so they never disagree.
"""
from __future__ import annotations

import calendar
import datetime as dt

PRECISIONS = ("day", "week", "month", "season", "year")


def format_bounds(start: dt.date, end: dt.date, precision: str) -> tuple[str, str]:
    """The (start, end) strings of the span ``start``..``end`` at ``precision``."""
    if precision in ("day", "week"):
        return start.isoformat(), end.isoformat()
    if precision in ("month", "season"):
        return f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"
    if precision == "year":
        return f"{start.year:04d}", f"{end.year:04d}"
    raise ValueError(f"unknown precision {precision!r}")


def last_day_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def enclosing_span(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the week, month, season (quarter) or year holding
    ``day``; a day is its own span."""
    if precision == "day":
        return day, day
    if precision == "week":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    if precision == "month":
        return day.replace(day=1), last_day_of_month(day.year, day.month)
    if precision == "season":
        first = 3 * ((day.month - 1) // 3) + 1
        return dt.date(day.year, first, 1), last_day_of_month(day.year, first + 2)
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(f"unknown precision {precision!r}")


def parse_bound(value: str, end: bool = False) -> dt.date:
    """An ISO value at any precision (``2025``, ``2025-02``, ``2025-02-06``) → its
    first day, or its last day when ``end``.  Raises ValueError otherwise."""
    parts = value.strip().split("-")
    if len(parts) == 1 and len(parts[0]) == 4 and parts[0].isdigit():
        year = int(parts[0])
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2 and all(p.isdigit() for p in parts):
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12:
            raise ValueError(f"{value!r}: month out of range")
        return last_day_of_month(year, month) if end else dt.date(year, month, 1)
    return dt.date.fromisoformat(value.strip())
