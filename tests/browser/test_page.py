"""The timeline page in a real browser, on the dataset of :mod:`.dataset`."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium fixture skips, or fails, with the reason
    expect = None

from .conftest import DESKTOP, PHONE, Tab, open_tab
from .dataset import HOSTILE, IMG, SCRIPT

pytestmark = pytest.mark.browser

ROWS_JS = """els => els.map(e => [e.querySelector('.date').textContent, e.querySelector('.event-title').textContent])"""


def settled(tab: Tab) -> None:
    """Wait until the list has finished loading.  (Waits go through locators:
    the page's Content-Security-Policy forbids the eval behind wait_for_function.)"""
    expect(tab.page.locator("#timeline")).to_have_attribute("aria-busy", "false")


def rows(tab: Tab) -> list[tuple[str, str]]:
    """(date, title) of every event shown, in page order."""
    settled(tab)
    return [tuple(row) for row in tab.page.eval_on_selector_all("#timeline .event", ROWS_JS)]


def texts(tab: Tab, selector: str) -> list[str]:
    return tab.page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


def query(tab: Tab) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(tab.page.url).query)


def bars(tab: Tab, count: int) -> list[str]:
    """The density bar's labels, once it shows ``count`` months."""
    expect(tab.page.locator("#histogram .bar")).to_have_count(count)
    return tab.page.eval_on_selector_all("#histogram .bar", "els => els.map(e => e.getAttribute('aria-label'))")


def assert_clean(tab: Tab) -> None:
    """No console error, no uncaught exception, no request to another origin, nothing run from the data."""
    assert tab.console_errors == []
    assert tab.elsewhere == []
    assert tab.page.evaluate("typeof window.__pwned") == "undefined"


ZELENSKY = [("2025年1月–3月", "俄乌今年一季度多次交换被俘人员"),
            ("2025年6月", "泽连斯基访问华盛顿"),
            ("2025年9月3日", "泽连斯基与特朗普通电话")]
FEBRUARY_2025 = [("2025年", "美国全年分阶段提高关税"),
                 ("2025年1月–3月", "俄乌今年一季度多次交换被俘人员"),
                 ("2025年2月6日", "美国与伊朗在阿曼举行间接会谈"),
                 ("2月10日–16日", "欧盟外长在布鲁塞尔开会讨论对俄制裁"),
                 ("2025年2月20日", "特朗普与普京计划在日内瓦举行峰会")]


def test_actor_filter_by_alias_through_autocomplete(tab: Tab) -> None:
    tab.goto("/")
    assert len(rows(tab)) == 50
    tab.page.fill("#f-actor", "泽伦斯基")  # the Taiwan-style transliteration, an alias
    option = tab.page.locator("#actor-options .option").first
    option.wait_for()
    assert option.locator(".option-name").text_content() == "泽连斯基"
    tab.page.press("#f-actor", "ArrowDown")
    tab.page.press("#f-actor", "Enter")

    assert rows(tab) == ZELENSKY
    assert query(tab) == [("actor", "zelensky")]
    assert texts(tab, "#actor-chips .chip-name") == ["泽连斯基"]
    assert texts(tab, "#timeline .year-title") == ["2025年"]
    assert texts(tab, "#timeline .month-title") == ["1月", "6月", "9月"]
    assert tab.page.text_content("#summary") == "共 3 条事件，已显示 3 条。"
    # the density bar follows the filter: this actor's months only
    assert bars(tab, 9) == [f"2025年{m}月：{n} 条" for m, n in
                            zip(range(1, 10), [1, 0, 0, 0, 0, 1, 0, 0, 1])]
    assert_clean(tab)


def test_date_range_from_the_density_bar_and_the_inputs(tab: Tab) -> None:
    tab.goto("/")
    labels = bars(tab, 25)  # 2024-01 .. 2026-01
    assert labels[0] == "2024年1月：5 条"
    assert labels[12:15] == ["2025年1月：2 条", "2025年2月：3 条", "2025年3月：0 条"]
    assert labels[-1] == "2026年1月：1 条"

    tab.page.click("#histogram .bar[data-key='2025-02']")
    assert rows(tab) == FEBRUARY_2025
    assert query(tab) == [("from", "2025-02"), ("to", "2025-02")]
    assert (tab.page.input_value("#f-from"), tab.page.input_value("#f-to")) == ("2025-02", "2025-02")
    assert tab.page.eval_on_selector_all("#histogram .bar[aria-pressed='true']",
                                         "els => els.map(e => e.dataset.key)") == ["2025-02"]
    planned = tab.page.locator("#timeline .event.status-planned")
    assert planned.locator(".event-title").text_content() == "特朗普与普京计划在日内瓦举行峰会"
    assert planned.locator(".status").text_content() == "计划中"
    assert texts(tab, "#timeline .month-title") == ["全年（只知年份）", "1月", "2月"]

    tab.page.click("#histogram .bar[data-key='2025-06']", modifiers=["Shift"])  # extends the range
    assert rows(tab) == FEBRUARY_2025 + [("2025年6月", "泽连斯基访问华盛顿")]
    assert query(tab) == [("from", "2025-02"), ("to", "2025-06")]

    tab.page.fill("#f-from", "2025-09")
    tab.page.fill("#f-to", "2025-12")
    tab.page.press("#f-to", "Enter")
    assert rows(tab) == [("2025年", "美国全年分阶段提高关税"), ("2025年9月3日", "泽连斯基与特朗普通电话")]
    assert query(tab) == [("from", "2025-09"), ("to", "2025-12")]

    tab.page.click("#histogram .bar[data-key='2025-09']")
    assert rows(tab) == [("2025年", "美国全年分阶段提高关税"), ("2025年9月3日", "泽连斯基与特朗普通电话")]
    assert query(tab) == [("from", "2025-09"), ("to", "2025-09")]
    tab.page.click("#histogram .bar[data-key='2025-09']")  # the whole range clicked again: no range
    assert len(rows(tab)) == 50
    assert query(tab) == []
    assert tab.page.eval_on_selector_all("#histogram .bar[aria-pressed='true']", "els => els.length") == 0

    # by keyboard: one bar is the tab stop (the last month when no range is set), arrows move, Enter picks
    tab.page.focus("#histogram .bar[tabindex='0']")
    assert tab.page.evaluate("document.activeElement.dataset.key") == "2026-01"
    tab.page.keyboard.press("ArrowLeft")
    tab.page.keyboard.press("Enter")
    assert rows(tab) == [("2025年", "美国全年分阶段提高关税")]
    assert query(tab) == [("from", "2025-12"), ("to", "2025-12")]
    assert_clean(tab)


def test_event_detail_by_keyboard(tab: Tab) -> None:
    tab.goto("/?q=会谈")
    assert rows(tab) == [("2025年2月6日", "美国与伊朗在阿曼举行间接会谈")]
    tab.page.focus("#timeline .event-title")
    tab.page.keyboard.press("Enter")

    dialog = tab.page.locator("#detail")
    dialog.locator(".mention").first.wait_for()
    assert parse_qs(urlsplit(tab.page.url).query) == {"q": ["会谈"], "event": ["ev_0000000000000001"]}
    assert dialog.locator("#detail-title").text_content() == "美国与伊朗在阿曼举行间接会谈"
    assert dialog.locator(".type-label").text_content() != ""
    facts = tab.page.eval_on_selector_all("#detail .facts dt", "els => els.map(e => [e.textContent, e.nextElementSibling.textContent])")
    assert facts == [["日期", "2025年2月6日（精确到日）"], ["日期依据", "按电头日期推算；原文：“6日”"],
                     ["状态", "已发生"], ["地点", "马斯喀特"], ["专题", "伊朗核问题"]]
    actors = tab.page.eval_on_selector_all(
        "#detail .detail-actor", "els => els.map(e => [e.querySelector('.chip').textContent, e.querySelector('.role').textContent])")
    assert actors == [["美国", "发起方"], ["伊朗", "对方"], ["阿曼", "调停方"]]
    mentions = tab.page.eval_on_selector_all("#detail .mention", """els => els.map(e => [
        e.querySelector('.quote').textContent, e.querySelector('.outlet').textContent,
        (e.querySelector('.article-link') || e.querySelector('.article-title')).textContent,
        e.querySelector('.article-link') ? e.querySelector('.article-link').href : null])""")
    assert mentions == [
        ["美国和伊朗代表6日将在阿曼首都马斯喀特举行间接会谈。", "新华网 · 2025年2月5日", "美伊将在阿曼举行间接谈判",
         "https://www.news.cn/world/20250205/a1.html"],
        ["美伊双方代表于2月6日在马斯喀特间接会面。", "新华社 · 2025年2月7日", "美伊间接会谈结束", None],
    ]

    tab.page.keyboard.press("Escape")
    assert dialog.is_hidden()
    tab.page.wait_for_url("**/?q=%E4%BC%9A%E8%B0%88")
    assert tab.page.evaluate("document.activeElement.textContent") == "美国与伊朗在阿曼举行间接会谈"

    # Opened again, then closed by the Back button.
    tab.page.keyboard.press("Enter")
    dialog.locator(".mention").first.wait_for()
    tab.page.go_back()
    assert dialog.is_hidden()
    assert query(tab) == [("q", "会谈")]
    assert_clean(tab)


def test_deep_link_opens_the_detail(tab: Tab) -> None:
    tab.goto("/?event=ev_0000000000000005")
    dialog = tab.page.locator("#detail")
    dialog.locator(".mention").first.wait_for()
    assert dialog.locator("#detail-title").text_content() == "特朗普与普京计划在日内瓦举行峰会"
    assert dialog.locator(".detail-head .status").text_content() == "计划中"
    actors = tab.page.eval_on_selector_all(
        "#detail .detail-actor", "els => els.map(e => [e.querySelector('.chip').textContent, e.querySelector('.role').textContent])")
    assert actors == [["特朗普", "发起方"], ["普京", "对方"]]
    tab.page.click("#detail-close")
    assert dialog.is_hidden()
    # The dialog's close event, which drops the event from the URL, runs as its own task.
    tab.page.wait_for_function("() => location.search === ''")
    assert urlsplit(tab.page.url).query == ""
    assert_clean(tab)


def test_url_state_survives_reload_and_back(tab: Tab) -> None:
    summits = [("2月10日–16日", "欧盟外长在布鲁塞尔开会讨论对俄制裁"), ("2025年2月20日", "特朗普与普京计划在日内瓦举行峰会")]
    tab.goto("/")
    assert len(rows(tab)) == 50
    tab.page.select_option("#f-type", "summit")
    assert rows(tab) == summits
    tab.page.select_option("#f-status", "planned")
    assert rows(tab) == summits[1:]
    assert query(tab) == [("type", "summit"), ("status", "planned")]

    tab.page.reload()
    assert rows(tab) == summits[1:]
    assert (tab.page.input_value("#f-type"), tab.page.input_value("#f-status")) == ("summit", "planned")

    tab.page.go_back()
    assert rows(tab) == summits
    assert query(tab) == [("type", "summit")]
    assert (tab.page.input_value("#f-type"), tab.page.input_value("#f-status")) == ("summit", "")
    tab.page.go_back()
    assert len(rows(tab)) == 50
    assert tab.page.input_value("#f-type") == ""
    tab.page.go_forward()
    assert rows(tab) == summits
    assert_clean(tab)


def test_scrolling_loads_the_second_page_through_the_cursor(tab: Tab) -> None:
    pages = []
    tab.page.on("response", lambda r: pages.append(r) if urlsplit(r.url).path == "/api/v1/events" else None)
    tab.goto("/")
    assert len(rows(tab)) == 50
    assert tab.page.text_content("#summary") == "共 70 条事件，已显示 50 条，向下滚动加载更多。"
    cursor = pages[0].json()["next"]
    assert cursor

    tab.page.mouse.wheel(0, 100_000)
    expect(tab.page.locator("#timeline .event")).to_have_count(70)
    shown = rows(tab)
    assert [parse_qs(urlsplit(r.url).query).get("cursor") for r in pages] == [None, [cursor]]
    assert pages[1].json()["next"] is None
    assert shown[:2] == [("2024年1月10日", "例行事件第01号"), ("2024年1月15日", "例行事件第02号")]
    assert shown[49:51] == [("2024年9月11日", "例行事件第50号"), ("2024年9月16日", "例行事件第51号")]
    assert shown[-1] == ("2026年1月15日", HOSTILE.title)
    assert texts(tab, "#timeline .year-title") == ["2024年", "2025年", "2026年"]
    assert tab.page.text_content("#summary") == "共 70 条事件，已显示 70 条。"
    assert tab.page.locator("#load-more").is_hidden()
    assert_clean(tab)


def test_hostile_article_is_shown_as_text_and_runs_nothing(tab: Tab) -> None:
    tab.goto("/?q=恶意")
    assert rows(tab) == [("2026年1月15日", f"{IMG}恶意标题{SCRIPT}")]
    assert texts(tab, "#timeline .chip-actor") == [f"{IMG}某组织"]
    tab.page.click("#timeline .event-title")
    dialog = tab.page.locator("#detail")
    dialog.locator(".mention").wait_for()
    assert dialog.locator("#detail-title").text_content() == f"{IMG}恶意标题{SCRIPT}"
    assert dialog.locator(".speech").text_content() == f"讲话{SCRIPT}{IMG}"
    assert dialog.locator(".quote").text_content() == f"他说：{SCRIPT}以及{IMG}都只是文字。"
    assert dialog.locator(".outlet").text_content() == f"<b>{SCRIPT}某来源</b> · 2026年1月16日"
    assert dialog.locator(".article-title").text_content() == f"{SCRIPT}一篇恶意文章{IMG}"
    assert dialog.locator("a.article-link").count() == 0  # a javascript: URL is no link
    tab.page.keyboard.press("Escape")

    tab.page.fill("#f-actor", "<img")
    option = tab.page.locator("#actor-options .option-name")
    option.wait_for()
    assert option.text_content() == f"{IMG}某组织"

    assert tab.page.evaluate("document.querySelectorAll('img, b, #timeline script, #detail script').length") == 0
    assert tab.page.evaluate("[...document.scripts].map(s => new URL(s.src).pathname)") == \
        ["/assets/dates.js", "/assets/app.js"]
    assert_clean(tab)


def test_dates_are_written_at_their_precision(tab: Tab) -> None:
    tab.goto("/")
    cases = [
        (["2026-02-06", "2026-02-06", "day"], "2026年2月6日"),
        (["2025-02-06", "2025-02-08", "day"], "2025年2月6日–8日"),
        (["2025-02-10", "2025-02-16", "week"], "2月10日–16日"),
        (["2025-01-27", "2025-02-02", "week"], "1月27日–2月2日"),
        (["2024-12-30", "2025-01-05", "week"], "2024年12月30日–2025年1月5日"),
        (["2025-06", "2025-06", "month"], "2025年6月"),
        (["2025-01", "2025-03", "season"], "2025年1月–3月"),
        (["2024-12", "2025-02", "season"], "2024年12月–2025年2月"),
        (["2025", "2025", "year"], "2025年"),
        (["2024", "2025", "year"], "2024年–2025年"),
    ]
    got = tab.page.evaluate("cases => cases.map(c => TimelineDates.formatSpan(...c))", [c for c, _ in cases])
    assert got == [expected for _, expected in cases]
    assert tab.page.evaluate("TimelineDates.formatSpan('2025-02-10', '2025-02-16', 'week', {fullYear: true})") \
        == "2025年2月10日–16日"
    assert_clean(tab)


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_fit_the_screen(chromium, server: str, artifacts: Path, name: str, viewport: dict) -> None:
    tab = open_tab(chromium, server, viewport)
    try:
        tab.goto("/?from=2025-01&to=2026-12")
        assert len(rows(tab)) == 8
        bars(tab, 25)
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        tab.page.screenshot(path=str(artifacts / f"timeline-{name}.png"))
        # A phone folds the less used filters behind a button that counts the active ones.
        assert tab.page.is_visible("#f-type") is (name == "desktop")
        if name == "phone":
            assert tab.page.text_content("#toggle-filters") == "更多筛选（1）"
            tab.page.click("#toggle-filters")
            assert tab.page.is_visible("#f-type")
            assert tab.page.get_attribute("#toggle-filters", "aria-expanded") == "true"
        tab.page.click("#timeline .event-title >> nth=2")
        tab.page.locator("#detail .mention").first.wait_for()
        tab.page.screenshot(path=str(artifacts / f"detail-{name}.png"))
        for shot in ("timeline", "detail"):
            assert (artifacts / f"{shot}-{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert_clean(tab)
    finally:
        tab.page.context.close()
