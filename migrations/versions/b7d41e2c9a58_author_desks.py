"""The desk of each byline's author

Revision ID: b7d41e2c9a58
Revises: c41e7a9d2f10
Create Date: 2026-12-01 15:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41e2c9a58'
down_revision = 'c41e7a9d2f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('author_desks',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('author', sa.String(length=200), nullable=False),
                    sa.Column('desk', sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_author_desks')),
                    sa.UniqueConstraint('author', name=op.f('uq_author_desks_author')))


def downgrade():
    op.drop_table('author_desks')
