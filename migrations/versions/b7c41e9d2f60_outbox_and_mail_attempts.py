"""outbox table; notifications_sent records the attempt before the send

Revision ID: b7c41e9d2f60
Revises: c5e1f0a7b915
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import readerdesk.models.types

# revision identifiers, used by Alembic.
revision = 'b7c41e9d2f60'
down_revision = 'c5e1f0a7b915'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=60), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'done', 'failed', name='outbox_status', native_enum=False, length=20),
                  nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', readerdesk.models.types.UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', readerdesk.models.types.UTCDateTime(), nullable=False),
        sa.Column('locked_until', readerdesk.models.types.UTCDateTime(), nullable=True),
        sa.Column('done_at', readerdesk.models.types.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_due', ['status', 'next_attempt_at'], unique=False)

    # Every existing row was a confirmed send: it was committed after the mail server accepted it.
    with op.batch_alter_table('notifications_sent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', readerdesk.models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='1'))
        batch_op.alter_column('sent_at', existing_type=readerdesk.models.types.UTCDateTime(), nullable=True)
    op.execute("UPDATE notifications_sent SET attempted_at = sent_at")
    with op.batch_alter_table('notifications_sent', schema=None) as batch_op:
        batch_op.alter_column('attempted_at', existing_type=readerdesk.models.types.UTCDateTime(), nullable=False)
        batch_op.alter_column('attempts', server_default=None)


def downgrade():
    # Attempts that never got a confirmation are forgotten: the old ledger recorded only sends.
    op.execute("DELETE FROM notifications_sent WHERE sent_at IS NULL")
    with op.batch_alter_table('notifications_sent', schema=None) as batch_op:
        batch_op.alter_column('sent_at', existing_type=readerdesk.models.types.UTCDateTime(), nullable=False)
        batch_op.drop_column('attempts')
        batch_op.drop_column('attempted_at')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_due')
    op.drop_table('outbox')
