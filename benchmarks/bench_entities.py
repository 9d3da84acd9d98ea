"""Entity recognition on the seed articles: precision/recall against a hand list and speed.

    python benchmarks/bench_entities.py            # gazetteer + rules
    python benchmarks/bench_entities.py --jieba    # + jieba.posseg person names (needs jieba)

The hand list (tests/data/entities_seeds.jsonl) names, per seed article, every person,
country form, organization and place a reader would mark, reporters excluded.  An
item is found when a system mention of the same kind has the same text or contains
it (顿巴斯地区 finds 顿巴斯).  Counts are over distinct (text, kind) pairs per article.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from timeline.extract.entities import EntityMention, default_recognizer

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("person", "country", "organization", "place")


def kind_of(mention: EntityMention) -> str:
    return "organization" if mention.kind == "group" else mention.kind


def jieba_people(text: str, mentions: list[EntityMention]) -> list[tuple[str, str]]:
    """Person names jieba's HMM tagger adds where the rules found nothing."""
    import jieba.posseg

    taken = bytearray(len(text))
    for m in mentions:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    out, pos = [], 0
    for word, flag in jieba.posseg.cut(text):
        if flag == "nr" and len(word) >= 2 and not any(taken[pos:pos + len(word)]):
            out.append((word, "person"))
        pos += len(word)
    return out


def score(use_jieba: bool) -> None:
    rec = default_recognizer()
    found, gold_n, sys_n, sys_ok = Counter(), Counter(), Counter(), Counter()
    chars, seconds = 0, 0.0
    for line in (ROOT / "tests/data/entities_seeds.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        text = (ROOT / "seeds" / item["article"]).read_text("utf-8")
        t0 = time.perf_counter()
        mentions = rec.find(text)
        seconds += time.perf_counter() - t0
        chars += len(text)
        system = {(m.text, kind_of(m)) for m in mentions}
        if use_jieba:
            system |= set(jieba_people(text, mentions))
        gold = {(e["text"], e["kind"]) for e in item["entities"]}
        for text_, kind in gold:
            gold_n[kind] += 1
            found[kind] += any(k == kind and text_ in t for t, k in system)
        for text_, kind in system:
            sys_n[kind] += 1
            sys_ok[kind] += any(k == kind and t in text_ for t, k in gold)
    for kind in KINDS + ("all",):
        g = sum(gold_n.values()) if kind == "all" else gold_n[kind]
        f = sum(found.values()) if kind == "all" else found[kind]
        s = sum(sys_n.values()) if kind == "all" else sys_n[kind]
        ok = sum(sys_ok.values()) if kind == "all" else sys_ok[kind]
        p, r = ok / s if s else 0.0, f / g if g else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{kind:13s} P {p:.3f} ({ok}/{s})  R {r:.3f} ({f}/{g})  F1 {f1:.3f}")
    print(f"speed (recognizer only, cold first call included): {chars / seconds:,.0f} chars/s")


def speed(repeat: int = 20) -> None:
    rec = default_recognizer()
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    rec.find(texts[0])
    t0 = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            rec.find(text)
    elapsed = time.perf_counter() - t0
    print(f"speed, warm, {repeat}x seeds: {repeat * sum(map(len, texts)) / elapsed:,.0f} chars/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jieba", action="store_true")
    args = parser.parse_args()
    score(args.jieba)
    speed()
