"""What readerdesk keeps to protect personal data: the daily keys IP addresses are hashed with (each
forgotten after ``RETENTION_IP_DAYS``) and the append-only audit log of privacy actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.moderation import AuditLogImmutable
from readerdesk.models.types import UTCDateTime
from readerdesk.models.user import User


class IpHashKey(Model):
    """A random key for one UTC day. IP addresses are hashed with it (and the secret key), so hashes
    of the same address match within the day. Once the row is deleted, nobody, not even someone
    holding ``SECRET_KEY`` and a copy of the database, can test an address against that day's hashes."""

    __tablename__ = "ip_hash_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    key: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Model):
    """One privacy action: an export, an erasure, a reader removing their address, a retention purge.
    It says what, when, by whom and how many rows, never whose data: no address is stored here."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_created", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))  # see services.privacy.audit
    # A staff member on the desk, or else who acted: "command line (root)", "the reader's link"...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # rows per kind of record
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor is not None else self.actor_label


@event.listens_for(Session, "before_flush")
def _privacy_log_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogImmutable("the privacy audit log is append-only")
