"""The daily retention purge, as a job: run by ``flask --app app privacy purge`` (from cron) or from the
outbox, where the worker (at its start) and each run keep the next run one day ahead; whoever runs the
outbox runs it when it is due (the worker with Redis, each web process's thread without).

Each batch is committed as it goes, so a purge of a large backlog holds no long transaction; the run
ends with one audit entry and one log line of counts. Never any data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from flask import current_app

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.outbox import schedule
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.privacy.audit import PURGE, Actor, record
from readerdesk.services.privacy.retention import PurgeStep, RetentionSettings, counts, plan_purge, run_purge
from readerdesk.text.languages import N_

log = logging.getLogger("readerdesk.privacy")
PURGE_AT = time(3, 0)  # UTC: the night's quietest hour in Europe
SCHEDULER = Actor(label=N_("the worker's daily schedule"))


def apply_purge(session: DbSession, plan: list[PurgeStep], *, actor: Actor, now: datetime,
                on_batch: Callable[[int], object] = lambda rows: None) -> dict[str, int]:
    """Carry out ``plan`` (services.privacy.retention.plan_purge), committing each batch; record and log
    the counts."""
    for _step, rows in run_purge(session, plan):
        session.commit()
        on_batch(rows)
    removed = counts(plan)
    record(session, PURGE, actor, removed, now=now)
    session.commit()
    log.info("privacy purge: %s", ", ".join(f"{name} {count}" for name, count in removed.items()))
    return removed


def next_purge_at(now: datetime) -> datetime:
    today = datetime.combine(now.date(), PURGE_AT, tzinfo=now.tzinfo)
    return today if now < today else today + timedelta(days=1)


def schedule_next_purge(session: DbSession, now: datetime) -> datetime:
    """Put the next run on the outbox; scheduling it again replaces the pending one. Does not commit."""
    at = next_purge_at(now)
    schedule(session, Job("daily_purge", ()), at=at, now=now)
    return at


def daily_purge() -> None:
    """The scheduled run: purge what is due, then schedule tomorrow's (even when this one failed)."""
    try:
        now = utcnow()
        settings = RetentionSettings.from_config(current_app.config)
        apply_purge(db.session, plan_purge(db.session, settings, now=now), actor=SCHEDULER, now=now)
    except Exception:
        db.session.rollback()
        raise
    finally:
        schedule_next_purge(db.session, utcnow())
        db.session.commit()
