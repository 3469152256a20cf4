"""The job runner: runs the outbox (``jobs.outbox``), through RQ or in this process.

The unit of work writes jobs to the outbox in the transaction of the change that caused them, and
after the commit calls :func:`dispatch` with the new rows' ids:

* with ``REDIS_URL``, the ids go to an RQ queue and ``flask --app app worker`` runs them. The worker
  also sweeps the outbox every ``JOBS_POLL_SECONDS``: a row still pending that RQ no longer holds (a
  Redis flush or restart, a worker killed mid-job once its lease ran out, Redis down when the
  request ended) is handed to RQ again, or run by the worker itself while Redis is unreachable;
* without Redis, a thread of each web process runs them, after the response and never inside the
  request, and looks for due rows (retries, rows another process left) every ``JOBS_POLL_SECONDS``;
* outside a request (a CLI command), they run at once, in the command's process.

A job that fails is tried again later by the sweep, never at once and never inside a request.
Redis being unreachable is logged once when it goes and once when it is back, not per request.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, has_request_context
from redis import ConnectionPool, Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError, StopRequested
from rq.job import Job as RQJob
from rq.job import JobStatus
from sqlalchemy.exc import SQLAlchemyError

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.outbox import (
    claim,
    due_ids,
    job_of,
    mark_done,
    mark_failed_attempt,
    purge_done,
    running_entry,
)
from readerdesk.jobs.registry import JOBS
from readerdesk.jobs.timetable import start_timetable
from readerdesk.models import OutboxStatus

log = logging.getLogger("readerdesk.jobs.runner")
QUEUE_NAME = "readerdesk"
RQ_JOB_PREFIX = "outbox-"
EXTENSION = "readerdesk.jobs"
# A row a web process has just committed is handed to RQ by that process; the sweep leaves it alone
# for this long, so the two do not both hand it over.
HANDOVER_GRACE = timedelta(seconds=2)
WAITING_IN_RQ = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
PURGE_EVERY_SECONDS = 3600


class Outage:
    """A dependency that may go away: logged once when it goes and once when it is back, and left
    alone for ``cooldown`` seconds after a failure so requests do not each wait on it."""

    def __init__(self, name: str, consequence: str, cooldown: float = 2.0):
        self.name, self.consequence, self.cooldown = name, consequence, cooldown
        self.down_since: float | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    def should_try(self) -> bool:
        return time.monotonic() >= self.retry_at

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + self.cooldown
            if self.down_since is None:
                self.down_since = time.monotonic()
                log.warning("%s is unreachable (%s): %s", self.name, str(exc).strip() or type(exc).__name__,
                            self.consequence)

    def recovered(self) -> None:
        with self._lock:
            if self.down_since is not None:
                log.info("%s is reachable again after %.0f s", self.name, time.monotonic() - self.down_since)
            self.down_since, self.retry_at = None, 0.0


# One Redis (REDIS_URL), one outage: the job queue and the desk queue's version (queue_changes) share it.
redis_outage = Outage("Redis", "jobs wait in the outbox and are handed out when it is back; open desk queues "
                               "read their version from the database")
database_outage = Outage("The database", "jobs wait until it is back")
_clients: dict[tuple[str, float, bool], Redis] = {}


def redis_client(url: str, *, timeout: float, blocking: bool = False) -> Redis:
    """A Redis client that fails fast: short timeouts and no retries (redis-py otherwise retries three
    times with backoff, seconds per command while Redis is down). ``blocking`` clients (the worker's
    long BLPOP) keep no read timeout."""
    key = (url, timeout, blocking)
    if key not in _clients:
        _clients[key] = Redis.from_url(url, socket_connect_timeout=timeout,
                                       socket_timeout=None if blocking else timeout, retry=Retry(NoBackoff(), 0),
                                       health_check_interval=30 if blocking else 0)
    return _clients[key]


def limiter_connection_pool(config) -> ConnectionPool | None:
    """The rate limiter's Redis connection pool when it counts in the queue's Redis (``REDIS_URL``):
    the same fail-fast client's, so a report's request (the limit, then handing its job to RQ) uses
    one pooled connection per process for both. None when they are not the same Redis."""
    url = config.get("REDIS_URL")
    if not url or config.get("RATELIMIT_STORAGE_URI") != url:
        return None
    return redis_client(url, timeout=config["REDIS_TIMEOUT"]).connection_pool


def lease(config) -> timedelta:
    return timedelta(seconds=config["JOBS_LEASE_SECONDS"])


def _queue(app: Flask, *, blocking: bool = False) -> Queue:
    return Queue(QUEUE_NAME, connection=redis_client(app.config["REDIS_URL"], timeout=app.config["REDIS_TIMEOUT"],
                                                     blocking=blocking))


# --- running one row --------------------------------------------------------------------------------


def run_entry(app: Flask, entry_id: int) -> bool | None:
    """Take one outbox row and run its job, in an app context: True when done, False when it failed
    (tried again later, or ``failed`` after the last attempt), None when it was not ours to run
    (done already, not due, or held by another runner)."""
    session = db.session
    entry = claim(session, entry_id, now=utcnow(), lease=lease(app.config))
    if entry is None:
        return None
    job, attempt = job_of(entry), entry.attempts
    try:
        with running_entry(entry_id):
            JOBS[job.name](*job.args)
    except Exception as exc:
        session.rollback()
        status = mark_failed_attempt(session, entry_id, f"{type(exc).__name__}: {exc}", now=utcnow())
        if status is OutboxStatus.FAILED:
            log.error("job %s #%d failed for good after %d attempts (flask --app app jobs retry)",
                      job.name, entry_id, attempt, exc_info=exc)
        else:
            log.warning("job %s #%d failed (attempt %d), will be tried again: %s: %s",
                        job.name, entry_id, attempt, type(exc).__name__, exc)
        return False
    mark_done(session, entry_id, now=utcnow())
    return True


def run_outbox_entry(entry_id: int) -> None:
    """The RQ job: run outbox row ``entry_id`` (in the worker's app context)."""
    run_entry(current_app._get_current_object(), entry_id)  # type: ignore[attr-defined]


def run_due(app: Flask, *, limit: int = 200, should_stop: threading.Event | None = None) -> int:
    """Run the outbox rows that are due, in this process; how many ran (done or failed)."""
    ran = 0
    ids = due_ids(db.session, now=utcnow(), limit=limit)
    db.session.commit()
    for entry_id in ids:
        if should_stop is not None and should_stop.is_set():
            break
        if run_entry(app, entry_id) is not None:
            ran += 1
    return ran


# --- handing rows out after commit ---------------------------------------------------------------------


def hand_to_rq(app: Flask, entry_ids: Iterable[int]) -> bool:
    """Put the rows on the RQ queue; False when Redis cannot take them now (they stay pending, and the
    worker's sweep hands them out later)."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return True
    if not redis_outage.should_try():
        return False
    try:
        queue = _queue(app)
        timeout = max(1, int(app.config["JOBS_LEASE_SECONDS"] * 0.8))  # RQ stops a job before its lease ends
        with queue.connection.pipeline() as pipe:
            for entry_id in entry_ids:
                queue.enqueue_call(run_outbox_entry, args=(entry_id,), job_id=f"{RQ_JOB_PREFIX}{entry_id}",
                                   timeout=timeout, result_ttl=0, failure_ttl=24 * 3600, pipeline=pipe)
            pipe.execute()
    except (RedisError, OSError) as exc:
        redis_outage.failed(exc)
        return False
    redis_outage.recovered()
    return True


def dispatch(entry_ids: list[int]) -> None:
    """Called by the unit of work after the commit that wrote these outbox rows."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        hand_to_rq(app, entry_ids)
    elif has_request_context():
        runner = app.extensions.get(EXTENSION)
        if runner is not None:  # off (JOBS_BACKGROUND_THREAD=0): `flask jobs run` or the tests run them
            runner.wake()
    else:
        for entry_id in entry_ids:
            run_entry(app, entry_id)


# --- in the web process, without Redis --------------------------------------------------------------


class BackgroundRunner:
    """A thread of the web process that runs outbox rows off the request: woken by each commit that
    wrote some, and every ``JOBS_POLL_SECONDS`` for retries and rows another process left. Started
    in each process (after gunicorn forks) on its first request."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake_up = threading.Event()
        self.stopping = threading.Event()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_running(self) -> None:
        if self._pid == os.getpid() or self.stopping.is_set():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="readerdesk-jobs", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self.ensure_running()
        self.wake_up.set()

    def stop(self, timeout: float = 30) -> None:
        """Stop after the job in hand, and wait for that (the app is going away: tests, an embedding server)."""
        self.stopping.set()
        self.wake_up.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout)

    def _loop(self) -> None:
        _run_guarded(self.app, self._start_timetable)  # without Redis there is no worker to do it
        while not self.stopping.is_set():
            self.wake_up.wait(self.app.config["JOBS_POLL_SECONDS"])
            self.wake_up.clear()
            if not self.stopping.is_set():
                _run_guarded(self.app, lambda: run_due(self.app, should_stop=self.stopping))
            if not self.stopping.is_set():
                _purge_now_and_then(self.app)


    @staticmethod
    def _start_timetable() -> None:
        start_timetable(db.session, utcnow())
        db.session.commit()


def _run_guarded(app: Flask, work: Callable[[], object]) -> None:
    """Background work, in an app context: ``work()`` again while it returns something true (it found
    more to do). A database outage is logged once; a bug with its traceback."""
    with app.app_context():
        try:
            while work():
                pass
            database_outage.recovered()
        except SQLAlchemyError as exc:
            db.session.rollback()
            database_outage.failed(exc)
        except Exception:
            log.exception("running the outbox failed")
        finally:
            db.session.remove()


def init_app(app: Flask) -> None:
    """Without Redis, give each web process its background runner; say once that mail is off."""
    if not app.config.get("MAIL_SERVER"):
        log.info("MAIL_SERVER is not set: no email is sent, and mail jobs are not queued")
    if app.config.get("REDIS_URL") or not app.config.get("JOBS_BACKGROUND_THREAD", True):
        return
    runner = BackgroundRunner(app)
    app.extensions[EXTENSION] = runner
    app.before_request(runner.ensure_running)  # picks up rows left from before a restart


# --- the worker, with Redis -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    handed: int = 0
    ran: int = 0


def _waiting_in_rq(queue: Queue, entry_ids: list[int]) -> set[int]:
    jobs = RQJob.fetch_many([f"{RQ_JOB_PREFIX}{i}" for i in entry_ids], connection=queue.connection)
    waiting = set()
    for entry_id, job in zip(entry_ids, jobs, strict=True):
        try:
            if job is not None and job.get_status(refresh=False) in WAITING_IN_RQ:
                waiting.add(entry_id)
        except NoSuchJobError:
            pass
    return waiting


def sweep(app: Flask, should_stop: threading.Event | None = None) -> SweepResult:
    """Hand out again the due rows RQ no longer holds; while Redis is unreachable, run them here."""
    result = SweepResult()
    now = utcnow()
    ids = due_ids(db.session, now=now, due_by=now - HANDOVER_GRACE)
    db.session.commit()
    if not ids:
        return result
    queue = _queue(app)
    try:
        lost = [i for i in ids if i not in _waiting_in_rq(queue, ids)]
        redis_outage.recovered()
    except (RedisError, OSError) as exc:
        redis_outage.failed(exc)
        lost = None
    if lost is not None and hand_to_rq(app, lost):
        result.handed = len(lost)
        return result
    for entry_id in ids:  # Redis is down: the worker does the work itself
        if should_stop is not None and should_stop.is_set():
            break
        if run_entry(app, entry_id) is not None:
            result.ran += 1
    return result


_last_purge = 0.0


def _purge_now_and_then(app: Flask) -> None:
    """Forget jobs done more than JOBS_KEEP_DONE_DAYS ago, once an hour per process."""
    global _last_purge
    if time.monotonic() - _last_purge < PURGE_EVERY_SECONDS:
        return
    _last_purge = time.monotonic()
    days = app.config["JOBS_KEEP_DONE_DAYS"]

    def purge() -> None:
        removed = purge_done(db.session, before=utcnow() - timedelta(days=days))
        db.session.commit()
        if removed:
            log.info("removed %d outbox rows done more than %d days ago", removed, days)

    _run_guarded(app, purge)


class OutboxWorker(SimpleWorker):
    """RQ's SimpleWorker (jobs run in this process: they keep the app context and the database pool
    is not forked; there is no scheduler child either). A stop signal stops the sweep too."""

    def __init__(self, *args, stopping: threading.Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.stopping = stopping

    def request_stop(self, signum, frame):
        self.stopping.set()
        super().request_stop(signum, frame)


def run_worker(app: Flask, burst: bool = False) -> None:
    """``flask --app app worker``: run RQ jobs and sweep the outbox until SIGTERM or SIGINT.

    A first signal finishes the job in hand and stops; a second stops at once. With ``burst``, hand out
    and run what is due now, then return."""
    stopping = threading.Event()
    queue = _queue(app, blocking=True)
    worker = OutboxWorker([queue], connection=queue.connection, stopping=stopping)
    worker.max_connection_wait_time = max(1.0, float(app.config["JOBS_POLL_SECONDS"]))  # back soon after Redis is
    with app.app_context():
        if burst:
            sweep(app)
            worker.work(burst=True, with_scheduler=False)
            return
        sweeper = threading.Thread(target=_sweep_loop, args=(app, stopping), name="readerdesk-sweep", daemon=True)
        try:
            for signum in (signal.SIGTERM, signal.SIGINT):  # RQ's own handler, also before work() installs it
                signal.signal(signum, worker.request_stop)
            sweeper.start()
            while not stopping.is_set():
                try:
                    worker.work(burst=False, with_scheduler=False)  # returns on a stop, or when Redis fails
                except (RedisError, OSError) as exc:
                    redis_outage.failed(exc)
                stopping.wait(app.config["JOBS_POLL_SECONDS"])
        except StopRequested:  # a signal outside work()
            pass
        finally:
            stopping.set()
            if sweeper.is_alive():
                sweeper.join(timeout=app.config["JOBS_LEASE_SECONDS"])
            log.info("worker stopped")


def _sweep_loop(app: Flask, stopping: threading.Event) -> None:
    while not stopping.wait(app.config["JOBS_POLL_SECONDS"]):
        _run_guarded(app, lambda: bool(sweep(app, stopping).ran) and not stopping.is_set())
        _purge_now_and_then(app)
