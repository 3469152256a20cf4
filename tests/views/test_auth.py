import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from readerdesk import create_app
from readerdesk.models import StaffSession
from tests import conftest
from tests.factories import PASSWORD, TOTP_SECRET, make_user
from tests.helpers import enrol, next_totp_code, on_desk, password_step, security_actions, sign_in


@pytest.fixture
def editor(db_session):
    user = make_user(db_session, "ed@example.com")
    db_session.commit()
    return user


def test_wrong_email_and_wrong_password_look_the_same(client, editor):
    unknown = client.post("/auth/login", data={"email": "nobody@example.com", "password": PASSWORD})
    wrong = client.post("/auth/login", data={"email": editor.email, "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 401
    # Identical apart from the email the person typed, which the form keeps.
    assert unknown.get_data(as_text=True).replace("nobody@example.com", editor.email) == wrong.get_data(as_text=True)
    assert "Wrong email or password." in wrong.get_data(as_text=True)


def test_a_deactivated_account_cannot_sign_in(client, db_session, editor):
    editor.active = False
    db_session.commit()
    assert client.post("/auth/login", data={"email": editor.email, "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, editor, target):
    response = client.post("/auth/login", data={"email": editor.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/desk/"


def test_next_to_a_desk_page_is_followed(client, editor):
    response = client.post("/auth/login", data={"email": editor.email, "password": PASSWORD, "next": "/desk/?tab=spam"})
    assert response.headers["Location"] == "/desk/?tab=spam"


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
def test_login_attempts_are_rate_limited(client, editor):
    codes = [client.post("/auth/login", data={"email": editor.email, "password": "guess"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    refused = client.post("/auth/login", data={"email": editor.email, "password": PASSWORD})
    assert "Too many requests" in refused.get_data(as_text=True)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute",
                        RATELIMIT_STORAGE_URI=conftest.UNREACHABLE_REDIS_URL)
def test_with_redis_down_staff_still_sign_in_and_attempts_are_limited_in_memory(client, editor, limiter_fresh):
    assert client.post("/auth/login", data={"email": editor.email, "password": PASSWORD}).status_code == 302
    codes = [client.post("/auth/login", data={"email": editor.email, "password": "guess"}).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_form_post_without_the_csrf_token_is_refused(client, editor):
    response = client.post("/auth/login", data={"email": editor.email, "password": PASSWORD})
    assert response.status_code == 400 and "Your form expired" in response.get_data(as_text=True)


def test_production_session_cookies_are_secure_httponly_and_samesite(tmp_path, monkeypatch):
    for name in ("FLASK_DEBUG", "READERDESK_TESTING", "INSECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    settings = conftest.app_settings(tmp_path, TESTING=False, SECRET_KEY="0123456789abcdef" * 4,
                                     PUBLIC_URL="https://desk.example")
    for key in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                "REMEMBER_COOKIE_SECURE"):
        settings.pop(key, None)
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["REMEMBER_COOKIE_SECURE"]

    @app.get("/_set-session")
    def set_session():
        from flask import session

        session["x"] = 1
        return "ok"

    cookie = app.test_client().get("/_set-session", base_url="https://desk.example").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "2 per minute"}


def attempts(client, forwarded_for: str) -> list[int]:
    return [client.post("/auth/login", data={"email": "ed@example.com", "password": "guess"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(3)]


@pytest.mark.app_config(TRUSTED_PROXIES=1, **LIMITS)
def test_with_trusted_proxies_each_client_has_its_own_limit(app, client, db_session):
    make_user(db_session, "ed@example.com")
    db_session.commit()
    assert attempts(client, "203.0.113.7") == [401, 401, 429]
    assert attempts(client, "198.51.100.9") == [401, 401, 429]  # another reader is not locked out


@pytest.mark.app_config(**LIMITS)
def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, client, db_session):
    make_user(db_session, "ed@example.com")
    db_session.commit()
    assert attempts(client, "203.0.113.7") == [401, 401, 429]
    assert attempts(client, "198.51.100.9") == [429, 429, 429]


def session_cookie(client) -> str:
    return client.get_cookie("session").value


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


def test_a_code_is_accepted_once(app, client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    code = pyotp.TOTP(TOTP_SECRET).now()
    password_step(client, admin)
    assert client.post("/auth/two-factor", data={"code": code}).status_code == 302
    other = app.test_client()
    password_step(other, admin)
    assert other.post("/auth/two-factor", data={"code": code}).status_code == 401


def test_a_recovery_code_signs_in_once(client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin", two_factor=False)
    db_session.commit()
    password_step(client, admin)
    _, codes = enrol(client)
    client.post("/auth/logout")
    password_step(client, admin)
    assert client.post("/auth/two-factor", data={"code": codes[0].lower()}).status_code == 302
    client.post("/auth/logout")
    password_step(client, admin)
    assert client.post("/auth/two-factor", data={"code": codes[0]}).status_code == 401
    assert "recovery_code_used" in security_actions(db_session)


def test_wrong_codes_lock_the_second_step(client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    password_step(client, admin)
    for _ in range(5):
        assert client.post("/auth/two-factor", data={"code": "000000"}).status_code == 401
    locked = client.post("/auth/two-factor", data={"code": next_totp_code(admin)})
    assert locked.status_code == 302 and locked.headers["Location"] == "/auth/login"
    assert client.get("/desk/").status_code == 302


def test_the_second_step_expires(client, db_session, monkeypatch):
    import time

    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    password_step(client, admin)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 301)
    assert client.post("/auth/two-factor", data={"code": next_totp_code(admin)}).headers["Location"] == "/auth/login"
