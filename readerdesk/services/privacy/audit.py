"""The privacy audit log: that an export, an erasure or a purge happened, when, by whom and how many
rows. Never whose data: callers pass counts, and nothing here takes an address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from readerdesk.models import AuditEntry, User
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_

EXPORT = "export"
ERASURE = "erasure"
READER_REMOVAL = "reader-removal"  # a reader's own "Delete my email from this report" link
PURGE = "purge"
ACTIONS = {
    EXPORT: N_("Access request: data exported"),
    ERASURE: N_("Erasure"),
    READER_REMOVAL: N_("A reader removed their email from a report"),
    PURGE: N_("Retention purge"),
}


@dataclass(frozen=True)
class Actor:
    """Who acted: a staff member on the desk, or a label (the command line, a reader's link, the scheduler)."""

    user: User | None = None
    label: str = ""


def record(session: DbSession, action: str, actor: Actor, counts: Mapping[str, int], *, now: datetime) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(action=action, actor=actor.user, actor_label=actor.label, rows=sum(counts.values()),
                       counts={k: v for k, v in counts.items() if v}, created_at=now)
    session.add(entry)
    session.flush()
    return entry


def recent_entries(session: DbSession, limit: int = 50) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                                .limit(limit)))


def last_entry(session: DbSession, action: str) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).where(AuditEntry.action == action)
                          .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(1))
