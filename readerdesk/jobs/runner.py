"""The job runner: side effects that leave the process (email, Slack, re-fetching a page).

``enqueue(job)`` is called *after* the transaction that caused the job has committed (the unit of
work, ``readerdesk.unit_of_work``, does that). A job names its function in ``registry.JOBS``.
With ``REDIS_URL`` set, jobs go to an RQ queue (run by ``flask --app app worker``) with retries.
Without it (or when Redis is down) they go to a small worker thread in this process, which runs
them after the response, with retries: a reader's POST never waits on a publisher's slow page, and
a failure is logged, never raised. ``JOBS_INLINE`` (tests) runs them in the caller instead. Jobs
still queued when the process exits are finished first (``atexit``), within a time limit.

Job functions take plain arguments (ids, strings) and run inside an app context.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import weakref
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
DRAIN_AT_EXIT_SECONDS = 30


def _queue(app: Flask) -> Queue:
    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def enqueue(job: Job) -> None:
    """Queue ``job`` on RQ when ``REDIS_URL`` is set, else run it now (and when Redis is down)."""
    func = JOBS[job.name]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        try:
            # The description names the job only: RQ logs it, and arguments may be tokens.
            _queue(app).enqueue(func, *job.args, description=job.name,
                                retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)))
            return
        except Exception:  # Redis down: do the work in this process rather than lose it
            log.exception("could not enqueue %s; running it in this process", job.name)
    if app.config.get("JOBS_INLINE"):
        run_inline(func, *job.args)
    else:
        background_worker(app).submit(func, job.args)


class BackgroundWorker:
    """One daemon thread per app and process, running jobs one at a time inside an app context."""

    def __init__(self, app: Flask):
        self.app = app
        self.pid = os.getpid()
        self.jobs: queue.Queue[tuple[Callable[..., object], tuple]] = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="readerdesk-jobs", daemon=True)
        self.thread.start()

    def submit(self, func: Callable[..., object], args: tuple) -> None:
        self.jobs.put((func, args))

    def _run(self) -> None:
        while True:
            func, args = self.jobs.get()
            try:
                with self.app.app_context():  # its teardown returns the database session
                    run_inline(func, *args)
            finally:
                self.jobs.task_done()

    def drain(self, timeout: float) -> bool:
        """Wait until every submitted job has run; False when ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


_workers: weakref.WeakKeyDictionary[Flask, BackgroundWorker] = weakref.WeakKeyDictionary()
_workers_lock = threading.Lock()


def background_worker(app: Flask) -> BackgroundWorker:
    """This app's worker thread, started on first use (and again in a forked child)."""
    with _workers_lock:
        worker = _workers.get(app)
        if worker is None or worker.pid != os.getpid():
            worker = _workers[app] = BackgroundWorker(app)
        return worker


@atexit.register
def _finish_queued_jobs() -> None:
    for worker in list(_workers.values()):
        if worker.pid == os.getpid() and not worker.drain(DRAIN_AT_EXIT_SECONDS):
            log.error("%d job(s) were still queued at exit and are lost", worker.jobs.unfinished_tasks)


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
