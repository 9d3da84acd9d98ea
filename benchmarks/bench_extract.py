"""Extraction throughput: articles per second, and per stage.

    .venv/bin/python benchmarks/bench_extract.py [--repeat N] [--size CHARS]

Cuts the seed articles (seeds/*.txt, read once) into articles of about --size
characters of clean text, at paragraph breaks, and extracts them again and
again in one process on one core (read is timed too: the bytes are re-read from
memory each time).  Prints articles/s, characters/s, and where the time goes
(read, entities, dates, the rest of extraction).  The target is >= 10 articles/s
of ~1,500 characters end to end (issue 4).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from timeline.extract.pipeline import extract
from timeline.extract.read import read_path, read_text

ROOT = Path(__file__).resolve().parent.parent


def chunks(size: int) -> list[str]:
    """The seed articles' clean text cut into pieces of about ``size`` characters."""
    pieces: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        current = ""
        for paragraph in read_path(path).clean_text.split("\n"):
            current += paragraph + "\n"
            if len(current) >= size:
                pieces.append(current)
                current = ""
        if len(current) >= size // 2:
            pieces.append(current)
    return pieces


def run(pieces: list[str], published) -> tuple[int, int]:
    events = 0
    for number, text in enumerate(pieces):
        events += len(extract(read_text(text, f"piece-{number}.txt", published=published)).events)
    return len(pieces), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="passes; the best is reported")
    parser.add_argument("--size", type=int, default=1500, help="characters per article")
    parser.add_argument("--profile", action="store_true", help="print the functions that cost most")
    args = parser.parse_args()

    import datetime as dt

    published = dt.date(2026, 2, 5)
    pieces = chunks(args.size)
    chars = sum(len(p) for p in pieces)
    run(pieces[:2], published)  # warm the lexicons and compiled patterns
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        count, events = run(pieces, published)
        best = min(best, time.perf_counter() - started)
    print(f"{count} articles of ~{chars // count} chars ({chars} chars), {events} events")
    print(f"extraction end to end: {count / best:.1f} articles/s, {chars / best:,.0f} chars/s "
          f"({best * 1000 / count:.1f} ms per article, best of {args.repeat})")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(pieces, published)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
