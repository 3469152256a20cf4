"""The outbox: jobs stored in the database with the change that caused them.

A job is a row in ``outbox``, added to the caller's transaction (``add_jobs``, ``insert_jobs``): it commits with the
report or the decision, or not at all. Runners then take rows by a lease (``claim``), run them and
mark them ``done``; a failed run is tried again later (``RETRY_DELAYS``), and after the last attempt
the row is ``failed`` until ``flask jobs retry``. Redis only carries the row ids to the worker: when
it loses them (a flush, a restart) or a worker dies mid-job, the row is still pending and is handed
out again (``due_ids``). Job functions are idempotent (the mail jobs keep a send-once ledger), so a
job run twice does its work once.

Functions here take the session and ``now``; the ones that claim or finish a row commit, because a
claim must be visible to other runners before the job runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Result, delete, func, or_, select, update

from readerdesk.models import OutboxEntry, OutboxStatus
from readerdesk.models.outbox import insert_pending, pending_row
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.text.emails import hide_addresses

# Seconds to wait after the 1st, 2nd... failed attempt; after len(RETRY_DELAYS) + 1 attempts the job fails.
RETRY_DELAYS = (10, 60, 300, 1800, 7200)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ERROR_CHARS = 2000

_current_entry: ContextVar[int | None] = ContextVar("readerdesk_outbox_entry", default=None)


def current_entry_id() -> int | None:
    """The outbox row the running job came from (None outside the outbox): a stable key for jobs
    whose arguments do not name what they send once."""
    return _current_entry.get()


@contextmanager
def running_entry(entry_id: int) -> Iterator[None]:
    token = _current_entry.set(entry_id)
    try:
        yield
    finally:
        _current_entry.reset(token)


def rows_changed(result: Result) -> int:
    """How many rows an UPDATE or DELETE changed."""
    assert isinstance(result, CursorResult)  # the kind of result that counts rows
    return result.rowcount


def _pending(job: Job, now: datetime) -> dict:
    return pending_row(job.name, list(job.args), now)


def add_jobs(session: DbSession, jobs: Iterable[Job], *, now: datetime) -> list[OutboxEntry]:
    """Add one pending row per job to the session (the caller's transaction commits them)."""
    entries = [OutboxEntry(**_pending(job, now)) for job in jobs]
    session.add_all(entries)
    return entries


def insert_jobs(session: DbSession, jobs: Iterable[Job], *, now: datetime) -> list[int]:
    """Insert one pending row per job in the caller's transaction and return their ids: what the unit
    of work needs to hand them out after commit, in one statement and without ORM objects (each
    reader's report writes one)."""
    rows = [_pending(job, now) for job in jobs]
    return insert_pending(session.connection(), rows) if rows else []


def schedule(session: DbSession, job: Job, *, at: datetime, now: datetime) -> OutboxEntry:
    """Put ``job`` on the outbox to run at ``at``: work on a timetable, which no transaction asks for.
    A pending row of the same job that no runner holds is replaced, so scheduling it again (at each
    worker start, after each run) keeps one row. Does not commit."""
    session.execute(delete(OutboxEntry).where(OutboxEntry.job == job.name, OutboxEntry.status == OutboxStatus.PENDING,
                                              _free(now)).execution_options(synchronize_session=False))
    [entry] = add_jobs(session, [job], now=now)
    entry.next_attempt_at = at
    return entry


def job_of(entry: OutboxEntry) -> Job:
    return Job(entry.job, tuple(entry.args))


def _free(now: datetime):
    return or_(OutboxEntry.locked_until.is_(None), OutboxEntry.locked_until < now)


def due_ids(session: DbSession, *, now: datetime, due_by: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending rows due by ``due_by`` (default ``now``) that no live runner holds, oldest first."""
    return list(session.scalars(
        select(OutboxEntry.id)
        .where(OutboxEntry.status == OutboxStatus.PENDING, OutboxEntry.next_attempt_at <= (due_by or now),
               _free(now))
        .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id).limit(limit)))


def claim(session: DbSession, entry_id: int, *, now: datetime, lease: timedelta) -> OutboxEntry | None:
    """Take a pending, due row for ``lease`` and count the attempt; None when it is done, failed, not
    due yet or held by another runner. Commits, so other runners see the claim at once."""
    taken = rows_changed(session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == entry_id, OutboxEntry.status == OutboxStatus.PENDING,
               OutboxEntry.next_attempt_at <= now, _free(now))
        .values(locked_until=now + lease, attempts=OutboxEntry.attempts + 1)
        .execution_options(synchronize_session=False)))
    session.commit()
    if taken != 1:
        return None
    return session.get(OutboxEntry, entry_id, populate_existing=True)


def mark_done(session: DbSession, entry_id: int, *, now: datetime) -> None:
    session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id)
                    .values(status=OutboxStatus.DONE, done_at=now, locked_until=None, last_error="")
                    .execution_options(synchronize_session=False))
    session.commit()


def mark_failed_attempt(session: DbSession, entry_id: int, error: str, *, now: datetime) -> OutboxStatus:
    """Record a failed attempt: due again after its delay, or ``failed`` after the last attempt. The
    error is kept without the email addresses it may quote (a refused recipient)."""
    attempts = session.scalar(select(OutboxEntry.attempts).where(OutboxEntry.id == entry_id)) or MAX_ATTEMPTS
    values: dict = {"locked_until": None, "last_error": hide_addresses(error)[:ERROR_CHARS]}
    if attempts >= MAX_ATTEMPTS:
        values["status"] = OutboxStatus.FAILED
    else:
        values["next_attempt_at"] = now + timedelta(seconds=RETRY_DELAYS[attempts - 1])
    session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()
    return values.get("status", OutboxStatus.PENDING)


def counts(session: DbSession) -> dict[OutboxStatus, int]:
    found: dict[OutboxStatus, int] = {
        status: count for status, count in session.execute(
            select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status))}
    return {status: found.get(status, 0) for status in OutboxStatus}


def oldest_pending(session: DbSession) -> datetime | None:
    return session.scalar(select(func.min(OutboxEntry.created_at)).where(OutboxEntry.status == OutboxStatus.PENDING))


def retry_failed(session: DbSession, *, now: datetime) -> list[int]:
    """Send every failed job round again, with a fresh count of attempts. Does not commit."""
    ids = list(session.scalars(select(OutboxEntry.id).where(OutboxEntry.status == OutboxStatus.FAILED)
                               .order_by(OutboxEntry.id)))
    if ids:
        session.execute(update(OutboxEntry).where(OutboxEntry.id.in_(ids))
                        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, locked_until=None)
                        .execution_options(synchronize_session=False))
    return ids


def purge_done(session: DbSession, *, before: datetime) -> int:
    """Forget jobs done before ``before`` (pending and failed ones are kept). Does not commit."""
    return rows_changed(session.execute(delete(OutboxEntry).where(OutboxEntry.status == OutboxStatus.DONE,
                                                                  OutboxEntry.done_at < before)
                                        .execution_options(synchronize_session=False)))
