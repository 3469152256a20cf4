"""Whether each staff member's desk answers single-key shortcuts

Revision ID: a9c3e5f71d24
Revises: b7d41e2c9a58
Create Date: 2026-12-01 16:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a9c3e5f71d24'
down_revision = 'b7d41e2c9a58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyboard_shortcuts', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('keyboard_shortcuts')
