"""The OpenAPI document: the running app's equals the committed one, and it
documents every endpoint; the interactive docs are served locally."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from timeline import create_app

COMMITTED = Path(__file__).resolve().parent.parent / "timeline" / "api" / "openapi.json"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('spec') / 'spec.db'}", "TESTING": True})
    return app.test_client()


def test_served_spec_equals_committed_file(client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8")), (
        "the API changed: regenerate with `timeline openapi write timeline/api/openapi.json`")


def test_spec_documents_every_route(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.0.3"
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    routes = {(rule.rule.replace("<string:", "{").replace("<int:", "{").replace(">", "}"), method)
              for rule in client.application.url_map.iter_rules()
              if rule.endpoint.split(".")[0] not in ("api-docs", "api_docs_ui", "static")
              and rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    assert len(documented) == 30
    assert spec["paths"]["/api/v1/articles"]["post"]["security"] == [{"bearerAuth": []}]
    assert spec["components"]["responses"]["NOT_FOUND"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_docs_page_is_offline(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    for asset in ("/api/v1/docs/assets/swagger-ui-bundle.js", "/api/v1/docs/assets/swagger-ui.css",
                  "/api/v1/docs/init.js"):
        assert asset in html
        assert client.get(asset).status_code == 200
    assert '"/api/v1/openapi.json"' in client.get("/api/v1/docs/init.js").get_data(as_text=True)
