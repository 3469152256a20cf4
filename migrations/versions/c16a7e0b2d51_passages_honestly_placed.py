"""passages honestly placed: reportable parts, evidence at capture, notes' passages

Revision ID: c16a7e0b2d51
Revises: bd7407616776
Create Date: 2026-12-01 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c16a7e0b2d51'
down_revision = 'bd7407616776'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.String(length=20), nullable=False, server_default='body'))
        batch_op.add_column(sa.Column('selection_clipped', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('selected_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('captured_revision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quote_verbatim', sa.Boolean(), nullable=True))
        batch_op.create_foreign_key('fk_corrections_captured_revision', 'article_revisions',
                                    ['captured_revision_id'], ['id'])
    with op.batch_alter_table('correction_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('part', sa.String(length=20), nullable=False, server_default='body'))
        batch_op.add_column(sa.Column('passage_revision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('passage_start', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('passage_end', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_correction_notes_passage_revision', 'article_revisions',
                                    ['passage_revision_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('correction_notes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_correction_notes_passage_revision', type_='foreignkey')
        batch_op.drop_column('passage_end')
        batch_op.drop_column('passage_start')
        batch_op.drop_column('passage_revision_id')
        batch_op.drop_column('part')
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_corrections_captured_revision', type_='foreignkey')
        batch_op.drop_column('quote_verbatim')
        batch_op.drop_column('captured_revision_id')
        batch_op.drop_column('selected_text')
        batch_op.drop_column('selection_clipped')
        batch_op.drop_column('part')
    with op.batch_alter_table('article_revisions', schema=None) as batch_op:
        batch_op.drop_column('parts')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('parts')
