"""Sentences, clauses, datelines and sections."""
from __future__ import annotations

import datetime as dt

import pytest

from timeline.extract.read import read_text
from timeline.extract.segment import Line, Span, clauses, find_closing, find_opening, sentences, split_sections
from timeline.extract.textnorm import analysis_copy


def texts(spans: list[Span]) -> list[str]:
    return [span.text for span in spans]


# --- sentences ---------------------------------------------------------------------

def test_sentences_end_at_terminators_with_their_closing_quotes() -> None:
    text = "他说：“会谈是成功的。”双方同意继续接触！会面在何时？「尚未确定。」（路透社）"
    assert texts(sentences(text)) == ["他说：“会谈是成功的。”", "双方同意继续接触！", "会面在何时？",
                                      "「尚未确定。」", "（路透社）"]


def test_sentence_offsets_are_absolute_and_exclude_surrounding_space() -> None:
    text = "  第一句。 \n第二句？\n\n 标题行\n"
    spans = sentences(text, base_offset=100)
    assert spans == [Span("第一句。", 102, 106), Span("第二句？", 108, 112), Span("标题行", 115, 118)]
    for span in spans:
        assert text[span.start - 100:span.end - 100] == span.text


def test_semicolons_do_not_end_sentences_but_line_breaks_do() -> None:
    assert texts(sentences("一是完全放弃铀浓缩;二是限制射程；三是停止支持。\n下一行没有句号")) == [
        "一是完全放弃铀浓缩;二是限制射程；三是停止支持。", "下一行没有句号"]


def test_ascii_question_and_exclamation_marks() -> None:
    assert texts(sentences("谈判地点为何选在阿曼?议题范围有何分歧?见https://a.cn/x?w=770与Yahoo!Japan报道。")) == [
        "谈判地点为何选在阿曼?", "议题范围有何分歧?", "见https://a.cn/x?w=770与Yahoo!Japan报道。"]


def test_repeated_terminators_stay_together_and_empty_text_has_no_sentences() -> None:
    assert texts(sentences("真的吗？！当然。。")) == ["真的吗？！", "当然。。"]
    assert sentences("") == [] and sentences(" \n\n ") == []


# --- clauses -----------------------------------------------------------------------

def test_clauses_split_at_commas_semicolons_and_colons_keeping_the_delimiter() -> None:
    sentence = sentences("伊朗和美国官员4日先后确认,伊美将于6日举行谈判；美方要求:停止支持。", 10)[0]
    parts = clauses(sentence)
    assert texts(parts) == ["伊朗和美国官员4日先后确认,", "伊美将于6日举行谈判；", "美方要求:", "停止支持。"]
    assert parts[1].start == 10 + len("伊朗和美国官员4日先后确认,")
    assert "".join(texts(parts)) == sentence.text


def test_clauses_never_split_inside_quotes_or_brackets() -> None:
    sentence = Span("特朗普说，“如果它到期了，那就到期吧”，《条约，附件》（北大西洋公约组织，北约）与「甲，乙」都在。", 0, 48)
    assert texts(clauses(sentence)) == ["特朗普说，", "“如果它到期了，那就到期吧”，", "《条约，附件》（北大西洋公约组织，北约）与「甲，乙」都在。"]


def test_clauses_keep_numbers_and_times_whole() -> None:
    sentence = Span("赖清德以5,586,019票当选,投票10:30结束", 0, 27)
    assert texts(clauses(sentence)) == ["赖清德以5,586,019票当选,", "投票10:30结束"]


def test_a_stray_quote_does_not_swallow_the_sentence() -> None:
    # text cut from a newspaper page may start after an opening quote
    sentence = Span("们”,所需执法人员因此变少,“我们没有其他命令", 0, 23)
    assert texts(clauses(sentence)) == ["们”,", "所需执法人员因此变少,", "“我们没有其他命令"]


# --- datelines ---------------------------------------------------------------------

@pytest.mark.parametrize(("line", "text", "agency", "place", "date"), [
    ("新华社开罗2月5日电 (记者吴宝澍) 伊朗和美国", "新华社开罗2月5日电 (记者吴宝澍)", "新华社", "开罗", "2026-02-05"),
    ("据新华社米兰2月4日电 (记者刘阳 李嘉) 中国", "据新华社米兰2月4日电 (记者刘阳 李嘉)", "新华社", "米兰", "2026-02-04"),
    ("据新华社莫斯科/基辅2月5日电 俄罗斯", "据新华社莫斯科/基辅2月5日电", "新华社", "莫斯科/基辅", "2026-02-05"),
    ("（中央社記者陳思妤台北4日電）總統", "（中央社記者陳思妤台北4日電）", "中央社", "台北", "2026-02-04"),
    ("新华社北京12月31日电（记者许可）中国", "新华社北京12月31日电（记者许可）", "新华社", "北京", "2025-12-31"),
    ("本报华盛顿二月三日电 美国", "本报华盛顿二月三日电", "本报", "华盛顿", "2026-02-03"),
    ("新华社联合国2025年3月1日电 安理会", "新华社联合国2025年3月1日电", "新华社", "联合国", "2025-03-01"),
    ("中新社香港２月１日電 特區政府", "中新社香港２月１日電", "中新社", "香港", "2026-02-01"),
    ("（中央社華盛頓4日綜合外電報導）美國", "（中央社華盛頓4日綜合外電報導）", "中央社", "華盛頓", "2026-02-04"),
])
def test_opening_datelines(line: str, text: str, agency: str, place: str, date: str) -> None:
    found = find_opening(line, analysis_copy(line), 7)
    assert found is not None
    assert (found.text, found.agency, found.place, found.kind) == (text, agency, place, "opening")
    assert (found.start, found.end) == (7, 7 + len(text))
    assert str(found.resolve(dt.date(2026, 2, 5))) == date


@pytest.mark.parametrize(("line", "kind", "text"), [
    ("本报讯 (记者 祁梅) 即将开幕的冬奥会", "marker", "本报讯 (记者 祁梅)"),
    ("【本報綜合報道】", "marker", "【本報綜合報道】"),
    ("〔編譯陳怡文／綜合報導〕美國總統", "marker", "〔編譯陳怡文／綜合報導〕"),
    ("■【罗马】伊朗与美国第二轮会谈", "place", "■【罗马】"),
])
def test_dateless_openings(line: str, kind: str, text: str) -> None:
    found = find_opening(line, analysis_copy(line))
    assert found is not None and (found.kind, found.text, found.dated) == (kind, text, False)
    assert found.resolve(dt.date(2026, 2, 5)) is None


@pytest.mark.parametrize("line", [
    "特朗普5日电话会谈后表示", "普京5日电贺新当选总统", "据新华社莫斯科/基辅2月5日报道,乌克兰",
    "伊朗和美国官员4日先后确认", "(新华社华盛顿2月5日电 记者 徐剑梅)", "2月5日,国际奥委会宣布",
])
def test_not_opening_datelines(line: str) -> None:
    assert find_opening(line, analysis_copy(line)) is None


@pytest.mark.parametrize(("line", "kind", "text", "date"), [
    ("(新华社华盛顿2月5日电 记者 徐剑梅)", "closing", "(新华社华盛顿2月5日电 记者 徐剑梅)", "2026-02-05"),
    ("据报道，双方继续谈判。（新华社北京2月4日电）", "closing", "（新华社北京2月4日电）", "2026-02-04"),
    ("(参与记者:汪强)", "credit", "(参与记者:汪强)", "None"),
    ("“执法行动有利于改善公共安全”。(新华社专特稿)", "credit", "(新华社专特稿)", "None"),
    ("低于2020年的57.13%。（編輯：林克倫）1130114", "credit", "（編輯：林克倫）1130114", "None"),
])
def test_closing_datelines_and_credits(line: str, kind: str, text: str, date: str) -> None:
    found = find_closing(line, analysis_copy(line), 3)
    assert found is not None and (found.kind, found.text) == (kind, text)
    assert found.start == 3 + line.index(text)
    assert str(found.resolve(dt.date(2026, 2, 5))) == date


def test_a_credit_in_the_middle_of_a_paragraph_closes_nothing() -> None:
    line = "他说(记者注:此为原话)双方同意。"
    assert find_closing(line, analysis_copy(line)) is None


@pytest.mark.parametrize(("line", "published", "date"), [
    ("新华社北京12月31日电 正文", dt.date(2026, 1, 2), "2025-12-31"),  # the previous year
    ("新华社北京1月2日电 正文", dt.date(2025, 12, 30), "2026-01-02"),  # a page dated before its dispatch
    ("中央社台北31日電 正文", dt.date(2024, 3, 2), "2024-01-31"),  # no 31 February: the nearest month with one
    ("中央社台北30日電 正文", dt.date(2018, 12, 2), "2018-11-30"),
    ("中央社台北1日電 正文", dt.date(2018, 11, 30), "2018-12-01"),
    ("新华社北京2月30日电 正文", dt.date(2026, 2, 5), "None"),
    ("新华社北京2月5日电 正文", None, "None"),
])
def test_dateline_dates_are_completed_to_the_nearest_date(line: str, published: dt.date | None, date: str) -> None:
    found = find_opening(line, analysis_copy(line))
    assert found is not None
    assert str(found.resolve(published)) == date


# --- sections ----------------------------------------------------------------------

PAGE = """## 国际

# 甲国与乙国将于6日谈判

**双方分歧仍在**

新华社开罗2月5日电 (记者张三) 甲国和乙国官员4日确认,双方将于6日举行谈判。

## 地点为何选在开罗

甲国外长4日说,谈判地点已经确定。

(参与记者:李四)

丙国总统抵达

**首次访问**

丙国总统4日抵达首都,开始访问。

## 油价持续震荡

新华社纽约2月3日电 (记者王五)

国际油价3日继续震荡。

本报讯 (记者 赵六) 博览会5日开幕,吸引众多观众。

## 背景

该条约是2019年签署的。

## 前景

双方表示将继续谈判。

(新华社华盛顿2月4日电 记者 孙七)
"""


def page_sections(published: dt.date | None = dt.date(2026, 2, 5)) -> list[tuple[object, ...]]:
    document = read_text(PAGE, "page.md", published=published)
    return [(s.heading, s.dateline, s.dateline_place, s.reference_source, str(s.reference_date),
             s.text.split("\n")[0]) for s in document.sections]


def test_a_page_is_cut_at_headings_and_datelines_and_each_part_dated() -> None:
    assert page_sections() == [
        # headings before a dateline belong to its dispatch; the section names the main one
        ("甲国与乙国将于6日谈判", "新华社开罗2月5日电 (记者张三)", "开罗", "dateline", "2026-02-05", "国际"),
        # a sub-heading continues the dispatch and keeps its date
        ("地点为何选在开罗", "新华社开罗2月5日电 (记者张三)", "开罗", "dateline", "2026-02-05", "地点为何选在开罗"),
        # after a closing credit, a story with no dateline takes the published date
        ("首次访问", None, None, "published", "2026-02-05", "丙国总统抵达"),
        ("油价持续震荡", "新华社纽约2月3日电 (记者王五)", "纽约", "dateline", "2026-02-03", "油价持续震荡"),
        # "本报讯" opens a new story in the middle of a section: the paper's own news, published date
        (None, "本报讯 (记者 赵六)", None, "published", "2026-02-05", "本报讯 (记者 赵六) 博览会5日开幕,吸引众多观众。"),
        # a closing dateline dates the sections of its story back to the story's start
        ("背景", "(新华社华盛顿2月4日电 记者 孙七)", "华盛顿", "dateline", "2026-02-04", "背景"),
        ("前景", "(新华社华盛顿2月4日电 记者 孙七)", "华盛顿", "dateline", "2026-02-04", "前景"),
    ]


def test_without_a_published_date_only_full_datelines_give_dates() -> None:
    assert [entry[4] for entry in page_sections(None)] == ["None"] * 7


def test_a_closing_dateline_does_not_redate_a_dispatch_with_its_own_dateline() -> None:
    text = "新华社开罗2月5日电 甲国和乙国举行谈判。\n\n## 背景\n\n双方此前多次接触。\n\n(新华社北京2月3日电 记者 某)\n"
    document = read_text(text, "x.md", published=dt.date(2026, 2, 5))
    assert [(s.heading, str(s.reference_date)) for s in document.sections] == [
        (None, "2026-02-05"), ("背景", "2026-02-05")]


def test_split_sections_on_lines_directly() -> None:
    text = "标题\n新华社开罗2月5日电 正文一。\n新华社米兰2月4日电 正文二。"
    lines = [Line(0, 2, 1), Line(3, 18), Line(19, 34)]
    sections = split_sections(text, lines, dt.date(2026, 2, 5))
    assert [(s.start, s.end, s.heading, str(s.reference_date)) for s in sections] == [
        (0, 18, "标题", "2026-02-05"), (19, 34, None, "2026-02-04")]
    assert sections[1].to_json() == {
        "index": 1, "start": 19, "end": 34, "heading": None, "dateline": "新华社米兰2月4日电",
        "dateline_place": "米兰", "agency": "新华社", "reference_date": "2026-02-04",
        "reference_source": "dateline", "text": "新华社米兰2月4日电 正文二。"}


def test_bracketed_labels_are_headings() -> None:
    document = read_text("解读\n\n事件发生在周一。\n\n〔大事记〕\n\n▲ 2015年：某人被捕。\n", "x.txt",
                         published=dt.date(2023, 9, 20))
    assert [s.heading for s in document.sections] == ["解读", "〔大事记〕"]


def test_photo_credits_neither_open_nor_close_a_story() -> None:
    text = ("新华社开罗2月5日电 甲国和乙国举行谈判。\n\n（本报记者 张三摄）\n\n"
            "人们在大楼外抗议。(新华社记者 李四 摄)\n\n## 背景\n\n双方此前多次接触。\n")
    document = read_text(text, "x.md", published=dt.date(2026, 2, 7))
    assert [(s.heading, s.dateline, str(s.reference_date)) for s in document.sections] == [
        (None, "新华社开罗2月5日电", "2026-02-05"), ("背景", "新华社开罗2月5日电", "2026-02-05")]


def test_a_run_on_line_is_cut_at_commas_past_the_sentence_limit() -> None:
    from timeline.extract.segment import MAX_SENTENCE

    clause = "双方在会谈中交换了意见，"
    text = clause * (2 * MAX_SENTENCE // len(clause))
    spans = sentences(text)
    assert len(spans) >= 2
    assert all(len(s.text) <= MAX_SENTENCE + len(clause) for s in spans)
    assert "".join(s.text for s in spans) == text
