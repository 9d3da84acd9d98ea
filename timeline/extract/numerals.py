"""Numbers as Chinese dates write them, and the character fold date patterns match on.

``fold`` gives a copy of a text with exactly its length (one character for one), so
an offset found in the copy is the same offset in the original: traditional
characters become simplified ones (週→周, 後→后, 當→当, 兩→两, 個→个), full-width
digits, letters and ASCII punctuation become ASCII (２０２５→2025, （→(, ，→,), and
the circle sometimes typed for zero (○) becomes 〇.  The traditional→simplified
map is OpenCC's character table (shipped with opencc-python-reimplemented), kept
to its one-character entries and applied with ``str.translate``, which is far
faster than OpenCC's phrase converter and never changes a length.

``parse_number`` reads Arabic digits, digit-by-digit years (二〇二五) and
counted numbers with units (二十三, 廿三, 卅, 一百一十三, 两).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import opencc

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TENS = {"廿": 20, "卅": 30}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    table[ord("○")] = "〇"
    characters = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in characters.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    return table


def fold(text: str) -> str:
    """Simplified, ASCII-width copy of ``text`` with the same length."""
    return text.translate(_fold_table())


def parse_number(token: str) -> int | None:
    """The value of a number token, or None when it is not one (几, 数, '')."""
    if not token:
        return None
    if token.isascii() and token.isdigit():
        return int(token)
    if all(c in CN_DIGITS for c in token):
        if len(token) == 1:
            return CN_DIGITS[token]
        return int("".join(str(CN_DIGITS[c]) for c in token))
    total, current = 0, None
    for char in token:
        if char in "〇零":
            continue
        if char in CN_DIGITS:
            if current is not None:
                return None
            current = CN_DIGITS[char]
        elif char in _TENS:
            if current is not None or total:
                return None
            total = _TENS[char]
        elif char in _UNITS:
            total += (1 if current is None else current) * _UNITS[char]
            current = None
        else:
            return None
    return total + (current or 0)
