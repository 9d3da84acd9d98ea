"""The migrations build exactly the models' schema, and go down and up again."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from timeline import get_db
from timeline.db import Base
from timeline.migrate import alembic_config, current_revision, downgrade, upgrade


def schema_diff(app) -> list:
    with get_db(app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_match_models(migrated_app):
    assert schema_diff(migrated_app) == []


def test_head_revision_is_recorded(migrated_app):
    head = ScriptDirectory.from_config(alembic_config(migrated_app.config["DATABASE_URL"])).get_current_head()
    assert head is not None
    assert current_revision(migrated_app) == head


def test_downgrade_to_base_and_upgrade_again(migrated_app):
    engine = get_db(migrated_app).engine
    downgrade(migrated_app, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(migrated_app) is None
    upgrade(migrated_app)
    assert schema_diff(migrated_app) == []
    assert {"articles", "events", "mentions", "actors", "actor_aliases", "event_actors",
            "topics", "event_topics", "places", "place_aliases"} <= set(inspect(engine).get_table_names())
