"""Fixtures the desk's view tests share: an admin, a client signed in as them, an editor, and a
Ukrainian-speaking admin (tests.helpers.english_left checks what they read)."""

import pytest

from readerdesk.models import Role
from tests.factories import make_user
from tests.helpers import sign_in


@pytest.fixture
def admin(db_session):
    user = make_user(db_session, "boss@example.com", Role.ADMIN)
    db_session.commit()
    return user


@pytest.fixture
def as_admin(client, admin):
    sign_in(client, admin)
    return client


@pytest.fixture
def editor(db_session):
    user = make_user(db_session, "ed@example.com")
    db_session.commit()
    return user


@pytest.fixture
def ukrainian_admin(db_session):
    """An admin who chose Ukrainian for the desk."""
    user = make_user(db_session, "redaktorka@example.com", Role.ADMIN)
    user.language = "uk"
    db_session.commit()
    return user


@pytest.fixture
def in_ukrainian(client, ukrainian_admin):
    """A client signed in as the Ukrainian-speaking admin."""
    sign_in(client, ukrainian_admin)
    return client

