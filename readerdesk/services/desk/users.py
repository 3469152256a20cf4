"""Staff accounts: create, authenticate, hash passwords (Argon2id)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from readerdesk.models import Role, User
from readerdesk.models.types import DbSession
from readerdesk.services.desk.security_log import record
from readerdesk.services.desk.staff_sessions import end_all_sessions
from readerdesk.text.emails import normalise_email
from readerdesk.text.languages import LANGUAGES, N_
from readerdesk.text.translatable import TranslatableError

MIN_PASSWORD_LENGTH = 10
MAX_BYLINE = 200  # User.byline


class UserError(TranslatableError, ValueError):
    pass


@dataclass(frozen=True)
class PasswordSettings:
    """Argon2id's cost. The defaults are the library's (RFC 9106 low-memory profile), which production
    uses; the tests set ``PASSWORD_HASHER`` to a cheap one, since every sign-in hashes."""

    time_cost: int = argon2.DEFAULT_TIME_COST
    memory_cost: int = argon2.DEFAULT_MEMORY_COST  # KiB
    parallelism: int = argon2.DEFAULT_PARALLELISM

    @classmethod
    def from_config(cls, config) -> PasswordSettings:
        return cls(**(config.get("PASSWORD_HASHER") or {}))


@lru_cache
def _hasher(settings: PasswordSettings) -> PasswordHasher:
    return PasswordHasher(time_cost=settings.time_cost, memory_cost=settings.memory_cost,
                          parallelism=settings.parallelism)


@lru_cache
def _dummy_hash(settings: PasswordSettings) -> str:
    """Verified against when the email is unknown, so a wrong email takes as long as a wrong password."""
    return _hasher(settings).hash("readerdesk-timing-equaliser")


def hash_password(password: str, settings: PasswordSettings) -> str:
    return _hasher(settings).hash(password)


def _role_and_byline(role: Role | str, byline: str) -> tuple[Role, str]:
    """The role, and the byline name (NFC, trimmed) an author's figures are found by; an author needs one."""
    try:
        role = Role(role)
    except ValueError:
        raise UserError(N_("role must be admin, editor or author")) from None
    byline = unicodedata.normalize("NFC", (byline or "").strip())
    if len(byline) > MAX_BYLINE:
        raise UserError(N_("the byline name is at most %(count)d characters"), count=MAX_BYLINE)
    if role == Role.AUTHOR and not byline:
        raise UserError(N_("an author needs the name they sign articles with, exactly as in the bylines"))
    return role, byline


def create_user(session: DbSession, email: str, password: str, role: Role | str = Role.EDITOR, name: str = "", *,
                password_settings: PasswordSettings, byline: str = "",
                actor: User | None = None, now: datetime | None = None) -> User:
    try:
        validated = validate_email(email, check_deliverability=False, globally_deliverable=False)
        email = normalise_email(validated.normalized)
    except EmailNotValidError as exc:
        raise UserError(N_("invalid email address: %(why)s"), why=str(exc)) from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(N_("the password must be at least %(count)d characters long"), count=MIN_PASSWORD_LENGTH)
    role, byline = _role_and_byline(role, byline)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(N_("a user with the email %(email)s exists already"), email=email)
    user = User(email=email, password_hash=hash_password(password, password_settings), role=role, name=name,
                byline=byline)
    session.add(user)
    session.flush()
    if actor is not None and now is not None:
        record(session, "user_created", user=user, actor=actor, now=now, detail=role.value)
    return user


def user_by_email(session: DbSession, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: DbSession, email: str, password: str, *, now: datetime,
                 password_settings: PasswordSettings) -> User | None:
    """The active user with this email and password, or None. Same work whether or not the email
    exists. A hash made at another cost is replaced by one at ``password_settings``' cost. A wrong
    password for a known account is logged (the sign-in itself is logged when the session starts,
    after the second factor if there is one)."""
    user = user_by_email(session, email)
    hasher = _hasher(password_settings)
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(password_settings), password)
    except (VerificationError, InvalidHashError):
        if user is not None:
            record(session, "sign_in_failed", user=user, now=now)
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password, password_settings)
    return user


def set_password(user: User, password: str, *, password_settings: PasswordSettings) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(N_("the password must be at least %(count)d characters long"), count=MIN_PASSWORD_LENGTH)
    user.password_hash = hash_password(password, password_settings)


def change_password(session: DbSession, user: User, current: str, new: str, *, now: datetime,
                    password_settings: PasswordSettings, keep_token: str | None = None) -> int:
    """The person changes their own password: every other session of theirs ends (a thief's
    included); the one ``keep_token`` opens goes on. Returns how many sessions ended."""
    try:
        _hasher(password_settings).verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise UserError(N_("Your current password is not right.")) from None
    if new == current:
        raise UserError(N_("Choose a new password, not the current one."))
    set_password(user, new, password_settings=password_settings)
    record(session, "password_changed", user=user, now=now)
    return end_all_sessions(session, user, now=now, keep_token=keep_token)


def set_language(user: User, language: str | None) -> None:
    """The desk's language for ``user``; None or "" goes back to the browser's."""
    if language and language not in LANGUAGES:
        raise UserError(N_("readerdesk has no “%(language)s” catalogue; choose one of %(languages)s."),
                        language=language, languages=", ".join(LANGUAGES))
    user.language = language or None


def set_keyboard_shortcuts(user: User, on: bool) -> None:
    """Whether the desk answers ``user``'s single-key shortcuts (WCAG 2.1.4 lets them turn them off)."""
    user.keyboard_shortcuts = on


def list_users(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))


def active_staff(session: DbSession) -> list[User]:
    """The active editors and admins: those who triage (assignees, the editors' emails, reminders).
    Authors are not among them."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.role != Role.AUTHOR)
                                .order_by(User.email)))


def _other_active_admins(session: DbSession, user: User) -> int:
    return len(session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)).all())


def set_active(session: DbSession, user: User, active: bool, *, actor: User, now: datetime) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate a staff account."""
    if not active and user.id == actor.id:
        raise UserError(N_("You cannot deactivate your own account."))
    if not active and user.role == Role.ADMIN and _other_active_admins(session, user) == 0:
        raise UserError(N_("This is the last active admin; make someone else admin first."))
    if user.active != active:
        record(session, "user_reactivated" if active else "user_deactivated", user=user, actor=actor, now=now)
    user.active = active
    if not active:
        end_all_sessions(session, user, now=now)


def set_role(session: DbSession, user: User, role: Role | str, *, actor: User, now: datetime,
             byline: str | None = None) -> None:
    """Change the role and, when given, the byline name (an author's figures are that name's)."""
    role, byline = _role_and_byline(role, user.byline if byline is None else byline)
    if user.id == actor.id and role != user.role:
        raise UserError(N_("You cannot change your own role; ask another admin."))
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and _other_active_admins(session, user) == 0:
        raise UserError(N_("This is the last active admin; make someone else admin first."))
    if user.role != role:
        record(session, "role_changed", user=user, actor=actor, now=now, detail=f"{user.role.value} → {role.value}")
    user.role, user.byline = role, byline
