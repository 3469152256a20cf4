"""WordPress write credentials on sites; the staff member an edit of the passage was made for

Revision ID: e19a0c3f7d21
Revises: c16a7e0b2d51
Create Date: 2026-12-01 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e19a0c3f7d21'
down_revision = 'c16a7e0b2d51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wordpress_user', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('wordpress_secret', sa.Text(), nullable=True))
    with op.batch_alter_table('correction_anchors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_correction_anchors_edited_by_id_users'), 'users',
                                    ['edited_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('correction_anchors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_correction_anchors_edited_by_id_users'), type_='foreignkey')
        batch_op.drop_column('edited_by_id')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('wordpress_secret')
        batch_op.drop_column('wordpress_user')
