"""The job runner: side effects that leave the process (email, Slack, re-fetching a page).

``enqueue(job)`` is called *after* the transaction that caused the job has committed (the unit of
work, ``readerdesk.unit_of_work``, does that). A job names its function in ``registry.JOBS``.
With ``REDIS_URL`` set, jobs go to an RQ queue (run by ``flask --app app worker``) with retries;
without it they run inline, right away, with the same retries, and a failure is logged, never
raised: a failed email must not turn a stored decision into an error page.

Job functions take plain arguments (ids, strings) and run inside an app context.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Retry, SimpleWorker

from readerdesk.jobs.registry import JOBS
from readerdesk.services.effects import Job

log = logging.getLogger("readerdesk.jobs.runner")
QUEUE_NAME = "readerdesk"
RETRY_INTERVALS = (10, 60, 300)  # seconds, for RQ; inline retries do not wait that long
INLINE_RETRY_DELAYS = (0.0, 0.2, 0.5)


def _queue(app: Flask) -> Queue:
    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def enqueue(job: Job) -> None:
    """Queue ``job`` on RQ when ``REDIS_URL`` is set, else run it now (and when Redis is down)."""
    func = JOBS[job.name]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL") and not app.config.get("JOBS_INLINE"):
        try:
            retry = Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))
            _queue(app).enqueue(func, *job.args, retry=retry)
            return
        except Exception:  # Redis down: do the work now rather than lose it
            log.exception("could not enqueue %s; running it inline", job.name)
    run_inline(func, *job.args)


def schedule(func: Callable[..., object], *args: object, at: datetime, job_id: str) -> None:
    """Run ``func(*args)`` at ``at`` from the worker's scheduler (needs ``REDIS_URL``): for work on a
    timetable, which no transaction asks for. The same ``job_id`` again replaces the earlier schedule."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _queue(app).enqueue_at(at, func, *args, job_id=job_id)


def run_inline(func: Callable[..., object], *args: object) -> bool:
    """Run a job now, retrying; True when it succeeded. Never raises."""
    for attempt, delay in enumerate(INLINE_RETRY_DELAYS, start=1):
        if delay:
            time.sleep(delay)
        try:
            func(*args)
            return True
        except Exception:
            log.exception("job %s failed (attempt %d of %d)", func.__name__, attempt, len(INLINE_RETRY_DELAYS))
    return False


def run_worker(app: Flask, burst: bool = False) -> None:
    """Process the RQ queue inside this app's context (``flask --app app worker``)."""
    queue = _queue(app)
    with app.app_context():
        # SimpleWorker runs jobs in this process: they keep the app context and the DB pool is not forked.
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
