"""Ingest throughput: articles per second end to end (read → extract → store)
on one core, and extraction alone in KB/s.

    python benchmarks/bench_ingest.py [--copies 10] [--url URL]

The seed articles are repeated ``--copies`` times (at most 12) with
variations that keep each copy a distinct article (its own headline and URL, its
publication date a week later per copy where the manifest gives it, a copy
number in the text), so copies are extracted and stored rather than
recognised as near-duplicates; outcomes are counted to show that.  The database is a fresh SQLite file (or ``--url``) built by the
migrations.  The process pins itself to core 0.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from alembic import command

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
#: One title per copy, no two sharing a character pair, so no copy's title is
#: "similar" to another's (the near-duplicate check compares titles first).
HEADLINES = ["春雨润物", "秋风扫叶", "江河奔流", "山川壮丽", "星空浩瀚", "海浪翻腾", "森林茂密", "草原辽阔",
             "沙漠孤烟", "冰雪消融", "晨光熹微", "暮色苍茫"]


def variations(copies: int) -> list[tuple[str, str, dt.date | None, str | None]]:
    """(name, text, published, outlet) for each copy of each seed."""
    manifest = json.loads((ROOT / "seeds" / "manifest.json").read_text(encoding="utf-8"))["articles"]
    out = []
    for copy in range(copies):
        for entry in manifest:
            text = (ROOT / "seeds" / entry["file"]).read_text(encoding="utf-8")
            published = dt.date.fromisoformat(entry["published"]) if entry.get("published") else None
            if published is not None:
                published += dt.timedelta(days=7 * copy)
            out.append((f"{entry['file']}#{copy}", f"{text}\n（副本{copy}）\n", published, entry.get("outlet")))
    return out


def as_copy(document: Any) -> Any:
    """The copy with its own headline and URL (the copy number ends its name)."""
    copy = int(document.name.rsplit("#", 1)[1])
    return dataclasses.replace(document, title=HEADLINES[copy % len(HEADLINES)],
                               url=f"https://example.org/copies/{copy}/{document.name.split('_')[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file in benchmarks/results/)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    from timeline.db import make_engine
    from timeline.extract.pipeline import extract
    from timeline.extract.read import read_text
    from timeline.ingest import ingest_document
    from timeline.migrate import alembic_config
    from sqlalchemy.orm import sessionmaker

    RESULTS.mkdir(exist_ok=True)
    url = args.url or f"sqlite:///{RESULTS / 'bench-ingest.db'}"
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    command.upgrade(alembic_config(url), "head")
    items = variations(args.copies)

    documents = [as_copy(read_text(text, name, published=published, outlet=outlet))
                 for name, text, published, outlet in items]
    chars = sum(len(d.clean_text) for d in documents)
    size = sum(len(d.clean_text.encode()) for d in documents)

    extract(documents[0])  # warm-up: lexicons, tables, patterns
    began = time.perf_counter()
    for document in documents:
        extract(document)
    extraction = time.perf_counter() - began

    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    outcomes: Counter[str] = Counter()
    began = time.perf_counter()
    for name, text, published, outlet in items:
        document = as_copy(read_text(text, name, published=published, outlet=outlet))
        with factory() as session:
            result = ingest_document(session, document)
        outcomes["duplicate" if result.duplicate_of else "events" if result.event_count else "no events"] += 1
    total = time.perf_counter() - began
    engine.dispose()

    print(f"{len(items)} articles ({args.copies} copies of {len(items) // args.copies} seeds), "
          f"{chars / len(items):,.0f} characters each on average; outcomes {dict(outcomes)}")
    print(f"extraction alone: {size / 1024 / extraction:,.0f} KB/s of UTF-8 "
          f"({chars / extraction:,.0f} chars/s, {len(items) / extraction:.1f} articles/s)")
    print(f"end to end (read, extract, store, commit): {len(items) / total:.1f} articles/s, "
          f"{chars / total:,.0f} chars/s = {chars / total / 1500:.1f} articles/s of 1,500 characters")


if __name__ == "__main__":
    main()
