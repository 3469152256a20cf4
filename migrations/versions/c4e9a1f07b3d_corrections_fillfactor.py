"""The reports' table keeps 30% of each page free for rows' next versions (PostgreSQL only)

A new revision re-anchors every open report of its article in one UPDATE. A report that keeps its
anchor state changes no indexed column's value (its updated_at stays too), and PostgreSQL can then
write its new version in place, without an entry in each of the table's indexes (a HOT update),
but only on a page with room for it: a page filled to the brim moves every new version elsewhere, to
be indexed again. SQLite has no such setting: nothing changes there.

Rows already stored are not moved (that would rewrite the table under an exclusive lock): the setting
applies to pages filled from now on, and pages already full gain room as their rows' old versions are
vacuumed away. Changing it takes a SHARE UPDATE EXCLUSIVE lock, which blocks neither reads nor writes.

Revision ID: c4e9a1f07b3d
Revises: d2f6a8c4e1b7
Create Date: 2026-12-02 00:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e9a1f07b3d'
down_revision = 'd2f6a8c4e1b7'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE corrections SET (fillfactor = 70)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE corrections RESET (fillfactor)")
