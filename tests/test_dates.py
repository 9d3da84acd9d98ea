"""The Chinese temporal-expression resolver (timeline.extract.dates).

The bulk of the behaviour is pinned by tests/data/dates_cases.jsonl: news-style
sentences, each with its reference date and the exact expressions, spans and
precisions expected (an empty list for text that names no date).  The set was
written before the resolver, so it is not fitted to it.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main
from timeline.extract.calendar_zh import festival_date
from timeline.extract.dates import DateResolver, resolve_dates
from timeline.extract.numerals import parse_number

CASES_PATH = Path(__file__).parent / "data" / "dates_cases.jsonl"
CASES = [json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def _found(text: str, base: str, taiwan: bool = False) -> list[dict]:
    return [d.to_json() for d in resolve_dates(text, dt.date.fromisoformat(base), taiwan=taiwan)]


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}-{c['cat']}" for i, c in enumerate(CASES)])
def test_case(case: dict) -> None:
    found = _found(case["text"], case["base"], case.get("taiwan", False))
    for item in found:
        start, end = item["offset"]
        assert case["text"][start:end] == item["text"]
    got = [{k: item[k] for k in ("text", "start", "end", "precision")} for item in found]
    assert got == case["expected"]


def test_case_set_is_large_and_covers_every_category() -> None:
    cats = {c["cat"] for c in CASES}
    assert len([c for c in CASES if not c.get("regression")]) >= 150
    assert {"absolute", "bare-day", "bare-month", "taiwan", "festival", "zone", "relative-day", "week",
            "relative-month", "relative-year", "range", "part", "anaphora", "since", "numerals", "decade",
            "non-date"} <= cats


# --- the result object and its JSON ------------------------------------------

def test_to_json_day() -> None:
    (d,) = resolve_dates("2025年3月5日，议会开幕。", dt.date(2025, 3, 10))
    item = d.to_json()
    assert isinstance(item.pop("rule"), str) and d.rule
    assert item == {"text": "2025年3月5日", "offset": [0, 9], "start": "2025-03-05", "end": "2025-03-05",
                    "precision": "day", "anchor": "absolute", "since": False, "future": False, "fiscal": False}


@pytest.mark.parametrize("text,start,end,precision", [
    ("上周", "2025-02-10", "2025-02-16", "week"),
    ("去年6月", "2024-06", "2024-06", "month"),
    ("今年上半年", "2025-01", "2025-06", "season"),
    ("2019年", "2019", "2019", "year"),
    ("2023年3月以来", "2023-03", "2025-02-18", "month"),
])
def test_to_json_values_at_precision(text: str, start: str, end: str, precision: str) -> None:
    (d,) = resolve_dates(text, dt.date(2025, 2, 18))
    item = d.to_json()
    assert (item["start"], item["end"], item["precision"]) == (start, end, precision)


def test_first_and_last_day_of_the_span() -> None:
    (d,) = resolve_dates("2024年2月", dt.date(2025, 2, 18))
    assert (d.start_date, d.end_date) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    (d,) = resolve_dates("今年一季度", dt.date(2025, 2, 18))
    assert (d.start_date, d.end_date) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))


def test_anchor_names_what_the_value_depends_on() -> None:
    found = resolve_dates("2019年，该国退出条约；4日，同年6月。", dt.date(2025, 3, 10))
    assert [(d.text, d.anchor) for d in found] == [("2019年", "absolute"), ("4日", "reference"),
                                                   ("同年6月", "previous")]


def test_future_flag_is_relative_to_the_reference() -> None:
    found = resolve_dates("伊朗和美国官员4日确认，伊美将于6日举行谈判。", dt.date(2026, 2, 5))
    assert [(d.text, d.future) for d in found] == [("4日", False), ("6日", True)]


def test_since_runs_to_the_reference_date() -> None:
    (d,) = resolve_dates("2025年12月以来，执法行动持续。", dt.date(2026, 2, 5))
    assert d.since and (d.start_date, d.end_date) == (dt.date(2025, 12, 1), dt.date(2026, 2, 5))


def test_fiscal_year_is_flagged_but_not_a_date() -> None:
    found = DateResolver(dt.date(2025, 2, 12)).resolve("通过2025年度预算案")
    assert [(d.text, d.fiscal, d.is_date, d.start_date) for d in found] == [("2025年度", True, False, None)]
    assert resolve_dates("通过2025年度预算案", dt.date(2025, 2, 12)) == []
    assert found[0].to_json()["start"] is None


# --- the stateful resolver: one section, sentence by sentence -----------------

def test_resolver_keeps_the_last_date_across_sentences() -> None:
    resolver = DateResolver(dt.date(2026, 2, 5))
    assert [d.text for d in resolver.resolve("去年，在阿曼斡旋下，伊朗和美国举行了五轮间接谈判。")] == ["去年"]
    (d,) = resolver.resolve("同年6月，以色列突袭伊朗引发双方“12日战争”。")
    assert (d.text, d.to_json()["start"], d.anchor) == ("同年6月", "2025-06", "previous")


def test_resolver_day_anaphora_across_sentences() -> None:
    resolver = DateResolver(dt.date(2025, 3, 10))
    resolver.resolve("代表团3月1日抵达东京。")
    (d,) = resolver.resolve("次日，双方举行会谈。")
    assert d.start_date == dt.date(2025, 3, 2)
    (d,) = resolver.resolve("当天，双方发表联合声明。")
    assert d.start_date == dt.date(2025, 3, 2)


def test_non_dates_do_not_become_the_previous_date() -> None:
    resolver = DateResolver(dt.date(2025, 3, 10))
    resolver.resolve("2019年，该国退出条约。")
    resolver.resolve("通过2025年度预算案，会议持续了四个半小时。")
    (d,) = resolver.resolve("同年，邻国也宣布退出。")
    assert d.start_date == dt.date(2019, 1, 1)


def test_one_shot_form_has_no_memory_unless_given_previous() -> None:
    reference = dt.date(2025, 3, 10)
    resolve_dates("2019年", reference)
    (d,) = resolve_dates("同年6月", reference)
    assert (d.start_date, d.anchor) == (dt.date(2025, 6, 1), "reference")
    (previous,) = resolve_dates("2019年", reference)
    (d,) = resolve_dates("同年6月", reference, previous=previous)
    assert (d.start_date, d.anchor) == (dt.date(2019, 6, 1), "previous")


def test_taiwan_years_only_when_asked() -> None:
    reference = dt.date(2025, 1, 10)
    assert [d.text for d in resolve_dates("行政院113年3月通過該法案。", reference, taiwan=True)] == ["113年3月"]
    assert all("113年" not in d.text for d in resolve_dates("行政院113年3月通過該法案。", reference))


def test_offsets_point_into_the_original_traditional_text() -> None:
    text = "他說，兩國下週將在當地時間5日舉行會談。"
    found = resolve_dates(text, dt.date(2025, 2, 18))
    assert [(d.text, text[d.start:d.end]) for d in found] == [("下週", "下週"), ("5日", "5日")]


# --- numerals and the lunar calendar -------------------------------------------

@pytest.mark.parametrize("token,value", [
    ("2025", 2025), ("二〇二五", 2025), ("二零二四", 2024), ("一九四九", 1949), ("十", 10), ("十二", 12),
    ("二十三", 23), ("廿三", 23), ("卅", 30), ("卅一", 31), ("两", 2), ("一百一十三", 113), ("三十", 30),
])
def test_parse_number(token: str, value: int) -> None:
    assert parse_number(token) == value


def test_parse_number_rejects_what_is_not_a_number() -> None:
    assert parse_number("") is None
    assert parse_number("几") is None


# Spring Festival (正月初一), 2000-2035, from published almanacs.
SPRING_FESTIVAL = {
    2000: "02-05", 2001: "01-24", 2002: "02-12", 2003: "02-01", 2004: "01-22", 2005: "02-09",
    2006: "01-29", 2007: "02-18", 2008: "02-07", 2009: "01-26", 2010: "02-14", 2011: "02-03",
    2012: "01-23", 2013: "02-10", 2014: "01-31", 2015: "02-19", 2016: "02-08", 2017: "01-28",
    2018: "02-16", 2019: "02-05", 2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22",
    2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13",
    2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19", 2035: "02-08",
}
# Mid-Autumn Festival (八月十五), 2000-2035.
MID_AUTUMN = {
    2000: "09-12", 2001: "10-01", 2002: "09-21", 2003: "09-11", 2004: "09-28", 2005: "09-18",
    2006: "10-06", 2007: "09-25", 2008: "09-14", 2009: "10-03", 2010: "09-22", 2011: "09-12",
    2012: "09-30", 2013: "09-19", 2014: "09-08", 2015: "09-27", 2016: "09-15", 2017: "10-04",
    2018: "09-24", 2019: "09-13", 2020: "10-01", 2021: "09-21", 2022: "09-10", 2023: "09-29",
    2024: "09-17", 2025: "10-06", 2026: "09-25", 2027: "09-15", 2028: "10-03", 2029: "09-22",
    2030: "09-12", 2031: "10-01", 2032: "09-19", 2033: "09-08", 2034: "09-27", 2035: "09-16",
}


@pytest.mark.parametrize("name,table", [("春节", SPRING_FESTIVAL), ("中秋", MID_AUTUMN)])
def test_lunar_festivals_2000_2035(name: str, table: dict[int, str]) -> None:
    wrong = {year: festival_date(name, year).isoformat() for year, md in table.items()
             if festival_date(name, year) != dt.date.fromisoformat(f"{year}-{md}")}
    assert wrong == {}


# Qingming (a solar term), 2000-2035: 4 April in these years, else 5 April.
QINGMING_4_APRIL = {2000, 2004, 2008, 2009, 2012, 2013, 2016, 2017, 2020, 2021, 2024, 2025, 2028, 2029, 2032, 2033}
QINGMING = {year: "04-04" if year in QINGMING_4_APRIL else "04-05" for year in range(2000, 2036)}


def test_qingming_2000_2035() -> None:
    wrong = {year: festival_date("清明", year) for year, md in QINGMING.items()
             if festival_date("清明", year) != dt.date.fromisoformat(f"{year}-{md}")}
    assert wrong == {}


def test_new_years_eve_is_the_day_before_spring_festival() -> None:
    assert festival_date("除夕", 2025) == dt.date(2025, 1, 28)
    assert festival_date("除夕", 2024) == dt.date(2024, 2, 9)
    assert festival_date("元宵", 2025) == dt.date(2025, 2, 12)
    assert festival_date("端午", 2025) == dt.date(2025, 5, 31)
    assert festival_date("圣诞", 2025) == dt.date(2025, 12, 25)


# --- the CLI -----------------------------------------------------------------

def test_cli_dates_text() -> None:
    result = CliRunner().invoke(main, ["dates", "本月5日，代表团抵达。", "--base", "2025-03-10"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert [(i["text"], i["offset"], i["start"], i["end"], i["precision"]) for i in items] == [
        ("本月5日", [0, 4], "2025-03-05", "2025-03-05", "day")]


def test_cli_dates_jsonl_resolves_each_line_against_its_own_base() -> None:
    lines = [
        {"text": "去年，两国签署协议。", "base": "2025-03-10"},
        {"text": "同年6月，双方会谈。", "base": "2021-03-10"},
        {"text": "会议持续了四个半小时。", "base": "2025-03-10"},
    ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    result = CliRunner().invoke(main, ["dates", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [[(d["text"], d["start"]) for d in o["dates"]] for o in out] == [
        [("去年", "2024")], [("同年6月", "2021-06")], []]


def test_cli_dates_jsonl_bad_line() -> None:
    stdin = '{"text": "4日", "base": "2025-03-10"}\n{"text": "4日"}\n'
    result = CliRunner().invoke(main, ["dates", "--jsonl"], input=stdin)
    assert result.exit_code != 0
    assert "stdin line 2" in result.output
