"""curation and change feed: audit_log (who changed what, enough to undo it),
event_changes (the change feed, one row per event per committed change, filled
with a "created" row for every live event already stored) and actor_redirects
(slugs of merged actors)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_changes',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('merged_into', sa.String(length=32), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('created', 'updated', 'merged', 'deleted')", name=op.f('ck_event_changes_kind')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_event_changes'))
    )
    op.create_table('actor_redirects',
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_redirects_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('slug', name=op.f('pk_actor_redirects'))
    )
    op.create_index(op.f('ix_actor_redirects_actor_id'), 'actor_redirects', ['actor_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('other_event_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('undo_of_id', sa.Integer(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("action IN ('edit', 'merge', 'split', 'delete', 'undo', 'actor_merge', 'alias_add', 'alias_remove')", name=op.f('ck_audit_log_action')),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_audit_log_actor_id_actors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_audit_log_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_event_id'], ['events.id'], name=op.f('fk_audit_log_other_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undo_of_id'], ['audit_log.id'], name=op.f('fk_audit_log_undo_of_id_audit_log'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['audit_log.id'], name=op.f('fk_audit_log_undone_by_id_audit_log'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_actor_id'), 'audit_log', ['actor_id'], unique=False)
    op.create_index(op.f('ix_audit_log_event_id'), 'audit_log', ['event_id'], unique=False)
    op.create_index(op.f('ix_audit_log_other_event_id'), 'audit_log', ['other_event_id'], unique=False)
    # A consumer reading the feed from the start learns every event stored before it existed.
    op.execute("INSERT INTO event_changes (event_id, public_id, kind, row_version, changed_at) "
               "SELECT id, public_id, 'created', row_version, created_at FROM events "
               "WHERE merged_into_id IS NULL AND deleted_at IS NULL ORDER BY id")


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_log_other_event_id'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_event_id'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_actor_id'), table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index(op.f('ix_actor_redirects_actor_id'), table_name='actor_redirects')
    op.drop_table('actor_redirects')
    op.drop_table('event_changes')
