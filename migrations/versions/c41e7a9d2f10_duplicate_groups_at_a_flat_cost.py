"""duplicate groups at a flat cost: held passages, the lead's size only, member paging and count indexes

Revision ID: c41e7a9d2f10
Revises: f3a17c0e9b21
Create Date: 2026-12-01 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c41e7a9d2f10'
down_revision = 'f3a17c0e9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_passage', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('passage_start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('passage_end', sa.Integer(), nullable=True))
        batch_op.drop_index('ix_corrections_group')
        batch_op.create_index('ix_corrections_group', ['group_id', 'id'], unique=False)
        batch_op.create_index('ix_corrections_passages', ['article_id', 'holds_passage', 'status'], unique=False)
        batch_op.create_index('ix_corrections_counts',
                              ['status', 'is_lead', 'kind', 'anchor_state', 'assignee_id', 'article_id'], unique=False)

    # Existing groups: each lead holds its group's passage (its own span) and keeps the size; the
    # other members no longer carry a copy of it.
    op.execute("UPDATE corrections SET holds_passage = is_lead")
    op.execute("UPDATE corrections SET group_size = 0 WHERE NOT is_lead")


def downgrade():
    op.execute("UPDATE corrections SET group_size = "
               "(SELECT count(*) FROM corrections AS m WHERE m.group_id = corrections.group_id)")
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_corrections_counts')
        batch_op.drop_index('ix_corrections_passages')
        batch_op.drop_index('ix_corrections_group')
        batch_op.create_index('ix_corrections_group', ['group_id'], unique=False)
        batch_op.drop_column('passage_end')
        batch_op.drop_column('passage_start')
        batch_op.drop_column('holds_passage')
