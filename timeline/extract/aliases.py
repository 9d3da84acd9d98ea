"""Length-preserving normalization for matching names across scripts.

Every lexicon alias and every text is folded the same way before matching:
traditional and Taiwan/Hong Kong variant characters become simplified ones, fullwidth
ASCII becomes ASCII, Latin letters are lower-cased and the many middle dots used in
transliterated names become U+00B7.  Each character maps to exactly one character, so
an offset into the folded copy is an offset into the original text.  Only the
character level of OpenCC's tables is used: phrase tables can change the length.
"""

from __future__ import annotations

import os
from functools import lru_cache

import opencc

_MIDDLE_DOTS = "・•‧∙⋅･●"
_DASHES = "－‐‑–—"


def _read_char_table(name: str) -> dict[str, str]:
    """One OpenCC character table: each character to its first single-char candidate."""
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", name)
    table: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            source, _, targets = line.rstrip("\n").partition("\t")
            first = targets.split(" ")[0] if targets else ""
            if len(source) == 1 and len(first) == 1:
                table[source] = first
    return table


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The translation table used by :func:`fold` (built once)."""
    to_simplified = _read_char_table("TSCharacters.txt")
    variants: dict[str, str] = {}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for source, target in _read_char_table(name).items():
            variants.setdefault(source, target)
    table: dict[int, str] = {}
    for source in set(to_simplified) | set(variants):
        standard = variants.get(source, source)
        target = to_simplified.get(standard, to_simplified.get(source, standard))
        if target != source:
            table[ord(source)] = target
    for code in range(0xFF01, 0xFF5F):  # fullwidth ASCII block
        table[code] = chr(code - 0xFEE0).lower()
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    table[0x3000] = " "
    for dot in _MIDDLE_DOTS:
        table[ord(dot)] = "·"
    for dash in _DASHES:
        table[ord(dash)] = "-"
    return table


def fold(text: str) -> str:
    """The matching form of ``text``: same length, simplified, lower-case ASCII."""
    return text.translate(fold_table())
