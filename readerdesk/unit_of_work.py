"""One unit of work for views, CLI commands and the webhook endpoint.

    with unit_of_work(db.session) as work:
        event = decide(db.session, ...)                      # a service: changes, never commits
        work.after_commit(Job("after_decision", (event.correction_id, event.id)))

On leaving the block normally the session commits, and only then are the jobs handed to the runner:
an email never goes out for a change that was rolled back. Any exception (a domain error such as
``StaleDecision``, or a bug) rolls the session back and propagates, for the caller to turn into a
form error, a 4xx or a one-line CLI failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from readerdesk.jobs.runner import enqueue
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job


class UnitOfWork:
    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def after_commit(self, *jobs: Job) -> None:
        self.jobs.extend(jobs)


@contextmanager
def unit_of_work(session: DbSession, *,
                 dispatch: Callable[[Job], None] = enqueue) -> Iterator[UnitOfWork]:
    work = UnitOfWork()
    try:
        yield work
    except BaseException:
        session.rollback()
        raise
    session.commit()
    for job in work.jobs:
        dispatch(job)
