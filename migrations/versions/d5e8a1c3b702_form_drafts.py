"""Form drafts: an editor's text from a refused form, kept for the page they are redirected to

Revision ID: d5e8a1c3b702
Revises: a4c9e2d71b30
Create Date: 2026-12-01 17:35:00.000000

"""
import sqlalchemy as sa
from alembic import op

import readerdesk.models.types

# revision identifiers, used by Alembic.
revision = 'd5e8a1c3b702'
down_revision = 'a4c9e2d71b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_session_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=100), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', readerdesk.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_session_id'], ['staff_sessions.id'],
                            name=op.f('fk_form_drafts_staff_session_id_staff_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
    sa.UniqueConstraint('staff_session_id', 'page', name='uq_form_drafts_session_page')
    )


def downgrade():
    op.drop_table('form_drafts')
