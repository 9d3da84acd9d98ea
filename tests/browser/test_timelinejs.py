"""/api/v1/timelines/timelinejs, rendered by TimelineJS3 itself (the npm package
@knight-lab/timelinejs) in the same browser: the output is checked against its
real consumer.  TimelineJS's files are served from node_modules through a route
on the test server's origin, so the JSON is fetched same-origin, as a page
embedding the library would."""
from __future__ import annotations

import mimetypes
from pathlib import Path

import pytest

from .conftest import Tab
from .dataset import EVENTS

pytestmark = pytest.mark.browser

#: A host page as TimelineJS's documentation describes, with everything it would
#: fetch from a CDN (locale, fonts, analytics) pointed at local files or switched off.
HOST_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>TimelineJS</title>
<link rel="stylesheet" href="css/timeline.css"><script src="js/timeline.js"></script></head>
<body style="margin:0"><div id="timeline" style="width:100%;height:100vh"></div>
<script>
  window.timeline = new TL.Timeline("timeline", "/api/v1/timelines/timelinejs?limit=500", {
    script_path: new URL("js/", location.href).href, language: "zh-cn", font: null,
    ga_measurement_id: null, track_events: [], hash_bookmark: false, duration: 0,
  });
  window.timeline.on("loaded", () => { document.body.dataset.loaded = "yes"; });
</script></body></html>"""


def serve_timelinejs(tab: Tab, dist: Path) -> None:
    """Answer /__timelinejs__/… with the host page and TimelineJS's built files."""
    def fulfil(route) -> None:
        name = route.request.url.split("/__timelinejs__/", 1)[1].split("?", 1)[0]
        if name == "index.html":
            route.fulfill(body=HOST_PAGE, content_type="text/html; charset=utf-8")
            return
        path = (dist / name).resolve()
        if dist not in path.parents or not path.is_file():
            route.fulfill(status=404, body="not found")
            return
        route.fulfill(body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")

    tab.page.route(f"{tab.base}/__timelinejs__/**", fulfil)


def test_timelinejs_renders_every_event(tab: Tab, timelinejs: Path, artifacts: Path) -> None:
    serve_timelinejs(tab, timelinejs)
    tab.goto("/__timelinejs__/index.html")
    tab.page.wait_for_selector("body[data-loaded='yes']")

    state = tab.page.evaluate("""() => ({
        errors: timeline.config.getErrors(), events: timeline.config.events.length,
        ids: timeline.config.events.map(e => e.unique_id),
        markers: document.querySelectorAll('.tl-timenav .tl-timemarker').length,
        slides: document.querySelectorAll('.tl-storyslider .tl-slide').length,
        headlines: [...document.querySelectorAll('.tl-timenav .tl-timemarker .tl-headline')].map(h => h.textContent),
        message: (document.querySelector('.tl-message-full') || {}).textContent || '',
    })""")
    assert state["errors"] == []
    assert state["events"] == len(EVENTS) == 70
    assert sorted(state["ids"]) == sorted(spec.public_id for spec in EVENTS)
    assert state["markers"] == 70
    assert state["slides"] == 70
    assert sorted(state["headlines"]) == sorted(spec.title for spec in EVENTS)  # the hostile one as text
    assert tab.console_errors == []
    assert tab.elsewhere == []
    assert tab.page.evaluate("typeof window.__pwned") == "undefined"

    # Partial dates reach TimelineJS as partial dates: a month-precision event has no day,
    # a year-precision one no month; spans (week, season) carry an end.
    parts = tab.page.evaluate("""() => Object.fromEntries(timeline.config.events.map(e => [e.unique_id, [
        ['year', 'month', 'day'].filter(p => e.start_date.data[p]).map(p => String(e.start_date.data[p])),
        e.end_date ? ['year', 'month', 'day'].filter(p => e.end_date.data[p]).map(p => String(e.end_date.data[p])) : null,
    ]]))""")
    assert parts["ev_0000000000000001"] == [["2025", "2", "6"], None]                  # day
    assert parts["ev_0000000000000002"] == [["2025", "2", "10"], ["2025", "2", "16"]]  # week
    assert parts["ev_0000000000000003"] == [["2025", "1"], ["2025", "3"]]              # season
    assert parts["ev_0000000000000004"] == [["2025"], None]                             # year
    assert parts["ev_0000000000000006"] == [["2025", "6"], None]                        # month
    tab.page.screenshot(path=str(artifacts / "timelinejs-desktop.png"))
