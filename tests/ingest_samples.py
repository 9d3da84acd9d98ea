"""The synthetic articles of the ingest tests (tests/data/ingest/) and copies
of the wire story made the ways near-duplicates arise."""
from __future__ import annotations

from pathlib import Path

from opencc import OpenCC

DATA = Path(__file__).parent / "data" / "ingest"
#: A six-paragraph wire story (Markdown with front matter: title, date, outlet, URL).
WIRE = DATA / "xinhua_talks_planned.md"
#: The wire story's third paragraph, and a rewrite of it.
PARAGRAPH = "美国白宫新闻秘书莱维特同日对媒体表示，美方特使威特科夫将出席谈判，美方希望谈判能够取得实质成果。"
REWRITE = "白宫方面同日证实，特使威特科夫将率美方团队前往马斯喀特，并称美国对此次接触抱有期待。"


def wire_text() -> str:
    return WIRE.read_text(encoding="utf-8")


def republished() -> str:
    """Re-published a day later by another outlet, at its URL, with one paragraph of six rewritten."""
    return (wire_text().replace(PARAGRAPH, REWRITE).replace("source: 新华社", "source: 环球网")
            .replace("world/2026-02/05/iran-us-talks", "world/2026-02/06/repost-8812")
            .replace("date: 2026-02-05", "date: 2026-02-06"))


def corrected() -> str:
    """Corrected at the same URL: one figure changed."""
    return wire_text().replace("五轮间接谈判", "六轮间接谈判")


def traditional() -> str:
    """In traditional characters, at a Hong Kong outlet's URL."""
    return OpenCC("s2t").convert(wire_text()).replace("world/2026-02/05/iran-us-talks", "hk/20260205/talks")
