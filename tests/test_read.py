"""Reading articles: decoding, formats, metadata, offsets back to the raw text, sections."""
from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from timeline.cli import main
from timeline.extract.read import FORMATS, Document, ReadError, parse_metadata_date, read_bytes, read_path, read_text
from timeline.extract.textnorm import analysis_copy, simplify_chars, to_simplified

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).parent / "data" / "read"
SHARED = ROOT.parent / "shared" / "eval"
DEV = SHARED / "dev"

needs_shared = pytest.mark.skipif(not DEV.is_dir(), reason=f"the shared evaluation set is not at {DEV}")

# Publication dates the files do not carry themselves (the seed manifest's and SOURCES.md's).
PUBLISHED = {"000": dt.date(2026, 2, 5), "003": dt.date(2025, 2, 12),
             "d04": dt.date(2023, 3, 10), "d05": dt.date(2023, 7, 17)}


def seed(prefix: str) -> Document:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return read_path(path, published=PUBLISHED.get(prefix))


def dev(prefix: str) -> Document:
    path = next(DEV.glob(f"{prefix}_*"))
    return read_path(path, published=PUBLISHED.get(prefix))


def summary(document: Document) -> list[tuple[object, ...]]:
    return [(s.start, s.end, s.heading, s.dateline, s.dateline_place, str(s.reference_date))
            for s in document.sections]


def without_markup(raw: str) -> str:
    return re.sub(r"\s", "", unescape(re.sub(r"<[^>]*>", "", raw)))


# --- decoding and refusals ---------------------------------------------------------

ARTICLE = "俄乌交换战俘\n\n新华社基辅2月5日电 俄罗斯与乌克兰5日交换314名被俘人员。"


@pytest.mark.parametrize(("name", "encoding"), [
    ("utf8.txt", "utf-8"), ("utf8_bom.txt", "utf-8-sig"), ("utf16_bom.txt", "utf-16"),
    ("utf16be_bom.txt", "utf-16"), ("gb18030.txt", "gb18030"), ("crlf.txt", "utf-8"),
])
def test_every_supported_encoding_reads_to_the_same_article(name: str, encoding: str) -> None:
    document = read_path(DATA / name)
    assert document.encoding == encoding
    assert document.clean_text == ARTICLE
    assert not document.raw_text.startswith("\ufeff")
    assert document.content_hash == read_path(DATA / "utf8.txt").content_hash
    assert document.title == "俄乌交换战俘"
    assert document.format == "text"


def test_crlf_offsets_point_into_the_raw_text_with_its_carriage_returns() -> None:
    document = read_path(DATA / "crlf.txt")
    start = document.clean_text.index("俄罗斯")
    raw_start, raw_end = document.raw_span(start, start + 3)
    assert document.raw_text[raw_start:raw_end] == "俄罗斯"
    assert document.raw_text.count("\r\n") == 3


@pytest.mark.parametrize(("name", "problem"), [
    ("empty.txt", "is empty"),
    ("blank.txt", "is empty"),
    ("binary.bin", "looks binary (NUL bytes and no UTF-16 byte-order mark)"),
    ("controls.txt", "looks binary (50 control characters in 54)"),
    ("undecodable.txt", "is neither UTF-8 nor GB18030 text"),
    ("unclosed_front_matter.md", "front matter opened on line 1 is never closed"),
    ("bad_front_matter.md", "front matter line 3 is not 'key: value': '这一行不是键值'"),
    ("markup_only.html", "has no text once its html markup is removed"),
])
def test_unreadable_inputs_are_refused_naming_the_file(name: str, problem: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_path(DATA / name)
    assert str(caught.value) == f"{name}: {problem}"
    assert caught.value.name == name
    assert isinstance(caught.value, ValueError)


def test_missing_file_is_a_read_error() -> None:
    with pytest.raises(ReadError, match=r"nope\.txt: cannot be read"):
        read_path(DATA / "nope.txt")


def test_utf16_without_a_byte_order_mark_is_refused_as_binary() -> None:
    with pytest.raises(ReadError, match="upload.txt: looks binary"):
        read_bytes(ARTICLE.encode("utf-16-le"), "upload.txt")


def test_read_text_and_read_bytes_agree_with_read_path() -> None:
    from_text = read_text(ARTICLE, "upload")
    from_bytes = read_bytes(ARTICLE.encode("gb18030"), "upload")
    assert from_text.clean_text == from_bytes.clean_text == ARTICLE
    assert from_text.content_hash == from_bytes.content_hash
    assert from_bytes.encoding == "gb18030"
    with pytest.raises(ReadError, match="upload: is empty"):
        read_text("  \n", "upload")


def test_content_hash_ignores_markup_and_width() -> None:
    markdown = read_text("# 标题\n\n外交部**发言人**表示，双方同意（继续）对话。\n", "a.md")
    html = read_text("<html><body><h1>标题</h1><p>外交部<b>发言人</b>表示，双方同意(继续)对话。</p></body></html>", "a.html")
    assert markdown.format == "markdown" and html.format == "html"
    assert markdown.clean_text == "标题\n\n外交部发言人表示，双方同意（继续）对话。"
    assert html.content_hash == markdown.content_hash
    assert read_text("标题\n\n另一篇。", "b.txt").content_hash != markdown.content_hash


# --- HTML: markup, entities, boilerplate, offsets ----------------------------------

def test_html_keeps_the_article_and_drops_scripts_styles_navigation_and_boxes() -> None:
    document = read_path(DATA / "entities.html")
    assert document.format == "html"
    assert document.clean_text == (
        "美&俄 会谈 结束\n\n"
        "外交部发言人毛宁1日表示，“双方<原则上>同意继续对话”。\n\n"
        "会谈现场（新华社）\n\n"
        "AT&T 与中国公司签约。\n第二行")
    assert document.title == "美&俄 会谈 结束"
    assert document.outlet == "测试新闻网"
    assert document.url == "https://news.example.tw/a/1"
    assert document.published_at == dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert document.published_date == dt.date(2025, 3, 1)
    assert document.taiwan is True  # a .tw address


def test_raw_span_maps_entities_and_inline_tags_back_exactly() -> None:
    document = read_path(DATA / "entities.html")
    raw, clean = document.raw_text, document.clean_text

    def raw_of(quote: str) -> str:
        start = clean.index(quote)
        raw_start, raw_end = document.raw_span(start, start + len(quote))
        return raw[raw_start:raw_end]

    assert raw_of("美&俄") == "美&amp;俄"
    assert raw_of("会谈 结束") == "会谈&nbsp;结束"
    assert raw_of("发言人毛宁1日") == '发言人<span class="name">毛宁</span>1日'
    assert raw_of("“双方<原则上>同意继续对话”") == "“双方&lt;原则上&gt;同意\n继续对话”"
    assert raw_of("与中国公司") == "与&#x4E2D;&#22269;公司"
    assert raw_of("AT&T") == "AT&T"
    for start in range(len(clean)):
        raw_start, raw_end = document.raw_span(start, start + 1)
        if not clean[start].isspace():
            assert unescape(raw[raw_start:raw_end]) == clean[start]
    assert document.raw_span(3, 3) == document.raw_span(3, 4)[:1] * 2
    with pytest.raises(IndexError):
        document.raw_span(0, len(clean) + 1)


@pytest.mark.parametrize("prefix", ["001", "002"])
def test_gold_quotes_in_seed_html_round_trip_to_the_raw_text(prefix: str) -> None:
    document = seed(prefix)
    gold = [json.loads(line) for line in (SHARED / "seeds.gold.jsonl").open(encoding="utf-8")] \
        if SHARED.is_dir() else []
    quotes = [q for g in gold if g["article"].startswith(prefix) for e in g["events"] for q in e["evidence"]]
    quotes = quotes or ["普京在其年度新闻发布会上表示", "乌沙科夫说"]
    found = 0
    for quote in quotes:
        start = document.clean_text.find(quote)
        if start < 0:
            continue
        found += 1
        raw_start, raw_end = document.raw_span(start, start + len(quote))
        assert without_markup(document.raw_text[raw_start:raw_end]) == re.sub(r"\s", "", quote)
    assert found >= 2


def test_feed_item_quote_across_an_inline_span_keeps_the_tags_in_the_raw_text() -> None:
    document = seed("002")
    quote = "就乌克兰战争议题"
    start = document.clean_text.index(quote)
    raw_start, raw_end = document.raw_span(start, start + len(quote))
    assert document.raw_text[raw_start:raw_end] == (
        '就<span data-id="60868685" data-type="AUTO_TOPIC" title="Automatische Themenseite">'
        "乌克兰战争</span>议题")


# --- the seeds ---------------------------------------------------------------------

def test_seed_000_newspaper_page_is_cut_into_its_dispatches() -> None:
    document = seed("000")
    assert (document.format, document.title, document.outlet) == ("markdown", "美伊将于6日在阿曼谈判", "新华社")
    assert document.published_date == dt.date(2026, 2, 5)
    assert document.published_at is None
    cairo = "新华社开罗2月5日电 (记者吴宝澍)"
    washington = "(新华社华盛顿2月5日电 记者 徐剑梅)"
    new_york = "新华社纽约2月4日电 (记者徐静)"
    assert summary(document) == [
        (0, 204, "美伊将于6日在阿曼谈判", cairo, "开罗", "2026-02-05"),
        (206, 528, "地址为何选在阿曼", cairo, "开罗", "2026-02-05"),
        (530, 927, "议题范围有何分歧", cairo, "开罗", "2026-02-05"),
        (929, 1238, "如何影响对峙局势", cairo, "开罗", "2026-02-05"),
        (1240, 2049, "民主党人:还不够", None, None, "2026-02-05"),
        (2051, 2611, "米兰冬奥会即将开幕", "据新华社米兰2月4日电 (记者刘阳 李嘉)", "米兰", "2026-02-04"),
        (2613, 3668, "中国AI大模型能力首次规模运用于国际大型体育赛事——", "本报讯 (记者 祁梅)", None, "2026-02-05"),
        (3670, 4264, "为何不回应俄方提议", washington, "华盛顿", "2026-02-05"),
        (4266, 4837, "条约失效意味着什么", washington, "华盛顿", "2026-02-05"),
        (4839, 5210, "会达成新的军控条约吗", washington, "华盛顿", "2026-02-05"),
        (5212, 5532, "乌美俄三方会谈未解决领土问题", "新华社基辅2月5日电 (记者李东旭)", "基辅", "2026-02-05"),
        (5534, 5806, None, "据新华社莫斯科/基辅2月5日电 (记者赵冰 李东旭)", "莫斯科/基辅", "2026-02-05"),
        (5808, 6127, "国际金银价格持续震荡", new_york, "纽约", "2026-02-04"),
        (6129, 6145, "美国要听任美俄唯一军控条约失效吗", new_york, "纽约", "2026-02-04"),
    ]
    sections = document.sections
    assert sections[0].text.startswith("国际\n\n美伊将于6日在阿曼谈判\n\n伊朗坚持只谈核问题")
    assert sections[3].text.endswith("(参与记者:汪强)")
    assert sections[4].text.startswith("美国联邦政府:将立即从明尼苏达州撤离700名联邦执法人员")
    assert sections[9].text.endswith("进行谈判。\n\n" + washington)
    assert [s.index for s in sections] == list(range(14))
    assert all(s.text == document.clean_text[s.start:s.end] for s in sections)
    assert sections[5].agency == "新华社"


def test_seed_000_layout_breaks_inside_sentences_are_joined() -> None:
    clean = seed("000").clean_text
    for sentence in ("谈判内容还必须包括伊朗的弹道导弹计划。", "在米兰开启了她的第二次冬奥会之旅。",
                     "阿里云智能集团资深副总裁", "目前,该技术已部署于", "招致民主党人反对和谴责。"):
        assert sentence in clean
    # a headline or a photo credit is not the first half of a sentence
    assert "新华社发\n\n们”,所需执法人员因此变少。" in clean
    assert "伊朗坚持只谈核问题 美国要求谈判内容包括弹道导弹计划\n\n新华社开罗" in clean


@needs_shared
def test_every_dated_sentence_of_the_seeds_lies_in_a_section_with_its_reference_date() -> None:
    documents = {prefix: seed(prefix) for prefix in ("000", "001", "002", "003")}
    checked = 0
    for line in (SHARED / "dates.dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        document = documents[row["file"]]
        position = document.clean_text.index(row["sentence"])
        section = next(s for s in document.sections if s.start <= position < s.end)
        assert str(section.reference_date) == row["ref"], row["id"]
        checked += 1
    assert checked == 68


def test_seed_001_front_matter_over_html() -> None:
    document = seed("001")
    assert document.format == "frontmatter-html"
    assert document.title == "在普京就乌克兰问题发表声明后 美国有意与俄罗斯开展外交对话"
    assert document.published_at == dt.datetime(2021, 12, 24, 6, 6, 27, tzinfo=dt.timezone.utc)
    assert document.published_date == dt.date(2021, 12, 24)
    assert document.author == "Aljazeera 半岛网"
    assert document.categories == ["新媒体", "Aljazeera 半岛网", "新闻"]
    assert document.outlet == "半岛电视台"
    assert summary(document) == [
        (0, 420, "在普京就乌克兰问题发表声明后 美国有意与俄罗斯开展外交对话", None, None, "2021-12-24"),
        (422, 1015, "避免冲突", None, None, "2021-12-24"),
        (1017, 1282, "联络与讨论", None, None, "2021-12-24"),
        (1284, 1557, "演习和训练", None, None, "2021-12-24"),
    ]
    # the caption stays, as its own paragraph; the images go
    assert "\n\n俄罗斯总统普京证实，俄罗斯向美国提出的安全建议已经得到了积极的回应 (阿纳多卢通讯社)\n\n避免冲突" \
        in document.clean_text
    assert "<" not in document.clean_text and "jpg" not in document.clean_text
    title_start, title_end = document.raw_span(0, 14)
    assert document.raw_text[title_start:title_end] == "在普京就乌克兰问题发表声明后"


def test_seed_002_feed_item_epoch_is_utc_not_host_time() -> None:
    document = seed("002")
    assert document.format == "feed-item"
    assert document.title == "美俄利雅得会谈 美方：努力仍在初始阶段"
    assert document.published_at == dt.datetime(2025, 2, 18, 15, 17, 5, tzinfo=dt.timezone.utc)
    assert document.published_date == dt.date(2025, 2, 18)
    assert document.url.startswith("https://www.dw.com/zh/%E7%BE%8E%E4%BF%84")
    assert document.outlet == "德国之声"
    assert summary(document) == [
        (0, 568, "美俄利雅得会谈 美方：努力仍在初始阶段", None, None, "2025-02-18"),
        (570, 1012, "欧洲“必须继续支持乌克兰”", None, None, "2025-02-18"),
        (1014, 1403, "初步接触", None, None, "2025-02-18"),
    ]
    assert document.clean_text.startswith(
        "美俄利雅得会谈 美方：努力仍在初始阶段\n\n2025-02-18T10:57:16.358Z\n\n2月18日，美国国务卿卢比奥在利雅得与俄方举行会谈\n\n")


def test_seed_003_has_no_date_of_its_own() -> None:
    path = next(SEEDS.glob("003_*.txt"))
    undated = read_path(path)
    assert undated.published_date is None
    assert {s.reference_date for s in undated.sections} == {None}
    document = seed("003")
    assert document.title == "石破茂向特朗普献“大礼包” 日美能开启“新黄金时代”？"
    assert [(s.heading, str(s.reference_date)) for s in document.sections] == [
        ("石破茂向特朗普献“大礼包” 日美能开启“新黄金时代”？", "2025-02-12"),
        ("求见心切行程紧凑", "2025-02-12"), ("做足功课投“特”所好", "2025-02-12"),
        ("难逃美国“关税大棒”", "2025-02-12"), ("巴黎峰会感受人工智能发展新脉动", "2025-02-12"),
        ("技术创新速度惊人", "2025-02-12"), ("中企开源获得赞誉", "2025-02-12"), ("推动全球南方参与", "2025-02-12"),
    ]
    assert document.sections[0].reference_source == "published"


def test_explicit_published_date_overrides_the_file() -> None:
    document = read_path(next(SEEDS.glob("001_*.txt")), published=dt.date(2021, 12, 25))
    assert document.published_date == dt.date(2021, 12, 25)
    assert document.published_at is None  # the file's time is of another day
    assert {s.reference_date for s in document.sections} == {dt.date(2021, 12, 25)}


# --- the dev set -------------------------------------------------------------------

@needs_shared
def test_dev_cna_traditional_dateline_and_taiwan() -> None:
    document = dev("d01")
    assert document.format == "text"
    assert document.title == "賴清德當選總統 立法院三黨不過半 美前官員代表團今晚抵台"
    assert document.published_date == dt.date(2024, 1, 14)  # from "2024/1/14 09:20"
    assert (document.outlet, document.taiwan, document.traditional) == ("中央社", True, True)
    assert summary(document) == [
        (0, 819, "賴清德當選總統 立法院三黨不過半 美前官員代表團今晚抵台", "（中央社記者陳思妤台北14日電）", "台北",
         "2024-01-14")]


@needs_shared
def test_dev_hong_kong_traditional_is_not_taiwan() -> None:
    document = dev("d03")
    assert (document.taiwan, document.traditional) == (False, True)
    assert document.published_date == dt.date(2025, 4, 1)
    assert summary(document) == [
        (0, 733, "緬甸強震死亡人數破2000 軍政府宣布全國哀悼一周", "【本報綜合報道】", None, "2025-04-01")]


@needs_shared
def test_dev_xinhua_page_with_two_dispatches() -> None:
    document = dev("d06")
    assert document.published_date == dt.date(2023, 9, 11)  # "2023年9月11日 星期一 第3版"
    assert summary(document) == [
        (0, 469, "二十国集团领导人第十八次峰会在新德里闭幕", "新华社新德里9月10日电（记者邵海军 胡晓明）", "新德里",
         "2023-09-10"),
        (471, 806, "越美宣布将两国关系提升为全面战略伙伴关系", "新华社河内9月10日电（记者胡佳丽）", "河内", "2023-09-10"),
    ]


@needs_shared
def test_dev_dispatch_without_a_year_takes_it_from_the_published_date() -> None:
    assert read_path(next(DEV.glob("d04_*"))).sections[0].reference_date is None
    document = dev("d04")
    assert summary(document) == [
        (0, 654, "沙特和伊朗同意恢复外交关系", "新华社北京3月10日电（记者许可 马卓言）", "北京", "2023-03-10")]


@needs_shared
@pytest.mark.parametrize(("prefix", "title", "outlet", "published_at", "published"), [
    ("d07", "朝鲜再射两枚弹道导弹 其中一枚疑似飞行异常", "东北亚观察网", "2024-07-01T17:05:00+08:00", "2024-07-01"),
    ("d08", "中美元首旧金山会晤 同意恢复两军高层沟通", "环球时事观察", None, "2023-11-16"),
])
def test_dev_html_portals(prefix: str, title: str, outlet: str, published_at: str | None, published: str) -> None:
    document = dev(prefix)
    assert document.format == "html"
    assert (document.title, document.outlet) == (title, outlet)
    assert (document.published_at.isoformat() if document.published_at else None) == published_at
    assert str(document.published_date) == published
    assert len(document.sections) == 1 and document.sections[0].heading == title
    for junk in ("gtag", "首页", "相关阅读", "版权所有", "未经授权", "trackView", ".byline"):
        assert junk not in document.clean_text


@needs_shared
def test_dev_front_matter_markdown_digest() -> None:
    document = dev("d09")
    assert (document.format, document.outlet, document.categories) == ("markdown", "欧亚时事周刊", ["欧盟", "俄罗斯", "制裁"])
    assert document.published_date == dt.date(2023, 12, 20)
    assert [s.heading for s in document.sections] == ["欧盟通过第12轮对俄制裁 俄罗斯钻石明年起禁入", "七国集团先行一步",
                                                      "峰会上的“离场”"]
    assert document.clean_text.count("欧盟通过第12轮对俄制裁 俄罗斯钻石明年起禁入") == 1  # the title is not repeated
    assert "\n钻石：自明年1月1日起" in document.clean_text
    aware = dev("d10")
    assert aware.published_at == dt.datetime(2025, 8, 11, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@needs_shared
def test_dev_wire_digest_items_are_sections_with_their_place() -> None:
    document = dev("d11")
    assert document.title == "国际要闻简报"
    assert document.published_date == dt.date(2025, 4, 20)
    assert [(s.dateline, s.dateline_place, str(s.reference_date)) for s in document.sections] == [
        ("■【罗马】", "罗马", "2025-04-20"), ("■【德黑兰】", "德黑兰", "2025-04-20"),
        ("■【莫斯科】", "莫斯科", "2025-04-20"), ("■【基辅】", "基辅", "2025-04-20"),
        ("■【华盛顿】", "华盛顿", "2025-04-20"), ("■【萨那】", "萨那", "2025-04-20"),
        ("■【梵蒂冈】", "梵蒂冈", "2025-04-20")]


@needs_shared
def test_every_dev_gold_quote_survives_reading() -> None:
    for line in (DEV / "dev.gold.jsonl").open(encoding="utf-8"):
        gold = json.loads(line)
        document = read_path(DEV / gold["article"])
        assert document.format in FORMATS
        assert str(document.published_date or PUBLISHED[gold["article"][:3]]) == gold["published"]
        clean = re.sub(r"\s", "", document.clean_text)
        for event in gold["events"]:
            for quote in event["evidence"]:
                assert re.sub(r"\s", "", quote) in clean, (gold["article"], quote)


# --- Taiwan, metadata strings, analysis copies ----------------------------------------

@pytest.mark.parametrize(("text", "kwargs", "expected"), [
    ("中央社記者台北3日電）總統府今天表示。", {}, True),
    ("行政院民國113年預算案今天三讀通過。", {}, True),
    ("新华社台北3月3日电 民进党当局今天表示。", {}, False),
    ("報道指出，預算案今天通過。", {"url": "https://news.ltn.com.tw/news/1"}, True),
    ("報道指出，預算案今天通過。", {"outlet": "聯合報"}, True),
    ("報道指出，預算案今天通過。", {"outlet": "明報"}, False),
    ("行政院民國113年預算案今天三讀通過。", {"taiwan": False}, False),
])
def test_taiwan_default_comes_from_outlet_address_and_roc_years(text: str, kwargs: dict[str, object],
                                                               expected: bool) -> None:
    assert read_text(text, "t.txt", **kwargs).taiwan is expected


@pytest.mark.parametrize(("value", "moment", "day"), [
    ("Fri, 24 Dec 2021 06:06:27 GMT", "2021-12-24T06:06:27+00:00", "2021-12-24"),
    ("2025-02-18T10:57:16.358Z", "2025-02-18T10:57:16.358000+00:00", "2025-02-18"),
    ("2024-07-01T17:05:00+08:00", "2024-07-01T17:05:00+08:00", "2024-07-01"),
    ("1739891825000", "2025-02-18T15:17:05+00:00", "2025-02-18"),
    ("1739891825", "2025-02-18T15:17:05+00:00", "2025-02-18"),
    ("2023/11/16 14:30", None, "2023-11-16"),
    ("2023-12-20", None, "2023-12-20"),
    ("发布时间：2023年11月16日 14:30", None, "2023-11-16"),
    ("December 24, 2021", None, "2021-12-24"),
    ("2023年2月30日", None, None),
    ("不是日期", None, None),
])
def test_metadata_dates(value: str, moment: str | None, day: str | None) -> None:
    parsed_moment, parsed_day = parse_metadata_date(value)
    assert (parsed_moment.isoformat() if parsed_moment else None) == moment
    assert (str(parsed_day) if parsed_day else None) == day


def test_analysis_copies_keep_the_length() -> None:
    text = "美國總統川普宣布，將於明年1月1日調高關稅的計畫暫緩。ＡＢＣ１２３　（註）"
    assert to_simplified(text) == "美国总统川普宣布,将于明年1月1日调高关税的计划暂缓。ABC123 (注)"
    assert simplify_chars("ＡＢＣ１２３　（註）") == "ABC123 (注)"
    assert len(analysis_copy(text)) == len(text)
    assert to_simplified("") == ""


# --- the command line ----------------------------------------------------------------

def test_cli_read_prints_metadata_and_dated_sections() -> None:
    path = next(SEEDS.glob("000_*.txt"))
    result = CliRunner().invoke(main, ["read", str(path), "--published", "2026-02-05"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "markdown"
    assert data["published_date"] == "2026-02-05"
    assert data["title"] == "美伊将于6日在阿曼谈判"
    assert len(data["sections"]) == 14
    milan = data["sections"][5]
    assert (milan["reference_date"], milan["dateline"], milan["dateline_place"]) == (
        "2026-02-04", "据新华社米兰2月4日电 (记者刘阳 李嘉)", "米兰")
    assert milan["text"].startswith("米兰冬奥会即将开幕\n\n宁忠岩、张楚桐担任中国体育代表团旗手\n\n据新华社米兰2月4日电")


def test_cli_read_refuses_binary_with_the_file_name() -> None:
    result = CliRunner().invoke(main, ["read", str(DATA / "binary.bin")])
    assert result.exit_code == 1
    assert "binary.bin: looks binary" in result.output


def test_markdown_with_inline_tags_stays_markdown() -> None:
    document = read_text("# 标题\n\n第一段<br>换行，<span>强调</span>内容。\n\n## 小标题\n\n第二段。\n", "a.md")
    assert document.format == "markdown"
    assert document.clean_text == "标题\n\n第一段\n换行，强调内容。\n\n小标题\n\n第二段。"
    assert [s.heading for s in document.sections] == ["标题", "小标题"]


def test_an_article_whose_classes_look_like_boilerplate_is_still_read() -> None:
    page = ('<html><body><div class="topbar">导航</div><article class="post tag-world category-news">'
            '<h1>标题</h1><p>正文第一段。</p><div class="share-box">分享</div>'
            '<footer><span class="tag-link">标签</span></footer></article></body></html>')
    document = read_text(page, "wp.html")
    assert document.clean_text == "标题\n\n正文第一段。"


def test_this_paper_is_no_outlet_and_a_standalone_dateline_opens_the_dispatch() -> None:
    document = read_text("中方愿同各方加强合作\n\n本报北京2月4日电  （记者张三）外交部发言人4日表示，中方愿合作。\n",
                         "pd.txt", published=dt.date(2024, 2, 5))
    assert document.outlet is None  # 本报 is whichever paper printed it
    assert [(s.dateline, s.dateline_place, s.agency, str(s.reference_date)) for s in document.sections] == [
        ("本报北京2月4日电 （记者张三）", "北京", "本报", "2024-02-04")]
    standalone = read_text("标题一行\n\n新华社北京1月1日电\n\n正文第一段，讲述了事件。\n", "s.txt",
                           published=dt.date(2024, 1, 2))
    assert [(s.heading, s.dateline, str(s.reference_date)) for s in standalone.sections] == [
        ("标题一行", "新华社北京1月1日电", "2024-01-01")]
    assert standalone.outlet == "新华社"
