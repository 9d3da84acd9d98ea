"""The event taxonomy (types with CAMEO and PLOVER codes), read once from the lexicon."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).resolve().parent.parent / "lexicon"


@lru_cache(maxsize=1)
def taxonomy() -> list[dict[str, Any]]:
    """The event types, in the taxonomy's order."""
    data = json.loads((LEXICON / "taxonomy.json").read_text(encoding="utf-8"))
    return data["types"] if isinstance(data, dict) else data


def type_slugs() -> list[str]:
    return [entry["slug"] for entry in taxonomy()]


def type_labels() -> dict[str, tuple[str | None, str | None]]:
    """slug -> (Chinese label, English label); the taxonomy has no English labels."""
    return {entry["slug"]: (entry["name"], None) for entry in taxonomy()}
