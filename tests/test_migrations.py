"""Migrations: upgrade an empty database to head, and the models match them (autogenerate finds nothing)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from readerdesk.extensions import db
from readerdesk.models import FULLTEXT_INDEX, include_in_autogenerate
from tests.conftest import drop_postgres_schema

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
        assert FULLTEXT_INDEX in {index["name"] for index in inspector.get_indexes("corrections")}


def test_downgrade_to_base_and_back(empty_database):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "corrections" in inspect(db.engine).get_table_names()
