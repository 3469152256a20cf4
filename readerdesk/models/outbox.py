"""The transactional outbox: a job that matters, written in the same transaction as the change that
caused it, so it survives a Redis flush, a restart or a killed worker (``readerdesk.jobs.outbox``)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, Connection, Index, String, Text, insert
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime, string_enum, table_of


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # not done yet: due at ``next_attempt_at``
    DONE = "done"
    FAILED = "failed"  # gave up after the last attempt; ``flask jobs retry`` sends it round again


class OutboxEntry(Model):
    """One job: its name in ``jobs.registry.JOBS`` and its plain arguments.

    A runner (the RQ worker, or a thread of the web process without Redis) takes an entry by setting
    ``locked_until``; a runner killed mid-job lets that lease run out, and the entry is taken again.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    args: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[OutboxStatus] = mapped_column(string_enum(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


def pending_row(job: str, args: list, now: datetime) -> dict:
    """A new row's columns: ``job`` with its arguments, due now, not tried yet."""
    return {"job": job, "args": args, "status": OutboxStatus.PENDING, "attempts": 0, "created_at": now,
            "next_attempt_at": now, "last_error": ""}


def insert_pending(connection: Connection, rows: Iterable[dict]) -> list[int]:
    """Insert ``pending_row`` rows on the caller's connection and transaction; their ids. Core
    execution, one row at a time: the ORM's execution and the many-rows INSERT path cost more than
    the statement (a reader's report writes one row)."""
    return [connection.execute(_INSERT_RETURNING_ID, row).scalar_one() for row in rows]


_OUTBOX = table_of(OutboxEntry)
_INSERT_RETURNING_ID = insert(_OUTBOX).returning(_OUTBOX.c.id)
