"""``GET /healthz``: whether this process can answer, database included.

200 ``{"status": "ok", "database": "ok", "schema": REVISION}`` when a query
runs and the schema is at the migrations' head; 503 with ``status: "error"``
and what failed otherwise, so a load balancer or orchestrator takes the
process out of rotation.  It needs no token whatever ``READS_NEED_TOKEN`` says,
and says nothing about the data.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text

from timeline import get_db

bp = Blueprint("health", __name__)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration the code ships (read once: the scripts do not change while it runs)."""
    from alembic.script import ScriptDirectory

    from timeline.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int, dict[str, str]]:
    no_store = {"Cache-Control": "no-store"}
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:  # any driver error: the database cannot answer
        current_app.logger.warning("health check failed: %s", type(exc).__name__)
        return {"status": "error", "database": f"unreachable or not migrated ({type(exc).__name__})"}, 503, no_store
    head = head_revision()
    if revision != head:
        return {"status": "error", "database": "ok", "schema": revision,
                "detail": f"the schema is at {revision}, the code needs {head}: run timeline db upgrade"}, 503, no_store
    return {"status": "ok", "database": "ok", "schema": revision}, 200, no_store
