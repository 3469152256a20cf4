"""Typed notes (what was wrong, what is right), second approval, site standards links, rejection codes,
bylines and sections, time-to-correct targets

Revision ID: f3a17c0e9b21
Revises: f3b8d2a61c07
Create Date: 2026-12-01 14:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a17c0e9b21'
down_revision = 'f3b8d2a61c07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principles_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('corrections_policy_url', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('feedback_policy_url', sa.String(length=500), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('second_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('target_decision_hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_correction_hours', sa.Integer(), nullable=True))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authors', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('section', sa.String(length=100), nullable=True))
    with op.batch_alter_table('correction_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('was_wrong', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('is_right', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('awaiting_approval', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_correction_notes_approved_by_id_users'), 'users',
                                    ['approved_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_code', sa.Enum(
            'not_an_error', 'already_corrected', 'opinion', 'out_of_scope', 'duplicate', name='rejection_code',
            native_enum=False, length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('section')
        batch_op.drop_column('authors')
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.drop_column('rejection_code')
    with op.batch_alter_table('correction_notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_correction_notes_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('approved_by_id')
        batch_op.drop_column('awaiting_approval')
        batch_op.drop_column('is_right')
        batch_op.drop_column('was_wrong')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('target_correction_hours')
        batch_op.drop_column('target_decision_hours')
        batch_op.drop_column('second_approval')
        batch_op.drop_column('feedback_policy_url')
        batch_op.drop_column('corrections_policy_url')
        batch_op.drop_column('principles_url')
