"""timeline: Chinese-language news articles in, dated events out, served over REST."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from timeline.config import load_settings
from timeline.db import Database
from timeline.wsgi_query import utf8_query_strings

__version__ = "0.1.0"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application factory.

    ``config`` overrides the settings read from the environment (see
    :mod:`timeline.config`); tests pass ``{"DATABASE_URL": ...}``.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.wsgi_app = utf8_query_strings(app.wsgi_app)  # curl "…?actor=普京" without percent-encoding
    app.config.update(load_settings(app.instance_path, config))
    database = Database(app.config["DATABASE_URL"], echo=bool(app.config["SQL_ECHO"]))
    app.extensions["timeline.db"] = database

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        database.scoped.remove()

    from timeline import logs  # JSON logs with request ids; first, so every later hook has the id
    logs.init_app(app)
    from timeline.api import init_api  # the REST API under /api/v1
    init_api(app)
    from timeline.web.views import bp as web_blueprint  # the page at / (its assets under /assets/)
    app.register_blueprint(web_blueprint)
    from timeline.health import bp as health_blueprint  # /healthz
    app.register_blueprint(health_blueprint)
    return app


def get_db(app: Flask | None = None) -> Database:
    """The :class:`Database` of ``app`` (default: the current application)."""
    from flask import current_app

    return (app or current_app).extensions["timeline.db"]
