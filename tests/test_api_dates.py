"""Reading from/to: ISO forms, partial dates, English and Chinese phrases, each
the whole period it names."""
from __future__ import annotations

import datetime as dt

import pytest

from timeline.timedates import Span, parse_span

D = dt.date
REFERENCE = D(2024, 3, 13)  # a Wednesday


@pytest.mark.parametrize("text, span", [
    ("2025", Span(D(2025, 1, 1), D(2025, 12, 31), "year")),
    ("2024-02", Span(D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("2025-2", Span(D(2025, 2, 1), D(2025, 2, 28), "month")),
    ("2025-02-06", Span(D(2025, 2, 6), D(2025, 2, 6), "day")),
    ("2025-W07", Span(D(2025, 2, 10), D(2025, 2, 16), "week")),
    ("2024-W01", Span(D(2024, 1, 1), D(2024, 1, 7), "week")),
    ("2025-Q4", Span(D(2025, 10, 1), D(2025, 12, 31), "season")),
    (" 2025 ", Span(D(2025, 1, 1), D(2025, 12, 31), "year")),
])
def test_iso_forms(text, span):
    assert parse_span(text, REFERENCE) == span


@pytest.mark.parametrize("text, span", [
    ("today", Span(D(2024, 3, 13), D(2024, 3, 13), "day")),
    ("yesterday", Span(D(2024, 3, 12), D(2024, 3, 12), "day")),
    ("last week", Span(D(2024, 3, 4), D(2024, 3, 10), "week")),
    ("this week", Span(D(2024, 3, 11), D(2024, 3, 17), "week")),
    ("next week", Span(D(2024, 3, 18), D(2024, 3, 24), "week")),
    ("last month", Span(D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("this month", Span(D(2024, 3, 1), D(2024, 3, 31), "month")),
    ("last year", Span(D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("last quarter", Span(D(2023, 10, 1), D(2023, 12, 31), "season")),
    ("this quarter", Span(D(2024, 1, 1), D(2024, 3, 31), "season")),
    ("February 2025", Span(D(2025, 2, 1), D(2025, 2, 28), "month")),
    ("Feb 6, 2025", Span(D(2025, 2, 6), D(2025, 2, 6), "day")),
    ("3 days ago", Span(D(2024, 3, 10), D(2024, 3, 10), "day")),
])
def test_english_phrases_are_whole_periods(text, span):
    assert parse_span(text, REFERENCE) == span


@pytest.mark.parametrize("text, span", [
    ("2025年2月", Span(D(2025, 2, 1), D(2025, 2, 28), "month")),
    ("上周", Span(D(2024, 3, 4), D(2024, 3, 10), "week")),
    ("去年", Span(D(2023, 1, 1), D(2023, 12, 31), "year")),
    ("上个月", Span(D(2024, 2, 1), D(2024, 2, 29), "month")),
    ("二〇二四年五月", Span(D(2024, 5, 1), D(2024, 5, 31), "month")),
    ("2月5日至8日", Span(D(2024, 2, 5), D(2024, 2, 8), "day")),
    ("上半年", Span(D(2024, 1, 1), D(2024, 6, 30), "season")),
])
def test_chinese_phrases_go_through_the_project_resolver(text, span):
    assert parse_span(text, REFERENCE) == span


@pytest.mark.parametrize("text, message", [
    ("", "empty date"),
    ("2025-13", "not a valid date: '2025-13'"),
    ("2025-02-30", "not a valid date: '2025-02-30'"),
    ("someday", "not a date, partial date or date phrase: 'someday'"),
    ("十二日战争", "not a date, partial date or date phrase: '十二日战争'"),
    ("四个半小时", "not a date, partial date or date phrase: '四个半小时'"),
])
def test_non_dates_are_refused(text, message):
    with pytest.raises(ValueError) as error:
        parse_span(text, REFERENCE)
    assert str(error.value) == message
