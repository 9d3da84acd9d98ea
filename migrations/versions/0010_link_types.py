"""actor and topic links repeat their event's type, with an index on
(owner, type, start_min), so "talks of a topic between A and B, by date" is
one index range scan instead of a walk over all the topic's events that looks
up each event's type

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

LINKS = (("event_actors", "actor_id", "ix_event_actors_actor_type_start"),
         ("event_topics", "topic_id", "ix_event_topics_topic_type_start"))


def upgrade() -> None:
    for table, owner, index in LINKS:
        op.add_column(table, sa.Column('type', sa.String(length=32), nullable=True))
        op.execute(f"UPDATE {table} SET type = (SELECT events.type FROM events WHERE events.id = {table}.event_id)")
        with op.batch_alter_table(table) as batch:  # SQLite: the table is copied with the column NOT NULL
            batch.alter_column('type', existing_type=sa.String(length=32), nullable=False)
        op.create_index(index, table, [owner, 'type', 'start_min', 'event_id', 'end_max'], unique=False)


def downgrade() -> None:
    for table, _owner, index in LINKS:
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column('type')
