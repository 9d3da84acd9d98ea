"""The lexicon data files: complete, consistent, and what the API will serve."""

from __future__ import annotations

import pytest

from timeline.extract.aliases import fold
from timeline.lexicon.load import load_lexicon, taxonomy, topic_names, topics

TYPE_SLUGS = [
    "talks", "summit", "visit", "phone_call", "statement", "agreement", "treaty_expiry",
    "prisoner_exchange", "military_action", "military_exercise", "deployment", "sanctions",
    "protest", "law_enforcement", "election", "policy", "ceremony", "economy", "disaster",
    "other",
]
TOPIC_SLUGS = [
    "russia-ukraine", "iran-nuclear", "israel-palestine", "middle-east", "korean-peninsula",
    "taiwan-strait", "south-china-sea", "us-china", "us-russia", "alliances", "arms-control",
    "trade", "energy", "markets", "immigration", "elections", "justice", "protests", "ai-tech",
    "sports", "disasters", "climate", "health", "terrorism", "multilateral",
]


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def test_taxonomy_is_the_shared_table():
    types = taxonomy()
    assert [t["slug"] for t in types] == TYPE_SLUGS
    by_slug = {t["slug"]: t for t in types}
    assert by_slug["talks"]["name"] == "会谈/谈判"
    assert (by_slug["talks"]["cameo"], by_slug["talks"]["plover"]) == (["04"], ["CONSULT"])
    assert by_slug["deployment"]["plover"] == ["MOBILIZE", "RETREAT"]
    assert by_slug["agreement"]["cameo"] == ["057", "06"]
    assert (by_slug["statement"]["plover"], by_slug["election"]["cameo"]) == ([], [])


def test_topics_are_the_shared_table():
    assert [t["slug"] for t in topics()] == TOPIC_SLUGS
    assert topic_names("trade") == ("贸易与关税", "Trade and tariffs")
    assert topic_names("russia-ukraine")[0] == "俄乌冲突"
    with pytest.raises(KeyError):
        topic_names("no-such-topic")


def test_every_iso_country_with_its_chinese_names(lex):
    codes = {c.code for c in lex.countries}
    assert len(codes) == len(lex.countries) == 250  # ISO 3166-1 and Kosovo
    usa = next(c for c in lex.countries if c.code == "USA")
    assert (usa.key, usa.name, usa.name_en, usa.official) == ("usa", "美国", "United States", "美利坚合众国")
    assert "美國" in usa.aliases and usa.abbr == "美" and "美方" in usa.forms
    sau = next(c for c in lex.countries if c.code == "SAU")
    assert {"沙烏地阿拉伯", "沙地阿拉伯", "沙特"} <= set(sau.aliases)
    kor = next(c for c in lex.countries if c.code == "KOR")
    assert kor.name_en == "South Korea" and "南韩" in kor.aliases


def test_x_fang_forms_are_an_allow_list(lex):
    forms = {f for c in lex.countries for f in c.forms + c.forms_ambiguous}
    assert {"美方", "俄方", "伊方", "乌方", "中方", "日方"} <= forms
    assert not forms & {"双方", "西方", "各方", "对方", "多方", "三方"}


def test_places_have_country_and_aliases(lex):
    by_name = {p.name: p for p in lex.places}
    assert (by_name["马斯喀特"].country, by_name["马斯喀特"].name_en) == ("OMN", "Muscat")
    assert by_name["明尼苏达州"].country == "USA" and "明尼苏达" in by_name["明尼苏达州"].aliases
    assert "加沙" in by_name["加沙地带"].aliases and "加沙" not in by_name  # the strip, not the city
    assert by_name["克里米亚"].country == "UKR"
    assert "诺姆" not in by_name  # Kristi Noem before Nome, Alaska
    by_key = lex.by_key()
    capitals = {c.code: by_key[c.capital].name for c in lex.countries if c.capital}
    assert capitals["USA"] == "华盛顿" and capitals["IRN"] == "德黑兰" and capitals["PAK"] == "伊斯兰堡"


def test_keys_are_unique_and_countries_exist(lex):
    keys = [e.key for e in (*lex.countries, *lex.places, *lex.organizations, *lex.people)]
    assert len(keys) == len(set(keys))
    codes = {c.code for c in lex.countries}
    for entity in (*lex.places, *lex.organizations, *lex.people):
        assert entity.country is None or entity.country in codes, entity.key


def test_people_have_distinct_names(lex):
    assert len(lex.people) >= 300
    owner: dict[str, str] = {}
    for person in lex.people:
        assert person.name_en and person.country and person.role
        for alias in (person.name, *person.aliases):
            assert owner.setdefault(fold(alias), person.key) == person.key, alias


def test_titles_scope(lex):
    titles = {t.title: t for t in lex.titles}
    assert titles["国务卿"].countries == ("USA",)
    assert titles["外长"].countries == ()
    assert titles["记者"].kind == "byline"
