import pytest

from readerdesk import create_app
from tests import conftest
from tests.factories import PASSWORD, make_user


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
    settings = conftest.app_settings(tmp_path, TESTING=False, SECRET_KEY="0123456789abcdef" * 4)
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
