"""Alembic environment: the URL comes from the config built by timeline.migrate
(or, run by hand with `alembic`, from TIMELINE_DATABASE_URL)."""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool

from timeline import models  # noqa: F401  (registers the tables on Base.metadata)
from timeline.db import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get("TIMELINE_DATABASE_URL")
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
