"""How the page and its assets are served, and what their source may not do
(no browser needed: these run everywhere)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from timeline import create_app
from timeline.web.views import CONTENT_SECURITY_POLICY

WEB = Path(__file__).resolve().parents[2] / "timeline" / "web"
SOURCES = sorted([WEB / "index.html", *(WEB / "static").iterdir()])


@pytest.fixture
def client(tmp_path):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", "TESTING": True}).test_client()


def test_page_is_served_with_a_strict_policy(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"
    scripts = re.findall(r'<script src="([^"]+)"', response.get_data(as_text=True))
    assert scripts == ["/assets/dates.js", "/assets/app.js"]


@pytest.mark.parametrize("name, mimetype", [("app.js", "text/javascript"), ("dates.js", "text/javascript"),
                                            ("app.css", "text/css")])
def test_assets_are_served(client, name: str, mimetype: str) -> None:
    response = client.get(f"/assets/{name}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.get_data() == (WEB / "static" / name).read_bytes()
    assert client.get(f"/assets/{name}", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_only_assets_are_reachable(client) -> None:
    assert client.get("/assets/../views.py").status_code == 404
    assert client.get("/assets/%2e%2e/views.py").status_code == 404
    assert client.get("/assets/index.html").status_code == 404


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_nothing_is_fetched_from_elsewhere(path: Path) -> None:
    """No CDN, no web font, no analytics: every URL the page names is its own."""
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text(encoding="utf-8"), re.I) == []


@pytest.mark.parametrize("path", [p for p in SOURCES if p.suffix == ".js"], ids=lambda p: p.name)
def test_scripts_never_parse_strings_as_html_or_code(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    found = re.findall(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|"
                       r"createContextualFragment|DOMParser|setTimeout\(\s*[\"'`]", source)
    assert found == []
