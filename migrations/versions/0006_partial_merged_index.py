"""partial index on events.merged_into_id: only merged events are indexed, so
"merged_into_id IS NULL" (every live event) no longer looks selective to
SQLite's planner, which then scanned a million events for a topic page

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_events_merged_into_id', table_name='events')
    op.create_index('ix_events_merged_into_id', 'events', ['merged_into_id'], unique=False,
                    sqlite_where=sa.text('merged_into_id IS NOT NULL'),
                    postgresql_where=sa.text('merged_into_id IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_events_merged_into_id', table_name='events')
    op.create_index('ix_events_merged_into_id', 'events', ['merged_into_id'], unique=False)
