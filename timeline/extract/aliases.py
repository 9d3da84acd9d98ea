"""Length-preserving normalization for matching names across scripts.

Every lexicon alias and every text is folded the same way before matching:
traditional and Taiwan/Hong Kong variant characters become simplified ones, fullwidth
ASCII becomes ASCII, Latin letters are lower-cased and the many middle dots used in
transliterated names become U+00B7.  Each character maps to exactly one character, so
an offset into the folded copy is an offset into the original text.  Only the
character level of OpenCC's tables is used: phrase tables can change the length.
"""

from __future__ import annotations

from functools import lru_cache

from timeline.extract.textnorm import char_table

_MIDDLE_DOTS = "・•‧∙⋅･●"
_DASHES = "－‐‑–—"


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The translation table used by :func:`fold` (built once): the shared
    character table, plus lower case and one middle dot and one dash."""
    table = {code: target.lower() for code, target in char_table().items()}
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    for dot in _MIDDLE_DOTS:
        table[ord(dot)] = "·"
    for dash in _DASHES:
        table[ord(dash)] = "-"
    return table


def fold(text: str) -> str:
    """The matching form of ``text``: same length, simplified, lower-case ASCII."""
    return text.translate(fold_table())
