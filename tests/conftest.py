"""Shared fixtures: an app on a fresh database per test, a client, the session, and factories.

The suite runs on SQLite (a new file per test) by default, and on PostgreSQL when
``TEST_DATABASE_URL`` is set (tables created once, emptied before each test).
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from readerdesk import create_app
from readerdesk.config import normalise_database_url
from readerdesk.extensions import db, limiter
from tests.local_servers import free_port

# Fixtures defined beside their fakes (the fake Stripe's ``fake_stripe``).
pytest_plugins = ["tests.fakes.stripe"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_SECRET_KEY = "test-secret-key-not-for-production"


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): extra Flask settings for the `app` fixture")
    config.addinivalue_line("markers", "postgres: needs TEST_DATABASE_URL pointing at PostgreSQL")
    config.addinivalue_line("markers", "browser: drives Chromium with Playwright")


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
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
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
    }
    settings.update(overrides)
    return settings


def reset_database() -> None:
    """Empty every table (PostgreSQL) after making sure they exist."""
    db.create_all()
    if is_postgres():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app(request, tmp_path):
    overrides = {}
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        overrides.update(marker.kwargs)
    app = create_app(app_settings(tmp_path, **overrides))
    with app.app_context():
        reset_database()
        yield app
        db.session.remove()
        db.engine.dispose()


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


def mail_settings(server) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_FROM": "Desk <desk@example.com>"}
