"""Sections, sentences and clauses of a clean text, with exact offsets.

A newspaper page holds several dispatches.  A section starts at a heading or at
an opening dateline ("新华社开罗2月5日电", "据新华社米兰2月4日电", "（中央社記者…台北14日電）",
"本报讯", "【本報綜合報道】", a digest item "■【罗马】") and ends before the next one, or
after a closing dateline ("(新华社华盛顿2月5日电 记者…)") or a closing credit
("(参与记者:汪强)").  Each section gets a reference date: its dateline's date,
else the date of the dispatch it continues (a sub-heading does not start a new
story), else the article's published date.

All matching runs on a simplified, width-folded copy of the text
(:func:`timeline.extract.textnorm.analysis_copy`), which has the same length, so
traditional and full-width text need no patterns of their own.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from timeline.extract.textnorm import analysis_copy

# --- sentences and clauses -------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch of text and its absolute offsets in the clean text."""

    text: str
    start: int
    end: int


_TERMINATORS = "。！？!?"
_TRAILERS = "”’」』）)》】〕\"'"
# Pairs inside which a clause never ends.
_PAIRS = {"“": "”", "「": "」", "『": "』", "（": "）", "(": ")", "《": "》", "〈": "〉",
          "【": "】", "〔": "〕", "[": "]", "‘": "’"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
_CLAUSE_DELIMITERS = "，,；;：:"
#: A sentence longer than this is cut at its next clause delimiter.
MAX_SENTENCE = 1000


def _trimmed(text: str, start: int, end: int, base: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Span(text[start:end], base + start, base + end)


def _is_terminator(text: str, i: int) -> bool:
    char = text[i]
    if char not in _TERMINATORS:
        return False
    if char in "!?":
        # "Yahoo!", "?w=770": ASCII marks inside Latin words or URLs end nothing.
        following = text[i + 1] if i + 1 < len(text) else ""
        return not (following.isascii() and (following.isalnum() or following in "=&/"))
    return True


def sentences(text: str, base_offset: int = 0) -> list[Span]:
    """Sentences of ``text``; offsets are ``base_offset`` + index in ``text``.

    A sentence ends at 。！？!? (with any closing quotes or brackets that follow,
    as in 。” or ？」) and at every line break; one that runs past
    ``MAX_SENTENCE`` characters ends at its next comma.  A semicolon does not end a
    sentence: in news text it joins clauses that share a subject and a time, which
    the date resolver needs to see together; :func:`clauses` splits at it.
    """
    spans: list[Span] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "\n":
            end = i
            i += 1
        elif _is_terminator(text, i):
            i += 1
            while i < n and (text[i] in _TERMINATORS or text[i] in _TRAILERS):
                i += 1
            end = i
        elif i - start >= MAX_SENTENCE and text[i] in _CLAUSE_DELIMITERS:
            # A run-on line with no full stop: cut at a comma, so that work per
            # sentence stays bounded (a pasted table or a scraped page).
            i += 1
            end = i
        else:
            i += 1
            continue
        span = _trimmed(text, start, end, base_offset)
        if span:
            spans.append(span)
        start = i
    span = _trimmed(text, start, n, base_offset)
    if span:
        spans.append(span)
    return spans


def _protected(text: str) -> list[bool]:
    """Which characters lie inside a matched quote or bracket pair.

    Only pairs that close within the text protect anything, so a stray opening
    quote (common in text cut from a newspaper page) cannot swallow a sentence.
    """
    inside = [False] * len(text)
    stack: list[tuple[str, int]] = []
    straight_quote: int | None = None
    for i, char in enumerate(text):
        if char in _PAIRS:
            stack.append((char, i))
        elif char in _CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSERS[char]:
                    opened = stack[depth][1]
                    del stack[depth:]
                    for j in range(opened + 1, i):
                        inside[j] = True
                    break
        elif char == '"':
            if straight_quote is None:
                straight_quote = i
            else:
                for j in range(straight_quote + 1, i):
                    inside[j] = True
                straight_quote = None
    return inside


def clauses(span: Span) -> list[Span]:
    """Clauses of a sentence: split after ，,；;：: outside quotes and brackets.

    Each clause keeps its delimiter at its end, so the clauses tile the sentence.
    ASCII commas and colons between digits (5,586,019; 10:30) split nothing.
    """
    text = span.text
    inside = _protected(text)
    result: list[Span] = []
    start = 0
    for i, char in enumerate(text):
        if char not in _CLAUSE_DELIMITERS or inside[i]:
            continue
        if char in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        piece = _trimmed(text, start, i + 1, span.start)
        if piece:
            result.append(piece)
        start = i + 1
    piece = _trimmed(text, start, len(text), span.start)
    if piece:
        result.append(piece)
    return result


# --- datelines -------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}


def _number(token: str) -> int | None:
    """An Arabic or Chinese numeral up to 9999 (二〇二五, 十二, 二十五)."""
    if token.isdigit():
        return int(token)
    if "十" not in token:
        if all(c in _CN_DIGITS for c in token):
            return int("".join(str(_CN_DIGITS[c]) for c in token))
        return None
    tens, _, units = token.partition("十")
    if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


_NUM = r"\d{1,4}|[〇零一二三四五六七八九十两]{1,4}"
_DATE = (rf"(?:(?P<y>{_NUM})\s*年\s*)?(?:(?P<m>{_NUM})\s*月\s*)?(?P<d>{_NUM})\s*日")
# Who files a dispatch: an agency, a paper, a site, a station, or a reporter.
_SOURCE = r"(?:社|网|报|台|记者|新闻|客户端|频道|通讯)"
# 电 followed by these is a telegram or a call (5日电贺, 5日电话), not a dateline.
_AGENCY_END = r"(?:社|网|报|台|新闻|频道)"
_NOT_DATELINE_AFTER = "话贺告报文邀请视传力"
_HEAD = r"(?P<head>[^\s,，。；;:：()（）【】〔〕\[\]\d]{2,24}?)"

# What follows the date of a dateline: 电, or a compiled report's 综合外电报导 (CNA).
_FILED = rf"(?:电(?![{_NOT_DATELINE_AFTER}])|综合外电报[导道]|综合报[导道]|外电报[导道])"

_OPENING = re.compile(
    rf"^(?P<lead>据\s*)?(?P<bracket>[(〔【\[]\s*)?{_HEAD}\s*{_DATE}\s*{_FILED}"
    # a bracketed dateline closes right after 电; "(新华社华盛顿2月5日电 记者…)" is a closing one
    rf"(?(bracket)\s*[)）】〕\]])"
    rf"(?P<credit>\s*\([^()\n]{{0,40}}\))?")
_CLOSING = re.compile(
    rf"\(\s*(?:据\s*)?{_HEAD}\s*{_DATE}\s*{_FILED}[^()\n]{{0,40}}\)\s*$")
# Dispatches with no date of their own: the paper's own news, a compiled report.
_MARKER = re.compile(
    r"^(?:本报讯(?:\s*\([^()\n]{0,40}\))?"
    r"|[(〔【\[][^()〔〕【】\[\]\n]{0,30}?(?:本报|综合|编译)[^()〔〕【】\[\]\n]{0,30}?"
    r"(?:报道|报导|消息|讯|外电)[)〕】\]])")
# A digest item that names its place: "■【罗马】…".
_PLACE_TAG = re.compile(r"^[■□●○◆◇▲△►▶•※]\s*【(?P<place>[^】\d\n]{1,12})】")
# A credit line that closes a story: "(参与记者:汪强)", "(新华社专特稿)".
_CREDIT = re.compile(
    r"(?:^|(?<=[。！？!?”」』]))\s*\([^()\n]{0,30}(?:记者|编辑|责编|专特稿|特稿|综合|编译|撰稿|供稿)"
    r"[^()\n]{0,30}\)\s*\d{0,8}\s*$")


@dataclass(frozen=True)
class Dateline:
    """A matched dateline: its text and offsets, the place and the date it gives."""

    text: str
    start: int
    end: int
    kind: str  # "opening", "closing", "marker" (no date: the paper's own news), "place"
    agency: str | None = None
    place: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def dated(self) -> bool:
        return self.day is not None

    def resolve(self, published: dt.date | None) -> dt.date | None:
        """The date this dateline gives, completed from ``published``.

        A missing year (or month) is taken from the candidate nearest to the
        published date, so a "12月31日电" dateline on a page of 2 January means
        the previous year; as dispatches precede their page, a later candidate
        counts double, so "31日电" on 2 March is 31 January, not 31 March.
        """
        if self.day is None:
            return None
        if self.year is not None and self.month is not None:
            return _safe_date(self.year, self.month, self.day)
        if published is None:
            return None
        if self.month is not None:
            candidates = [_safe_date(year, self.month, self.day)
                          for year in (published.year - 1, published.year, published.year + 1)]
        else:
            candidates = []
            for shift in (-2, -1, 0, 1):
                month_index = published.year * 12 + published.month - 1 + shift
                candidates.append(_safe_date(month_index // 12, month_index % 12 + 1, self.day))
        found = [c for c in candidates if c is not None]
        return min(found, key=lambda c: _distance(c, published)) if found else None


def _distance(candidate: dt.date, published: dt.date) -> int:
    """How far a dateline date is from publication; a dispatch is filed before its page
    appears, so a date after the published day (beyond time zones) counts double."""
    days = (candidate - published).days
    return 2 * days if days > 1 else abs(days)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _split_head(head: str) -> tuple[str | None, str | None]:
    """Agency and place from a dateline head ("新华社开罗", "中央社记者陈思妤台北").

    The agency runs to its first source word (社, 网, 报…).  After a reporter's
    name ("记者陈思妤台北") the place is what follows a name of three characters
    when at least five remain, else of two.
    """
    agency = None
    for match in re.finditer(_AGENCY_END, head):
        if match.end() >= 2:
            agency = head[:match.end()]
            break
    reporter = head.find("记者")
    if agency is not None and 0 <= reporter < len(agency):
        agency = head[:reporter] or None
    rest = head[len(agency):] if agency else head
    if "记者" in rest:
        rest = rest[rest.find("记者") + 2:]
        name_length = 3 if len(rest) >= 5 else 2
        rest = rest[name_length:] if len(rest) > name_length else ""
    rest = rest.removeprefix("驻")
    return agency, rest or None


def _dateline(match: re.Match[str], original: str, offset: int, kind: str) -> Dateline:
    head = match.group("head")
    agency, place = _split_head(head)
    parts = {key: _number(match.group(key)) if match.group(key) else None for key in ("y", "m", "d")}
    year = parts["y"]
    if year is not None and year < 100:
        year = None
    start, end = match.start(), match.end()
    if kind == "closing":
        end = len(match.group().rstrip()) + start
    original_head = original[match.start("head"):match.end("head")]
    original_agency = original_head[:len(agency)] if agency else None
    original_place = original_head[len(original_head) - len(place):] if place else None
    return Dateline(original[start:end], offset + start, offset + end, kind, original_agency,
                    original_place, year, parts["m"], parts["d"])


def find_opening(line: str, analysis: str, offset: int = 0) -> Dateline | None:
    """The dateline, story marker or digest place tag that opens ``line``, if any.

    ``analysis`` is the line's analysis copy (same length); offsets in the result
    are ``offset`` + index in the line.
    """
    match = _OPENING.match(analysis)
    if match and re.search(_SOURCE, match.group("head")):
        return _dateline(match, line, offset, "opening")
    match = _MARKER.match(analysis)
    if match:
        return Dateline(line[:match.end()], offset, offset + match.end(), "marker")
    match = _PLACE_TAG.match(analysis)
    if match:
        return Dateline(line[:match.end()], offset, offset + match.end(), "place",
                        place=line[match.start("place"):match.end("place")])
    return None


def find_closing(line: str, analysis: str, offset: int = 0) -> Dateline | None:
    """A closing dateline ("(新华社华盛顿2月5日电 记者 徐剑梅)") or credit at the end of ``line``."""
    match = _CLOSING.search(analysis)
    if match and re.search(_SOURCE, match.group("head")):
        return _dateline(match, line, offset, "closing")
    match = _CREDIT.search(analysis)
    if match and not re.search(r"[摄图]", match.group()):  # a photo credit closes nothing
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        text = line[start:match.end()].rstrip()
        return Dateline(text, offset + start, offset + start + len(text), "credit")
    return None


# --- sections --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the clean text and how the markup presented it.

    ``level`` is the heading level (1-6 for h1-h6 / #-######, 7 for a display
    line such as a paragraph that is all bold, 0 for body text).
    """

    start: int
    end: int
    level: int = 0


@dataclass
class Section:
    """One dispatch (or part of one) of an article, with its reference date."""

    index: int
    start: int
    end: int
    text: str
    heading: str | None = None
    dateline: str | None = None
    dateline_place: str | None = None
    reference_date: dt.date | None = None
    # "dateline": from a dateline (the section's own, or the dispatch's it continues);
    # "published": the article's published date; None: no date known.
    reference_source: str | None = None
    agency: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "index": self.index, "start": self.start, "end": self.end,
            "heading": self.heading, "dateline": self.dateline, "dateline_place": self.dateline_place,
            "agency": self.agency,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "reference_source": self.reference_source, "text": self.text,
        }


_SENTENCE_MARKS = re.compile(r"[。！？!?；;，,]")
_LABEL = re.compile(r"^[〔【\[]([^〔〕【】\[\]\n]{1,12})[〕】\]]$")


def _is_display(text: str, analysis: str, level: int) -> bool:
    """A line that presents rather than tells: heading, subtitle, label, credit.

    Such lines before a dateline belong to the dateline's section; a body line
    (anything with sentence punctuation, or long) means a dateline after it
    starts a new section.
    """
    if level:
        return True
    return len(text) <= 50 and not _SENTENCE_MARKS.search(analysis)


@dataclass
class _Draft:
    start: int
    end: int
    headings: list[tuple[int, str]] = field(default_factory=list)
    opening: Dateline | None = None
    closing: Dateline | None = None
    has_body: bool = False

    @property
    def empty(self) -> bool:
        return self.end <= self.start


def _heading_level(text: str, analysis: str, level: int) -> int:
    if level:
        return level
    if _LABEL.match(analysis.strip()) and not _MARKER.match(analysis.strip()):
        return 7
    return 0


def split_sections(text: str, lines: list[Line], published: dt.date | None) -> list[Section]:
    """Cut ``text`` into sections at headings and datelines; see the module docstring."""
    analysis = analysis_copy(text)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for line in lines:
        line_text, line_analysis = text[line.start:line.end], analysis[line.start:line.end]
        if not line_text.strip():
            continue
        level = _heading_level(line_text, line_analysis, line.level)
        opening = None if level else find_opening(line_text, line_analysis, line.start)
        if current is None:
            current = _Draft(line.start, line.start)
        elif (level and current.has_body) or (opening and (current.has_body or current.opening)):
            drafts.append(current)
            current = _Draft(line.start, line.start)
        if level:
            current.headings.append((level, line_text.strip()))
        elif opening:
            current.opening = opening
            current.has_body = True
        elif not _is_display(line_text, line_analysis, 0):
            current.has_body = True
        current.end = line.end
        closing = None if level else find_closing(line_text, line_analysis, line.start)
        if closing and not (opening and closing.start < opening.end):
            current.closing = closing
            drafts.append(current)
            current = None
    if current is not None and not current.empty:
        drafts.append(current)
    return _dated_sections(text, drafts, published)


def _dated_sections(text: str, drafts: list[_Draft], published: dt.date | None) -> list[Section]:
    sections: list[Section] = []
    story: tuple[Dateline, dt.date | None] | None = None  # the dispatch later sections continue
    # Sections a closing dateline must not re-date: those with an opening line of
    # their own, and those continuing a dispatch whose opening dateline has a date.
    fixed: list[bool] = []
    for index, draft in enumerate(drafts):
        heading = min(draft.headings, key=lambda h: h[0])[1] if draft.headings else None
        section = Section(index, draft.start, draft.end, text[draft.start:draft.end], heading)
        governing = None
        if draft.opening is not None:
            story = (draft.opening, draft.opening.resolve(published) if draft.opening.dated else published)
            governing = story
        elif story is not None:
            governing = story
        if governing is not None and governing[0].dated:
            _apply(section, governing[0], governing[1])
        else:
            if governing is not None:
                _apply(section, governing[0], None)
            section.reference_date = published
            section.reference_source = "published" if published else None
        fixed.append(draft.opening is not None or (governing is not None and governing[0].dated))
        sections.append(section)
        if draft.closing is not None:
            if draft.closing.dated:
                date = draft.closing.resolve(published)
                for back in range(index, -1, -1):
                    if fixed[back] or (back < index and drafts[back].closing is not None):
                        break
                    _apply(sections[back], draft.closing, date)
            story = None
    return sections


_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def estimate_published(analysis: str, latest: dt.date) -> dt.date | None:
    """For an article that gives no publication date: the latest full date its
    text writes out (2024年10月1日), no later than ``latest``.  Datelines without a
    year (11月27日电) are completed from it; with none, they stay undated."""
    found = []
    for match in _FULL_DATE.finditer(analysis):
        year, month, day = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
        date = _safe_date(year, month, day)
        if date is not None and date <= latest:
            found.append(date)
    return max(found, default=None)


def _apply(section: Section, dateline: Dateline, date: dt.date | None) -> None:
    section.dateline = dateline.text
    section.dateline_place = dateline.place
    section.agency = dateline.agency
    if date is not None:
        section.reference_date = date
        section.reference_source = "dateline"
