"""Alembic migrations, shipped inside the package as timeline.migrations."""
