"""Staff accounts: admins, editors and authors. Readers and patrons have no accounts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String, true
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.text.languages import N_


class Role(enum.StrEnum):
    ADMIN = N_("admin")
    EDITOR = N_("editor")
    # A journalist who sees only their own figures on /desk/stats (the articles whose byline has their
    # ``byline`` name) and their account page; every other desk page refuses them.
    AUTHOR = N_("author")


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased and NFC (see services.users.normalise_email), so the unique
    # constraint is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        string_enum(Role, "user_role"),
        default=Role.EDITOR,
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Two-factor sign-in (TOTP, RFC 6238): the base32 secret the authenticator app shares, when it
    # was confirmed, and the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    totp_last_step: Mapped[int | None] = mapped_column(default=None)
    # The desk's language this staff member chose on their account page ("en", "uk"); None: the
    # browser's (views.locale).
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    # The name this staff member signs articles with, exactly as in ``Article.authors`` (set by an
    # admin): an author's figures are those of this name.
    byline: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The desk's single-key shortcuts (j k o a r s c x): on unless this staff member turned them off
    # on their account page (WCAG 2.1.4: a speech-input user's words must not fire decisions).
    keyboard_shortcuts: Mapped[bool] = mapped_column(default=True, server_default=true())

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_author(self) -> bool:
        return self.role == Role.AUTHOR

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
