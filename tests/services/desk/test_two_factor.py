"""Two-factor sign-in as plain functions, with the clock passed in: the drift window, a code used once,
the lockout, recovery codes, the policy, and a reset that ends every session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from readerdesk.models import RecoveryCode
from readerdesk.services.desk.staff_sessions import SessionSettings, active_session, start_session
from readerdesk.services.desk.two_factor import (
    LOCKOUT,
    MAX_FAILURES,
    TwoFactorError,
    current_policy,
    disable_two_factor,
    enable_two_factor,
    new_secret,
    reset_two_factor,
    set_policy,
    two_factor_required,
    unused_recovery_codes,
    verify_second_factor,
)
from tests.factories import TOTP_SECRET, make_user

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)


def code_at(when: datetime, secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).at(when)


@pytest.fixture
def admin(db_session):
    return make_user(db_session, "boss@example.com", "admin")


def test_a_code_of_the_current_or_a_neighbouring_step_is_accepted_once(db_session, admin):
    assert verify_second_factor(db_session, admin, code_at(NOW - STEP), now=NOW) == "authenticator"
    assert verify_second_factor(db_session, admin, code_at(NOW - STEP), now=NOW) is None  # used
    assert verify_second_factor(db_session, admin, code_at(NOW + STEP), now=NOW) == "authenticator"
    # Earlier steps than the last one used are refused too: a code seen over a shoulder is spent.
    assert verify_second_factor(db_session, admin, code_at(NOW), now=NOW) is None


def test_a_code_two_steps_away_is_refused(db_session, admin):
    assert verify_second_factor(db_session, admin, code_at(NOW - 2 * STEP), now=NOW) is None
    assert verify_second_factor(db_session, admin, code_at(NOW + 2 * STEP), now=NOW) is None


def test_wrong_codes_lock_until_the_window_passes(db_session, admin):
    for _ in range(MAX_FAILURES):
        assert verify_second_factor(db_session, admin, "000000", now=NOW) is None
    with pytest.raises(TwoFactorError, match="Too many wrong codes"):
        verify_second_factor(db_session, admin, code_at(NOW), now=NOW)
    later = NOW + LOCKOUT + STEP
    assert verify_second_factor(db_session, admin, code_at(later), now=later) == "authenticator"


def test_enrolment_keeps_the_secret_only_with_a_matching_code_and_gives_ten_codes(db_session):
    editor = make_user(db_session, "ed@example.com")
    secret = new_secret()
    with pytest.raises(TwoFactorError, match="does not match"):
        enable_two_factor(db_session, editor, secret, "123456", now=NOW)
    assert not editor.has_two_factor
    codes = enable_two_factor(db_session, editor, secret, code_at(NOW, secret), now=NOW)
    assert editor.has_two_factor and len(set(codes)) == 10
    stored = db_session.scalars(select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)


def test_a_recovery_code_works_once_whatever_its_case_and_dashes(db_session):
    editor = make_user(db_session, "ed@example.com")
    secret = new_secret()
    codes = enable_two_factor(db_session, editor, secret, code_at(NOW, secret), now=NOW)
    typed = codes[0].replace("-", " ").lower()
    assert verify_second_factor(db_session, editor, typed, now=NOW) == "recovery code"
    assert verify_second_factor(db_session, editor, codes[0], now=NOW) is None
    assert unused_recovery_codes(db_session, editor) == 9


def test_the_policy_requires_it_of_admins_always_and_of_editors_on_request(db_session, admin):
    editor = make_user(db_session, "ed@example.com", two_factor=True)
    assert two_factor_required(admin, current_policy(db_session))
    assert not two_factor_required(editor, current_policy(db_session))
    set_policy(db_session, two_factor_for_all=True, actor=admin, now=NOW)
    assert two_factor_required(editor, current_policy(db_session))
    with pytest.raises(TwoFactorError, match="required for your account"):
        disable_two_factor(db_session, editor, policy=current_policy(db_session), now=NOW)
    with pytest.raises(TwoFactorError, match="required"):
        disable_two_factor(db_session, admin, policy=current_policy(db_session), now=NOW)


def test_a_reset_turns_it_off_and_ends_every_session_but_not_ones_own(db_session, admin):
    lost = make_user(db_session, "lost@example.com", "admin")
    settings = SessionSettings(remember_days=14, session_hours=12)
    token = start_session(db_session, lost, remember=True, user_agent="phone", settings=settings, now=NOW)
    reset_two_factor(db_session, lost, actor=admin, now=NOW)
    assert not lost.has_two_factor and unused_recovery_codes(db_session, lost) == 0
    assert active_session(db_session, token, now=NOW) is None
    with pytest.raises(TwoFactorError, match="another admin"):
        reset_two_factor(db_session, admin, actor=admin, now=NOW)
