"""Staff accounts: create, authenticate, hash passwords (Argon2id)."""

from __future__ import annotations

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
from readerdesk.text.emails import normalise_email

MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
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


def create_user(session: DbSession, email: str, password: str, role: Role | str = Role.EDITOR, name: str = "", *,
                password_settings: PasswordSettings) -> User:
    try:
        validated = validate_email(email, check_deliverability=False, globally_deliverable=False)
        email = normalise_email(validated.normalized)
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
    user = User(email=email, password_hash=hash_password(password, password_settings), role=role, name=name)
    session.add(user)
    session.flush()
    return user


def authenticate(session: DbSession, email: str, password: str, *, now: datetime,
                 password_settings: PasswordSettings) -> User | None:
    """The active user with this email and password, or None. Same work whether or not the email exists.
    A hash made at another cost is replaced by one at ``password_settings``' cost."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    hasher = _hasher(password_settings)
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(password_settings), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password, password_settings)
    user.last_login_at = now
    return user


def set_password(user: User, password: str, *, password_settings: PasswordSettings) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    user.password_hash = hash_password(password, password_settings)


def list_users(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))


def active_staff(session: DbSession) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)))


def _other_active_admins(session: DbSession, user: User) -> int:
    return len(session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)).all())


def set_active(session: DbSession, user: User, active: bool, *, actor: User) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate a staff account."""
    if not active and user.id == actor.id:
        raise UserError("You cannot deactivate your own account.")
    if not active and user.role == Role.ADMIN and _other_active_admins(session, user) == 0:
        raise UserError("This is the last active admin; make someone else admin first.")
    user.active = active


def set_role(session: DbSession, user: User, role: Role | str, *, actor: User) -> None:
    try:
        role = Role(role)
    except ValueError:
        raise UserError("role must be admin or editor") from None
    if user.id == actor.id and role != user.role:
        raise UserError("You cannot change your own role; ask another admin.")
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and _other_active_admins(session, user) == 0:
        raise UserError("This is the last active admin; make someone else admin first.")
    user.role = role
