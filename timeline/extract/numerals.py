"""Numbers as Chinese dates write them.

``parse_number`` reads Arabic digits, digit-by-digit years (二〇二五) and
counted numbers with units (二十三, 廿三, 卅, 一百一十三, 两).  Date patterns match
on the character-for-character copy of :func:`timeline.extract.textnorm.simplify_chars`
(週→周, ２０２５→2025, ○→〇), so offsets in the copy are offsets in the text.
"""
from __future__ import annotations

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_TENS = {"廿": 20, "卅": 30}


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
