"""Browser tests: the app on a free loopback port, driven by Debian's Chromium.

One Chromium per session (Playwright's Python package, launched from
``/usr/bin/chromium`` or ``TIMELINE_CHROMIUM``; nothing downloads a browser),
one fresh browser context per test.  The server is the real application (werkzeug's
``make_server`` in a thread) on an SQLite database built through the models
(:mod:`.dataset`).  Every request to another origin is refused and recorded, so a
test can prove the page needs no network beyond its own server.

Without Chromium, Playwright or (for TimelineJS) ``tests/browser/node_modules``
these tests skip with the reason; ``TIMELINE_REQUIRE_ALL=1`` makes that a failure.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from conftest import missing
from timeline import create_app
from timeline.db import Base

from .dataset import build

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("TIMELINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMELINEJS = HERE / "node_modules" / "@knight-lab" / "timelinejs" / "dist"
ARTIFACTS = HERE.parent / "artifacts"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's one headless Chromium."""
    if not CHROMIUM.exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright's Python package is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the application serving the dataset."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('browser') / 'timeline.db'}",
                      "TESTING": True})
    database = app.extensions["timeline.db"]
    Base.metadata.create_all(database.engine)
    with database.session() as session:
        build(session)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="timeline-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)
    database.dispose()


@dataclass
class Tab:
    """A page in a fresh context, with what went wrong in it."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)


def open_tab(browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> Tab:
    """A new context and page on ``base``: requests to any other origin are
    aborted and recorded, console errors and uncaught exceptions collected."""
    context = browser.new_context(viewport=viewport, base_url=base, locale="zh-CN", service_workers="block")
    context.set_default_timeout(10_000)
    page = context.new_page()
    tab = Tab(page, base)

    def only_here(route: Any) -> None:
        url = route.request.url
        if url.startswith(base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            tab.elsewhere.append(url)
            route.abort()

    context.route("**/*", only_here)
    page.on("console", lambda message: tab.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: tab.console_errors.append(f"uncaught: {error}"))
    return tab


@pytest.fixture
def tab(chromium: Any, server: str) -> Iterator[Tab]:
    """A desktop-sized page on the test server."""
    opened = open_tab(chromium, server)
    yield opened
    opened.page.context.close()


@pytest.fixture(scope="session")
def timelinejs() -> Path:
    """TimelineJS3's built files, from the test-only npm dependency."""
    if not (TIMELINEJS / "js" / "timeline.js").exists():
        missing(f"TimelineJS3 is not installed in {TIMELINEJS.parent} (run: npm ci --prefix tests/browser)")
    return TIMELINEJS


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (kept out of git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
