"""Staff two-factor sign-in: required for admins, optional (or required by policy) for editors,
recoverable with a recovery code or another admin, every step in the security log."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import SecurityEvent
from tests.factories import PASSWORD, TOTP_SECRET, make_user
from tests.helpers import next_totp_code, sign_in


def actions(db_session) -> list[str]:
    return [e.action for e in db_session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]


def password_step(client, user):
    return client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/desk/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline: no request leaves the desk
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    done = client.post("/desk/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)
    return secret, re.findall(r"<code>([A-Z2-9-]{19})</code>", done.get_data(as_text=True))


def test_an_admin_without_two_factor_must_enrol_before_using_the_desk(client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin", two_factor=False)
    db_session.commit()
    assert password_step(client, admin).headers["Location"] == "/desk/"
    blocked = client.get("/desk/admin/users")
    assert blocked.status_code == 302 and blocked.headers["Location"] == "/desk/account/two-factor"
    assert client.get("/desk/").headers["Location"] == "/desk/account/two-factor"
    assert client.post("/desk/account/two-factor", data={"code": "000000"}).status_code == 400
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/desk/admin/users").status_code == 200
    db_session.refresh(admin)
    assert admin.totp_secret == secret
    # Stored hashed: no recovery code appears in the database.
    from readerdesk.models import RecoveryCode
    stored = [r.code_hash for r in db_session.scalars(select(RecoveryCode))]
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)

    client.post("/auth/logout")
    assert password_step(client, admin).headers["Location"] == "/auth/two-factor"
    assert client.get("/desk/").status_code == 302  # the password alone signs nobody in
    wrong = client.post("/auth/two-factor", data={"code": "123456"})
    assert wrong.status_code == 401
    assert client.post("/auth/two-factor", data={"code": next_totp_code(admin, secret)}).headers["Location"] == "/desk/"
    assert actions(db_session) == ["signed_in", "two_factor_enabled", "signed_out", "two_factor_failed", "signed_in"]


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
    assert "recovery_code_used" in actions(db_session)


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


def test_another_admin_resets_a_lost_device_and_ends_the_sessions(app, client, db_session):
    boss = make_user(db_session, "boss@example.com", "admin")
    lost = make_user(db_session, "lost@example.com", "admin")
    db_session.commit()
    their_browser = app.test_client()
    sign_in(their_browser, lost)
    sign_in(client, boss)
    assert client.post(f"/desk/admin/users/{lost.id}/two-factor/reset").status_code == 303
    assert their_browser.get("/desk/").status_code == 302
    db_session.refresh(lost)
    assert not lost.has_two_factor
    # They sign in with the password and must enrol again.
    assert password_step(their_browser, lost).headers["Location"] == "/desk/"
    assert their_browser.get("/desk/").headers["Location"] == "/desk/account/two-factor"
    assert client.post(f"/desk/admin/users/{boss.id}/two-factor/reset").status_code == 400  # not your own
    log = client.get("/desk/admin/security-log").get_data(as_text=True)
    assert "reset the two-factor sign-in of lost@example.com" in log


def test_admins_can_require_two_factor_of_editors_and_editors_cannot_turn_it_off_then(client, db_session):
    boss = make_user(db_session, "boss@example.com", "admin")
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    assert client.get("/desk/").status_code == 200  # optional for editors by default
    client.post("/auth/logout")
    sign_in(client, boss)
    assert client.post("/desk/admin/policy", data={"two_factor_for_all": "y"}).status_code == 303
    client.post("/auth/logout")
    sign_in(client, editor)
    assert client.get("/desk/").headers["Location"] == "/desk/account/two-factor"
    secret, _ = enrol(client)
    disabled = client.post("/desk/account/two-factor/disable", data={"code": next_totp_code(editor, secret)})
    assert disabled.status_code == 400 and b"required for your account" in disabled.data
    assert "policy_changed" in actions(db_session)


def test_new_recovery_codes_replace_the_old_ones(client, db_session):
    editor = make_user(db_session, "ed@example.com", two_factor=True)
    db_session.commit()
    sign_in(client, editor)
    page = client.post("/desk/account/two-factor/recovery-codes", data={"code": next_totp_code(editor)})
    assert page.status_code == 200 and len(re.findall(r"<code>[A-Z2-9-]{19}</code>", page.get_data(as_text=True))) == 10
    assert client.post("/desk/account/two-factor/recovery-codes", data={"code": "111111"}).status_code == 400
    assert actions(db_session)[-2:] == ["recovery_codes_generated", "two_factor_failed"]


def test_the_reset_command_helps_a_lone_admin(runner, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    result = runner.invoke(args=["readerdesk", "reset-2fa", "boss@example.com"])
    assert result.exit_code == 0 and "set it up again" in result.output
    db_session.refresh(admin)
    assert not admin.has_two_factor
    assert runner.invoke(args=["readerdesk", "reset-2fa", "nobody@example.com"]).exit_code == 1


def test_the_security_log_keeps_no_secrets(client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    sign_in(client, admin)
    details = " ".join(e.detail for e in db_session.scalars(select(SecurityEvent)))
    assert PASSWORD not in details and TOTP_SECRET not in details
    assert utcnow() - db_session.scalar(select(SecurityEvent.created_at)) < timedelta(minutes=1)
