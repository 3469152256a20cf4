import pytest

from readerdesk.clock import utcnow
from readerdesk.services.desk.users import UserError, authenticate, create_user
from tests.factories import PASSWORD, make_user


def test_passwords_are_stored_as_argon2id_hashes(db_session):
    user = make_user(db_session, "Editor@Example.com")
    assert user.email == "editor@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_authenticate_is_case_insensitive_on_email_and_refuses_wrong_or_inactive(db_session):
    user = make_user(db_session, "ed@example.com")
    assert authenticate(db_session, "ED@example.COM", PASSWORD, now=utcnow()) is user
    assert authenticate(db_session, "ed@example.com", "wrong password", now=utcnow()) is None
    assert authenticate(db_session, "nobody@example.com", PASSWORD, now=utcnow()) is None
    user.active = False
    assert authenticate(db_session, "ed@example.com", PASSWORD, now=utcnow()) is None


@pytest.mark.parametrize("email, password, role, message", [
    ("not-an-email", PASSWORD, "editor", "invalid email"),
    ("a@example.com", "short", "editor", "at least"),
    ("a@example.com", PASSWORD, "owner", "admin or editor"),
])
def test_create_user_refuses_bad_input(db_session, email, password, role, message):
    with pytest.raises(UserError, match=message):
        create_user(db_session, email, password, role)


def test_emails_are_unique_ignoring_case(db_session):
    make_user(db_session, "x@example.com")
    with pytest.raises(UserError, match="exists already"):
        make_user(db_session, "X@EXAMPLE.com")
