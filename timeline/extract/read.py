"""Articles from disk (or an upload) into clean text with metadata and sections.

``read_path`` / ``read_bytes`` / ``read_text`` decode the input, recognise its
form, pull its metadata and strip its markup into ``clean_text`` with paragraph
breaks kept, remembering for every clean character the raw characters it came
from (``Document.raw_span``), so a quote found in the clean text can be shown in,
and located exactly in, the text as stored.

Forms (``Document.format``):

* ``text``: plain text; the first line is the title when it reads like one, and
  date lines at the top give the publication date.
* ``markdown``: a Markdown page (a newspaper page converted from PDF: headings,
  bold subtitles, lines broken by the layout), optionally under YAML front matter.
* ``frontmatter-html``: YAML front matter (title, date, categories, author) over
  an HTML body.
* ``feed-item``: ``<!--epoch-ms-->``, a ``[title](url)`` line, ``------``, then an
  HTML (or Markdown) body.
* ``html``: an HTML page; the ``<article>`` (else ``<main>``, else ``<body>``)
  without navigation, scripts, styles and boxes whose class says they are
  boilerplate; metadata from ``<meta>``, JSON-LD and ``<title>``.
"""
from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import json
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from timeline.extract.segment import Line, Section, estimate_published, split_sections
from timeline.extract.textnorm import analysis_copy, content_hash, is_cjk, is_traditional

FORMATS = ("text", "markdown", "frontmatter-html", "feed-item", "html")
#: Publication dates an article may have: outside them a date is a typo or a
#: placeholder (0001-01-01, 9999-12-31), and date arithmetic would run off the calendar.
PUBLISHED_RANGE = (dt.date(1800, 1, 1), dt.date(2199, 12, 31))
#: The longest text one article may have: a whole newspaper page is about 10,000
#: characters, and extraction time grows faster than the length (232,000 took 22 s on one line).
MAX_TEXT_CHARS = 100_000


class ReadError(ValueError):
    """An input that cannot be read as an article; the message names the file."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


# --- decoding --------------------------------------------------------------------

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding of ``data``: BOM, else UTF-8, else GB18030, else Big5.

    Refused: empty input, NUL bytes without a UTF-16/32 mark (binary, or UTF-16
    with no way to know its byte order), bytes that are neither UTF-8 nor
    GB18030, and UTF-8 that breaks off after a run of good multi-byte
    characters (cut off or damaged: read as GB18030 it would be mojibake).
    The characters themselves are checked by :func:`read_text`.
    """
    if not data.strip():
        raise ReadError(name, "is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(name, f"starts with a {encoding} byte-order mark but does not decode: {exc.reason}") from None
            break
    else:
        if b"\x00" in data:
            raise ReadError(name, "looks binary (NUL bytes and no UTF-16 byte-order mark)")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            _refuse_broken_utf8(data, exc, name)
            text, encoding = _decode_legacy(data, name)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ReadError(name, "is empty")
    return text, encoding


#: What GB18030 makes of another encoding's bytes: Big5's commonest characters (lead
#: bytes A4, A5) come out as kana; compatibility forms and private-use characters too.
_MOJIBAKE = re.compile("[\u3040-\u30ff\ufe30-\ufe4f\ue000-\uf8ff]")


def _decode_legacy(data: bytes, name: str) -> tuple[str, str]:
    """GB18030, or Big5 (traditional-character outlets) when GB18030 reads the
    bytes as kana and symbols: more than one in fifty non-ASCII characters."""
    decoded = None
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        decoded = decoded or encoding
        if len(_MOJIBAKE.findall(text)) <= max(2, sum(1 for c in text if ord(c) > 0x7F) // 50):
            return text, encoding
    if decoded is None:
        raise ReadError(name, "is neither UTF-8 nor GB18030 text")
    raise ReadError(name, "is not UTF-8, and as GB18030 or Big5 it reads as kana and symbols (mojibake): "
                          "convert it to UTF-8")


#: Good multi-byte characters before a UTF-8 error that make the input UTF-8, not GB18030.
_UTF8_EVIDENCE = 8


def _refuse_broken_utf8(data: bytes, error: UnicodeDecodeError, name: str) -> None:
    """Raise when ``data`` is UTF-8 up to ``error`` (GB18030 fails UTF-8 within a
    few characters, so a long good run before the error means cut-off or damaged UTF-8)."""
    good = data[:error.start].decode("utf-8")
    if sum(1 for c in good if ord(c) > 0x7F) < _UTF8_EVIDENCE:
        return
    if error.end == len(data) and error.reason == "unexpected end of data":
        raise ReadError(name, f"is UTF-8 cut off in the middle of a character (byte {error.start} of {len(data)})")
    raise ReadError(name, f"is UTF-8 up to byte {error.start}, then not ({data[error.start:error.start + 4].hex(' ')}): "
                          "damaged, or two encodings mixed")


def _check_characters(text: str, name: str) -> None:
    """Refuse NUL and unpaired surrogates (no database stores them), and text where
    more than 1% of the characters are control codes (binary)."""
    if "\x00" in text:
        raise ReadError(name, f"contains a NUL character (U+0000) at position {text.index(chr(0))}")
    surrogate = re.search("[\ud800-\udfff]", text)
    if surrogate:
        raise ReadError(name, f"contains an unpaired surrogate U+{ord(surrogate.group()):04X} "
                              f"at position {surrogate.start()}")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    if controls > max(2, len(text) // 100):
        raise ReadError(name, f"looks binary ({controls} control characters in {len(text)})")


# --- clean text with a map back to the raw text ----------------------------------


@dataclass(frozen=True)
class OffsetMap:
    """For each clean character, the raw range it was read from."""

    starts: array
    ends: array
    raw_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        if not 0 <= start <= end <= len(self.starts):
            raise IndexError(f"clean span {start}..{end} is outside 0..{len(self.starts)}")
        if start == end:
            position = self.starts[start] if start < len(self.starts) else self.raw_length
            return position, position
        return self.starts[start], self.ends[end - 1]


_BREAK = None  # marks a break atom: (None, strength, position)
_SPACES = " \t\n\r\f\v\xa0"


class _Builder:
    """Collects characters with their raw positions and style, and breaks.

    ``finish`` collapses white space, turns breaks into "\\n" / "\\n\\n", and
    returns the clean text, its offset map and its lines.
    """

    def __init__(self) -> None:
        self.atoms: list[tuple[Any, ...]] = []
        self.level = 0
        self.bold = 0

    def text(self, raw_start: int, chars: str) -> None:
        level, bold = self.level, self.bold > 0
        self.atoms.extend((c, raw_start + i, raw_start + i + 1, level, bold) for i, c in enumerate(chars))

    def synth(self, chars: str, raw_start: int, raw_end: int) -> None:
        level, bold = self.level, self.bold > 0
        self.atoms.extend((c, raw_start, raw_end, level, bold) for c in chars)

    def brk(self, strength: int, position: int) -> None:
        self.atoms.append((_BREAK, strength, position))

    def finish(self, raw_length: int, join_cjk_wraps: bool) -> tuple[str, OffsetMap, list[Line]]:
        out: list[str] = []
        starts, ends = array("q"), array("q")
        levels: list[int] = []
        bolds: list[bool] = []
        pending_break, break_position = 0, 0
        pending_space: list[tuple[Any, ...]] = []

        def put(char: str, start: int, end: int, level: int = 0, bold: bool = False) -> None:
            out.append(char)
            starts.append(start)
            ends.append(end)
            levels.append(level)
            bolds.append(bold)

        for atom in self.atoms:
            if atom[0] is _BREAK:
                pending_break = max(pending_break, atom[1])
                break_position = atom[2]
                pending_space = []
                continue
            char, start, end, level, bold = atom
            if char in _SPACES or char == "\u3000":
                pending_space.append(atom)
                continue
            if out and pending_break:
                for _ in range(pending_break):
                    put("\n", break_position, break_position)
            elif out and pending_space:
                ideographic = [a for a in pending_space if a[0] == "\u3000"]
                if ideographic:
                    for a in ideographic:
                        put(a[0], a[1], a[2], a[3], a[4])
                else:
                    wrapped = any(a[0] in "\n\r" for a in pending_space)
                    if not (join_cjk_wraps and wrapped and is_cjk(out[-1]) and is_cjk(char)):
                        put(" ", pending_space[0][1], pending_space[-1][2])
            pending_break = 0
            pending_space = []
            put(char, start, end, level, bold)
        clean = "".join(out)
        return clean, OffsetMap(starts, ends, raw_length), _lines(clean, levels, bolds)


_TERMINAL = re.compile(r"[。！？!?]\W*$")


def _lines(clean: str, levels: list[int], bolds: list[bool]) -> list[Line]:
    """Lines of the clean text with their heading level (7: an all-bold short line)."""
    result = []
    position = 0
    for raw_line in clean.split("\n"):
        start, end = position, position + len(raw_line)
        position = end + 1
        if not raw_line.strip():
            continue
        marks = [i for i in range(start, end) if not clean[i].isspace()]
        level = 0
        if all(levels[i] for i in marks):
            level = min(levels[i] for i in marks)
        elif all(bolds[i] for i in marks) and len(marks) <= 40 and not _TERMINAL.search(raw_line):
            level = 7
        result.append(Line(start, end, level))
    return result


# --- Markdown and plain text -----------------------------------------------------

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
_MD_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
_MD_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MD_INLINE = re.compile(
    r"(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<link>\[(?P<label>[^\]\n]*)\]\((?P<href>[^)\n]*)\))"
    r"|(?P<bold>\*\*|__)"
    r"|(?P<code>`+)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<br><br\s*/?>)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?>)"
    r"|(?P<escape>\\[\\`*_{}\[\]()#+\-.!>])")
_MD_SIGNALS = re.compile(r"^ {0,3}#{1,6}[ \t]+\S|\*\*[^*\n]+\*\*|^\s*[-*+][ \t]+\S.*\n\s*[-*+][ \t]+\S|\[[^\]\n]+\]\([^)\n]+\)",
                         re.MULTILINE)
_MD_HEADINGS = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_WRAP_END = re.compile(r"[\u4e00-\u9fff]$")
_WRAP_START = re.compile(r"^[\u4e00-\u9fff]")


def _raw_lines(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of raw[start:end], without its line break."""
    result = []
    position = start
    while position < end:
        newline = raw.find("\n", position, end)
        stop = end if newline < 0 else newline
        line_end = stop - 1 if stop > position and raw[stop - 1] == "\r" else stop
        result.append((position, line_end))
        position = stop + 1
    return result


def _inline_markdown(builder: _Builder, raw: str, start: int, end: int) -> None:
    """Emit raw[start:end] with Markdown inline syntax removed."""
    position = start
    for match in _MD_INLINE.finditer(raw, start, end):
        builder.text(position, raw[position:match.start()])
        position = match.end()
        kind = match.lastgroup
        if kind == "link":
            builder.text(match.start("label"), match.group("label"))
        elif kind == "bold":
            builder.bold = 0 if builder.bold else 1
        elif kind == "br":
            builder.brk(1, match.start())
        elif kind == "escape":
            builder.text(match.start() + 1, match.group()[1])
        elif kind == "tag" and re.match(r"</?(?:p|div|h[1-6]|li|ul|ol|table|tr|blockquote)\b", match.group(), re.I):
            builder.brk(1, match.start())
    builder.text(position, raw[position:end])


# Characters a sentence or a headline cannot end with: particles, prepositions, conjunctions.
_OPEN_ENDING = set("的之在和与與及对對把被将將向从從于於为為着著而并並或且其")


def _paragraph_ends_mid_sentence(raw: str, line: tuple[int, int]) -> bool:
    """Whether a paragraph stops mid-sentence: body text (clause punctuation) or a
    dangling function word, ending on a Chinese character."""
    text = raw[line[0]:line[1]].rstrip()
    if not _WRAP_END.search(text) or len(text) < 8:
        return False
    return text[-1] in _OPEN_ENDING or (len(text) >= 15 and bool(re.search(r"[，,、；;：:“”]", text)))


def _read_lines(raw: str, start: int, end: int, builder: _Builder, markdown: bool) -> None:
    """Markdown or plain text lines into ``builder``.

    Paragraphs are separated by blank lines; line breaks inside a paragraph are
    kept.  A paragraph that stops in the middle of a sentence (it ends with a
    Chinese character, it has clause punctuation, so it is body text, not a
    headline) and is followed by one that starts with a Chinese character was cut
    by the page layout: the two are joined.
    """
    lines = _raw_lines(raw, start, end)
    in_comment = False
    previous_text: tuple[int, int] | None = None  # last body line, for layout joins
    blank_since = False
    for line_start, line_end in lines:
        content = raw[line_start:line_end]
        if in_comment:
            if "-->" in content:
                in_comment = False
            continue
        if markdown and content.lstrip().startswith("<!--") and "-->" not in content:
            in_comment = True
            continue
        if not content.strip():
            builder.brk(2, line_start)
            blank_since = True
            continue
        heading = _MD_HEADING.match(content) if markdown else None
        if markdown and _MD_RULE.match(content):
            builder.brk(2, line_start)
            previous_text = None
            continue
        if heading:
            builder.brk(2, line_start)
            builder.level = len(heading.group(1))
            _inline_markdown(builder, raw, line_start + heading.start(2), line_start + heading.end(2))
            builder.level = 0
            builder.brk(2, line_end)
            previous_text = None
            blank_since = False
            continue
        offset = 0
        if markdown:
            marker = _MD_QUOTE.match(content) or _MD_ITEM.match(content)
            if marker:
                offset = marker.end()
        body_start = line_start + offset
        while body_start < line_end and raw[body_start] in " \t\u3000":
            body_start += 1
        body_end = line_end
        while body_end > body_start and raw[body_end - 1] in " \t\u3000":
            body_end -= 1
        joins = (blank_since and offset == 0 and previous_text is not None and builder.bold == 0
                 and _paragraph_ends_mid_sentence(raw, previous_text)
                 and _WRAP_START.match(raw[body_start:body_end]) is not None)
        if joins:
            # drop the pending paragraph break: the layout cut this sentence
            while builder.atoms and builder.atoms[-1][0] is _BREAK:
                builder.atoms.pop()
        else:
            builder.brk(1, line_start)
        if markdown:
            _inline_markdown(builder, raw, body_start, body_end)
        else:
            builder.text(body_start, raw[body_start:body_end])
        previous_text = (body_start, body_end)
        blank_since = False


# --- HTML ------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption",
               "table", "ul", "ol", "section", "article", "header", "footer", "pre", "address", "main",
               "aside", "nav", "form", "hr", "dl", "center", "details", "summary", "caption"}
_LINE_TAGS = {"br", "li", "tr", "dt", "dd", "td", "th"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea",
              "canvas", "object", "nav", "aside", "footer", "form", "head", "math"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
              "track", "wbr"}
# Class or id words of boxes that are not the article.
_BOILERPLATE = {"nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "topbar", "toolbar", "share",
                "sharing", "social", "related", "recommend", "recommended", "tags", "tag", "comment",
                "comments", "ad", "ads", "advert", "advertisement", "sidebar", "footer", "copyright",
                "pager", "pagination", "subscribe", "login", "hot", "rank", "popular"}
_ENTITY = re.compile(r"&#?[0-9A-Za-z]+;?")


def _is_boilerplate(attrs: list[tuple[str, str | None]]) -> bool:
    for key, value in attrs:
        if key in ("class", "id") and value:
            words = re.split(r"[\s_\-]+", value.lower())
            if any(word in _BOILERPLATE for word in words):
                return True
    return False


class _HTMLReader(HTMLParser):
    """HTML into a :class:`_Builder`, plus the page's metadata.

    ``container`` is the element whose content is the article ("article",
    "main", "body", or None for a fragment: everything).
    """

    def __init__(self, raw: str, base: int, builder: _Builder, container: str | None) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.base = base
        self.builder = builder
        self.container = container
        self.inside = 0 if container else 1
        self.skip: list[str] = []  # tags whose content is being skipped (a stack of one kind)
        self.skip_depth = 0
        self.line_starts = [0]
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.ld_json: list[str] = []
        self.title = _Builder()
        self.in_title = False
        self.in_ld = False
        self.h1_count = 0
        self.times: list[str] = []
        fragment = raw[base:]
        self.line_starts.extend(i + 1 for i, c in enumerate(fragment) if c == "\n")

    def _position(self) -> int:
        line, column = self.getpos()
        return self.base + self.line_starts[line - 1] + column

    # tags
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        position = self._position()
        values = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and "content" in values and key not in self.meta:
                self.meta[key] = values["content"].strip()
            return
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = values.get("href") or None
            return
        if tag == "title":
            self.in_title = True
            return
        if tag == "script" and "ld+json" in values.get("type", ""):
            self.in_ld = True
        if tag == "time" and values.get("datetime"):
            self.times.append(values["datetime"])
        if self.container and tag == self.container:
            self.inside += 1
        if self.skip:
            if tag == self.skip[0]:
                self.skip_depth += 1
            return
        if tag in _VOID_TAGS:
            if tag == "br" and self.inside:
                self.builder.brk(1, position)
            elif tag == "hr" and self.inside:
                self.builder.brk(2, position)
            return
        # the container itself is never boilerplate, whatever its classes (WordPress: "tag-…")
        if tag in _SKIP_TAGS or (tag not in ("article", "main", "body") and _is_boilerplate(attrs)):
            self.skip = [tag]
            self.skip_depth = 1
            return
        if not self.inside:
            return
        self._element_edge(tag, position, opening=True)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        position = self._position()
        if tag == "title":
            self.in_title = False
            return
        if tag == "script":
            self.in_ld = False
        if self.container and tag == self.container and self.inside:
            self.inside -= 1
        if self.skip:
            if tag == self.skip[0]:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip = []
            return
        if not self.inside and tag != self.container:
            return
        self._element_edge(tag, position, opening=False)

    def _element_edge(self, tag: str, position: int, opening: bool) -> None:
        """The start or end of an element inside the article: a paragraph or
        line break at a block or line element, a heading's level, bold text."""
        if tag in _BLOCK_TAGS:
            self.builder.brk(2, position)
        elif tag in _LINE_TAGS:
            self.builder.brk(1, position)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.builder.level = int(tag[1]) if opening else 0
            self.h1_count += opening and tag == "h1"
        elif tag in ("strong", "b"):
            if opening:
                self.builder.bold += 1
            elif self.builder.bold:
                self.builder.bold -= 1

    # text
    def _target(self) -> _Builder | None:
        if self.in_title:
            return self.title
        if self.skip or not self.inside:
            return None
        return self.builder

    def handle_data(self, data: str) -> None:
        if self.in_ld:
            self.ld_json.append(data)
            return
        target = self._target()
        if target is None:
            return
        position = self._position()
        if self.raw.startswith(data, position):
            target.text(position, data)
        else:  # not expected from html.parser; keep the text, mapped to where it starts
            target.synth(data, position, position + len(data))

    def _reference(self) -> None:
        target = self._target()
        if target is None:
            return
        position = self._position()
        match = _ENTITY.match(self.raw, position)
        source = match.group() if match else "&"
        end = position + len(source)
        decoded = unescape(source)
        if decoded == source:
            target.text(position, source)
        else:
            target.synth(decoded, position, end)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()


def _container(raw: str, start: int) -> str | None:
    for tag in ("article", "main", "body"):
        if re.search(rf"<{tag}[\s>]", raw[start:], re.I):
            return tag
    return None


_HTML_DOCUMENT = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:p|div|br|h[1-6]|figure|img|span|li|table|section|article|a\s)[\s>/]", re.I)


def _looks_html(text: str) -> bool:
    """Block-level HTML markup, and not a Markdown page with a few inline tags."""
    if len(_HTML_TAGS.findall(text, 0, 20000)) < 2:
        return False
    return bool(_HTML_DOCUMENT.match(text)) or not _MD_HEADINGS.search(text)


# --- front matter and feed items -------------------------------------------------

_FRONT_OPEN = re.compile(r"\A\s*---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_YAML_KEY = re.compile(r"^([A-Za-z_][\w\-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$")
_YAML_ITEM = re.compile(r"^[ \t]+-[ \t]+(.*?)[ \t]*\r?$|^-[ \t]+(.*?)[ \t]*\r?$")
_FEED_HEAD = re.compile(
    r"\A\s*<!--\s*(?P<epoch>\d{10}|\d{13})\s*-->[ \t]*\r?\n\s*"
    r"\[(?P<title>[^\]\n]+)\]\((?P<url>[^)\s]+)\)[ \t]*\r?\n\s*-{3,}[ \t]*\r?\n")


@dataclass
class _Value:
    """A front-matter value: the text and where its characters are in the raw text."""

    text: str
    start: int
    end: int


def _yaml_scalar(raw: str, start: int, end: int) -> _Value:
    text = raw[start:end]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        inner = inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
        return _Value(inner, start + 1, end - 1)
    return _Value(text, start, end)


def _front_matter(raw: str, name: str) -> tuple[dict[str, Any], int] | None:
    """Parse leading YAML front matter: (fields, body start), or None if there is none.

    Only what article front matter uses: ``key: scalar``, ``key: [a, b]`` and
    ``key:`` followed by ``- item`` lines.  Front matter that is opened but never
    closed, or holds a line of another shape, is refused.
    """
    opening = _FRONT_OPEN.match(raw)
    if not opening:
        return None
    first = raw[opening.end():].lstrip("\r\n").split("\n", 1)[0]
    if not _YAML_KEY.match(first):
        return None  # a Markdown rule, not front matter
    closing = _FRONT_CLOSE.search(raw, opening.end())
    if not closing:
        line = raw.count("\n", 0, opening.start() + len(opening.group()) - len(opening.group().lstrip()))
        raise ReadError(name, f"front matter opened on line {line + 1} is never closed")
    fields: dict[str, Any] = {}
    key: str | None = None
    for line_start, line_end in _raw_lines(raw, opening.end(), closing.start()):
        line = raw[line_start:line_end]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _YAML_ITEM.match(line)
        if item and key is not None:
            group = 1 if item.group(1) is not None else 2
            value = _yaml_scalar(raw, line_start + item.start(group), line_start + item.end(group))
            if not isinstance(fields.get(key), list):
                fields[key] = []
            fields[key].append(value)
            continue
        match = _YAML_KEY.match(line)
        if not match:
            number = raw.count("\n", 0, line_start) + 1
            raise ReadError(name, f"front matter line {number} is not 'key: value': {line.strip()[:40]!r}")
        key = match.group(1).lower()
        if match.group(2) is None or match.group(2) == "":
            fields[key] = None
            continue
        value_start, value_end = line_start + match.start(2), line_start + match.end(2)
        text = raw[value_start:value_end]
        if text.startswith("[") and text.endswith("]"):
            items = []
            for part in re.finditer(r"[^,\[\]]+", text):
                if part.group().strip():
                    s = value_start + part.start() + len(part.group()) - len(part.group().lstrip())
                    e = value_start + part.end() - (len(part.group()) - len(part.group().rstrip()))
                    items.append(_yaml_scalar(raw, s, e))
            fields[key] = items
        else:
            fields[key] = _yaml_scalar(raw, value_start, value_end)
    body_start = closing.end() + (1 if raw[closing.end():closing.end() + 1] == "\n" else 0)
    return fields, body_start


def _field_text(fields: dict[str, Any], *keys: str) -> _Value | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, _Value) and value.text.strip():
            return value
        if isinstance(value, list) and value:
            return value[0]
    return None


def _field_list(fields: dict[str, Any], *keys: str) -> list[str]:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, list):
            return [v.text.strip() for v in value if v.text.strip()]
        if isinstance(value, _Value) and value.text.strip():
            return [part.strip() for part in re.split(r"[,，、]", value.text) if part.strip()]
    return []


# --- dates in metadata -----------------------------------------------------------

_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*(?:[（(]?[星期周週][一二三四五六日天][）)]?)?\s*(?:T|\s)*(?P<H>\d{1,2})[:：时時](?P<M>\d{2}))?")


def parse_metadata_date(value: str) -> tuple[dt.datetime | None, dt.date | None]:
    """An aware datetime (if the string has a time zone) and a date, from a metadata string.

    Tries ISO 8601, RFC 2822 (``Fri, 24 Dec 2021 06:06:27 GMT``), epoch seconds or
    milliseconds (UTC), numeric Chinese-style dates (2023年11月16日 14:30,
    2024/1/14), then dateparser for what remains if it has no Chinese in it.  A
    time without a zone yields only the date: the host's zone says nothing
    about the article's.
    """
    value = value.strip()
    if not value:
        return None, None
    if re.fullmatch(r"\d{10}|\d{13}", value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
        return moment, moment.date()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None and re.match(r"^[A-Za-z]{3},?\s+\d", value):
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            moment = None
    if moment is None:
        match = _NUMERIC_DATE.search(value)
        if match:
            try:
                return None, dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None, None
    if moment is None and not any(is_cjk(c) for c in value):
        moment = _dateparser(value)
    if moment is None:
        return None, None
    if moment.tzinfo is None:
        return None, moment.date()
    return moment, moment.date()


def _dateparser(value: str) -> dt.datetime | None:
    import dateparser  # slow to import; only for unusual metadata strings

    return dateparser.parse(value, languages=["en"], settings={"PREFER_DATES_FROM": "past"})


# --- outlets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outlet:
    name: str
    region: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]


@lru_cache(maxsize=1)
def outlets() -> tuple[Outlet, ...]:
    """The outlets lexicon (timeline/lexicon/outlets.tsv)."""
    text = resources.files("timeline.lexicon").joinpath("outlets.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, region, aliases, domains = (line.split("\t") + ["", "", ""])[:4]
        rows.append(Outlet(name, region, tuple(a for a in aliases.split("|") if a) + (name,),
                           tuple(d for d in domains.split("|") if d)))
    return tuple(rows)


def outlet_by_name(text: str | None) -> Outlet | None:
    """The outlet one of whose names occurs in ``text`` (longest name wins)."""
    if not text:
        return None
    simplified = analysis_copy(text).lower()
    best: tuple[int, Outlet] | None = None
    for alias, outlet in _outlet_aliases():
        if alias in simplified and (best is None or len(alias) > best[0]):
            best = (len(alias), outlet)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _outlet_aliases() -> tuple[tuple[str, Outlet], ...]:
    return tuple((analysis_copy(alias).lower(), outlet) for outlet in outlets() for alias in outlet.aliases)


def outlet_by_url(url: str | None) -> Outlet | None:
    host = _host(url)
    if not host:
        return None
    for outlet in outlets():
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet
    return None


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return ""


_ROC_YEAR = re.compile(r"民国\s*(?:\d{2,3}|[一二三四五六七八九十百〇零]{2,5})\s*年")
_ROC_CODE = re.compile(r"[)）]\s*(?P<y>\d{3})(?P<m>\d\d)(?P<d>\d\d)\s*$")


def _roc_code_date(clean: str) -> dt.date | None:
    """The date of a trailing ROC edit code ("（編輯：…）1130114" = 2024-01-14)."""
    match = _ROC_CODE.search(clean.rstrip())
    if not match:
        return None
    year = int(match["y"])
    if not 80 <= year <= 200:
        return None
    try:
        return dt.date(year + 1911, int(match["m"]), int(match["d"]))
    except ValueError:
        return None


# --- the document ----------------------------------------------------------------


@dataclass
class Document:
    """One article: its raw and clean text, metadata and sections."""

    name: str
    raw_text: str
    clean_text: str
    format: str
    encoding: str = "utf-8"
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    published_at: dt.datetime | None = None
    published_date: dt.date | None = None
    language: str = "zh"
    taiwan: bool = False
    traditional: bool = False
    content_hash: str = ""
    sections: list[Section] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list, repr=False)
    offsets: OffsetMap | None = field(default=None, repr=False, compare=False)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw-text offsets of the clean text ``clean_text[start:end]``."""
        if self.offsets is None:
            return start, end
        return self.offsets.span(start, end)

    def to_json(self, include_sections: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name, "format": self.format, "encoding": self.encoding, "title": self.title,
            "outlet": self.outlet, "url": self.url, "author": self.author, "categories": self.categories,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_date": self.published_date.isoformat() if self.published_date else None,
            "language": self.language, "taiwan": self.taiwan, "traditional": self.traditional,
            "content_hash": self.content_hash, "length": len(self.clean_text),
        }
        if include_sections:
            data["sections"] = [section.to_json() for section in self.sections]
        return data


@dataclass
class _Parsed:
    """What a format reader found, before the common metadata steps."""

    format: str
    clean: str
    offsets: OffsetMap
    lines: list[Line]
    meta: dict[str, Any] = field(default_factory=dict)


def _finish_builder(builder: _Builder, raw: str, fmt: str, join_wraps: bool, meta: dict[str, Any]) -> _Parsed:
    clean, offsets, lines = builder.finish(len(raw), join_wraps)
    return _Parsed(fmt, clean, offsets, lines, meta)


def _title_atoms(raw: str, value: _Value) -> _Builder:
    builder = _Builder()
    builder.level = 1
    if raw[value.start:value.end] == value.text:
        builder.text(value.start, value.text)
    else:
        builder.synth(value.text, value.start, value.end)
    builder.brk(2, value.end)
    return builder


def _starts_with_heading(builder: _Builder, title: str) -> bool:
    """Whether the body's first heading is the title (so it need not be added)."""
    chars = []
    for atom in builder.atoms:
        if atom[0] is _BREAK:
            if chars:
                break
            continue
        if not atom[3]:
            if atom[0] in _SPACES:
                continue
            return False
        chars.append(atom[0])
    return re.sub(r"\s", "", "".join(chars)) == re.sub(r"\s", "", title)


def _read_body(raw: str, start: int, builder: _Builder) -> tuple[bool, _HTMLReader | None]:
    """Read raw[start:] as HTML or Markdown into ``builder``; (is_html, reader)."""
    if _looks_html(raw[start:]):
        reader = _HTMLReader(raw, start, builder, _container(raw, start))
        reader.feed(raw[start:])
        reader.close()
        return True, reader
    _read_lines(raw, start, len(raw), builder, markdown=True)
    return False, None


def _parse_front_matter(raw: str, fields: dict[str, Any], body_start: int) -> _Parsed:
    body = _Builder()
    is_html, reader = _read_body(raw, body_start, body)
    title = _field_text(fields, "title")
    if title is not None and not _starts_with_heading(body, title.text):
        head = _title_atoms(raw, title)
        body.atoms[:0] = head.atoms
    date = _field_text(fields, "date", "published", "pubdate", "published_at", "datetime")
    meta = {
        "title": title.text.strip() if title else None,
        "date": date.text if date else None,
        "author": (_field_text(fields, "author", "authors") or _Value("", 0, 0)).text.strip() or None,
        "categories": _field_list(fields, "categories", "category", "tags", "keywords"),
        "outlet": (_field_text(fields, "source", "outlet", "publisher", "site_name", "site") or _Value("", 0, 0)).text.strip() or None,
        "url": (_field_text(fields, "url", "link", "canonical", "permalink", "source_url") or _Value("", 0, 0)).text.strip() or None,
    }
    if reader is not None:
        meta.update({k: v for k, v in _html_meta(reader).items() if v and not meta.get(k)})
    return _finish_builder(body, raw, "frontmatter-html" if is_html else "markdown", is_html, meta)


def _parse_feed_item(raw: str, head: re.Match[str]) -> _Parsed:
    builder = _Builder()
    builder.level = 1
    builder.text(head.start("title"), head.group("title"))
    builder.level = 0
    builder.brk(2, head.end("title"))
    body = _Builder()
    _read_body(raw, head.end(), body)
    builder.atoms.extend(body.atoms)
    meta = {"title": head.group("title").strip(), "date": head.group("epoch"), "url": head.group("url")}
    return _finish_builder(builder, raw, "feed-item", True, meta)


def _html_meta(reader: _HTMLReader) -> dict[str, Any]:
    """Title, date, author, outlet, url and categories from meta tags and JSON-LD."""
    meta = reader.meta
    ld: dict[str, Any] = {}
    for chunk in reader.ld_json:
        try:
            data = json.loads(chunk)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict) and ("headline" in item or "datePublished" in item):
                ld = item
                break

    def name_of(value: Any) -> str | None:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        return value.strip() if isinstance(value, str) and value.strip() else None

    title_text = "".join(a[0] for a in reader.title.atoms if a[0] is not _BREAK).strip()
    parts = [p.strip() for p in re.split(r"\s*[|｜_]\s*|\s+[-–—]\s+", title_text) if p.strip()]
    keywords = meta.get("keywords") or meta.get("news_keywords") or ""
    return {
        "title": (ld.get("headline") if isinstance(ld.get("headline"), str) else None) or meta.get("og:title"),
        # <title> is "headline | site" (or "headline_section_site"): the headline comes first
        "page_title": parts[0] if parts else None,
        "date": ld.get("datePublished") or meta.get("article:published_time") or meta.get("publishdate")
        or meta.get("pubdate") or meta.get("publish_date") or meta.get("date") or meta.get("dc.date")
        or meta.get("og:published_time") or (reader.times[0] if reader.times else None),
        "author": name_of(ld.get("author")) or meta.get("author") or meta.get("article:author"),
        "outlet": meta.get("og:site_name") or name_of(ld.get("publisher")) or meta.get("application-name")
        or (parts[-1] if len(parts) > 1 else None),
        "url": meta.get("og:url") or reader.canonical or (ld.get("url") if isinstance(ld.get("url"), str) else None),
        "categories": [k.strip() for k in re.split(r"[,，、;；]", keywords) if k.strip()],
    }


def _parse_html(raw: str) -> _Parsed:
    builder = _Builder()
    reader = _HTMLReader(raw, 0, builder, _container(raw, 0))
    reader.feed(raw)
    reader.close()
    meta = _html_meta(reader)
    if not reader.h1_count and meta["page_title"]:
        title = "".join(a[0] for a in reader.title.atoms)
        begin = title.find(meta["page_title"])
        if begin >= 0:
            head = _Builder()
            head.atoms = [(a[0], a[1], a[2], 1, False)
                          for a in reader.title.atoms[begin:begin + len(meta["page_title"])]]
            head.brk(2, head.atoms[-1][2] if head.atoms else 0)
            builder.atoms[:0] = head.atoms
    return _finish_builder(builder, raw, "html", True, meta)


_SENTENCE_PUNCTUATION = re.compile(r"[。！？!?，,；;]")


def _parse_plain(raw: str, markdown: bool) -> _Parsed:
    builder = _Builder()
    _read_lines(raw, 0, len(raw), builder, markdown)
    parsed = _finish_builder(builder, raw, "markdown" if markdown else "text", False, {})
    if not markdown:
        _mark_title_line(parsed)
    return parsed


def _mark_title_line(parsed: _Parsed) -> None:
    """In plain text, a short first line that is not a sentence or a date is the title."""
    if len(parsed.lines) < 2:
        return
    first = parsed.lines[0]
    text = parsed.clean[first.start:first.end].strip()
    if len(text) <= 80 and not _SENTENCE_PUNCTUATION.search(analysis_copy(text)) \
            and not _NUMERIC_DATE.search(text):
        parsed.lines[0] = Line(first.start, first.end, 1)


def _header_lines(parsed: _Parsed) -> list[str]:
    """Lines before the first body line (one with sentence punctuation), at most eight."""
    result = []
    for line in parsed.lines[:8]:
        text = parsed.clean[line.start:line.end]
        if _SENTENCE_PUNCTUATION.search(analysis_copy(text)) and not line.level:
            break
        result.append(text)
    return result


def _title_from(parsed: _Parsed) -> str | None:
    if parsed.meta.get("title"):
        return re.sub(r"\s+", " ", str(parsed.meta["title"])).strip()
    headings = [line for line in parsed.lines if 0 < line.level < 7]
    if headings:
        best = min(headings, key=lambda line: line.level)
        return parsed.clean[best.start:best.end].strip()
    if parsed.meta.get("page_title"):
        return str(parsed.meta["page_title"])
    for text in _header_lines(parsed)[:1]:
        stripped = _NUMERIC_DATE.sub("", text)
        stripped = re.sub(r"[【】\[\]〔〕（）()]|(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]", " ", stripped).strip()
        if sum(1 for c in stripped if is_cjk(c)) >= 2:
            return re.sub(r"\s+", " ", stripped)
    return None


def _published(parsed: _Parsed) -> tuple[dt.datetime | None, dt.date | None]:
    date_text = parsed.meta.get("date")
    if date_text:
        moment, day = parse_metadata_date(str(date_text))
        if day:
            return moment, day
    for text in _header_lines(parsed):
        moment, day = parse_metadata_date(text) if _NUMERIC_DATE.search(text) else (None, None)
        if day:
            return moment, day
    return None, _roc_code_date(parsed.clean)


def _detect_format(raw: str, name: str) -> _Parsed:
    feed = _FEED_HEAD.match(raw)
    if feed:
        return _parse_feed_item(raw, feed)
    front = _front_matter(raw, name)
    if front is not None:
        return _parse_front_matter(raw, *front)
    if _HTML_DOCUMENT.match(raw) or _looks_html(raw):
        return _parse_html(raw)
    return _parse_plain(raw, markdown=bool(_MD_SIGNALS.search(raw)))


def read_text(text: str, name: str, published: dt.date | None = None, outlet: str | None = None,
              url: str | None = None, taiwan: bool | None = None, encoding: str = "utf-8") -> Document:
    """Read an article given as text (an API upload, or decoded bytes)."""
    raw = text.removeprefix("\ufeff")
    if not raw.strip():
        raise ReadError(name, "is empty")
    _check_characters(raw, name)
    parsed = _detect_format(raw, name)
    if not parsed.clean.strip():
        raise ReadError(name, f"has no text once its {parsed.format} markup is removed")
    if len(parsed.clean) > MAX_TEXT_CHARS:
        raise ReadError(name, f"is {len(parsed.clean)} characters once read, more than {MAX_TEXT_CHARS}: "
                              "split it into its articles")
    meta = parsed.meta
    published_at, published_date = _published(parsed)
    if published is not None:
        if published_at is not None and published_at.date() != published:
            published_at = None
        published_date = published
    if published_date is not None and not PUBLISHED_RANGE[0] <= published_date <= PUBLISHED_RANGE[1]:
        said = "given" if published is not None else "read from the article"
        raise ReadError(name, f"publication date {published_date.isoformat()} ({said}) is outside "
                              f"{PUBLISHED_RANGE[0].year}..{PUBLISHED_RANGE[1].year}")
    url = url or meta.get("url")
    known = (outlet_by_name(outlet) if outlet else None) or outlet_by_name(meta.get("outlet")) \
        or outlet_by_url(url) or outlet_by_name(meta.get("author"))
    estimate = None if published_date else estimate_published(analysis_copy(parsed.clean), dt.date.today())
    sections = split_sections(parsed.clean, parsed.lines, published_date or estimate)
    if estimate is not None:
        for section in sections:
            if section.reference_source == "published":
                section.reference_source = "estimated"
    if known is None:
        agencies = [s.agency for s in sections if s.agency]
        known = outlet_by_name(agencies[0]) if agencies else None
    outlet_name = outlet or meta.get("outlet") or (known.name if known else None)
    if taiwan is None:
        taiwan = bool(
            (known is not None and known.region == "TW")
            or _host(url).endswith(".tw")
            or _ROC_YEAR.search(analysis_copy(parsed.clean))
            or _roc_code_date(parsed.clean))
    return Document(
        name=name, raw_text=raw, clean_text=parsed.clean, format=parsed.format, encoding=encoding,
        title=_title_from(parsed), outlet=outlet_name, url=url, author=meta.get("author"),
        categories=list(meta.get("categories") or []), published_at=published_at,
        published_date=published_date, taiwan=taiwan, traditional=is_traditional(parsed.clean),
        content_hash=content_hash(parsed.clean), sections=sections, lines=parsed.lines,
        offsets=parsed.offsets)


def read_bytes(data: bytes, name: str, published: dt.date | None = None, outlet: str | None = None,
               url: str | None = None, taiwan: bool | None = None) -> Document:
    """Read an article from bytes; ``name`` names it in errors and in the document."""
    text, encoding = decode(data, name)
    return read_text(text, name, published=published, outlet=outlet, url=url, taiwan=taiwan,
                     encoding=encoding)


def read_path(path: str | Path, published: dt.date | None = None, outlet: str | None = None,
              url: str | None = None, taiwan: bool | None = None) -> Document:
    """Read the article in the file at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path.name, published=published, outlet=outlet, url=url, taiwan=taiwan)
