"""Background jobs: side effects that leave the process (email, Slack, re-fetching a page).

``enqueue(func, *args)`` is called *after* the transaction that caused the job has committed.
With ``REDIS_URL`` set, jobs go to an RQ queue (run by ``flask --app app worker``) with retries;
without it they run inline, right away, with the same retries, and a failure is logged, never
raised: a failed email must not turn a stored decision into an error page.

Job functions take plain arguments (ids, strings) and run inside an app context.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger("readerdesk.jobs.runner")
QUEUE_NAME = "readerdesk"
RETRY_INTERVALS = (10, 60, 300)  # seconds, for RQ; inline retries do not wait that long
INLINE_RETRY_DELAYS = (0.0, 0.2, 0.5)


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def enqueue(func: Callable, *args, **kwargs) -> None:
    # The proxy's app object, not the proxy: RQ and inline retries need it. Flask types current_app
    # as the app itself, so the type checker does not know the proxy's method.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL") and not app.config.get("JOBS_INLINE"):
        from rq import Retry

        try:
            retry = Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))
            _queue(app).enqueue(func, *args, **kwargs, retry=retry)
            return
        except Exception:  # Redis down: do the work now rather than lose it
            log.exception("could not enqueue %s; running it inline", func.__name__)
    run_inline(func, *args, **kwargs)


def run_inline(func: Callable, *args, **kwargs) -> bool:
    """Run a job now, retrying; True when it succeeded. Never raises."""
    for attempt, delay in enumerate(INLINE_RETRY_DELAYS, start=1):
        if delay:
            time.sleep(delay)
        try:
            func(*args, **kwargs)
            return True
        except Exception:
            log.exception("job %s failed (attempt %d of %d)", func.__name__, attempt, len(INLINE_RETRY_DELAYS))
    return False


def run_worker(app: Flask, burst: bool = False) -> None:
    """Process the RQ queue inside this app's context (``flask --app app worker``)."""
    from rq import SimpleWorker

    queue = _queue(app)
    with app.app_context():
        # SimpleWorker runs jobs in this process: they keep the app context and the DB pool is not forked.
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
