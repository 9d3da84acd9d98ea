"""vocabulary generation and top-count index: a one-row token that triggers
replace on every write to actors, places, topics, their aliases and the set of
event lengths, so the API may keep resolved names per process while the token is
unchanged; and an index that reads a facet's top counts without the scope's
every count

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from timeline import generation

    op.create_table(
        'vocabulary_generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.String(length=32), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_vocabulary_generation_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabulary_generation')),
    )
    op.create_index('ix_event_counts_top', 'event_counts', ['scope', 'scope_id', 'field', 'n', 'value'], unique=False)
    generation.install(op.get_bind())


def downgrade() -> None:
    from timeline import generation

    generation.uninstall(op.get_bind())
    op.drop_index('ix_event_counts_top', table_name='event_counts')
    op.drop_table('vocabulary_generation')
