"""A hosted corrections and feedback policy per site, and the byline an author signs with

Revision ID: a8c2e4f61d93
Revises: a9c3e5f71d24
Create Date: 2026-12-01 16:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8c2e4f61d93'
down_revision = 'a9c3e5f71d24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_markdown', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('byline', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('byline')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('policy_markdown')
