"""event_counts' key index carries n on PostgreSQL (INCLUDE), so reading a
scope's counts (a popular actor's 10,000 days) is an index-only scan instead of
a heap fetch per row; SQLite's WITHOUT ROWID table needs nothing

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

KEY = "scope, scope_id, field, value"


def _key(include: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE event_counts DROP CONSTRAINT pk_event_counts")
        op.execute(f"ALTER TABLE event_counts ADD CONSTRAINT pk_event_counts PRIMARY KEY ({KEY}){include}")


def upgrade() -> None:
    _key(" INCLUDE (n)")


def downgrade() -> None:
    _key("")
