"""search terms and precomputed counts: event_terms (character bigrams of titles
and quotes, so q finds two-character Chinese words through an index) and
event_counts (facet and histogram counts per scope), filled from the stored events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_terms',
    sa.Column('term', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('start_min', sa.Date(), nullable=False),
    sa.Column('event_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('term', 'start_min', 'event_id', name=op.f('pk_event_terms')),
    sqlite_with_rowid=False
    )
    op.create_table('event_counts',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('field', sa.String(length=12), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'scope_id', 'field', 'value', name=op.f('pk_event_counts')),
    sqlite_with_rowid=False
    )
    # Existing events get their rows now; from here on every flush keeps them exact.
    from timeline.derived import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table('event_counts')
    op.drop_table('event_terms')
