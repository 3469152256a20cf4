"""Staff sessions can be revoked: a cookie captured before sign-out, a remember-me cookie, other
browsers after a password change or "sign out everywhere"; sign-in starts a fresh session."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from readerdesk.models import SecurityEvent, StaffSession
from tests.factories import PASSWORD, make_user
from tests.helpers import sign_in


@pytest.fixture
def editor(db_session):
    user = make_user(db_session, "ed@example.com")
    db_session.commit()
    return user


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def on_desk(client) -> bool:
    return client.get("/desk/").status_code == 200


def test_a_cookie_captured_before_sign_out_no_longer_opens_the_desk(app, client, editor):
    sign_in(client, editor)
    captured = session_cookie(client)
    assert client.post("/auth/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", captured)
    response = thief.get("/desk/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_remember_me_rotates_at_each_sign_in_lasts_at_most_the_setting_and_dies_at_sign_out(app, client, editor):
    sign_in(client, editor, remember=True)
    first = client.get_cookie("session")
    assert first.expires is not None
    lifetime = first.expires - datetime.now(UTC)
    assert timedelta(days=13) < lifetime <= timedelta(days=app.config["REMEMBER_DAYS"]) <= timedelta(days=30)
    client.post("/auth/logout")
    sign_in(client, editor, remember=True)
    second = client.get_cookie("session")
    assert second.value != first.value
    browser = app.test_client()
    browser.set_cookie("session", first.value)
    assert not on_desk(browser)  # the first, signed out, stays out
    browser.set_cookie("session", second.value)
    assert on_desk(browser)


def test_a_session_expires_on_the_server_whatever_the_cookie_says(app, client, db_session, editor):
    sign_in(client, editor, remember=True)
    row = db_session.scalar(select(StaffSession))
    assert row.expires_at - row.created_at == timedelta(days=app.config["REMEMBER_DAYS"])
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.commit()
    assert not on_desk(client)


def test_sign_out_everywhere_ends_every_browser(app, client, editor):
    other = app.test_client()
    sign_in(client, editor)
    sign_in(other, editor)
    assert on_desk(client) and on_desk(other)
    assert client.post("/desk/account/sessions/end").headers["Location"] == "/auth/login"
    assert not on_desk(client) and not on_desk(other)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, db_session, editor):
    other = app.test_client()
    sign_in(client, editor)
    sign_in(other, editor)
    response = client.post("/desk/account/password", data={"current": PASSWORD, "new": "a brand new passphrase",
                                                            "confirm": "a brand new passphrase"})
    assert response.status_code == 303
    assert on_desk(client) and not on_desk(other)
    changed = select(func.count(SecurityEvent.id)).where(SecurityEvent.action == "password_changed")
    assert db_session.scalar(changed) == 1
    wrong = client.post("/desk/account/password", data={"current": "not it", "new": "x" * 12, "confirm": "x" * 12})
    assert wrong.status_code == 400 and b"current password is not right" in wrong.data


def test_an_admin_ends_someones_sessions_and_deactivation_ends_them_too(app, client, db_session, editor):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    victim = app.test_client()
    sign_in(victim, editor)
    sign_in(client, admin)
    assert client.post(f"/desk/admin/users/{editor.id}/sessions/end").status_code == 303
    assert not on_desk(victim)
    sign_in(victim, editor)
    assert client.post(f"/desk/admin/users/{editor.id}/active", data={"active": "0"}).status_code == 303
    assert not on_desk(victim)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_signing_in_issues_a_fresh_session_and_csrf_secret(app, client, db_session, editor):
    def token(page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(page).get_data(as_text=True)).group(1)

    before = token("/auth/login")
    with client.session_transaction() as planted:  # e.g. a cookie an attacker set before the sign-in
        planted["planted"] = "by an attacker"
    assert client.post("/auth/login", data={"email": editor.email, "password": PASSWORD,
                                            "csrf_token": before}).status_code == 302
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
    after = token("/desk/account/")
    assert after != before
    # The token made before the sign-in belonged to the old session: refused now.
    refused = client.post("/desk/account/sessions/end", data={"csrf_token": before})
    assert refused.status_code == 400 and on_desk(client)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_csrf_token_has_a_lifetime(app, client, editor, monkeypatch):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    later = TimestampSigner.get_timestamp(TimestampSigner("k")) + app.config["WTF_CSRF_TIME_LIMIT"] + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = client.post("/auth/login", data={"email": editor.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400 and b"Your form expired" in response.data
