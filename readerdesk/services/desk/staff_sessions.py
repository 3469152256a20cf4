"""Staff sessions kept server-side, so that signing out really ends them.

The browser's (signed) session cookie carries a random token; the row with its hash says whose
session it is, until when, and whether it was ended. "Keep me signed in" makes the cookie outlive
the browser for ``remember_days`` (at most 30); other sessions end with the browser, and on the
server after ``session_hours``. Every sign-in makes a new token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, select, update

from readerdesk.models import StaffSession, User
from readerdesk.models.types import DbSession
from readerdesk.services.desk.security_log import record


@dataclass(frozen=True)
class SessionSettings:
    remember_days: int
    session_hours: int

    @classmethod
    def from_config(cls, config) -> SessionSettings:
        return cls(remember_days=config["REMEMBER_DAYS"], session_hours=config["SESSION_HOURS"])


def hash_session_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: DbSession, user: User, *, remember: bool, user_agent: str, settings: SessionSettings,
                  now: datetime, how: str = "password") -> str:
    """Record a sign-in and return the new session's token (for the cookie; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=settings.remember_days) if remember else timedelta(hours=settings.session_hours)
    session.add(StaffSession(user=user, token_hash=hash_session_token(token), remember=remember,
                             user_agent=(user_agent or "")[:300], created_at=now, expires_at=now + lifetime))
    user.last_login_at = now
    record(session, "signed_in", user=user, now=now, detail=f"with {how}" + (", kept signed in" if remember else ""))
    return token


def active_session(session: DbSession, token: str | None, *, now: datetime) -> StaffSession | None:
    """The live session this token opens: not ended, not expired, of an active user."""
    if not isinstance(token, str) or not token:
        return None
    row = session.scalar(select(StaffSession).where(StaffSession.token_hash == hash_session_token(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def end_session(session: DbSession, token: str | None, *, now: datetime) -> None:
    """Sign-out: this session stops working, wherever its cookie has been copied to."""
    row = active_session(session, token, now=now)
    if row is not None:
        row.revoked_at = now
        record(session, "signed_out", user=row.user, now=now)


def end_all_sessions(session: DbSession, user: User, *, now: datetime, keep_token: str | None = None) -> int:
    """End every live session of ``user`` (but the one ``keep_token`` opens). Returns how many."""
    query = update(StaffSession).where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None),
                                       StaffSession.expires_at > now)
    if keep_token:
        query = query.where(StaffSession.token_hash != hash_session_token(keep_token))
    result = session.execute(query.values(revoked_at=now).execution_options(synchronize_session="fetch"))
    assert isinstance(result, CursorResult)  # an UPDATE's result, the kind that counts rows
    return result.rowcount or 0


def live_sessions(session: DbSession, user: User, *, now: datetime) -> list[StaffSession]:
    return list(session.scalars(select(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None), StaffSession.expires_at > now,
    ).order_by(StaffSession.created_at.desc())))
