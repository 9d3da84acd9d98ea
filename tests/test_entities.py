"""The entity recognizer: aliases across scripts, gazetteer traps, name patterns, bylines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline.extract.entities import EntityMention, default_recognizer

ROOT = Path(__file__).resolve().parents[1]


def find(text: str) -> list[EntityMention]:
    return default_recognizer().find(text)


def keys(text: str) -> list[str]:
    return [m.key for m in find(text)]


def spans(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.key) for m in find(text)]


@pytest.mark.parametrize("text, key", [
    ("川普表示", "donald-trump"), ("特朗普表示", "donald-trump"), ("川普總統表示", "donald-trump"),
    ("普京表示", "vladimir-putin"), ("普丁表示", "vladimir-putin"), ("蒲亭表示", "vladimir-putin"),
    ("泽连斯基表示", "volodymyr-zelensky"), ("泽伦斯基表示", "volodymyr-zelensky"),
    ("澤倫斯基表示", "volodymyr-zelensky"), ("鲁比奥表示", "marco-rubio"),
    ("卢比奥表示", "marco-rubio"), ("盧比歐表示", "marco-rubio"),
    ("威特科夫表示", "steve-witkoff"), ("魏科夫表示", "steve-witkoff"),
    ("拉夫羅夫表示", "sergei-lavrov"), ("阿拉格奇表示", "abbas-araghchi"),
    ("阿拉奇表示", "abbas-araghchi"), ("納坦雅胡表示", "benjamin-netanyahu"),
    ("馬克宏表示", "emmanuel-macron"), ("習近平表示", "xi-jinping"), ("賴清德表示", "lai-ching-te"),
    ("高市早苗表示", "sanae-takaichi"), ("李在明表示", "lee-jae-myung"),
    ("沙烏地阿拉伯表示", "sau"), ("亞塞拜然表示", "aze"), ("紐西蘭表示", "nzl"), ("北韓表示", "prk"),
    ("國際原子能總署表示", "iaea"), ("歐盟表示", "eu"), ("聯合國表示", "un"),
])
def test_aliases_across_scripts_and_conventions(text, key):
    assert keys(text) == [key]


def test_offsets_are_into_traditional_text():
    text = "美國總統川普與中國國家主席習近平在布宜諾斯艾利斯共進晚宴"
    assert [(m.text, m.start, m.end, m.key) for m in find(text)] == [
        ("美國", 0, 2, "usa"), ("川普", 4, 6, "donald-trump"), ("中國", 7, 9, "chn"),
        ("習近平", 13, 16, "xi-jinping"), ("布宜諾斯艾利斯", 17, 24, "buenos-aires-arg")]
    trump = find(text)[1]
    assert (trump.kind, trump.name, trump.name_en, trump.country, trump.role) == (
        "person", "特朗普", "Donald Trump", "USA", "总统")


@pytest.mark.parametrize("text, expected", [
    ("美国马里兰大学研究员", [("美国", "usa"), ("马里兰", "maryland-usa")]),
    ("马里总统表示", [("马里", "mli")]),
    ("从日本国内角度来看", [("日本", "jpn")]),
    ("在意大利米兰举行", [("意大利", "ita"), ("米兰", "milan-ita")]),
    ("中美洲国家", [("中美洲", "central-america")]),
    ("伊美将于6日在阿曼谈判", [("伊", "irn"), ("美", "usa"), ("阿曼", "omn")]),
    ("乌美俄三方会谈", [("乌", "ukr"), ("美", "usa"), ("俄", "rus")]),
    ("中美关系日益紧张", [("中", "chn"), ("美", "usa")]),
    ("5日俄乌交换314名被俘人员", [("俄", "rus"), ("乌", "ukr")]),
    ("伊美6日谈判", [("伊", "irn"), ("美", "usa")]),
    ("巴以冲突", [("巴", "pse"), ("以", "isr")]),
    ("中巴经济走廊", [("中", "chn"), ("巴", "pak")]),
    ("双方同意，西方国家、各方和对方都在多方协调", []),
    ("其中美方表示", [("美方", "usa")]),
    ("以总理身份出席", []),
    ("节日美食", []),
    ("伊朗同意与美谈判", [("伊朗", "irn"), ("美", "usa")]),
    ("他将择机访华", [("华", "chn")]),
    ("美国会继续支持", [("美国", "usa")]),
])
def test_gazetteer_traps_and_abbreviations(text, expected):
    assert spans(text) == expected


def test_a_title_wins_over_the_body_it_contains():
    mentions = find("伊朗外交部长阿拉格齐说")
    assert [(m.text, m.key) for m in mentions] == [("伊朗", "irn"), ("阿拉格齐", "abbas-araghchi")]
    assert mentions[1].role == "外交部长"
    assert spans("中国外交部长王毅会见") == [("中国", "chn"), ("王毅", "wang-yi")]


def test_one_character_abbreviation_before_a_title():
    assert spans("美国务卿鲁比奥说") == [("美", "usa"), ("鲁比奥", "marco-rubio")]
    assert spans("以总理内塔尼亚胡表示") == [("以", "isr"), ("内塔尼亚胡", "benjamin-netanyahu")]
    assert spans("俄外长拉夫罗夫说") == [("俄", "rus"), ("拉夫罗夫", "sergei-lavrov")]


def test_ambiguous_forms_go_to_the_country_the_text_names():
    text = "阿塞拜疆和亚美尼亚签署协议。阿塞拜疆外长说，阿方欢迎亚方的决定"
    assert [m.key for m in find(text) if m.text in ("阿方", "亚方")] == ["aze", "arm"]
    assert [m.key for m in find("中巴关系。巴西总统卢拉说") if m.text == "巴"] == ["bra"]
    assert [m.text for m in find("阿方表示欢迎")] == []  # no country named: no guess


def test_title_and_unknown_name():
    mentions = find("伊朗外长科瓦尔奇克4日在社交媒体上发文说")
    person = mentions[-1]
    assert (person.text, person.kind, person.is_new, person.country, person.role) == (
        "科瓦尔奇克", "person", True, "IRN", "外长")
    assert person.key == "person-科瓦尔奇克"
    person = find("美国总统特使马尔多纳多分别率团参加")[-1]
    assert (person.text, person.country, person.role) == ("马尔多纳多", "USA", "总统特使")
    person = find("发言人布鲁诺表示")[-1]
    assert (person.text, person.country) == ("布鲁诺", None)
    person = find("外交部发言人郭嘉明周二表示")[-1]
    assert (person.text, person.is_new) == ("郭嘉明", True)


def test_country_from_the_title_chain_or_its_scope():
    assert find("俄罗斯总统外交政策顾问乌沙科娃说")[-1].country == "RUS"
    assert find("国务卿帕拉西奥斯说")[-1].country == "USA"
    assert find("美国参议院外交关系委员会主席、共和党人吉姆·里希特等")[-1].country is None


def test_dotted_names_and_propagation():
    mentions = find("国际足联主席詹尼·因凡蒂诺宣布扩军。因凡蒂诺说，这是历史性的一天")
    people = [(m.text, m.key, m.is_new) for m in mentions if m.kind == "person"]
    assert people == [("詹尼·因凡蒂诺", "person-詹尼·因凡蒂诺", True),
                      ("因凡蒂诺", "person-詹尼·因凡蒂诺", True)]
    assert spans("部署“亚伯拉罕·林肯”号航母打击群") == []
    known = find("国际奥委会主席柯丝蒂·考文垂宣布")[-1]
    assert (known.key, known.is_new) == ("kirsty-coventry", False)


def test_english_name_in_brackets():
    person = find("外交官科斯京（Ivan Kostin）表示")[-1]
    assert (person.text, person.name_en, person.is_new) == ("科斯京", "Ivan Kostin", True)
    person = find("俄方顾问别列佐夫斯卡娅(Anna Berezovskaya)在会后表示")[-1]
    assert (person.text, person.name_en) == ("别列佐夫斯卡娅", "Anna Berezovskaya")


def test_speech_verb_names_need_a_second_mention():
    assert [m.text for m in find("巴兰卡说，行动将继续。")] == []
    people = [m.text for m in find("巴兰卡说，行动将继续。巴兰卡4日强调，不会撤离。")]
    assert people == ["巴兰卡", "巴兰卡"]


def test_short_forms_only_after_the_full_name():
    assert spans("石破此行") == []
    assert spans("石破茂访美。石破此行") == [
        ("石破茂", "shigeru-ishiba"), ("美", "usa"), ("石破", "shigeru-ishiba")]


def test_reporters_in_bylines_are_not_actors():
    assert spans("新华社开罗2月5日电 (记者吴宝澍) 伊朗和美国官员4日先后确认") == [
        ("新华社", "xinhua"), ("开罗", "cairo-egy"), ("伊朗", "irn"), ("美国", "usa")]
    assert spans("据新华社米兰2月4日电 (记者刘阳 李嘉) 中国体育代表团") == [
        ("新华社", "xinhua"), ("米兰", "milan-ita"), ("中国", "chn")]
    assert spans("（参与记者：汪强）") == []
    assert spans("（中央社記者陳思妤台北14日電）") == [("中央社", "cna-taiwan"), ("台北", "taipei-twn")]


def test_generic_bodies_take_the_country_of_the_text():
    text = "美国国务院表示，两国同意消除干扰因素。国务院发言人布鲁斯表示，努力仍处于初始阶段"
    assert [m.key for m in find(text) if m.kind == "organization"] == [
        "us-state-department", "us-state-department"]
    assert keys("商务部宣布新措施") == ["chinese-commerce-ministry"]
    uk = find("英国外交部称")[-1]
    assert (uk.key, uk.name, uk.country) == ("foreign-ministry-gbr", "英国外交部", "GBR")
    both = find("两国外交部宣布")[-1]
    assert (both.key, both.country) == ("foreign-ministry", None)


def test_summit_nicknames():
    assert spans("川習會達成貿易休兵") == [("川", "donald-trump"), ("習", "xi-jinping")]
    assert spans("特金会在新加坡举行") == [
        ("特", "donald-trump"), ("金", "kim-jong-un"), ("新加坡", "sgp")]


def test_latin_aliases_need_word_boundaries():
    assert keys("G7 leaders and the UN") == ["g7", "un"]
    assert keys("unknown guests") == []


def test_parts_of_one_text_share_what_was_found():
    parts = ["日本首相石破茂6日访美。", "石破此行目的地只有华盛顿。", "阿方表示欢迎。"]
    found = default_recognizer().find_in_parts(parts)
    assert [[(m.text, m.start, m.key) for m in part] for part in found] == [
        [("日本", 0, "jpn"), ("石破茂", 4, "shigeru-ishiba"), ("美", 10, "usa")],
        [("石破", 0, "shigeru-ishiba"), ("华盛顿", 9, "washington-usa")],
        [],
    ]
    assert [m.text for m in found[1]] == [parts[1][m.start:m.end] for m in found[1]]


def test_mention_helpers():
    mention = find("伊朗")[0]
    assert mention.is_actor and mention.is_place
    moved = mention.shifted(10)
    assert (moved.start, moved.end) == (10, 12)
    place = find("马斯喀特")[0]
    assert (place.is_actor, place.is_place, place.country) == (False, True, "OMN")


def test_seed_hand_list_precision_and_recall():
    """The hand-labelled seed entities (benchmarks/bench_entities.py prints per kind)."""
    found = gold = correct = total = 0
    for line in (ROOT / "tests/data/entities_seeds.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        text = (ROOT / "seeds" / item["article"]).read_text("utf-8")
        system = {(m.text, "organization" if m.kind == "group" else m.kind) for m in find(text)}
        labelled = {(e["text"], e["kind"]) for e in item["entities"]}
        gold += len(labelled)
        found += sum(any(k == kind and t in s for s, k in system) for t, kind in labelled)
        total += len(system)
        correct += sum(any(k == kind and t in s for t, k in labelled) for s, kind in system)
    assert found / gold >= 0.88 and correct / total >= 0.96
