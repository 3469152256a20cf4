"""How staff sign in, kept on the server: sessions that can be ended, two-factor recovery codes, the
two-factor policy, and the append-only security log of every sign-in and account change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime, append_only
from readerdesk.models.user import User


class StaffSession(Model):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so a
    copy of the database signs nobody in. Ended by sign-out, "sign out everywhere", a password
    change, a two-factor reset or deactivation; expires on its own at ``expires_at``."""

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_user", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """A single-use two-factor recovery code, stored as SHA-256 (codes are 80-bit random values)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class StaffPolicy(Model):
    """The newsroom's sign-in rules (one row). Admins always need two-factor sign-in."""

    __tablename__ = "staff_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    two_factor_for_all: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class SecurityEvent(Model):
    """One entry of the security log: who (``actor``) did what (``action``) to whose account
    (``user``), when. Never updated or deleted. No passwords, codes or tokens, ever."""

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_user", "user_id", "action", "created_at"),
        Index("ix_security_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    detail: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class SecurityLogImmutable(RuntimeError):
    pass


append_only(SecurityEvent, SecurityLogImmutable, "security events")
