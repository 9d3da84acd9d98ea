"""Interactive API documentation at /api/v1/docs that works offline: Swagger UI
served from the swagger-ui-bundle package (no CDN), reading /api/v1/openapi.json."""
from __future__ import annotations

from flask import Blueprint, Response, send_from_directory, url_for

from timeline.api.common import PREFIX

bp = Blueprint("api_docs_ui", __name__, url_prefix=f"{PREFIX}/docs")

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; connect-src 'self'")

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>timeline API</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icon}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""

INIT = """window.ui = SwaggerUIBundle({{
  url: "{spec}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  validatorUrl: null
}});
"""


def _assets() -> str:
    from swagger_ui_bundle import swagger_ui_path

    return swagger_ui_path


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


@bp.get("")
def page() -> Response:
    html = PAGE.format(css=url_for(".asset", name="swagger-ui.css"), icon=url_for(".asset", name="favicon-32x32.png"),
                       bundle=url_for(".asset", name="swagger-ui-bundle.js"), init=url_for(".init"))
    return _secured(Response(html, mimetype="text/html"))


@bp.get("/init.js")
def init() -> Response:
    return _secured(Response(INIT.format(spec=url_for("api-docs.openapi_json")), mimetype="text/javascript"))


@bp.get("/assets/<path:name>")
def asset(name: str) -> Response:
    return _secured(send_from_directory(_assets(), name))
