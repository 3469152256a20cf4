"""Migrations: upgrade an empty database to head, and the models match them (autogenerate finds nothing)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from readerdesk.extensions import db


def drop_everything():
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        # Whatever an earlier, failed run left behind goes too.
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        return
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_to_head_matches_the_models(app):
    drop_everything()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"
    tables = set(inspect(db.engine).get_table_names())
    assert {"sites", "articles", "article_revisions", "users", "corrections"} <= tables
    # Leave the database as other tests expect it.
    drop_everything()
    db.create_all()


def test_downgrade_to_base_and_back(app):
    drop_everything()
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "corrections" in inspect(db.engine).get_table_names()
    drop_everything()
    db.create_all()
