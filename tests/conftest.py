"""Shared fixtures: an app, a client, the session, a CLI runner, and an SMTP server.

The schema is made once per run, in a SQLite file or in ``TEST_DATABASE_URL``'s PostgreSQL database.
Each test then runs inside one transaction on one connection, and its commits only release SAVEPOINTs
in it; rolling that transaction back afterwards leaves the database empty for the next test. This is
SQLAlchemy's "joining a session into an external transaction" recipe, as hypothesis/h uses it.

A test whose commits another connection must see (a server in a thread, concurrent deliveries,
migrations) is marked ``real_commits``: on SQLite it gets a database file of its own, and on
PostgreSQL the run's database, emptied after it.
"""

from __future__ import annotations

import dataclasses
import os
from contextlib import contextmanager

import flask_babel
import pytest
from flask import Flask, g
from flask.globals import app_ctx
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import scoped_session, sessionmaker

from readerdesk import create_app
from readerdesk.config import normalise_database_url
from readerdesk.extensions import db, limiter
from tests.factories import CHEAP_PASSWORDS
from tests.local_servers import free_port

# Property tests check what is true, not how fast: speed is measured in bench/. Hypothesis's 200 ms
# deadline per example failed them on a loaded CI machine (a FlakyFailure, not a finding).
settings.register_profile("readerdesk", deadline=None)
settings.load_profile("readerdesk")

# Apps a test makes from the environment (create_app() in the config tests) get no job thread: one
# left polling after its test used the next tests' shared connection and released their SAVEPOINTs.
# Tests that want the thread ask for it with app_config(JOBS_BACKGROUND_THREAD=True) and stop it.
os.environ["JOBS_BACKGROUND_THREAD"] = "0"

# Fixtures defined beside their fakes (the fake Stripe's ``fake_stripe``, the SSRF ``listener``), and the
# real WordPress (``real_wordpress``).
pytest_plugins = ["tests.fakes.stripe", "tests.fakes.http", "tests.real_wordpress"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_SECRET_KEY = "test-secret-key-not-for-production"


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): extra Flask settings for the `app` fixture")
    config.addinivalue_line("markers", "real_commits: the test's commits are real (threads, a live server, "
                                       "migrations); its database is emptied after it instead of rolled back")
    config.addinivalue_line("markers", "postgres: needs TEST_DATABASE_URL pointing at PostgreSQL")
    config.addinivalue_line("markers", "browser: drives Chromium with Playwright")
    config.addinivalue_line("markers", "slow: fuzz, property and end-to-end tests; `make quick` skips them")


def is_postgres() -> bool:
    return bool(TEST_DATABASE_URL) and TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))


def database_url(tmp_path) -> str:
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path / 'readerdesk-test.sqlite3'}"


def app_settings(tmp_path, **overrides) -> dict:
    settings = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "STRIPE_SECRET_KEY": None,
        "STRIPE_WEBHOOK_SECRET": None,
        "STRIPE_API_BASE": None,
        "SLACK_WEBHOOK_URL": None,
        # Jobs wait in the outbox until a test runs them (tests.helpers.run_jobs), not in a thread.
        "JOBS_BACKGROUND_THREAD": False,
        "SERVER_NAME": None,
        "PASSWORD_HASHER": dataclasses.asdict(CHEAP_PASSWORDS),
        # One database serves the whole run: queue counts cached in one test would show in the next.
        "DESK_COUNT_CACHE_SECONDS": 0,
        "PUBLIC_URL": "http://localhost",  # the test client's host
        "TRUSTED_HOSTS": None,  # derived from PUBLIC_URL
        "ALLOWED_FETCH_NETWORKS": [],
    }
    settings.update(overrides)
    return settings


def drop_postgres_schema(connection: Connection) -> None:
    """Every table, index and type in the public schema goes, whatever made them."""
    connection.execute(text("DROP SCHEMA public CASCADE"))
    connection.execute(text("CREATE SCHEMA public"))


def empty_postgres_tables(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def begin_sqlite_transactions_explicitly(engine: Engine) -> None:
    """The sqlite3 module begins a transaction only before a write, so a SAVEPOINT outside one would
    become the transaction, and releasing it would commit. Let SQLAlchemy say when to BEGIN instead
    (the recipe in SQLAlchemy's notes on the pysqlite driver)."""

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def database(tmp_path_factory) -> Engine:
    """The run's database, with the schema made once."""
    engine = create_engine(database_url(tmp_path_factory.mktemp("database")))
    if engine.dialect.name == "sqlite":
        begin_sqlite_transactions_explicitly(engine)
    else:
        with engine.begin() as connection:  # whatever an earlier, interrupted run left behind
            drop_postgres_schema(connection)
    db.metadata.create_all(engine)
    yield engine
    engine.dispose()


class ConnectionSession(FlaskSession):
    """Flask-SQLAlchemy's session on a given connection: its own ``get_bind`` would pick the app's engine."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def rolled_back(engine: Engine):
    """``db.session`` on one connection, in a transaction rolled back at the end. The code's commits
    and rollbacks act on SAVEPOINTs inside it."""
    connection = engine.connect()
    transaction = connection.begin()
    app_session = db.session
    db.session = scoped_session(
        sessionmaker(class_=ConnectionSession, db=db, bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: id(app_ctx._get_current_object()),  # one session per app context, as Flask-SQLAlchemy
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = app_session
        transaction.rollback()
        connection.close()


@contextmanager
def committed_database(app: Flask):
    """The app's own database with the schema, for commits other connections see: a new SQLite file,
    or on PostgreSQL the run's database (take the ``database`` fixture first), emptied at the end."""
    with app.app_context():
        db.create_all()
    try:
        yield
    finally:
        with app.app_context():
            if is_postgres():
                empty_postgres_tables(db.engine)
            db.engine.dispose()


def forget_the_previous_request():
    """The test's app context spans every request a test makes, so Flask's ``g`` would outlive a
    request and carry the signed-in user, the CSRF token and the CSP nonce from one request (or one
    client) to the next (Flask-Babel keeps the language and time zone there too). In production each
    request has its own; here too."""
    for name in ("_login_user", "csrf_token", "staff_session", "csp_nonce", "page_language"):
        g.pop(name, None)
    flask_babel.refresh()


@pytest.fixture
def app(request, database):
    overrides = {}
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        overrides.update(marker.kwargs)
    if request.node.get_closest_marker("real_commits"):
        app = create_app(app_settings(request.getfixturevalue("tmp_path"), **overrides))
        app.before_request(forget_the_previous_request)
        with committed_database(app), app.app_context():
            yield app
    else:
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database.url.render_as_string(hide_password=False))
        app = create_app(app_settings(None, **overrides))
        app.before_request(forget_the_previous_request)
        with app.app_context(), rolled_back(database):
            yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    return db.session


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; point the app at it with ``mail_settings(smtp_server)``."""
    from tests.fakes.smtp import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


# A Redis nobody answers at (the port was free a moment ago): Redis down, without stopping anything.
UNREACHABLE_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def limiter_fresh():
    """Flask-Limiter's Limiter is one object for every app a test process creates: forget that an
    earlier test's app saw its storage go away."""
    limiter._storage_dead = False
    yield limiter
    limiter._storage_dead = False


@pytest.fixture
def queue_redis(app):
    """The app with its own redis-server (``REDIS_URL``): the desk queue's version lives there. The
    queue's memory of a Redis outage is forgotten before and after."""
    from readerdesk import queue_changes
    from readerdesk.jobs.runner import redis_outage
    from tests.local_servers import RedisServer, have_redis

    if not have_redis():
        pytest.skip("redis-server is not installed")
    redis_outage.recovered()
    queue_changes._owed.clear()
    with RedisServer() as server:
        app.config.update(REDIS_URL=server.url(), REDIS_TIMEOUT=0.5)
        yield server
        queue_changes.stop_listeners()
    redis_outage.recovered()
    queue_changes._owed.clear()


def mail_settings(server) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_FROM": "Desk <desk@example.com>"}
