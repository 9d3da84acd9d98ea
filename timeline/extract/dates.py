"""Chinese temporal expressions: find them in a sentence and resolve them to dates.

How it works
------------
1. The sentence is folded (:func:`timeline.extract.textnorm.simplify_chars`): simplified
   characters, ASCII digits and punctuation, same length, so every offset found
   is an offset into the text as written.
2. A table of rules (``_RULES``), each a regular expression and a small parse
   function, proposes *atoms*: 2025年12月, 4日, 上周三, 春节, 八年前, 同年6月…
   Leftmost-longest atoms win; atoms after 每/每逢 (frequency) are dropped.
3. Atoms combine: ``A至B`` ranges of calendar dates (the end may leave out what
   the start says: 2月10日—16日), openings (``X以来``, ``自X起``, ``从X开始``,
   ``X至今``) and a weekday with its date in brackets (周二（2月18日）).
4. Each expression is resolved in text order against the reference date (the
   section's dateline) and the last date resolved before it (同年, 当天, 次日).

Decisions (GUIDELINES.md gives the value formats)
-------------------------------------------------
* A unit the text leaves out is chosen among the reference's period and its two
  neighbours: a bare day (4日) among the previous, current and next month, a
  month (7月) or month-day (1月21日) or festival (春节) among the previous,
  current and next year, a weekday (周三) among last, this and next week.  The
  current period wins unless the previous one is closer to the reference, or the
  next one is closer and within a short window (7 days for a day, 2 for a
  weekday, 62 for a month or festival): 28日 on 2 March is 28 February, 2日 on
  30 December is 2 January, 7月 in February is this July.  A future marker just
  before the expression (将于, 拟, 预计, 计划, 推迟至…) keeps only candidates not
  yet over; a past marker (已于, 曾, 早在) only those already begun.
* Parts of periods never invent a day: 月初/中旬/月底 are the month; 年初 (Jan-Mar),
  年中 (Jun-Jul), 年底/年末 (Oct-Dec), 上/下半年, quarters and seasons (春 Mar-May …
  冬 Dec-Feb) are "season" spans of months.  Without a year they are the
  reference's year (month parts: the reference's month).
* Decades (90年代, 上世纪80年代) are year spans 1990..1999 at precision "year".
* Openings run from the start of X to the reference date (start written at X's
  precision, end as a day); an opening whose X is still in the future is X
  itself, flagged ``since``.  过去3年 / 近两年来 / 20年来 (an explicit count) run
  from the reference minus the count to the reference, precision "day"; vague
  counts (过去几个月, 近年来, 多年来) and bare durations (3天, 四个半小时) are no date.
* N天前/N年前 count from the reference; N天后/N年后 from the last date resolved
  (两年后 after 2019年 is 2021), else from the reference.
* A day qualified by a time zone (美东时间13日) keeps the stated day; the zone is
  not part of the span.  Taiwan's 今（18）日 is the stated day.
* A bare 周末 is the week of the nearest weekend (chosen like a weekday), at week
  precision like 本周末.  A bare N号 is a day only next to a time of day, a range
  or an opening (15号上午, 15号到17号), never in 3号线 or 5号楼.  A two-digit year
  is read only before a month (15年3月 → 2015-03).
* Festivals: lunar ones (春节, 除夕, 元宵, 端午, 七夕, 中秋, 重阳) and lunar dates
  (正月初一, 农历八月十五, 腊月二十三) through lunardate; 清明 by its solar-term
  formula; fixed ones (元旦, 五一, 国庆 — 10 October with ``taiwan=True`` —,
  双十一, 圣诞).
* Not dates: N日战争 (a war's name), 第3日, 每年/每周三/每月15日, 今日俄罗斯-style
  outlet names, event names written as month·day (“9·11”), another country's
  national day (美国国庆日), fiscal years (2025年度, 2025财年: returned by
  :class:`DateResolver` flagged ``fiscal`` and without a date, left out by
  :func:`resolve_dates`), and bare 2-3 digit years except in Taiwan text
  (``taiwan=True``: 113年 = 民国113年 = 2024).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from timeline.dateformat import format_bounds
from timeline.extract.calendar_zh import canonical_festival, festival_date, lunar_to_solar, roc_to_gregorian
from timeline.extract.numerals import parse_number
from timeline.extract.textnorm import simplify_chars as fold

__all__ = ["DateResolver", "TemporalExpression", "resolve_dates"]


# --- results ---------------------------------------------------------------

@dataclass
class TemporalExpression:
    """One temporal expression: where it is, what it means, how it was resolved.

    ``start``/``end`` are character offsets into the text as written;
    ``start_date``/``end_date`` are the first and last day of the span (None for
    a fiscal year, which is flagged but is not a calendar date).  ``anchor`` says
    what the value depends on: ``absolute`` (nothing), ``reference`` (the
    dateline) or ``previous`` (the last date resolved before it).
    """

    text: str
    start: int
    end: int
    start_date: dt.date | None
    end_date: dt.date | None
    precision: str
    rule: str
    anchor: str
    since: bool = False
    fiscal: bool = False
    future: bool = False

    @property
    def is_date(self) -> bool:
        return self.start_date is not None

    def to_json(self) -> dict:
        """The CLI/API form; an opening's end (the reference date) is written as a day."""
        if self.start_date is None or self.end_date is None:
            start = end = None
        else:
            start, end = format_bounds(self.start_date, self.end_date, self.precision)
            if self.since and not self.future:
                end = self.end_date.isoformat()
        return {"text": self.text, "offset": [self.start, self.end], "start": start, "end": end,
                "precision": self.precision, "rule": self.rule, "anchor": self.anchor,
                "since": self.since, "future": self.future, "fiscal": self.fiscal}


@dataclass(frozen=True)
class _Span:
    start: dt.date
    end: dt.date
    precision: str
    anchor: str


@dataclass(frozen=True)
class _Ctx:
    reference: dt.date
    previous: _Span | None
    bias: str | None  # "future", "past" or None
    pivot: dt.date | None = None  # where a unit the text leaves out is chosen around (a range's start)

    @property
    def around(self) -> dt.date:
        return self.pivot or self.reference


_Value = Callable[[_Ctx], "_Span | None"]
_YearOf = Callable[[_Ctx], "tuple[int, str] | None"]  # ctx -> (year, anchor)

# How far into the next period an unmarked expression may reach (days); see the module docstring.
_WINDOW_DAY = 7  # 2日 on 30 December is 2 January
_WINDOW_WEEKDAY = 2  # 周一 on a Sunday is tomorrow
_WINDOW_YEAR = 62  # 1月 or 元旦 in late December is next January


# --- calendar arithmetic ---------------------------------------------------

def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _add_months(day: dt.date, k: int) -> dt.date:
    year, month = _shift_month(day.year, day.month, k)
    return dt.date(year, month, min(day.day, _last_day(year, month)))


def _add_years(day: dt.date, k: int) -> dt.date:
    return _add_months(day, 12 * k)


def _date(year: int, month: int, day: int) -> dt.date | None:
    if 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= _last_day(year, month):
        return dt.date(year, month, day)
    return None


def _day_span(day: dt.date | None, anchor: str) -> _Span | None:
    return _Span(day, day, "day", anchor) if day else None


def _month_span(year: int, month: int, anchor: str) -> _Span:
    return _Span(dt.date(year, month, 1), dt.date(year, month, _last_day(year, month)), "month", anchor)


def _months_span(year: int, first: int, last: int, anchor: str) -> _Span:
    """Months ``first``..``last`` of ``year``; ``last`` > 12 runs into the next year (冬)."""
    end_year, end_month = _shift_month(year, last, 0) if last <= 12 else _shift_month(year + 1, last - 12, 0)
    return _Span(dt.date(year, first, 1), dt.date(end_year, end_month, _last_day(end_year, end_month)),
                 "season", anchor)


def _year_span(year: int, anchor: str, last_year: int | None = None) -> _Span | None:
    if not 1 <= year <= 9999:
        return None
    return _Span(dt.date(year, 1, 1), dt.date(last_year or year, 12, 31), "year", anchor)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_span(day: dt.date, anchor: str) -> _Span:
    monday = _monday(day)
    return _Span(monday, monday + dt.timedelta(days=6), "week", anchor)


def _distance(span: _Span, reference: dt.date) -> int:
    if span.start > reference:
        return (span.start - reference).days
    if span.end < reference:
        return (reference - span.end).days
    return 0


def _choose(make: Callable[[int], _Span | None], ctx: _Ctx, window: int) -> _Span | None:
    """The reading of an under-specified expression among the reference's period
    (k=0) and its neighbours (k=-1, +1); see the module docstring."""
    ref = ctx.around
    valid = {k: span for k in (-1, 0, 1) if (span := make(k)) is not None}
    if not valid:
        return None
    if ctx.bias:
        pool = {k: s for k, s in valid.items()
                if (s.end >= ref if ctx.bias == "future" else s.start <= ref)} or valid
        return min(pool.items(), key=lambda item: (_distance(item[1], ref), abs(item[0])))[1]
    best = valid.get(0)
    previous, following = valid.get(-1), valid.get(1)
    if previous and (best is None or _distance(previous, ref) < _distance(best, ref)):
        best = previous
    if following and _distance(following, ref) <= window and (
            best is None or _distance(following, ref) < _distance(best, ref)):
        best = following
    return best or following


# --- pattern pieces (matched on folded text) ---------------------------------

_CN_NUMERAL = "〇零一二两三四五六七八九十百千廿卅"
_NOT_AFTER_NUMBER = rf"(?<![\d./{_CN_NUMERAL}几数第每多])"
_YEAR4 = r"\d{4}|[〇零一二三四五六七八九]{4}"
_MONTH_NUM = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DAY_NUM_BARE = r"3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[二三四五六七八九]"
_DAY_NUM = _DAY_NUM_BARE + "|一"  # a lone 一日 is "one day" unless a month precedes it
_COUNT = r"\d{1,3}|[一二两三四五六七八九十百]+"
_SEP = r"\s*(?:到|至|——|—|–|-|~)\s*"

# Single characters that end a part-of-period word unless they start a word of their own:
# 3月初 but 2月初步; 3月中旬 and 6月中 but 3月中国, 2022年中期; 年底 but 底线.
_AFTER_INITIAL = r"(?!步|次|期|始|衷|心|级|审|赛|稿|版|选|创|恋|见|露|具|犯|学|中)"
_AFTER_MIDDLE = (r"(?![国方美俄日欧东央英法德韩朝印巴非亚拉西北南外资企共文医药华小大学期部心级层型断止转场"
                 r"伊以叙土沙乌越泰菲澳加墨古新老间等将])")
_AFTER_BOTTOM = r"(?!线|层|部|牌|座|气|子|板|盘|价|蕴|细|下|片|薪)"
_AFTER_LAST = r"(?!期|代|日|端|班|尾|位|梢|流|路)"
# 日 also abbreviates Japan (日本, 日美, 日方) and starts 日元 (yen): 说明日本 holds no 明日.
_NOT_JAPAN = r"(?!本|美|韩|俄|方|元|圆|经|欧|印|澳|菲|朝|企|军|相|媒|中(?!午))"
_AFTER_SEASON = r"(?!奥|残奥|运动|达沃斯|攻势|学期|赛|风暴|论坛|峰会|时装|作物|服装|用品|招聘|校|高考)"

_YEAR = (rf"(?:(?<!\d)(?P<y>{_YEAR4})|民国\s*(?P<roc>\d{{1,3}}|[〇零一二三四五六七八九十百]+)"
         r"|(?<![\d.])(?P<rocb>\d{2,3}))\s*年(?!度|代|级|龄|纪|轻|多|以上|之久|有余|左右|的历史|历史|来|财)")
_YEAR_WORD = (r"(?P<yrel>大前年|大后年|今年|去年|明年|(?<![提之以目日此])前年|(?<![以此之然前最今])后年|本年"
              r"|同一?年|(?<!想)当年|那一?年|前一年|次年|翌年|上一年|下一年)(?!龄|级|纪|轻|度)")
_ANY_YEAR = rf"(?:{_YEAR}|{_YEAR_WORD})"
_MONTH = rf"(?P<m>{_MONTH_NUM})\s*月(?:份)?(?!革命|花)"
_MONTH_WORD = r"(?P<mrel>本月|这个月|上个?月|下个?月|同月|当月|次月)"
# A day ends here unless 日 begins a war's name (12日战争), a duration (3日内, 3日来), a tour (一日游) or yen (日元).
_DAY_END = r"(?!战|之战|游|内|以内|之内|来|间|元|圆)"
_DAY = rf"(?P<d>{_DAY_NUM})\s*(?P<dm>[日号]){_DAY_END}"
_MONTH_PART = (rf"(?P<mp>上旬|中下旬|上中旬|中旬|下旬|初{_AFTER_INITIAL}|中{_AFTER_MIDDLE}|底{_AFTER_BOTTOM}"
               rf"|末{_AFTER_LAST})")
_YEAR_PART = (rf"(?P<yp>年初{_AFTER_INITIAL}|年中{_AFTER_MIDDLE}|年底{_AFTER_BOTTOM}|年末{_AFTER_LAST}|上半年|下半年"
              r"|前[二两三]季度|前(?:1[01]|[2-9]|十一|[二两三四五六七八九十])个月|第?[一二三四1-4]季度"
              rf"|[春夏秋冬][季天]{_AFTER_SEASON}|初{_AFTER_INITIAL}|中{_AFTER_MIDDLE}|底{_AFTER_BOTTOM}|末{_AFTER_LAST})")
_FESTIVAL = (r"(?P<fest>春节|除夕|农历新年|大年三十|元旦|平安夜|劳动节|圣诞节|双十[一二]|双1[12](?!\d)|双十节|双十国庆|清明节"
             r"|圣诞(?=假|期间|前|当|夜)"
             r"|(?<![\d一二三四五六七八九十])五一(?=假|期间|前|后|当天|黄金周|长假|小长假)"
             r"|(?:元宵|端午|中秋|七夕|重阳|国庆|清明)(?:节|日|(?=假|期间|前|后|当|夜|晚|[,.;:!?、。\s]|$)))")


# --- parsing atoms -----------------------------------------------------------

@dataclass(frozen=True)
class _Options:
    taiwan: bool


_YEAR_WORDS = {  # word: (relative to, offset, falls back to the reference when nothing came before)
    "今年": ("reference", 0, True), "本年": ("reference", 0, True), "去年": ("reference", -1, True),
    "上一年": ("reference", -1, True), "前年": ("reference", -2, True), "大前年": ("reference", -3, True),
    "明年": ("reference", 1, True), "下一年": ("reference", 1, True), "后年": ("reference", 2, True),
    "大后年": ("reference", 3, True), "同年": ("previous", 0, True), "同一年": ("previous", 0, True),
    "当年": ("previous", 0, False), "那年": ("previous", 0, False), "那一年": ("previous", 0, False),
    "前一年": ("previous", -1, True), "次年": ("previous", 1, True), "翌年": ("previous", 1, True),
}
_MONTH_WORDS = {  # same shape as _YEAR_WORDS
    "本月": ("reference", 0, True), "这个月": ("reference", 0, True), "上月": ("reference", -1, True),
    "上个月": ("reference", -1, True), "下月": ("reference", 1, True), "下个月": ("reference", 1, True),
    "同月": ("previous", 0, True), "当月": ("previous", 0, True), "次月": ("previous", 1, True),
}
_ROC_BARE_BEFORE = ("有", "达", "逾", "近", "约", "过", "满", "第", "每", "数", "前", "后", "已", "判", "刑", "为",
                    "了", "这", "那", "长", "历时", "超过")
_ROC_BARE_AFTER = ("来", "前", "后", "内", "间", "多", "半", "以", "左", "之", "历", "的历", "了", "徒", "期")


def _relative(word_table: dict, word: str, ctx: _Ctx) -> tuple[dt.date, int, str] | None:
    """(base day, offset, anchor) for a word counted from the reference or the previous date."""
    base, offset, falls_back = word_table[word]
    if base == "previous" and ctx.previous is not None:
        return ctx.previous.start, offset, "previous"
    if base == "previous" and not falls_back:
        return None
    return ctx.reference, offset, "reference"


def _year_getter(g: dict, folded: str, m: re.Match, opts: _Options) -> _YearOf | None | Literal[False]:
    """A function ctx -> (year, anchor) | None for the year the match names;
    None when it names no year; False when the match is not a year at all."""
    if g.get("y"):
        year = parse_number(g["y"])
        return lambda ctx: (year, "absolute")
    if g.get("roc"):
        roc = parse_number(g["roc"])
        return (lambda ctx: (roc_to_gregorian(roc), "absolute")) if roc else False
    if g.get("rocb"):
        start = m.start("rocb")
        year_end = folded.index("年", m.end("rocb")) + 1
        if folded[max(0, start - 2):start].endswith(_ROC_BARE_BEFORE) \
                or folded[year_end:year_end + 2].startswith(_ROC_BARE_AFTER):
            return False
        number = int(g["rocb"])
        if opts.taiwan:  # 民国20年 (1931) up to ten years ahead of the reference
            return lambda ctx: (roc_to_gregorian(number), "absolute") \
                if 20 <= number and roc_to_gregorian(number) <= ctx.reference.year + 10 else None
        if len(g["rocb"]) == 2 and g.get("m"):  # 15年3月: a two-digit year, the latest not after next year
            return lambda ctx: (2000 + number if 2000 + number <= ctx.reference.year + 1 else 1900 + number,
                                "reference")
        return False
    if g.get("yrel"):
        word = g["yrel"]

        def get(ctx: _Ctx):
            found = _relative(_YEAR_WORDS, word, ctx)
            return None if found is None else (found[0].year + found[1], found[2])
        return get
    return None


def _year_part_months(word: str) -> tuple[int, int]:
    """Months (first, last) of a part of a year: 年初 (1, 3), 下半年 (7, 12), 前三季度 (1, 9),
    前两个月 (1, 2), 冬 (12, 14)."""
    word = word.removeprefix("年") if len(word) > 1 and word[0] == "年" else word
    if word.endswith("个月"):
        return 1, parse_number(word[1:-2])
    if word.endswith("季度"):
        n = parse_number(word[-3])
        return (1, 3 * n) if word.startswith("前") else (3 * n - 2, 3 * n)
    return {"初": (1, 3), "中": (6, 7), "底": (10, 12), "末": (10, 12), "上半年": (1, 6), "下半年": (7, 12),
            "春": (3, 5), "夏": (6, 8), "秋": (9, 11), "冬": (12, 14)}[word[0] if word[0] in "春夏秋冬" else word]


def _calendar(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """Year / month / day / part-of-period expressions (2025年12月, 同年6月, 4日, 3月底, 年初…)."""
    year_of = _year_getter(m.groupdict(), folded, m, opts)
    return None if year_of is False else _calendar_value(m.groupdict(), year_of)


def _calendar_value(g: dict, year_of: _YearOf | None) -> _Value | None:
    """The value of calendar fields: ``g`` holds the month (m, or the word mrel), day
    (d, with its marker dm), part of month (mp) or of year (yp); ``year_of`` comes
    from :func:`_year_getter` (None: the text gives no year)."""
    month = parse_number(g["m"]) if g.get("m") else None
    day = parse_number(g["d"]) if g.get("d") else None
    month_word, year_part, month_part = g.get("mrel"), g.get("yp"), g.get("mp")
    if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
        return None

    def make(year: int, mon: int | None, anchor: str) -> _Span | None:
        if mon is not None and day is not None:
            return _day_span(_date(year, mon, day), anchor)
        if mon is not None:
            return _month_span(year, mon, anchor)
        if year_part:
            return _months_span(year, *_year_part_months(year_part), anchor)
        return _year_span(year, anchor)

    def value(ctx: _Ctx) -> _Span | None:
        ref = ctx.around
        if month_word:
            base, offset, anchor = _relative(_MONTH_WORDS, month_word, ctx)
            year, mon = _shift_month(base.year, base.month, offset)
            return make(year, mon, anchor)
        if year_of is not None:
            found = year_of(ctx)
            return None if found is None else make(found[0], month, found[1])
        if month is not None:
            return _choose(lambda k: make(ref.year + k, month, "reference"), ctx, _WINDOW_YEAR)
        if day is not None:
            return _choose(lambda k: _day_span(_date(*_shift_month(ref.year, ref.month, k), day), "reference"),
                           ctx, _WINDOW_DAY)
        if month_part:
            return _month_span(ref.year, ref.month, "reference")
        return make(ref.year, None, "reference")
    return value


_HAO_AFTER = re.compile(r"上午|下午|晚上|早上|中午|凌晨|傍晚|晚间|起|以来|之前|以前|之后|以后|前后|[到至\-~,;:!?、。]|$")
_HAO_RANGE_BEFORE = re.compile(r"[日号]\s*(?:到|至|-|~)\s*$")


def _numbered_day(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """A bare N号 is a day only where the words around it say so (15号上午, 15号到17号),
    never in 3号线, 5号楼, 1号文件."""
    if _HAO_AFTER.match(folded, m.end()) or _HAO_RANGE_BEFORE.search(folded, max(0, m.start() - 3), m.start()):
        return _calendar(m, folded, opts)
    return None


def _iso(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    day = _date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return (lambda ctx: _Span(day, day, "day", "absolute")) if day else None


def _fiscal(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """2025年度, 2025财年: flagged, never a calendar date (the value is always None)."""
    if _year_getter(m.groupdict(), folded, m, opts) is False:
        return None
    return lambda ctx: None


_BRACKETED_DAY_BIAS = {"今": None, "昨": "past", "前": "past", "明": "future", "后": "future"}


def _bracketed_day(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """今（18）日, 昨（17）日, 明（19）日 (Taiwan news style): the stated day, read as a bare day
    whose tense the word gives."""
    day_value = _calendar_value({"d": m["d"]}, None)
    bias = _BRACKETED_DAY_BIAS[m["bw"]]
    return (lambda ctx: day_value(_Ctx(ctx.reference, ctx.previous, bias))) if day_value else None


_DAY_WORDS = {"今天": 0, "今日": 0, "今晨": 0, "今早": 0, "今晚": 0, "今夜": 0, "昨天": -1, "昨日": -1, "昨晚": -1,
              "昨夜": -1, "昨晨": -1, "前天": -2, "大前天": -3, "明天": 1, "明日": 1, "明晚": 1, "明早": 1,
              "后天": 2, "大后天": 3}


def _relative_day(m: re.Match, folded: str, opts: _Options) -> _Value:
    offset = _DAY_WORDS[m["rd"]]
    return lambda ctx: _day_span(ctx.reference + dt.timedelta(days=offset), "reference")


_ANAPHORA_DAYS = {  # word: (days after the previous date, falls back to the reference without one)
    "当天": (0, True), "当日": (0, True), "当晚": (0, True), "当夜": (0, True), "同日": (0, True),
    "同一天": (0, True), "同一日": (0, True), "那天": (0, False), "那一天": (0, False), "次日": (1, True),
    "翌日": (1, True), "第二天": (1, True), "前一天": (-1, True), "前一日": (-1, True), "前一晚": (-1, True),
}


def _anaphora_day(m: re.Match, folded: str, opts: _Options) -> _Value:
    offset, falls_back = _ANAPHORA_DAYS[m["ana"]]

    def value(ctx: _Ctx) -> _Span | None:
        previous = ctx.previous
        if previous is not None and previous.precision == "day":
            base = previous.end if offset > 0 else previous.start
            return _day_span(base + dt.timedelta(days=offset), "previous")
        if not falls_back:
            return None
        return _day_span(ctx.reference + dt.timedelta(days=offset), "reference")
    return value


_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _week_offset(word: str) -> int | None:
    """上周 -1, 上上周 -2, 本周 0, 下周 +1; None for 当周/同周 (the previous date's week)."""
    if word.startswith(("当", "同")):
        return None
    if word.startswith(("上上", "下下")):
        return -2 if word[0] == "上" else 2
    return {"上": -1, "下": 1}.get(word[0], 0)


def _week(m: re.Match, folded: str, opts: _Options) -> _Value:
    """上周, 本周末, 下周一, 当周: a week (Monday..Sunday), or one day of it."""
    offset = _week_offset(m["wk"])
    weekday = _WEEKDAYS[m["wd"]] if m["wd"] else None

    def value(ctx: _Ctx) -> _Span:
        if offset is None and ctx.previous is not None:
            base, anchor = ctx.previous.start, "previous"
        else:
            base, anchor = ctx.reference + dt.timedelta(weeks=offset or 0), "reference"
        if weekday is None:
            return _week_span(base, anchor)
        return _day_span(_monday(base) + dt.timedelta(days=weekday), anchor)
    return value


def _weekday(m: re.Match, folded: str, opts: _Options) -> _Value:
    """周三, 星期天, 礼拜五 without a week: last, this or next week's, by :func:`_choose`.
    A bare 周末 is chosen the same way (by its Saturday) and is that week, like 本周末."""
    weekend = m["wd"] is None
    weekday = _WEEKDAYS["六"] if weekend else _WEEKDAYS[m["wd"]]

    def value(ctx: _Ctx) -> _Span | None:
        this_week = _monday(ctx.around) + dt.timedelta(days=weekday)
        day = _choose(lambda k: _day_span(this_week + dt.timedelta(weeks=k), "reference"), ctx, _WINDOW_WEEKDAY)
        return _week_span(day.start, "reference") if weekend and day else day
    return value


def _shift(day: dt.date, unit: str, n: int) -> dt.date:
    if unit in ("天", "日"):
        return day + dt.timedelta(days=n)
    if unit in ("周", "星期", "个星期", "礼拜", "个礼拜"):
        return day + dt.timedelta(weeks=n)
    if unit == "个月":
        return _add_months(day, n)
    return _add_years(day, n)


def _unit_span(day: dt.date, unit: str, anchor: str) -> _Span:
    if unit in ("天", "日"):
        return _Span(day, day, "day", anchor)
    if unit == "个月":
        return _month_span(day.year, day.month, anchor)
    if unit == "年":
        return _year_span(day.year, anchor)
    return _week_span(day, anchor)


def _counted(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """八年前, 两天前, 3个月后: counted from the reference (前) or the previous date (后)."""
    n, unit = parse_number(m["n"]), m["u"]
    if not n or unit == "日" and m["n"].isdigit():
        return None  # 3日前 is "before the 3rd"; only 三日前 counts days
    later = m["dir"].endswith("后")

    def value(ctx: _Ctx) -> _Span:
        if later and ctx.previous is not None:
            base, anchor = ctx.previous.end, "previous"
        else:
            base, anchor = ctx.reference, "reference"
        return _unit_span(_shift(base, unit, n if later else -n), unit, anchor)
    return value


def _past_span(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """过去3年, 近两年来, 20年来: from the reference minus the count to the reference."""
    n, unit = parse_number(m["n"]), m["u"]
    if not n or not m["pre"] and m["suf"] not in ("来", "以来"):
        return None
    if not m["pre"] and unit == "日" and m["n"].isdigit():
        return None
    return lambda ctx: _Span(_shift(ctx.reference, unit, -n), ctx.reference, "day", "reference")


def _decade(m: re.Match, folded: str, opts: _Options) -> _Value:
    """90年代, 上世纪80年代, 二十世纪六十年代, 1990年代: ten years at precision "year";
    a bare decade is the latest one that has begun by the reference."""
    century, decade, full = m["cent"], m["dec"], m["dec4"]

    def value(ctx: _Ctx) -> _Span | None:
        anchor = "absolute"
        if full:
            start = int(full)
        else:
            tens = parse_number(decade)
            if century is None:
                base, anchor = ctx.reference.year // 100 * 100, "reference"
                if base + tens > ctx.reference.year:
                    base -= 100
            elif century.startswith("上"):
                base, anchor = (ctx.reference.year // 100 - 1) * 100, "reference"
            elif century.startswith("本"):
                base, anchor = ctx.reference.year // 100 * 100, "reference"
            else:
                base = (parse_number(century[:-2]) - 1) * 100
            start = base + tens
        return _year_span(start, anchor, start + 9)
    return value


def _festival(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    name = canonical_festival(m["fest"])
    before = folded[max(0, m.start("fest") - 2):m.start("fest")]
    if name == "国庆" and before.endswith("国") and before != "中国":
        return None  # 美国国庆日: another country's national day
    if name == "国庆" and opts.taiwan:
        name = "双十"  # 國慶日 in Taiwan is 10 October
    year_of = _year_getter(m.groupdict(), folded, m, opts)
    if year_of is False or name is None:
        return None

    def value(ctx: _Ctx) -> _Span | None:
        if year_of is not None:
            found = year_of(ctx)
            return None if found is None else _day_span(festival_date(name, found[0]), found[1])
        return _choose(lambda k: _day_span(festival_date(name, ctx.around.year + k), "reference"), ctx,
                       _WINDOW_YEAR)
    return value


_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12, "大年": 1}


def _lunar_date(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """农历八月十五, 正月初一, 腊月二十三, 大年初二: a day of the lunar calendar."""
    month_word, day_word = m["lm"] or m["big"], m["ld"]
    if not (m["lunar"] or month_word in _LUNAR_MONTHS or day_word.startswith("初")):
        return None  # 八月十五 alone is not surely lunar; 十一月十一日 is Gregorian
    month = _LUNAR_MONTHS.get(month_word) or parse_number(month_word)
    day = parse_number(day_word.removeprefix("初"))
    year_of = _year_getter(m.groupdict(), folded, m, opts)
    if year_of is False or not month or not 1 <= month <= 12 or not day:
        return None

    def value(ctx: _Ctx) -> _Span | None:
        if year_of is not None:
            found = year_of(ctx)
            return None if found is None else _day_span(lunar_to_solar(found[0], month, day), found[1])
        return _choose(lambda k: _day_span(lunar_to_solar(ctx.around.year + k, month, day), "reference"),
                       ctx, _WINDOW_YEAR)
    return value


_SEASON_WORD_YEARS = {"今": 0, "去": -1, "明": 1}


def _season_word(m: re.Match, folded: str, opts: _Options) -> _Value:
    """今春, 去冬, 明夏: a season of this, last or next year."""
    offset, months = _SEASON_WORD_YEARS[m["sy"]], _year_part_months(m["ss"])
    return lambda ctx: _months_span(ctx.reference.year + offset, *months, "reference")


def _quarter_word(m: re.Match, folded: str, opts: _Options) -> _Value:
    """本季度, 上个季度, 下季度: a quarter counted from the reference's."""
    offset = {"本": 0, "这": 0, "上": -1, "下": 1}[m["qrel"][0]]

    def value(ctx: _Ctx) -> _Span:
        year, month = _shift_month(ctx.reference.year, (ctx.reference.month - 1) // 3 * 3 + 1, 3 * offset)
        return _months_span(year, month, month + 2, "reference")
    return value


def _range_value(first: _Value, second: _Value) -> _Value:
    """A span from ``first`` to ``second``; the end is read forward from the start, so an
    end that leaves out its month or year takes the start's (30日至2日 crosses a month)."""
    def value(ctx: _Ctx) -> _Span | None:
        start = first(ctx)
        if start is None:
            return None
        end = second(_Ctx(ctx.reference, start, "future", pivot=start.start))
        if end is None or end.precision != start.precision or end.end < start.start:
            return None
        return _Span(start.start, end.end, start.precision, start.anchor)
    return value


def _day_range(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """6-8日, 6至8日, 2月10至16日: the first day leaves out 日."""
    g = m.groupdict()
    year_of = _year_getter(g, folded, m, opts)
    if year_of is False:
        return None
    first = _calendar_value({**g, "d": g["d1"], "dm": "日"}, year_of)
    second = _calendar_value({"d": g["d2"], "dm": "日"}, None)
    return _range_value(first, second) if first and second else None


def _month_range(m: re.Match, folded: str, opts: _Options) -> _Value | None:
    """5至7月, 2025年5-7月."""
    g = m.groupdict()
    year_of = _year_getter(g, folded, m, opts)
    if year_of is False:
        return None
    first = _calendar_value({**g, "m": g["m1"]}, year_of)
    second = _calendar_value({"m": g["m2"]}, None)
    return _range_value(first, second) if first and second else None


def _year_range(m: re.Match, folded: str, opts: _Options) -> _Value:
    """2019—2021年."""
    first, last = int(m["y1"]), int(m["y2"])
    return lambda ctx: _year_span(first, "absolute", last) if first <= last else None


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str  # "calendar" (can start or end a range), "week" (can carry a date in brackets), "relative", "fiscal"
    pattern: re.Pattern[str]
    parse: Callable[[re.Match, str, _Options], _Value | None]


def _rule(name: str, kind: str, pattern: str, parse) -> _Rule:
    return _Rule(name, kind, re.compile(pattern), parse)


_RULES = [
    _rule("iso_date", "calendar",
          r"(?<![\d.\-/])(?P<y>\d{4})(?P<s>[-/.])(?P<mo>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d%]|[.\-/]\d)", _iso),
    _rule("fiscal_year", "fiscal",
          rf"(?:(?<!\d)(?P<y>{_YEAR4})|民国\s*(?P<roc>\d{{1,3}}|[〇零一二三四五六七八九十百]+)|(?<![\d.])(?P<rocb>\d{{2,3}}))"
          r"\s*(?:年度|财年|财政年度|会计年度)", _fiscal),
    _rule("calendar", "calendar",
          rf"{_ANY_YEAR}(?:\s*(?:{_MONTH}(?:\s*{_DAY})?(?:{_MONTH_PART})?|{_YEAR_PART}))?", _calendar),
    _rule("calendar", "calendar",
          rf"(?<![\d.{_CN_NUMERAL}])(?:{_MONTH}|{_MONTH_WORD})(?:\s*{_DAY})?(?:{_MONTH_PART})?", _calendar),
    _rule("day", "calendar",
          rf"{_NOT_AFTER_NUMBER}(?P<d>{_DAY_NUM_BARE})\s*(?P<dm>日){_DAY_END}", _calendar),
    _rule("day", "calendar", rf"{_NOT_AFTER_NUMBER}(?P<d>{_DAY_NUM_BARE})\s*(?P<dm>号)", _numbered_day),
    _rule("month_part", "calendar",
          rf"(?<![岁日年个每几数半\d{_CN_NUMERAL}])(?P<mp>月初{_AFTER_INITIAL}|月底{_AFTER_BOTTOM}|月末{_AFTER_LAST}"
          rf"|月中{_AFTER_MIDDLE}|上旬|中旬|下旬)", _calendar),
    _rule("year_part", "calendar",
          rf"(?<![年个每几数多半\d{_CN_NUMERAL}])(?P<yp>年初{_AFTER_INITIAL}|年中{_AFTER_MIDDLE}|年底{_AFTER_BOTTOM}"
          rf"|年末{_AFTER_LAST}|上半年|下半年|前[二两三]季度|第?[一二三四1-4]季度)", _calendar),
    _rule("season_word", "calendar", rf"(?P<sy>[今去明])(?P<ss>[春夏秋冬])(?![季天节装风]){_AFTER_SEASON}", _season_word),
    _rule("quarter", "relative", r"(?P<qrel>本季度|这个季度|上个?季度|下个?季度)", _quarter_word),
    _rule("day_range", "calendar",
          rf"(?:(?:{_ANY_YEAR}\s*)?(?:{_MONTH}|{_MONTH_WORD})\s*)?{_NOT_AFTER_NUMBER}(?P<d1>{_DAY_NUM}){_SEP}"
          rf"(?P<d2>{_DAY_NUM})\s*日{_DAY_END}", _day_range),
    _rule("month_range", "calendar",
          rf"(?:{_ANY_YEAR}\s*)?{_NOT_AFTER_NUMBER}(?P<m1>{_MONTH_NUM}){_SEP}(?P<m2>{_MONTH_NUM})\s*月", _month_range),
    _rule("year_range", "calendar", rf"(?<!\d)(?P<y1>\d{{4}}){_SEP}(?P<y2>\d{{4}})\s*年(?!度|代)", _year_range),
    _rule("festival", "calendar", rf"(?:{_ANY_YEAR}\s*)?{_FESTIVAL}", _festival),
    _rule("lunar_date", "calendar",
          rf"(?:{_ANY_YEAR}\s*)?(?P<lunar>农历|阴历)?\s*(?:(?P<lm>正|腊|冬|1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月"
          r"|(?P<big>大年))\s*(?P<ld>初[一二三四五六七八九十]|[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅"
          r"|[一二三四五六七八九])日?", _lunar_date),
    _rule("bracketed_day", "calendar", r"(?P<bw>[今昨前明后])\s*\(\s*(?P<d>[0-3]?\d)\s*\)\s*日", _bracketed_day),
    _rule("relative_day", "relative",
          r"(?P<rd>大前天|大后天|今天|今日(?!俄罗斯|美国|头条|关注|说法|亚洲|印度)|今晨|今早|今晚|今夜|昨天|昨日|昨晚"
          r"|昨夜|昨晨|(?<![日之以提])前天(?!气|线|赋|然)|明天|明日(?!之)|明晚|明早|(?<![先然此以之今])后天(?!气|性|赋|然))"
          + _NOT_JAPAN, _relative_day),
    _rule("anaphora_day", "relative",
          r"(?P<ana>当天|当日|当晚|当夜|同日|同一天|同一日|那一?天|(?<![此这上本该首再多屡历依层每几"
          rf"{_CN_NUMERAL}\d])次日|翌日|第二天|前一天|前一日|前一晚)" + _NOT_JAPAN, _anaphora_day),
    _rule("week", "week",
          r"(?P<wk>上上个?(?:周|星期|礼拜)|下下个?(?:周|星期|礼拜)|上个?(?:周|星期|礼拜)|下个?(?:周|星期|礼拜)|上一周"
          r"|下一周|本周|这一周|这个?(?:周|星期|礼拜)|本星期|当周|同周)(?:(?P<wd>[一二三四五六日天])|(?P<wp>初|末|中))?"
          r"(?!年|岁|边|围|期)", _week),
    _rule("weekday", "week",
          rf"(?<![\d{_CN_NUMERAL}每隔上下本这个当同])(?:(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?!年|岁)|周末(?!版))",
          _weekday),
    _rule("counted", "relative",
          rf"{_NOT_AFTER_NUMBER}(?P<n>{_COUNT})\s*(?P<u>天|日|周|个?星期|个?礼拜|个月|年)(?P<dir>以前|之前|前|以后|之后|后)",
          _counted),
    _rule("past_span", "relative",
          rf"(?:(?P<pre>过去的?|近|最近)\s*)?{_NOT_AFTER_NUMBER}(?P<n>{_COUNT})\s*(?P<u>天|日|周|个?星期|个月|年)"
          r"(?P<suf>以来|来|间|里|中|内)?", _past_span),
    _rule("decade", "calendar",
          r"(?:(?P<cent>上个?世纪|本世纪|(?:19|20|21|十九|二十|二十一)世纪)\s*)?(?:(?<!\d)(?P<dec>\d0|[一二三四五六七八九]十)"
          r"|(?<!\d)(?P<dec4>1\d{2}0|20\d0))年代", _decade),
]


@dataclass
class _Atom:
    start: int
    end: int
    rule: _Rule
    value: _Value


_FREQUENCY_BEFORE = re.compile(r"每逢?个?(?:年|月|周|星期|天|日)?的?$")


def _atoms(folded: str, opts: _Options) -> list[_Atom]:
    """Leftmost-longest non-overlapping atoms; frequency expressions (每周三) dropped."""
    found: list[_Atom] = []
    for rule in _RULES:
        for m in rule.pattern.finditer(folded):
            if m.end() > m.start() and (value := rule.parse(m, folded, opts)) is not None:
                found.append(_Atom(m.start(), m.end(), rule, value))
    found.sort(key=lambda a: (a.start, a.start - a.end))
    chosen: list[_Atom] = []
    for atom in found:
        if chosen and atom.start < chosen[-1].end:
            continue
        if _FREQUENCY_BEFORE.search(folded, max(0, atom.start - 4), atom.start):
            continue
        chosen.append(atom)
    return chosen


# --- combining atoms --------------------------------------------------------

_RANGE_GAP = re.compile(_SEP)
_FROM_BEFORE = re.compile(r"(?:自从|自|从)\s*$")
_SINCE_AFTER = re.compile(r"\s*(?:以来|至今|迄今|到现在|起(?!草|诉|飞|义|火|身|初|源|因|码|步|跑|床|航|来|点|伏))")
_START_AFTER = re.compile(r"\s*开始")


@dataclass
class _Item:
    """An expression to resolve: one atom, or two combined, over ``start``..``end``."""

    start: int
    end: int
    atoms: list[_Atom]
    mode: str  # "single", "range" (A至B) or "bracket" (周二（2月18日）)
    since: bool = False

    @property
    def main(self) -> _Atom:
        """The atom that gives the value (in a bracket pair, the date, not the weekday)."""
        return next((a for a in self.atoms if a.rule.kind != "week"), self.atoms[0])

    @property
    def rule(self) -> str:
        name = self.main.rule.name if self.mode == "single" else f"{self.mode}:{self.main.rule.name}"
        return f"since:{name}" if self.since else name


_WEEKDAY_END = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]$")


def _pair(a: _Atom, b: _Atom, folded: str) -> _Item | None:
    """``a`` and the next atom ``b`` as one expression: a range, or a weekday and its date in brackets."""
    gap = folded[a.end:b.start]
    if {a.rule.kind, b.rule.kind} == {"week", "calendar"} and gap.strip() == "(" \
            and folded[b.end:b.end + 1] == ")":
        return _Item(a.start, b.end + 1, [a, b], "bracket")
    if a.rule.kind == b.rule.kind == "calendar" and _RANGE_GAP.fullmatch(gap):
        return _Item(a.start, b.end, [a, b], "range")
    if a.rule.kind == b.rule.kind == "week" and _RANGE_GAP.fullmatch(gap) \
            and _WEEKDAY_END.search(folded, a.start, a.end) and _WEEKDAY_END.search(folded, b.start, b.end):
        return _Item(a.start, b.end, [a, b], "range")  # 周一至周三: days of one week, not two weeks
    return None


def _combine(atoms: list[_Atom], folded: str) -> list[_Item]:
    """Pairs (ranges, bracketed dates) and openings (X以来, 自X起, 从X开始)."""
    items: list[_Item] = []
    i = 0
    while i < len(atoms):
        item = _pair(atoms[i], atoms[i + 1], folded) if i + 1 < len(atoms) else None
        if item is None:
            item = _Item(atoms[i].start, atoms[i].end, [atoms[i]], "single")
        i += len(item.atoms)
        prefix = _FROM_BEFORE.search(folded, max(0, item.start - 2), item.start)
        since = _SINCE_AFTER.match(folded, item.end) or (prefix and _START_AFTER.match(folded, item.end))
        if since and item.mode != "range":
            item.since, item.end = True, since.end()
        if prefix and (item.since or item.mode == "range"):
            item.start = prefix.start()
        items.append(item)
    return items


# --- resolving ---------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,;:!?，。；：！？\n]")
_ZONE_TAIL = re.compile(r"(?:[\u4e00-\u9fff]{1,4}|UTC|GMT)时间$")
_FUTURE_BEFORE = re.compile(r"(?:将|即将|将要|将会|拟|(?<!原)定于|(?<!原)计划|预计|预定|有望|准备|打算|推迟|延期|延长|延)"
                            r"(?:于|在|从|自|到|至)?$")
_PAST_BEFORE = re.compile(r"(?:已|已经|曾|曾经|早在|早已)(?:于|在)?$")


def _bias(folded: str, start: int) -> str | None:
    """"future"/"past" when a tense marker stands right before the expression (将于6日)."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(folded, 0, start)), default=0)
    before = folded[max(clause_start, start - 12):start].rstrip()
    before = _ZONE_TAIL.sub("", before)
    if _FUTURE_BEFORE.search(before):
        return "future"
    if _PAST_BEFORE.search(before):
        return "past"
    return None


class DateResolver:
    """Resolves the sentences of one section in order, remembering the last date.

    ``reference`` is the section's dateline (else the article's date); ``taiwan``
    reads bare 2-3 digit years as 民国 years; ``previous`` seeds the memory that
    同年/当天/次日 refer to.
    """

    def __init__(self, reference: dt.date, *, taiwan: bool = False,
                 previous: TemporalExpression | None = None) -> None:
        self.reference = reference
        self.options = _Options(taiwan=taiwan)
        self._previous: _Span | None = None
        if previous is not None and previous.is_date:
            self._previous = _Span(previous.start_date, previous.end_date, previous.precision, previous.anchor)

    def resolve(self, text: str) -> list[TemporalExpression]:
        """Every temporal expression of ``text`` in order, fiscal years included (``is_date`` False)."""
        folded = fold(text)
        found: list[TemporalExpression] = []
        for item in _combine(_atoms(folded, self.options), folded):
            expression = self._resolve_item(item, text, folded)
            if expression is None and item.mode == "range":  # 2月10日至3月: two dates of unlike precision
                singles = [_Item(a.start, a.end, [a], "single") for a in item.atoms]
                found.extend(e for single in singles if (e := self._resolve_item(single, text, folded)))
            elif expression is not None:
                found.append(expression)
        return found

    def _resolve_item(self, item: _Item, text: str, folded: str) -> TemporalExpression | None:
        ctx = _Ctx(self.reference, self._previous, _bias(folded, item.start))
        if item.main.rule.kind == "fiscal":
            return TemporalExpression(text[item.start:item.end], item.start, item.end, None, None, "year",
                                      item.rule, "absolute", fiscal=True)
        try:
            if item.mode == "range":
                span = _range_value(item.atoms[0].value, item.atoms[1].value)(ctx)
            else:
                span = item.main.value(ctx)
        except OverflowError:  # 次日 after 9999年12月31日: past the calendar's ends there is no date
            span = None
        if span is None:
            return None
        if item.main.rule.name != "past_span":
            self._previous = span
        since = item.since or item.main.rule.name == "past_span"
        if item.since and span.start <= self.reference:
            span = _Span(span.start, self.reference, span.precision, span.anchor)
        return TemporalExpression(text[item.start:item.end], item.start, item.end, span.start, span.end,
                                  span.precision, item.rule, span.anchor, since=since,
                                  future=span.start > self.reference)


def resolve_dates(text: str, reference: dt.date, *, taiwan: bool = False,
                  previous: TemporalExpression | None = None) -> list[TemporalExpression]:
    """The dates in ``text`` resolved against ``reference`` (one shot; non-dates left out)."""
    resolver = DateResolver(reference, taiwan=taiwan, previous=previous)
    return [d for d in resolver.resolve(text) if d.is_date]
