"""patrons: per-site support settings and receipts, subscriptions with their amount history, disputes

Revision ID: 7c1e5a2b9d40
Revises: b7c41e9d2f60
Create Date: 2026-12-01 11:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c1e5a2b9d40'
down_revision = 'b7c41e9d2f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_tiers', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('support_min_amount', sa.Integer(), nullable=False, server_default='100'))
        batch_op.add_column(sa.Column('support_max_amount', sa.Integer(), nullable=False, server_default='1000000'))
        batch_op.add_column(sa.Column('fee_percent_bp', sa.Integer(), nullable=False, server_default='150'))
        batch_op.add_column(sa.Column('fee_fixed', sa.Integer(), nullable=False, server_default='25'))
        batch_op.add_column(sa.Column('wall_grace_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('legal_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_address', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tax_id', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('receipt_statement', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('stripe_product_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('stripe_portal_configuration_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('stripe_portal_prices', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkout_expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('checkout_attempts', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount_lost_in_disputes', sa.Integer(), nullable=False, server_default='0'))

    op.create_table(
        'patron_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patron_id', sa.Integer(), nullable=False),
        sa.Column('stripe_subscription_id', sa.String(length=255), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('awaiting_payment', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['patron_id'], ['patrons.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stripe_subscription_id'),
    )
    op.create_index('ix_patron_subscriptions_patron_id', 'patron_subscriptions', ['patron_id'], unique=False)
    op.create_table(
        'subscription_amounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('effective_at', sa.DateTime(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('interval', sa.Enum('month', 'year', 'once', name='interval', native_enum=False, length=20),
                  nullable=False),
        sa.Column('tier', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['subscription_id'], ['patron_subscriptions.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subscription_id', 'effective_at'),
    )
    op.create_table(
        'disputes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stripe_dispute_id', sa.String(length=255), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('reason', sa.String(length=100), nullable=False),
        sa.Column('stripe_status', sa.String(length=40), nullable=False),
        sa.Column('status', sa.Enum('open', 'won', 'lost', name='dispute_status', native_enum=False, length=20),
                  nullable=False),
        sa.Column('evidence_due_by', sa.DateTime(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('state_as_of', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stripe_dispute_id'),
    )
    op.create_index('ix_disputes_payment_id', 'disputes', ['payment_id'], unique=False)

    # Existing recurring patrons get a subscription row with their current amount as its history, so
    # the MRR chart keeps drawing them (the past is as good as what was stored).
    op.execute(
        "INSERT INTO patron_subscriptions (patron_id, stripe_subscription_id, started_at, ended_at, awaiting_payment) "
        "SELECT id, stripe_subscription_id, supporter_since, canceled_at, false FROM patrons "
        "WHERE interval != 'once'")
    op.execute(
        "INSERT INTO subscription_amounts (subscription_id, effective_at, amount, currency, interval, tier) "
        "SELECT s.id, s.started_at, p.amount, p.currency, p.interval, p.tier FROM patron_subscriptions s "
        "JOIN patrons p ON p.id = s.patron_id")


def downgrade():
    op.drop_index('ix_disputes_payment_id', table_name='disputes')
    op.drop_table('disputes')
    op.drop_table('subscription_amounts')
    op.drop_index('ix_patron_subscriptions_patron_id', table_name='patron_subscriptions')
    op.drop_table('patron_subscriptions')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('amount_lost_in_disputes')
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_column('checkout_attempts')
        batch_op.drop_column('checkout_expires_at')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        for column in ('stripe_portal_prices', 'stripe_portal_configuration_id', 'stripe_product_id',
                       'receipt_statement', 'tax_id', 'legal_address', 'legal_name', 'wall_grace_days',
                       'fee_fixed', 'fee_percent_bp', 'support_max_amount', 'support_min_amount', 'support_tiers'):
            batch_op.drop_column(column)
