"""A record of every notification sent, so a retried or repeated job never sends twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime


class NotificationSent(Model):
    """``kind`` names the notification (reader-decision, editor-new, slack-new, digest); ``key`` the
    thing it was about (an event id, a correction and a recipient...).

    The row is committed *before* the message goes out (``attempted_at``) and ``sent_at`` is set once
    the mail server has accepted it: a row without ``sent_at`` is an attempt that failed or whose
    runner died during the SMTP call, and the next attempt sends again with the same Message-ID.
    """

    __tablename__ = "notifications_sent"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        Index("ix_notifications_sent_kind_sent", "kind", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(320), default="")
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=1)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
