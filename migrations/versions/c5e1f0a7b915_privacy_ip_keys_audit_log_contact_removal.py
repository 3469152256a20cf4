"""privacy: daily IP hash keys, the privacy audit log, removed contacts, sites' privacy policy URL

Revision ID: c5e1f0a7b915
Revises: a3249d93d90b
Create Date: 2026-12-01 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e1f0a7b915'
down_revision = 'a3249d93d90b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ip_hash_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_hash_keys')),
    sa.UniqueConstraint('day', name=op.f('uq_ip_hash_keys_day'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_created', ['created_at', 'id'], unique=False)

    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_removed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('contact_removed_by', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_url', sa.String(length=500), nullable=False, server_default=''))

    # Hashes made before this revision are HMAC(SECRET_KEY, ip): whoever holds the key can recover an
    # IPv4 address from one by trying them all. Nothing reads them, so they go now rather than in
    # RETENTION_IP_DAYS.
    op.execute("UPDATE corrections SET ip_hash = ''")


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('privacy_url')

    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_column('contact_removed_by')
        batch_op.drop_column('contact_removed_at')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_created')

    op.drop_table('audit_log')
    op.drop_table('ip_hash_keys')
