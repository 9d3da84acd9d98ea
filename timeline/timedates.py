"""Reading the API's ``from``/``to``: a value becomes the whole span it names.

``2025`` is the year, ``2025-02`` the month, ``last week`` the Monday..Sunday
before this one (writing spans out is :mod:`timeline.dateformat`'s job).  ISO
forms are read here; English phrases go through dateparser, whose ``period``
tells the granularity; Chinese phrases go through the project's own resolver,
because dateparser misreads Chinese (it takes ``2019年`` for "2019 years ago").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from timeline.dateformat import PRECISIONS, last_day_of_month

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_RELATIVE_QUARTER = re.compile(r"^(last|previous|this|current|next)\s+quarter$", re.IGNORECASE)
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Span:
    """The days ``start``..``end`` (both included) at ``precision``."""

    start: dt.date
    end: dt.date
    precision: str


def today() -> dt.date:
    """The reference date of relative phrases (a function so tests can pin it)."""
    return dt.date.today()


# --- whole periods ------------------------------------------------------------

def month_span(year: int, month: int) -> Span:
    return Span(dt.date(year, month, 1), last_day_of_month(year, month), "month")


def quarter_span(year: int, quarter: int) -> Span:
    first = 3 * (quarter - 1) + 1
    return Span(dt.date(year, first, 1), month_span(year, first + 2).end, "season")


def week_span(day: dt.date) -> Span:
    monday = day - dt.timedelta(days=day.weekday())
    return Span(monday, monday + dt.timedelta(days=6), "week")


def year_span(year: int) -> Span:
    return Span(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def period_span(day: dt.date, period: str) -> Span:
    """The whole ``period`` (day/week/month/year) that contains ``day``."""
    if period == "week":
        return week_span(day)
    if period == "month":
        return month_span(day.year, day.month)
    if period == "year":
        return year_span(day.year)
    return Span(day, day, "day")


# --- reading from/to ----------------------------------------------------------

def parse_span(text: str, reference: dt.date | None = None) -> Span:
    """The span named by ``text``; ``ValueError`` when it names none.

    ``reference`` anchors relative phrases (default: :func:`today`).
    """
    value = text.strip()
    if not value:
        raise ValueError("empty date")
    reference = reference or today()
    span = _parse_iso(value)
    if span is None:
        span = _parse_chinese(value, reference) if _CJK.search(value) else _parse_english(value, reference)
    if span is None:
        raise ValueError(f"not a date, partial date or date phrase: {value!r}")
    return span


def _parse_iso(value: str) -> Span | None:
    try:
        if match := _YEAR.match(value):
            return year_span(int(match.group(1)))
        if match := _MONTH.match(value):
            return month_span(int(match.group(1)), int(match.group(2)))
        if _DAY.match(value):
            day = dt.date.fromisoformat(value)
            return Span(day, day, "day")
        if match := _ISO_WEEK.match(value):
            return week_span(dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1))
        if match := _QUARTER.match(value):
            return quarter_span(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise ValueError(f"not a valid date: {value!r}") from None
    return None


def _parse_chinese(value: str, reference: dt.date) -> Span | None:
    """Chinese phrases through the project's resolver; several expressions
    (2025年2月至3月) give the span that covers them all."""
    from timeline.extract.dates import resolve_dates

    found = resolve_dates(value, reference)
    if not found:
        return None
    precision = found[0].precision if len(found) == 1 else _coarsest(d.precision for d in found)
    return Span(min(d.start_date for d in found), max(d.end_date for d in found), precision)


def _coarsest(precisions: Any) -> str:
    return max(precisions, key=PRECISIONS.index)


def _parse_english(value: str, reference: dt.date) -> Span | None:
    """English and numeric phrases through dateparser, widened to the period it
    reports: ``last month`` is the whole of last month, not one day in it."""
    if match := _RELATIVE_QUARTER.match(value):
        step = {"last": -1, "previous": -1, "next": 1}.get(match.group(1).lower(), 0)
        index = reference.year * 4 + (reference.month - 1) // 3 + step
        return quarter_span(index // 4, index % 4 + 1)
    from dateparser.date import DateDataParser

    settings = {"RELATIVE_BASE": dt.datetime.combine(reference, dt.time()), "PREFER_DATES_FROM": "past"}
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(value)
    if data.date_obj is None:
        return None
    return period_span(data.date_obj.date(), data.period or "day")
