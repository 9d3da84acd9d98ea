"""Settings, read from the environment.

Every setting has a ``TIMELINE_`` environment variable; ``create_app(config)``
takes a mapping that overrides them (tests use this).  Nothing secret lives in
the repository: tokens are created at run time and stored hashed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

#: name -> (environment variable, default); the default's type says how to parse the variable.
_SETTINGS: dict[str, tuple[str, Any]] = {
    "DATABASE_URL": ("TIMELINE_DATABASE_URL", None),
    "SQL_ECHO": ("TIMELINE_SQL_ECHO", False),
    "API_PAGE_DEFAULT": ("TIMELINE_API_PAGE_DEFAULT", 50),
    "API_PAGE_MAX": ("TIMELINE_API_PAGE_MAX", 500),
    # Flask's own name: larger request bodies are refused with 413 before they are read.
    "MAX_CONTENT_LENGTH": ("TIMELINE_MAX_CONTENT_LENGTH", 10 * 1024 * 1024),
    # Reads (GET) need a token with the read scope too; the OpenAPI document, docs and /healthz stay open.
    "READS_NEED_TOKEN": ("TIMELINE_READS_NEED_TOKEN", False),
    # Writes per token: "N/second|minute|hour|day", a bare N per minute, "0" for no limit.
    "WRITE_RATE_LIMIT": ("TIMELINE_WRITE_RATE_LIMIT", "60/minute"),
    # "json" (one object a line, with the request id) or "text".
    "LOG_FORMAT": ("TIMELINE_LOG_FORMAT", "json"),
    "LOG_LEVEL": ("TIMELINE_LOG_LEVEL", "INFO"),
}


def _parse(raw: str, default: Any) -> Any:
    """Parse an environment string to the type of its default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def load_settings(instance_path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the application's settings: defaults < environment < ``overrides``.

    The default database is an SQLite file in the Flask instance folder, so a
    fresh checkout works with no configuration at all.
    """
    settings: dict[str, Any] = {}
    for name, (env, default) in _SETTINGS.items():
        raw = os.environ.get(env)
        settings[name] = default if raw is None or raw == "" else _parse(raw, default)
    if overrides:
        settings.update(overrides)
    if not settings["DATABASE_URL"]:
        db_file = Path(instance_path) / "timeline.db"
        settings["DATABASE_URL"] = f"sqlite:///{db_file}"
    return settings
