"""Search terms: the character bigrams that make ``q`` an index lookup.

Chinese has no spaces between words, and two-character words (伊朗, 普京) are
shorter than the trigrams of trigram indexes and are not tokens to SQLite's or
PostgreSQL's default full-text parsers.  So the index keys on every pair of
adjacent characters of a case-folded text, split only at whitespace: a word
that occurs in a text has each of its adjacent pairs among the text's pairs.
A text also yields the last character of each whitespace-separated run alone,
so a one-character word is found through the pairs that start with it or that
single key.

A key is an integer: the first character's code point shifted left by
:data:`SHIFT` bits, or-ed with the second's (0 for a last character), so the
keys that start with a character form one contiguous range.

The index only narrows: the query layer still applies the words as LIKE
conditions, so what ``q`` means does not depend on the index.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Bits of the second character (Unicode code points fit in 21 bits).
SHIFT = 21
LOW = (1 << SHIFT) - 1


def text_terms(texts: Iterable[str | None]) -> set[int]:
    """The keys of ``texts`` (a title and quotes)."""
    terms: set[int] = set()
    for text in texts:
        for run in (text or "").casefold().split():
            codes = [ord(c) for c in run]
            terms.update((a << SHIFT) | b for a, b in zip(codes, codes[1:]))
            terms.add(codes[-1] << SHIFT)
    return terms


@dataclass(frozen=True)
class WordKeys:
    """What the index must hold for a text to contain one ``q`` word: every key
    of ``keys``, or for a one-character word some key in ``[low, high]``."""

    keys: tuple[int, ...] = ()
    low: int | None = None
    high: int | None = None


def word_keys(word: str) -> WordKeys:
    folded = word.casefold()
    if len(folded) == 1:
        low = ord(folded) << SHIFT
        return WordKeys(low=low, high=low | LOW)
    codes = [ord(c) for c in folded]
    return WordKeys(keys=tuple(dict.fromkeys((a << SHIFT) | b for a, b in zip(codes, codes[1:]))))
