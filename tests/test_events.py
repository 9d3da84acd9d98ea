"""Event extraction on short texts of our own: one trigger per type, the rules
that keep non-events out, status, dates, roles, places, topics and titles.

Each text is a dispatch with a dateline, so the reference date is explicit.
"""
from __future__ import annotations

import datetime as dt

import pytest

from timeline.extract.pipeline import extract
from timeline.extract.read import read_text

PUBLISHED = dt.date(2024, 3, 8)


def events(body: str, published: dt.date = PUBLISHED) -> list[dict]:
    document = read_text(body, "sample.txt", published=published)
    return [e.to_json() for e in extract(document).events]


def only(body: str, published: dt.date = PUBLISHED) -> dict:
    found = events(body, published)
    assert len(found) == 1, [(e["type"], e["evidence"]) for e in found]
    return found[0]


def codes(event: dict) -> set[str]:
    return {a["code"] for a in event["actors"] if a["code"]}


def names(event: dict) -> set[str]:
    return {a["name"] for a in event["actors"]}


@pytest.mark.parametrize("sentence, expected_type", [
    ("法国和德国外长7日在柏林举行会谈。", "talks"),
    ("东盟领导人7日在雅加达举行峰会。", "summit"),
    ("印度总理莫迪7日抵达东京，对日本进行正式访问。", "visit"),
    ("法国总统马克龙7日与德国总理朔尔茨通电话。", "phone_call"),
    ("日本外务省发言人7日表示，日方对此深表关切。", "statement"),
    ("越南和菲律宾7日签署海上合作协议。", "agreement"),
    ("两国的渔业协定7日到期。", "treaty_expiry"),
    ("俄罗斯和乌克兰7日交换了100名被俘人员。", "prisoner_exchange"),
    ("以色列军队7日空袭黎巴嫩南部。", "military_action"),
    ("韩国和美国7日在黄海举行联合军事演习。", "military_exercise"),
    ("英国7日向波罗的海地区增派300名士兵。", "deployment"),
    ("欧盟7日宣布对白俄罗斯实施新一轮制裁。", "sanctions"),
    ("数千名民众7日在巴黎街头举行抗议。", "protest"),
    ("警方7日在伦敦逮捕了两名嫌疑人。", "law_enforcement"),
    ("葡萄牙7日举行议会选举。", "election"),
    ("德国政府7日宣布进入紧急状态。", "policy"),
    ("东京股市7日大幅下跌。", "economy"),
    ("土耳其东部7日发生6.1级地震。", "disaster"),
    ("法国7日在巴黎举行悼念仪式。", "ceremony"),
])
def test_one_trigger_per_type(sentence, expected_type):
    event = only(f"新华社北京3月8日电 {sentence}")
    assert event["type"] == expected_type
    assert (event["start"], event["end"], event["precision"]) == ("2024-03-07", "2024-03-07", "day")
    assert event["status"] == "occurred"


@pytest.mark.parametrize("sentence", [
    "如果美国7日发动袭击，局势将急剧恶化。",          # conditional
    "分析人士认为，两国可能会在下月举行会谈。",        # opinion, hypothetical
    "双方7日的会谈是否会取得进展？",                   # question
    "两国外长每年都会举行会谈。",                     # recurring fact
    "俄罗斯7日并未参加会谈。",                         # negation
    "双方将举行会谈，但日期尚未确定。",                # no date
    "以色列和伊朗爆发“12日战争”。",                   # a war's name is no date
    "© 2024年某通讯社版权所有，转载须注明出处并表示感谢。",  # boilerplate
])
def test_non_events_yield_nothing(sentence):
    assert events(f"新华社北京3月8日电 {sentence}") == []


def test_planned_cancelled_postponed_and_ongoing():
    planned = only("新华社北京3月8日电 中国和巴西外长将于12日在北京举行会谈。")
    assert (planned["type"], planned["start"], planned["status"]) == ("talks", "2024-03-12", "planned")
    cancelled = only("新华社北京3月8日电 原定7日举行的中日韩峰会被取消。")
    assert cancelled["status"] == "cancelled"
    postponed = only("新华社北京3月8日电 美国和越南7日宣布推迟原定的会谈。")
    assert postponed["status"] == "postponed"
    ongoing = only("新华社北京3月8日电 2023年12月以来，胡塞武装持续袭击红海商船。")
    assert (ongoing["start"], ongoing["end"], ongoing["status"]) == ("2023-12", "2024-03", "ongoing")


def test_roles_agent_counterpart_mediator():
    event = only("新华社北京3月8日电 在卡塔尔的斡旋下，以色列7日与哈马斯达成停火协议。")
    roles = {a["name"]: a["role"] for a in event["actors"]}
    assert roles["以色列"] == "agent"
    assert roles["哈马斯"] == "counterpart"
    assert roles["卡塔尔"] == "mediator"


def test_official_brings_his_country_and_place_is_most_specific():
    event = only("新华社北京3月8日电 伊朗外长阿拉格齐7日在阿曼首都马斯喀特同美国特使威特科夫举行间接会谈。")
    assert event["type"] == "talks"
    assert {"IRN", "USA"} <= codes(event)
    assert {"阿拉格齐", "威特科夫"} <= names(event)
    assert event["location"]["name"] == "马斯喀特"
    assert event["location"]["code"] == "OMN"


def test_taiwan_names_and_traditional_text():
    event = only("中央社台北3月8日電 川普7日與澤倫斯基通電話。")
    assert event["type"] == "phone_call"
    assert {a["slug"] for a in event["actors"]} >= {"donald-trump", "volodymyr-zelensky"}
    assert event["evidence"] == ["川普7日與澤倫斯基通電話。"]


def test_mentions_of_one_happening_are_one_event():
    found = events("新华社北京3月8日电 伊朗和美国7日在马斯喀特举行会谈。"
                   "伊朗外长阿拉格齐说，双方7日的会谈是建设性的。美伊7日会谈持续了约四个小时。")
    talks = [e for e in found if e["type"] == "talks"]
    assert len(talks) == 1
    assert [m["quote"] for m in talks[0]["mentions"]] == [
        "伊朗和美国7日在马斯喀特举行会谈。", "伊朗外长阿拉格齐说，双方7日的会谈是建设性的。", "美伊7日会谈持续了约四个小时。"]
    assert [m["date_text"] for m in talks[0]["mentions"]] == ["7日", "7日", "7日"]


def test_two_rounds_a_week_apart_are_two_events():
    found = events("新华社北京3月15日电 伊朗和美国7日在马斯喀特举行首轮会谈，14日在罗马举行第二轮会谈。",
                   published=dt.date(2024, 3, 15))
    assert sorted((e["type"], e["start"]) for e in found) == [("talks", "2024-03-07"), ("talks", "2024-03-14")]


def test_same_day_anaphor_after_an_event_word_dates_to_that_event():
    found = events("新华社北京3月8日电 土耳其东部5日发生强烈地震。当局7日公布了遇难人数。"
                   "地震发生当天，政府宣布全国进入紧急状态。")
    policy = next(e for e in found if e["type"] == "policy")
    assert policy["start"] == "2024-03-05"


def test_statement_keeps_the_words_said_and_a_title():
    event = only("新华社北京3月8日电 联合国秘书长古特雷斯7日表示：“各方必须立即停火。”")
    assert event["type"] == "statement"
    assert event["speech"] == "各方必须立即停火。"
    assert event["title"] == "古特雷斯表态"
    assert event["topics"]


def test_topics_follow_the_article():
    event = only("新华社北京3月8日电 欧盟7日宣布对俄罗斯实施第13轮制裁，涉及乌克兰战争相关的企业。")
    assert event["type"] == "sanctions"
    assert "russia-ukraine" in event["topics"]


def test_quotes_are_exact_substrings_with_offsets():
    text = "新华社北京3月8日电 法国和德国外长7日在柏林举行会谈。"
    document = read_text(text, "sample.txt", published=PUBLISHED)
    event = extract(document).events[0]
    for mention in event.mentions:
        assert document.clean_text[mention.start:mention.end] == mention.text


def test_welcoming_an_event_is_a_statement_not_the_event():
    found = events("新华社北京3月8日电 黎巴嫩总理米卡提7日发表声明，欢迎停火协议生效。")
    assert [(e["type"], e["start"]) for e in found] == [("statement", "2024-03-07")]


def test_an_article_without_a_date_is_dated_by_its_latest_full_date():
    text = ("新华社贝鲁特11月27日电 以色列与真主党的停火协议27日生效。\n\n"
            "大事记：2024年9月27日，真主党领导人纳斯鲁拉身亡。")
    document = read_text(text, "undated.txt")
    assert document.published_date is None
    assert (document.sections[0].reference_date, document.sections[0].reference_source) == \
        (dt.date(2024, 11, 27), "dateline")
    agreement = next(e for e in extract(document).events if e.type == "agreement")
    assert (agreement.start, agreement.precision) == ("2024-11-27", "day")


def test_participants_with_no_event_reported_yet_are_dropped():
    """A clause saying who took part, after an undated back reference with nothing
    to point at, adds nobody anywhere (and does not fail)."""
    assert events("新华社北京3月8日电 此次会谈由阿拉格齐率团参加，威特科夫也出席了。") == []
