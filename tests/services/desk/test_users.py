import pytest

from readerdesk.clock import utcnow
from readerdesk.config import load_config
from readerdesk.models import Role
from readerdesk.services.desk.users import (
    PasswordSettings,
    UserError,
    active_staff,
    authenticate,
    create_user,
    set_role,
)
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_user


def test_passwords_are_stored_as_argon2id_hashes(db_session):
    user = make_user(db_session, "Editor@Example.com")
    assert user.email == "editor@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def sign_in(session, email, password):
    return authenticate(session, email, password, now=utcnow(), password_settings=CHEAP_PASSWORDS)


def test_authenticate_is_case_insensitive_on_email_and_refuses_wrong_or_inactive(db_session):
    user = make_user(db_session, "ed@example.com")
    assert sign_in(db_session, "ED@example.COM", PASSWORD) is user
    assert sign_in(db_session, "ed@example.com", "wrong password") is None
    assert sign_in(db_session, "nobody@example.com", PASSWORD) is None
    user.active = False
    assert sign_in(db_session, "ed@example.com", PASSWORD) is None


def test_production_hashes_at_argon2s_default_cost_and_upgrades_cheaper_hashes_at_sign_in(db_session, tmp_path):
    production = PasswordSettings.from_config(load_config(str(tmp_path), environ={}))
    user = make_user(db_session, "ed@example.com")  # hashed at the tests' cheap cost
    assert authenticate(db_session, "ed@example.com", PASSWORD, now=utcnow(), password_settings=production) is user
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106's low-memory profile


@pytest.mark.parametrize("email, password, role, message", [
    ("not-an-email", PASSWORD, "editor", "invalid email"),
    ("a@example.com", "short", "editor", "at least"),
    ("a@example.com", PASSWORD, "owner", "admin, editor or author"),
])
def test_create_user_refuses_bad_input(db_session, email, password, role, message):
    with pytest.raises(UserError, match=message):
        create_user(db_session, email, password, role, password_settings=CHEAP_PASSWORDS)


def test_emails_are_unique_ignoring_case(db_session):
    make_user(db_session, "x@example.com")
    with pytest.raises(UserError, match="exists already"):
        make_user(db_session, "X@EXAMPLE.com")


def test_an_author_has_a_byline_name_and_is_not_among_those_who_triage(db_session):
    admin = make_user(db_session, "boss@example.com", Role.ADMIN)
    editor = make_user(db_session, "ed@example.com")
    author = make_user(db_session, "w@example.com", Role.AUTHOR, byline=" Olena  Koval ".strip())
    assert active_staff(db_session) == [admin, editor]  # assignees, the editors' emails, reminders
    with pytest.raises(UserError, match="needs the name they sign articles with"):
        set_role(db_session, editor, Role.AUTHOR, actor=admin, now=utcnow())
    set_role(db_session, editor, Role.AUTHOR, byline="Bo Chen", actor=admin, now=utcnow())
    assert (editor.role, editor.byline) == (Role.AUTHOR, "Bo Chen")
    set_role(db_session, author, Role.EDITOR, actor=admin, now=utcnow())  # keeps the byline it had
    assert (author.role, author.byline) == (Role.EDITOR, "Olena  Koval")
