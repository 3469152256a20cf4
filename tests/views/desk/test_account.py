"""Your own account on the desk: sign out everywhere, change the password, set up two-factor sign-in
(required for admins before anything else), new recovery codes."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from readerdesk.models import SecurityEvent
from tests.factories import PASSWORD, make_user
from tests.helpers import enrol, next_totp_code, on_desk, password_step, security_actions, sign_in


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
    assert security_actions(db_session) == ["signed_in", "two_factor_enabled", "signed_out", "two_factor_failed",
                                            "signed_in"]


def test_new_recovery_codes_replace_the_old_ones(client, db_session):
    editor = make_user(db_session, "ed@example.com", two_factor=True)
    db_session.commit()
    sign_in(client, editor)
    page = client.post("/desk/account/two-factor/recovery-codes", data={"code": next_totp_code(editor)})
    assert page.status_code == 200 and len(re.findall(r"<code>[A-Z2-9-]{19}</code>", page.get_data(as_text=True))) == 10
    assert client.post("/desk/account/two-factor/recovery-codes", data={"code": "111111"}).status_code == 400
    assert security_actions(db_session)[-2:] == ["recovery_codes_generated", "two_factor_failed"]


def _shortcuts_ticked(client) -> bool:
    account = client.get("/desk/account/").get_data(as_text=True)
    return bool(re.search(r'<input [^>]*\bchecked\b[^>]*name="keyboard_shortcuts"', account))


def test_single_key_shortcuts_are_on_until_turned_off(client, db_session, editor):
    sign_in(client, editor)
    assert _shortcuts_ticked(client)
    assert '<meta name="desk-shortcuts" content="on">' in client.get("/desk/").get_data(as_text=True)

    response = client.post("/desk/account/shortcuts", data={}, follow_redirects=True)  # the box unticked
    assert "Single-key shortcuts are off." in response.get_data(as_text=True)
    assert editor.keyboard_shortcuts is False
    assert not _shortcuts_ticked(client)
    queue = client.get("/desk/").get_data(as_text=True)
    assert '<meta name="desk-shortcuts" content="off">' in queue  # desk.js then listens for no single key
    assert 'id="shortcuts-off"' in queue and "<kbd>j</kbd>" not in queue  # the help says so

    client.post("/desk/account/shortcuts", data={"keyboard_shortcuts": "y"})
    assert editor.keyboard_shortcuts is True
    assert _shortcuts_ticked(client)
    assert "<kbd>j</kbd>" in client.get("/desk/").get_data(as_text=True)
