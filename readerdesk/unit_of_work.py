"""One unit of work for views, CLI commands and the webhook endpoint.

    with unit_of_work(db.session) as work:
        event = decide(db.session, ...)                      # a service: changes, never commits
        work.after_commit(Job("after_decision", (event.correction_id, event.id)))

``after_commit`` writes each job to the outbox (``jobs.outbox``) in the same transaction as the
change: they commit together or not at all, so a job is never lost once the change is acknowledged,
and an email never goes out for a change that was rolled back. On leaving the block normally the
session commits, and only then are the new outbox rows handed to the runner (``jobs.runner``). Any
exception (a domain error such as ``StaleDecision``, a dropped database connection, or a bug) rolls
the session back and propagates, for the caller to turn into a form error, a 4xx, a 503 or a
one-line CLI failure.

Jobs the settings make pointless (mail jobs without ``MAIL_SERVER``) are not written at all.

The desk's open queues hear of a committed change to a report the same way, after the commit: a
hook on the session (``readerdesk.queue_changes``) bumps their version, whatever committed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from flask import current_app

from readerdesk.clock import utcnow
from readerdesk.jobs.outbox import insert_jobs
from readerdesk.jobs.registry import is_wanted
from readerdesk.jobs.runner import dispatch as dispatch_to_runner
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job


class UnitOfWork:
    def __init__(self, session: DbSession, config: Mapping):
        self.session, self.config = session, config
        self.entry_ids: list[int] = []

    def after_commit(self, *jobs: Job) -> None:
        """Write ``jobs`` to the outbox in this transaction; they run once it has committed."""
        wanted = [job for job in jobs if is_wanted(job, self.config)]
        self.entry_ids.extend(insert_jobs(self.session, wanted, now=utcnow()))

    def wants(self, job_name: str) -> bool:
        """Whether the settings want this job written at all (``after_commit``'s filter), for a service
        that writes its jobs' outbox rows in its own statement."""
        return is_wanted(Job(job_name), self.config)

    def hand_out(self, entry_ids: Iterable[int]) -> None:
        """Outbox rows a service wrote in this transaction itself (a reader's report writes its job in
        the statement that stores it): handed to the runner after the commit, as ``after_commit``'s are."""
        self.entry_ids.extend(entry_ids)


@contextmanager
def unit_of_work(session: DbSession, *,
                 dispatch: Callable[[list[int]], None] = dispatch_to_runner) -> Iterator[UnitOfWork]:
    work = UnitOfWork(session, current_app.config)
    try:
        yield work
        entry_ids = work.entry_ids
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if entry_ids:
        dispatch(entry_ids)
