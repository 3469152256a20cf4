"""Full-text search of reports reads a stored tsvector column (PostgreSQL only)

The GIN index was on the expression to_tsvector('simple', exact || ' ' || comment): a search that
looked at rows outside the index (the desk's tab counts, in each state) computed the vector again for
every one of them. Now the database stores it (a generated column) and the index is on the column.
SQLite has no tsvector and searches with LIKE: nothing changes there.

Revision ID: e5c0a7b31f42
Revises: d5e8a1c3b702
Create Date: 2026-12-01 17:25:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5c0a7b31f42'
down_revision = 'd5e8a1c3b702'
branch_labels = None
depends_on = None

INDEX = "ix_corrections_fulltext"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.execute("ALTER TABLE corrections ADD COLUMN search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', exact || ' ' || comment)) STORED")
    op.execute(f"CREATE INDEX {INDEX} ON corrections USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.execute("ALTER TABLE corrections DROP COLUMN search_vector")
    op.execute(f"CREATE INDEX {INDEX} ON corrections USING gin (to_tsvector('simple', exact || ' ' || comment))")
