"""Migrations: upgrade an empty database to head, and the models match them (autogenerate finds nothing)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, inspect, text

from readerdesk.extensions import db
from readerdesk.models import FULLTEXT_INDEXES, SEARCH_COUNTS_INDEX, SEARCH_DATES_INDEX, include_in_autogenerate
from tests.conftest import drop_postgres_schema, is_postgres

pytestmark = pytest.mark.real_commits  # Alembic runs on its own connections


def drop_everything():
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        # Whatever an earlier, failed run left behind goes too.
        with db.engine.begin() as connection:
            drop_postgres_schema(connection)
        return
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def empty_database(app):
    drop_everything()
    yield
    # Leave the database as other tests expect it, whatever happened.
    drop_everything()
    db.create_all()


def test_upgrade_from_empty_to_head_matches_the_models(empty_database):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_in_autogenerate})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"
    inspector = inspect(db.engine)
    assert {"sites", "articles", "article_revisions", "users", "corrections", "patrons", "payments"} <= set(
        inspector.get_table_names())
    if db.engine.dialect.name == "postgresql":
        # Autogenerate compares no storage parameters (the reports' fillfactor): compared here.
        assert storage_parameters() == {
            table.name: {name: str(value) for name, value in table.dialect_options["postgresql"]["with"].items()}
            for table in db.metadata.sorted_tables if table.dialect_options["postgresql"]["with"]}
        assert storage_parameters()["corrections"]["fillfactor"] == "70"
        # Autogenerate leaves the full-text indexes alone: the migrations build them as the models do.
        migrated = fulltext_index_definitions()
        drop_everything()
        db.create_all()
        assert migrated == fulltext_index_definitions() and set(migrated) == set(FULLTEXT_INDEXES)


def fulltext_index_definitions() -> dict[str, str]:
    with db.engine.connect() as connection:
        return dict(connection.execute(text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            # this schema's, not another's of the same database
            "WHERE c.relname = ANY(:names) AND c.relnamespace = to_regnamespace(current_schema())"),
            {"names": list(FULLTEXT_INDEXES)}).all())


def storage_parameters() -> dict[str, dict[str, str]]:
    """Each table's storage parameters on PostgreSQL, for the tables that have any."""
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reloptions IS NOT NULL")).all()
    return {name: dict(option.split("=", 1) for option in options) for name, options in rows}


def test_downgrade_to_base_and_back(empty_database):
    upgrade()
    if is_postgres():  # the reports' pages get their default fill back
        downgrade(revision="d2f6a8c4e1b7")
        assert "corrections" not in storage_parameters()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "corrections" in inspect(db.engine).get_table_names()


def test_a_reader_s_report_is_stored_on_a_database_built_by_migrations(empty_database, client):
    """The migrations add columns in another order than the models declare them: the report's INSERT
    ... RETURNING must not read them by position (it did, and every report on a migrated PostgreSQL
    answered 500 while the suite, on create_all's order, passed)."""
    from tests.factories import make_article

    upgrade()
    article = make_article(db.session)
    db.session.commit()
    response = client.post("/api/v1/corrections", json={
        "idempotency_key": "migrated-db-0001", "article_url": article.url, "kind": "typo",
        "selectors": [{"type": "TextQuoteSelector", "exact": "voted twelve to five"}], "comment": "Eleven."})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["anchored"] is True


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="the index exists on PostgreSQL only")
@pytest.mark.parametrize("before, index, columns", [
    ("e5c0a7b31f42", SEARCH_COUNTS_INDEX,
     "(status, kind, anchor_state, assignee_id, article_id) INCLUDE (search_vector)"),
    ("b7d41e9c2a58", SEARCH_DATES_INDEX,
     "(status, created_at) INCLUDE (kind, anchor_state, assignee_id, article_id, search_vector)"),
])
def test_a_search_counts_index_is_built_again_after_an_interrupted_build(empty_database, before, index, columns):
    """Their migrations build them CONCURRENTLY (no write lock on a live table), which an interruption
    can leave behind as an invalid index of the same name: the migration drops it and builds it again."""
    upgrade(revision=before)
    with db.engine.begin() as connection:  # what a build cut short leaves: the name, on other columns
        connection.execute(text(f"CREATE INDEX {index} ON corrections (id)"))
    upgrade()
    with db.engine.connect() as connection:
        valid, definition = connection.execute(text(
            "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.oid = to_regclass(:name)"), {"name": index}).one()
    assert valid and columns in definition


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="statement_timeout is PostgreSQL's")
def test_the_migrations_lift_the_request_timeout_and_give_it_back(empty_database):
    """DATABASE_STATEMENT_TIMEOUT stops a request's statement after 5 s; an index built CONCURRENTLY
    outside the migration's transaction took 9-24 s at 1,000,000 reports and was cancelled. The
    migrations run without it, and the pooled connection has it again afterwards."""
    with db.engine.connect() as connection:
        expected = connection.exec_driver_sql("SHOW statement_timeout").scalar()
    seen = []

    def remember_timeout(conn, cursor, statement, *rest):
        if "CREATE INDEX CONCURRENTLY" in statement:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])

    event.listen(db.engine, "before_cursor_execute", remember_timeout)
    try:
        upgrade()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember_timeout)
    assert seen and set(seen) == {"0"}
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == expected
