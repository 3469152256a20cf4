"""Two-factor sign-in for staff: TOTP (RFC 6238, any authenticator app) plus recovery codes.

* Admins always need it; an admin can require it of every editor too (:class:`StaffPolicy`).
* Enrolment: a new secret is shown as a QR code; it is kept only once the person types a code the
  app made from it. Ten single-use recovery codes are shown once and stored hashed.
* A code is accepted once (the last time step used is remembered) and within one step of the
  server's clock. After :data:`MAX_FAILURES` wrong codes in :data:`LOCKOUT` the account takes no
  codes until the window passes.
* A lost device: sign in with a recovery code, or another admin resets two-factor sign-in (which
  ends all of that person's sessions); the person enrols again at the next sign-in.
Every step is in the security log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import pyotp
import segno
from sqlalchemy import delete, select

from readerdesk.models import RecoveryCode, StaffPolicy, User
from readerdesk.models.types import DbSession
from readerdesk.services.desk.security_log import count_since, record
from readerdesk.services.desk.staff_sessions import end_all_sessions
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

ISSUER = "readerdesk"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
RECOVERY_CODE_LENGTH = 16  # 80 bits
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_TOTP_RE = re.compile(r"^[0-9]{6}$")


class TwoFactorError(TranslatableError, ValueError):
    """The step cannot be done; the message says why, for the person at the screen."""


def current_policy(session: DbSession) -> StaffPolicy:
    """The stored policy, or the default (two-factor for admins only) until an admin changes it."""
    policy = session.scalar(select(StaffPolicy).order_by(StaffPolicy.id).limit(1))
    return policy if policy is not None else StaffPolicy(two_factor_for_all=False)


def two_factor_required(user: User, policy: StaffPolicy) -> bool:
    return user.is_admin or policy.two_factor_for_all


def set_policy(session: DbSession, *, two_factor_for_all: bool, actor: User, now: datetime) -> StaffPolicy:
    policy = current_policy(session)
    if policy.two_factor_for_all != two_factor_for_all:
        policy.two_factor_for_all, policy.updated_at = two_factor_for_all, now
        session.add(policy)
        record(session, "policy_changed", actor=actor, now=now,
               detail="required for all staff" if two_factor_for_all else "required for admins only")
    return policy


# --- enrolment ---------------------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_data_uri(text: str) -> str:
    """``text`` as a QR code, an SVG ``data:`` URI for an <img> (no script, no external request)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def _time_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step ``code`` belongs to (the current one or a neighbour), if later than ``after``."""
    code = re.sub(r"\s", "", code or "")
    if not _TOTP_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable_two_factor(session: DbSession, user: User, secret: str, code: str, *, now: datetime) -> list[str]:
    """Keep ``secret`` once ``code`` proves the app has it; returns the new recovery codes (shown once)."""
    if user.has_two_factor:
        raise TwoFactorError(N_("Two-factor sign-in is on already."))
    step = _time_step(secret, code, now, None)
    if step is None:
        raise TwoFactorError(N_("That code does not match. Check the time on your phone and type the newest code."))
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now, step
    record(session, "two_factor_enabled", user=user, now=now)
    return _replace_recovery_codes(session, user)


def disable_two_factor(session: DbSession, user: User, *, policy: StaffPolicy, now: datetime) -> None:
    """The person turns it off themselves (after :func:`verify_second_factor`); not when required."""
    if two_factor_required(user, policy):
        raise TwoFactorError(N_("Two-factor sign-in is required for your account; it cannot be turned off."))
    _clear(session, user)
    record(session, "two_factor_disabled", user=user, now=now)


def reset_two_factor(session: DbSession, user: User, *, actor: User | None, now: datetime) -> None:
    """Help for a lost device, from another admin (or, with ``actor`` None, the server's operator
    running ``readerdesk reset-2fa``): two-factor off, every session ended. The person signs in with
    their password and enrols again (required for admins and under the all-staff policy)."""
    if actor is not None and user.id == actor.id:
        raise TwoFactorError(N_("Ask another admin to reset your own two-factor sign-in, or use a recovery code."))
    _clear(session, user)
    end_all_sessions(session, user, now=now)
    record(session, "two_factor_reset", user=user, actor=actor, by_operator=actor is None, now=now,
           detail="" if actor else "on the command line")


def _clear(session: DbSession, user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# --- recovery codes ----------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    normalised = re.sub(r"[^A-Z0-9]", "", code.upper())
    return hashlib.sha256(normalised.encode("ascii")).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def _replace_recovery_codes(session: DbSession, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(code)) for code in codes)
    return codes


def new_recovery_codes(session: DbSession, user: User, *, now: datetime) -> list[str]:
    """Replace the recovery codes (the old ones stop working), after :func:`verify_second_factor`."""
    record(session, "recovery_codes_generated", user=user, now=now)
    return _replace_recovery_codes(session, user)


def unused_recovery_codes(session: DbSession, user: User) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))).all())


# --- signing in --------------------------------------------------------------------------------


def is_locked(session: DbSession, user: User, *, now: datetime) -> bool:
    return count_since(session, user, "two_factor_failed", now - LOCKOUT) >= MAX_FAILURES


def verify_second_factor(session: DbSession, user: User, code: str, *, now: datetime) -> str | None:
    """"authenticator" or "recovery code" when ``code`` is one for ``user`` (a recovery code is used
    up), else None; a wrong code is logged. Raises TwoFactorError while too many wrong codes lock it."""
    if not user.has_two_factor:
        return None
    if is_locked(session, user, now=now):
        raise TwoFactorError(N_("Too many wrong codes. Wait 15 minutes, or ask an admin for help."))
    step = _time_step(user.totp_secret or "", code, now, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "authenticator"
    if code and len(re.sub(r"[^A-Za-z0-9]", "", code)) == RECOVERY_CODE_LENGTH:
        row = session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                        RecoveryCode.code_hash == _hash_code(code),
                                                        RecoveryCode.used_at.is_(None)))
        if row is not None:
            row.used_at = now
            record(session, "recovery_code_used", user=user, now=now,
                   detail=f"{unused_recovery_codes(session, user)} left")
            return "recovery code"
    record(session, "two_factor_failed", user=user, now=now)
    return None
