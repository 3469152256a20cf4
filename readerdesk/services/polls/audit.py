"""The polls' audit log: every editor's action on a poll or a suggestion, who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from readerdesk.models import PollEvent, User
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_

ACTIONS = {
    "create": N_("created the poll"),
    "edit": N_("edited the poll"),
    "extend": N_("extended the closing time"),
    "close": N_("closed the poll early"),
    "announce": N_("emailed eligible patrons"),
    "covered": N_("marked a topic covered"),
    "accept": N_("accepted a suggestion into the poll"),
    "merge": N_("merged a suggestion into a topic"),
    "reject": N_("rejected a suggestion"),
    "export": N_("exported the results"),
}


def log_poll_action(session: DbSession, *, site_id: int, poll_id: int | None, actor: User | None, action: str,
                    detail: str = "", now: datetime) -> PollEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown poll action {action!r}")
    event = PollEvent(site_id=site_id, poll_id=poll_id, actor=actor, action=action, detail=detail[:2000],
                      created_at=now)
    session.add(event)
    return event


def poll_log(session: DbSession, poll_id: int) -> list[PollEvent]:
    return list(session.scalars(select(PollEvent).where(PollEvent.poll_id == poll_id).order_by(PollEvent.id)))


def recent_poll_events(session: DbSession, limit: int = 50) -> list[PollEvent]:
    return list(session.scalars(select(PollEvent).order_by(PollEvent.id.desc()).limit(limit)))
