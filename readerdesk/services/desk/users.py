"""Staff accounts: create, authenticate, hash passwords (Argon2id)."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from readerdesk.models import Role, User
from readerdesk.services.desk.security_log import record
from readerdesk.services.desk.staff_sessions import end_all_sessions
from readerdesk.text.emails import normalise_email

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("readerdesk-timing-equaliser")


class UserError(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, email: str, password: str, role: Role | str = Role.EDITOR, name: str = "", *,
                actor: User | None = None, now: datetime | None = None) -> User:
    try:
        email = normalise_email(validate_email(email, check_deliverability=False, globally_deliverable=False).normalized)
    except EmailNotValidError as exc:
        raise UserError(f"invalid email address: {exc}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    try:
        role = Role(role)
    except ValueError:
        raise UserError("role must be admin or editor") from None
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"a user with the email {email} exists already")
    user = User(email=email, password_hash=hash_password(password), role=role, name=name)
    session.add(user)
    session.flush()
    if actor is not None and now is not None:
        record(session, "user_created", user=user, actor=actor, now=now, detail=role.value)
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> User | None:
    """The active user with this email and password, or None. Same work whether or not the email
    exists. A wrong password for a known account is logged (the sign-in itself is logged when the
    session starts, after the second factor if there is one)."""
    user = user_by_email(session, email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        if user is not None:
            record(session, "sign_in_failed", user=user, now=now)
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    user.password_hash = hash_password(password)


def change_password(session: Session, user: User, current: str, new: str, *, now: datetime,
                    keep_token: str | None = None) -> int:
    """The person changes their own password: every other session of theirs ends (a thief's
    included); the one ``keep_token`` opens goes on. Returns how many sessions ended."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise UserError("Your current password is not right.") from None
    if new == current:
        raise UserError("Choose a new password, not the current one.")
    set_password(user, new)
    record(session, "password_changed", user=user, now=now)
    return end_all_sessions(session, user, now=now, keep_token=keep_token)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))


def active_staff(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)))


def _other_active_admins(session: Session, user: User) -> int:
    return len(session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)).all())


def set_active(session: Session, user: User, active: bool, *, actor: User, now: datetime) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate a staff account."""
    if not active and user.id == actor.id:
        raise UserError("You cannot deactivate your own account.")
    if not active and user.role == Role.ADMIN and _other_active_admins(session, user) == 0:
        raise UserError("This is the last active admin; make someone else admin first.")
    if user.active != active:
        record(session, "user_reactivated" if active else "user_deactivated", user=user, actor=actor, now=now)
    user.active = active
    if not active:
        end_all_sessions(session, user, now=now)


def set_role(session: Session, user: User, role: Role | str, *, actor: User, now: datetime) -> None:
    try:
        role = Role(role)
    except ValueError:
        raise UserError("role must be admin or editor") from None
    if user.id == actor.id and role != user.role:
        raise UserError("You cannot change your own role; ask another admin.")
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and _other_active_admins(session, user) == 0:
        raise UserError("This is the last active admin; make someone else admin first.")
    if user.role != role:
        record(session, "role_changed", user=user, actor=actor, now=now, detail=f"{user.role.value} → {role.value}")
    user.role = role
