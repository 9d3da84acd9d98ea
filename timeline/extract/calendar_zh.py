"""Festival dates and Minguo (ROC) years.

Lunar festivals go through ``lunardate`` (tables for 1900-2099); the test suite
checks its Spring and Mid-Autumn Festivals against the almanac for 2000-2035.
清明 is a solar term (4 or 5 April), computed with the usual 21st-century formula,
also checked for 2000-2035.
A festival "of year Y" is the one falling in Gregorian year Y: 春节 and 除夕 of
2025 are 29 and 28 January 2025 (除夕 is the eve of that year's 春节, even though
it is the last day of the previous lunar year).
"""
from __future__ import annotations

import datetime as dt

from lunardate import LunarDate

ROC_EPOCH = 1911  # 民国1年 = 1912

LUNAR = {"春节": (1, 1), "元宵": (1, 15), "端午": (5, 5), "七夕": (7, 7), "中秋": (8, 15), "重阳": (9, 9)}
SOLAR = {"元旦": (1, 1), "劳动节": (5, 1), "国庆": (10, 1), "双十": (10, 10), "双十一": (11, 11), "双十二": (12, 12),
         "平安夜": (12, 24), "圣诞": (12, 25)}
EVE = "除夕"
QINGMING = "清明"
ALIASES = {"农历新年": "春节", "大年三十": EVE, "五一": "劳动节", "双11": "双十一", "双12": "双十二", "双十国庆": "双十"}


def canonical_festival(name: str) -> str | None:
    """``中秋节`` → ``中秋``, ``农历新年`` → ``春节``; None for a name that is not a known festival."""
    if name in ALIASES:
        return ALIASES[name]
    for candidate in (name, name[:-1]):
        if candidate in LUNAR or candidate in SOLAR or candidate in (EVE, QINGMING):
            return candidate
    return None


def festival_date(name: str, year: int) -> dt.date | None:
    """The day of festival ``name`` (any form canonical_festival accepts) in ``year``."""
    key = canonical_festival(name)
    if key is None:
        return None
    if key in SOLAR:
        month, day = SOLAR[key]
        return dt.date(year, month, day)
    if key == QINGMING:
        return _qingming(year)
    if key == EVE:
        spring = festival_date("春节", year)
        return spring - dt.timedelta(days=1) if spring else None
    return lunar_to_solar(year, *LUNAR[key])


def _qingming(year: int) -> dt.date | None:
    """清明 in 2001-2099: day = [Y·0.2422 + 4.81] - [Y/4], Y the last two digits (4.81 is
    the 21st-century constant; 2000 uses the same day as the formula gives for Y=0)."""
    if not 2000 <= year <= 2099:
        return None
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def lunar_to_solar(year: int, month: int, day: int) -> dt.date | None:
    """Day ``day`` of (non-leap) lunar month ``month`` of lunar year ``year``; None outside 1900-2099
    or for a day the month does not have (三十 of a 29-day month)."""
    try:
        return LunarDate(year, month, day).toSolarDate()
    except ValueError:
        return None


def roc_to_gregorian(roc_year: int) -> int:
    return ROC_EPOCH + roc_year
