"""The passages a new report is compared with are found in an index of the holders alone

``ix_corrections_passages`` was (article_id, holds_passage, status) over every report. On a table
without statistics yet (a new database, or one whose last ANALYZE predates a viral article) the
planner took ``ix_corrections_article_status`` for ``find_group``'s query and read every open report
of the article for each new one: PostgreSQL's time per report grew from 2.5 to 6.6 ms over the first
3,000 reports on one article (bench/api/README.md). The index is now (article_id, part, status) WHERE
holds_passage: only the few reports that hold a group's passage, matching one more of the query's
terms than ix_corrections_article_status, so that it is taken without statistics too.
SQLite had read the whole table for the query (a SCAN, no index fitted it before its statistics);
it now searches this index too.

On PostgreSQL it is built CONCURRENTLY under a temporary name, outside the migration's transaction
(a plain CREATE INDEX blocks every write to the table while it builds), and the old one is then
dropped and the new one renamed; a build interrupted earlier is dropped first.

Revision ID: e8b3c5d7f9a1
Revises: c4e9a1f07b3d
Create Date: 2026-12-02 01:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8b3c5d7f9a1'
down_revision = 'c4e9a1f07b3d'
branch_labels = None
depends_on = None

NAME = "ix_corrections_passages"
BUILDING = "ix_corrections_passages_new"


def _rebuild(columns: str, where: str) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {BUILDING}")
        op.execute(f"CREATE INDEX CONCURRENTLY {BUILDING} ON corrections ({columns}){where}")
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        op.execute(f"ALTER INDEX {BUILDING} RENAME TO {NAME}")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild("article_id, part, status", " WHERE holds_passage")
        return
    op.drop_index(NAME, table_name="corrections")
    # SQLite uses a partial index only for a query with its WHERE term word for word: SQLAlchemy
    # writes the query's as ``holds_passage = 1``.
    op.create_index(NAME, "corrections", ["article_id", "part", "status"], sqlite_where=sa.text("holds_passage = 1"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild("article_id, holds_passage, status", "")
        return
    op.drop_index(NAME, table_name="corrections")
    op.create_index(NAME, "corrections", ["article_id", "holds_passage", "status"])
