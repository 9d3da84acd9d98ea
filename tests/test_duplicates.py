"""The near-duplicate similarity: its normal form, shingles and the measured
scores behind the 0.5 threshold (no database)."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ingest_samples import DATA, WIRE, corrected, republished, traditional, wire_text
from timeline.duplicates import MIN_CHARS, TEXT_THRESHOLD, grams, jaccard, normal_form, overlap, text_similarity
from timeline.extract.read import read_path, read_text

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"


def clean(text: str) -> str:
    return read_text(text, "variant.md").clean_text


def test_normal_form_ignores_script_width_case_punctuation_and_space():
    assert normal_form("伊朗、美國 將舉行「會談」！ Talks ２０２６") == "伊朗美国将举行会谈talks2026"


def test_grams_are_the_substrings_of_the_normal_form():
    assert grams("伊朗和美国。", 4) == {"伊朗和美", "朗和美国"}
    assert grams("伊朗", 4) == {"伊朗"}
    assert grams("。", 4) == frozenset()


def test_jaccard_and_overlap():
    a, b = frozenset("abcd"), frozenset("cdef")
    assert jaccard(a, b) == 2 / 6
    assert overlap(a, frozenset("cd")) == 1.0
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert overlap(a, frozenset()) == 0.0


def test_copies_score_at_or_above_the_threshold():
    wire = clean(wire_text())
    assert round(text_similarity(wire, clean(republished())), 2) == 0.75
    assert round(text_similarity(wire, clean(corrected())), 2) == 0.97
    assert text_similarity(wire, clean(traditional())) == 1.0


def test_a_follow_up_reusing_half_the_background_is_a_new_report():
    wire = clean(wire_text())
    follow_up = read_path(DATA / "xinhua_talks_follow_up.md").clean_text
    assert round(text_similarity(wire, follow_up), 2) == 0.45
    assert text_similarity(wire, follow_up) < TEXT_THRESHOLD


def pairwise_max(paths: list[Path]) -> float:
    texts = [read_path(p).clean_text for p in paths]
    return max(text_similarity(a, b) for a, b in itertools.combinations(texts, 2))


def test_different_articles_score_far_below_the_threshold():
    assert pairwise_max(sorted((ROOT / "seeds").glob("*.txt")) + [WIRE]) < 0.04


@pytest.mark.skipif(not DEV.is_dir(), reason=f"the shared evaluation set is not at {DEV}")
def test_dev_articles_score_far_below_the_threshold():
    assert pairwise_max(sorted(DEV.glob("d[0-9]*")) + [WIRE]) < 0.04


def test_short_briefs_about_different_talks_look_alike():
    """Why texts under MIN_CHARS are never near-duplicates."""
    us = "伊美在马斯喀特举行谈判\n\n新华社马斯喀特2月6日电 伊朗和美国代表团6日在阿曼首都马斯喀特举行了谈判。"
    uk = "伊英在马斯喀特举行谈判\n\n新华社马斯喀特2月6日电 伊朗和英国代表团6日在阿曼首都马斯喀特举行了谈判。"
    assert round(text_similarity(us, uk), 2) == 0.74
    assert len(normal_form(us)) == 47 < MIN_CHARS
