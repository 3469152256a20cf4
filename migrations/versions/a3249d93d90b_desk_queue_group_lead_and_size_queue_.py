"""desk queue: group lead and size, queue indexes, full-text index

Revision ID: a3249d93d90b
Revises: a98398ae51c9
Create Date: 2026-11-28 15:44:43.127551

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3249d93d90b'
down_revision = 'a98398ae51c9'
branch_labels = None
depends_on = None


FTS_INDEX = "ix_corrections_fulltext"


def upgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_lead', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('group_size', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('ix_corrections_lead_age', ['is_lead', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_corrections_lead_priority', ['is_lead', 'group_size', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_corrections_queue_age', ['status', 'is_lead', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_corrections_queue_priority', ['status', 'is_lead', 'group_size', 'created_at', 'id'], unique=False)

    # Existing reports: each is its own group unless it already names one.
    op.execute("UPDATE corrections SET group_id = id WHERE group_id IS NULL")
    op.execute("UPDATE corrections SET is_lead = (id = group_id), "
               "group_size = (SELECT count(*) FROM corrections AS m WHERE m.group_id = corrections.group_id)")

    # Full-text search of the quote and the comment (services.queue.search_condition uses the same
    # expression). PostgreSQL only: SQLite falls back to LIKE.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {FTS_INDEX} ON corrections "
                   "USING gin (to_tsvector('simple', exact || ' ' || comment))")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_corrections_queue_priority')
        batch_op.drop_index('ix_corrections_queue_age')
        batch_op.drop_index('ix_corrections_lead_priority')
        batch_op.drop_index('ix_corrections_lead_age')
        batch_op.drop_column('group_size')
        batch_op.drop_column('is_lead')
