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
from pathlib import Path

import opencc

_WHITESPACE = re.compile(r"\s+")


def _opencc_char_table(name: str) -> dict[str, str]:
    """One of OpenCC's character tables, kept to its one-character entries."""
    path = Path(opencc.__file__).parent / "dictionary" / name
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        first = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(first) == 1:
            table[source] = first
    return table


@lru_cache(maxsize=1)
def char_table() -> dict[int, str]:
    """One character to one character: traditional and Taiwan/Hong Kong variant
    forms to simplified, full-width ASCII to ASCII, the ideographic space to a
    space, the circle typed for zero (○) to 〇.  The one table every analysis
    copy is built from (dates, triggers, names)."""
    simplified = _opencc_char_table("TSCharacters.txt")
    variants: dict[str, str] = {}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for source, target in _opencc_char_table(name).items():
            variants.setdefault(source, target)
    table: dict[int, str] = {}
    for source in set(simplified) | set(variants):
        standard = variants.get(source, source)
        target = simplified.get(standard, simplified.get(source, standard))
        if target != source:
            table[ord(source)] = target
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    table[ord("○")] = "〇"
    return table


def simplify_chars(text: str) -> str:
    """Character by character: simplified, ASCII-width; same length.  Fast."""
    return text.translate(char_table())


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified, ASCII-width copy of ``text`` with the same length.

    OpenCC's phrases first (計畫 → 计划, where characters alone give 计画), kept
    only where they keep the length, then the character table.  Text with no
    traditional character skips the slow phrase step.
    """
    if not text or text == text.translate(_traditional_only()):
        return simplify_chars(text)
    lines = []
    for line in text.splitlines(keepends=True):
        phrased = _converter().convert(line)
        lines.append(phrased if len(phrased) == len(line) else line)
    return simplify_chars("".join(lines))


@lru_cache(maxsize=1)
def _traditional_only() -> dict[int, str]:
    """The character table without its width and spacing entries."""
    return {code: target for code, target in char_table().items() if code > 0x2FFF and code != 0x3000
            and not 0xFF01 <= code < 0xFF5F}


def analysis_copy(text: str) -> str:
    """The copy of ``text`` that analysis matches on (:func:`to_simplified`)."""
    return to_simplified(text)


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (basic block or extension A)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def traditional_share(text: str) -> float:
    """Share of the CJK characters that simplified conversion changes."""
    cjk = [c for c in text if is_cjk(c)]
    if not cjk:
        return 0.0
    simplified = simplify_chars("".join(cjk))
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
