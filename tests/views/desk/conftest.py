"""Fixtures the desk's view tests share: an admin, a client signed in as them, and an editor."""

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
