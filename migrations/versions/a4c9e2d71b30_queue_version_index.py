"""The desk queue's version: an index on corrections.updated_at, so the latest change is one index lookup

Revision ID: a4c9e2d71b30
Revises: a8c2e4f61d93
Create Date: 2026-12-01 16:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c9e2d71b30'
down_revision = 'a8c2e4f61d93'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index('ix_corrections_updated', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index('ix_corrections_updated')
