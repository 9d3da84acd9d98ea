"""lookup and covering indexes: actors and places by name and by lower-cased
English name (name filters were a scan of every actor), and end_max in the
actor and topic range indexes so a date range filters along them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_actors_name', 'actors', ['name'], unique=False)
    op.create_index('ix_actors_name_en_lower', 'actors', [sa.text('lower(name_en)')], unique=False)
    op.create_index('ix_places_name', 'places', ['name'], unique=False)
    op.create_index('ix_places_name_en_lower', 'places', [sa.text('lower(name_en)')], unique=False)
    op.drop_index('ix_event_actors_actor_start', table_name='event_actors')
    op.create_index('ix_event_actors_actor_start', 'event_actors', ['actor_id', 'start_min', 'event_id', 'end_max'],
                    unique=False)
    op.drop_index('ix_event_topics_topic_start', table_name='event_topics')
    op.create_index('ix_event_topics_topic_start', 'event_topics', ['topic_id', 'start_min', 'event_id', 'end_max'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_event_topics_topic_start', table_name='event_topics')
    op.create_index('ix_event_topics_topic_start', 'event_topics', ['topic_id', 'start_min', 'event_id'], unique=False)
    op.drop_index('ix_event_actors_actor_start', table_name='event_actors')
    op.create_index('ix_event_actors_actor_start', 'event_actors', ['actor_id', 'start_min', 'event_id'], unique=False)
    op.drop_index('ix_places_name_en_lower', table_name='places')
    op.drop_index('ix_places_name', table_name='places')
    op.drop_index('ix_actors_name_en_lower', table_name='actors')
    op.drop_index('ix_actors_name', table_name='actors')
