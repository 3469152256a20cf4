"""The tab counts of a search read the full-text vector from an index that starts with the state (PostgreSQL only)

A search for a common word counted each state through the GIN index, which hands over all of the
word's rows (a quarter of a million reports for "bridge") in one bitmap before the first, and knows
no states. This index on the leads, (status, kind, anchor_state, assignee_id, article_id) with the
stored vector included, lets each state's capped count walk that state's entries and check the word
there, stopping after 1,001 matches. SQLite has no tsvector: nothing changes there.

Built CONCURRENTLY, outside the migration's transaction: a plain CREATE INDEX blocks every write to
the table while it builds (13-24 s at 1,000,000 reports), and readers' reports would wait on it.
An earlier build that was interrupted leaves an invalid index of this name: it is dropped first.

Revision ID: b7d41e9c2a58
Revises: e5c0a7b31f42
Create Date: 2026-12-01 21:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41e9c2a58'
down_revision = 'e5c0a7b31f42'
branch_labels = None
depends_on = None

INDEX = "ix_corrections_search_counts"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        op.execute(f"CREATE INDEX CONCURRENTLY {INDEX} ON corrections "
                   "(status, kind, anchor_state, assignee_id, article_id) INCLUDE (search_vector) WHERE is_lead")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
