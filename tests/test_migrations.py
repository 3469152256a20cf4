"""Migrations: upgrade an empty database to head, and the models match them (autogenerate finds nothing)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from readerdesk.extensions import db
from readerdesk.models import FULLTEXT_INDEX, SEARCH_COUNTS_INDEX, include_in_autogenerate
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
        indexes = {index["name"] for index in inspector.get_indexes("corrections")}
        assert {FULLTEXT_INDEX, SEARCH_COUNTS_INDEX} <= indexes


def test_downgrade_to_base_and_back(empty_database):
    upgrade()
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
def test_the_search_counts_index_is_built_again_after_an_interrupted_build(empty_database):
    """Its migration builds it CONCURRENTLY (no write lock on a live table), which an interruption can
    leave behind as an invalid index of the same name: the migration drops it and builds it again."""
    upgrade(revision="e5c0a7b31f42")
    with db.engine.begin() as connection:  # what a build cut short leaves: the name, on other columns
        connection.execute(text(f"CREATE INDEX {SEARCH_COUNTS_INDEX} ON corrections (id)"))
    upgrade()
    with db.engine.connect() as connection:
        valid, columns = connection.execute(text(
            "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :name"), {"name": SEARCH_COUNTS_INDEX}).one()
    assert valid and "(status, kind, anchor_state, assignee_id, article_id) INCLUDE (search_vector)" in columns
