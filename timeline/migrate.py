"""Alembic, driven from the application: the URL comes from the app's settings
and the scripts ship inside the package (``timeline.migrations``)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import Flask

import timeline.migrations


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` with no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(Path(timeline.migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _url(app: Flask) -> str:
    return app.config["DATABASE_URL"]


def upgrade(app: Flask, revision: str = "head") -> None:
    command.upgrade(alembic_config(_url(app)), revision)


def downgrade(app: Flask, revision: str = "-1") -> None:
    command.downgrade(alembic_config(_url(app)), revision)


def current_revision(app: Flask) -> str | None:
    from timeline import get_db

    with get_db(app).engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
