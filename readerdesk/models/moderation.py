"""The desk's records: the append-only log of every decision, and editors' internal notes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.correction import Correction, Status
from readerdesk.models.types import UTCDateTime, append_only, string_enum
from readerdesk.models.user import User
from readerdesk.text.languages import N_


class RejectionCode(enum.StrEnum):
    """Why a report was rejected; told to the reader in their language (services.mail.notifications)
    and counted in the desk statistics."""

    NOT_AN_ERROR = "not_an_error"
    ALREADY_CORRECTED = "already_corrected"
    OPINION = "opinion"
    OUT_OF_SCOPE = "out_of_scope"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return {"not_an_error": N_("Not an error"), "already_corrected": N_("Already corrected"),
                "opinion": N_("Opinion"), "out_of_scope": N_("Out of scope"), "duplicate": N_("Duplicate")}[self.value]


class ModerationEvent(Model):
    """One decision: who, when, from which state, to which, why. Never updated or deleted."""

    __tablename__ = "moderation_events"
    __table_args__ = (
        Index("ix_moderation_events_correction", "correction_id", "id"),
        Index("ix_moderation_events_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("corrections.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(30))  # accept, reject, spam, claim, assign, reopen, publish ...
    from_status: Mapped[Status] = mapped_column(string_enum(Status, "correction_status"))
    to_status: Mapped[Status] = mapped_column(string_enum(Status, "correction_status"))
    # The version the editor saw, and the one the decision produced.
    from_version: Mapped[int]
    to_version: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    # What the editor chose to tell the reader (e.g. why a report was rejected); "" for nothing.
    reader_message: Mapped[str] = mapped_column(Text, default="")
    # A rejection's reason code (None for other decisions, and for rejections made without one).
    rejection_code: Mapped[RejectionCode | None] = mapped_column(string_enum(RejectionCode, "rejection_code"),
                                                                 default=None)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    correction: Mapped[Correction] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class InternalNote(Model):
    """A note between editors on a correction; never shown to readers."""

    __tablename__ = "internal_notes"
    __table_args__ = (Index("ix_internal_notes_correction", "correction_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("corrections.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class AuditLogImmutable(RuntimeError):
    pass


append_only(ModerationEvent, AuditLogImmutable, "moderation events")
