"""Settings, read from the environment.

Every setting has a ``TIMELINE_`` environment variable; ``create_app(config)``
takes a mapping that overrides them (tests use this).  Nothing secret lives in
the repository: tokens are created at run time and stored hashed.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

#: name -> (environment variable, default, parser)
_SETTINGS: dict[str, tuple[str, Any]] = {
    "DATABASE_URL": ("TIMELINE_DATABASE_URL", None),
    "SQL_ECHO": ("TIMELINE_SQL_ECHO", False),
    "API_PAGE_DEFAULT": ("TIMELINE_API_PAGE_DEFAULT", 50),
    "API_PAGE_MAX": ("TIMELINE_API_PAGE_MAX", 500),
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
