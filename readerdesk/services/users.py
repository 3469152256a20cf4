"""Staff accounts: create, authenticate, hash passwords (Argon2id)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from readerdesk.models import Role, User

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("readerdesk-timing-equaliser")


class UserError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFC", email.strip()).lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, email: str, password: str, role: Role | str = Role.EDITOR, name: str = "") -> User:
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
    return user


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> User | None:
    """The active user with this email and password, or None. Same work whether or not the email exists."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    user.password_hash = hash_password(password)
