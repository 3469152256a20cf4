"""The queue's priority indexes hold a group's size class, not its size: a report joining a group updates its lead in place

A report that joins a group adds one to its lead's group_size. group_size was in the two priority
indexes, so each such UPDATE wrote the lead's new version with an entry in every one of the table's
indexes (25 on PostgreSQL): on a viral passage the lead's dead versions piled up in all of them
(bench/api/README.md: WAL per report -39 % with this change; no throughput gain measured).
size_class is a stored generated column: the size itself up to 16, then one class per doubling
(17-32, 33-64, ...). The indexes hold it instead, so a joining report changes no indexed value but
on the few arrivals that move the group to the next class, and PostgreSQL updates the lead in place
(HOT). The queue sorts a class of large groups by their exact size (services.desk.queue).

Adding a stored generated column rewrites the table under an ACCESS EXCLUSIVE lock: reports wait
until it is done (bench/desk/README.md has the time at 1,000,000 reports). The new indexes are then
built CONCURRENTLY under temporary names, outside the migration's transaction, the old ones dropped
and the new ones renamed. On SQLite the table is copied with the new column (batch mode).

Revision ID: a6d2f8e4c1b9
Revises: e8b3c5d7f9a1
Create Date: 2026-12-02 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a6d2f8e4c1b9'
down_revision = 'e8b3c5d7f9a1'
branch_labels = None
depends_on = None

# models.correction.SIZE_CLASS_SQL as this revision knows it.
SIZE_CLASS = "CASE WHEN group_size <= 16 THEN group_size WHEN group_size <= 32 THEN 17 WHEN group_size <= 64 THEN 18 WHEN group_size <= 128 THEN 19 WHEN group_size <= 256 THEN 20 WHEN group_size <= 512 THEN 21 WHEN group_size <= 1024 THEN 22 WHEN group_size <= 2048 THEN 23 WHEN group_size <= 4096 THEN 24 WHEN group_size <= 8192 THEN 25 WHEN group_size <= 16384 THEN 26 WHEN group_size <= 32768 THEN 27 WHEN group_size <= 65536 THEN 28 WHEN group_size <= 131072 THEN 29 WHEN group_size <= 262144 THEN 30 WHEN group_size <= 524288 THEN 31 WHEN group_size <= 1048576 THEN 32 WHEN group_size <= 2097152 THEN 33 WHEN group_size <= 4194304 THEN 34 WHEN group_size <= 8388608 THEN 35 WHEN group_size <= 16777216 THEN 36 WHEN group_size <= 33554432 THEN 37 WHEN group_size <= 67108864 THEN 38 WHEN group_size <= 134217728 THEN 39 WHEN group_size <= 268435456 THEN 40 WHEN group_size <= 536870912 THEN 41 WHEN group_size <= 1073741824 THEN 42 ELSE 43 END"
INDEXES = {"ix_corrections_queue_priority": ("status", "is_lead", "{}", "created_at", "id"),
           "ix_corrections_lead_priority": ("is_lead", "{}", "created_at", "id")}


def _columns(name: str, column: str) -> list[str]:
    """The index's columns, with ``column`` where the group's size (or its class) goes."""
    return [c.format(column) for c in INDEXES[name]]


def _rebuild_on_postgresql(column: str) -> None:
    with op.get_context().autocommit_block():
        for name in INDEXES:
            building = f"{name}_new"
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")
            op.execute(f"CREATE INDEX CONCURRENTLY {building} ON corrections ({', '.join(_columns(name, column))})")
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            op.execute(f"ALTER INDEX {building} RENAME TO {name}")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE corrections ADD COLUMN IF NOT EXISTS size_class INTEGER "
                   f"GENERATED ALWAYS AS ({SIZE_CLASS}) STORED NOT NULL")
        _rebuild_on_postgresql("size_class")
        return
    with op.batch_alter_table("corrections") as batch:
        batch.add_column(sa.Column("size_class", sa.Integer(), sa.Computed(SIZE_CLASS, persisted=True), nullable=False))
        for name in INDEXES:
            batch.drop_index(name)
            batch.create_index(name, _columns(name, "size_class"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_on_postgresql("group_size")
        op.execute("ALTER TABLE corrections DROP COLUMN size_class")
        return
    with op.batch_alter_table("corrections") as batch:
        for name in INDEXES:
            batch.drop_index(name)
            batch.create_index(name, _columns(name, "group_size"))
        batch.drop_column("size_class")
