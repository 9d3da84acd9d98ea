"""Throughput of the date resolver on the seed articles.

    python benchmarks/bench_dates.py [--repeat N]

Each seed file is split into sentences (at 。！？ and line breaks) and resolved
sentence by sentence with one DateResolver per file, as the event extractor does.
The figure is characters of sentence text per second of resolving, best of N runs
(reading and splitting are not timed). The reference date is fixed: it changes
the values, not the work.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from pathlib import Path

from timeline.extract.dates import DateResolver

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = dt.date(2026, 2, 5)
SENTENCE_END = re.compile(r"(?<=[。！？])|\n")


def load_sentences() -> list[list[str]]:
    """The sentences of each seed article, one list per file."""
    files = sorted((ROOT / "seeds").glob("*.txt"))
    return [[s for s in SENTENCE_END.split(f.read_text(encoding="utf-8")) if s.strip()] for f in files]


def run_once(articles: list[list[str]]) -> tuple[float, int]:
    """(seconds, expressions found) for one pass over every sentence."""
    found = 0
    start = time.perf_counter()
    for sentences in articles:
        resolver = DateResolver(REFERENCE)
        for sentence in sentences:
            found += len(resolver.resolve(sentence))
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best is reported (default 5)")
    args = parser.parse_args()
    articles = load_sentences()
    chars = sum(len(s) for sentences in articles for s in sentences)
    sentences = sum(len(s) for s in articles)
    run_once(articles)  # warm-up: compiles the patterns, loads the character table
    best, found = min(run_once(articles) for _ in range(args.repeat))
    print(f"{len(articles)} articles, {sentences} sentences, {chars} chars, {found} expressions")
    print(f"dates: {chars / best:,.0f} chars/s ({best * 1000:.1f} ms per pass, best of {args.repeat})")


if __name__ == "__main__":
    main()
