"""The security log: every sign-in, sign-out and account change, append-only, for admins to read.

It records who, what, whose account and when; never a password, code or token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from readerdesk.models import SecurityEvent, User
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_

# action: how the log page says it
ACTIONS = {
    "signed_in": N_("signed in"),
    "sign_in_failed": N_("typed a wrong password"),
    "two_factor_failed": N_("typed a wrong two-factor code"),
    "signed_out": N_("signed out"),
    "signed_out_everywhere": N_("ended all their sessions"),
    "sessions_ended": N_("ended all sessions of"),
    "password_changed": N_("changed their password"),
    "two_factor_enabled": N_("turned on two-factor sign-in"),
    "two_factor_disabled": N_("turned off two-factor sign-in"),
    "recovery_codes_generated": N_("made new recovery codes"),
    "recovery_code_used": N_("signed in with a recovery code"),
    "two_factor_reset": N_("reset the two-factor sign-in of"),
    "policy_changed": N_("changed the two-factor policy"),
    "user_created": N_("created the account of"),
    "role_changed": N_("changed the role of"),
    "user_deactivated": N_("deactivated"),
    "user_reactivated": N_("reactivated"),
}


def record(session: DbSession, action: str, *, now: datetime, user: User | None = None, actor: User | None = None,
           detail: str = "", by_operator: bool = False) -> SecurityEvent:
    """Add an entry (flushed with the caller's transaction; never commits). The actor is ``user``
    themselves unless another ``actor`` is named, or ``by_operator`` (a command on the server)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown security action {action!r}")
    if actor is None and not by_operator:
        actor = user
    event = SecurityEvent(action=action, user=user, actor=actor, detail=detail[:300], created_at=now)
    session.add(event)
    return event


def count_since(session: DbSession, user: User, action: str, since: datetime) -> int:
    return session.scalar(select(func.count(SecurityEvent.id)).where(
        SecurityEvent.user_id == user.id, SecurityEvent.action == action, SecurityEvent.created_at >= since)) or 0


def recent_events(session: DbSession, *, limit: int = 200, before: int | None = None) -> list[SecurityEvent]:
    query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if before is not None:
        query = query.where(SecurityEvent.id < before)
    return list(session.scalars(query))
