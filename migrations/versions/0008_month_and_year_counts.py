"""month and year counts: event_counts also counts events by the month and year
of their first day, so a month histogram reads 360 rows instead of a popular
actor's 10,000 days; the counts are recomputed from the stored events

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from timeline.derived import rebuild_counts

    rebuild_counts(op.get_bind())


def downgrade() -> None:
    op.execute("DELETE FROM event_counts WHERE field IN ('month', 'year')")
