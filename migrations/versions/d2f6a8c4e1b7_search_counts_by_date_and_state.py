"""The tab counts of a search read a date range of each state, and a word's entries in each state (PostgreSQL only)

Two cases the counts of issue 10 still took 100-500 ms for at 1,000,000 reports:
- a common word in a date range: the range is not in ix_corrections_search_counts, so the counts
  read the range from the table. ix_corrections_search_dates, (status, created_at) on the leads
  with the vector and the filtered columns included, lets each state walk only its range and check
  the word (and any other filter) there, stopping after 1,001 matches;
- a word in a few per cent of the reports: walking a state for 1,001 matches reads ~20,000 entries.
  A GIN index of each state's leads (ix_corrections_fulltext_<state>) hands over only that state's
  entries of the word, a few thousand.
SQLite has no tsvector: nothing changes there.

Built CONCURRENTLY, outside the migration's transaction, as b7d41e9c2a58 does: a plain CREATE
INDEX blocks every write to the table while it builds. An earlier build that was interrupted leaves
an invalid index of the same name: it is dropped first.

Revision ID: d2f6a8c4e1b7
Revises: b7d41e9c2a58
Create Date: 2026-12-02 00:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd2f6a8c4e1b7'
down_revision = 'b7d41e9c2a58'
branch_labels = None
depends_on = None

# The states as this revision knows them (models.Status may grow later; a migration adds its index).
STATES = ("new", "in_review", "accepted", "published", "rejected", "spam")
INDEXES = {
    "ix_corrections_search_dates": "(status, created_at) "
                                   "INCLUDE (kind, anchor_state, assignee_id, article_id, search_vector) WHERE is_lead",
    **{f"ix_corrections_fulltext_{state}": f"USING gin (search_vector) WHERE is_lead AND status = '{state}'"
       for state in STATES},
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        for name, definition in INDEXES.items():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.execute(f"CREATE INDEX CONCURRENTLY {name} ON corrections {definition}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    with op.get_context().autocommit_block():
        for name in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
