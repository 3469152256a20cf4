"""After a commit that changed reports, tell the open desk queues: bump the queue's version in Redis.

Every way a report changes ends in a commit of the app's session: a reader's report through the API,
a decision, a claim, a merge or split at the desk, a re-anchoring job, a CLI command. So this is
watched on the session, once, not in each view: a flush that writes a report, or an UPDATE/DELETE
statement on the reports' table, marks the session, and when that transaction commits (never before,
never when it rolls back) the version in Redis is bumped (``services.desk.live_queue.bump_version``).

Reading it (:func:`current_version`, for each poll of an open queue): a thread of each process that
serves polls is subscribed to the bumps (:class:`VersionListener`), so an unchanged queue's poll
costs no round trip to Redis; while that thread is not subscribed, one GET; and without Redis, or
while it does not answer, the database's version (``services.desk.live_queue.database_version``).

Without ``REDIS_URL`` nothing is bumped. A Redis that does not answer never fails the change that was
committed: the bump is owed, made at this process's next chance (the next commit or queue poll it
serves), and until Redis is back the queues' polls read the version from the database.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from readerdesk.clock import utcnow
from readerdesk.jobs.runner import redis_client, redis_outage
from readerdesk.models import Correction
from readerdesk.models.correction import REPORTS_CHANGED, mark_reports_changed
from readerdesk.models.types import DbSession
from readerdesk.services.desk.live_queue import (
    CHANNEL,
    bump_version,
    database_version,
    redis_counter,
    redis_version,
)

log = logging.getLogger("readerdesk.queue_changes")
_owed = threading.Event()  # a bump Redis did not take


def _touches_reports(session: Session) -> bool:
    return any(isinstance(obj, Correction) for obj in (*session.new, *session.dirty, *session.deleted))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if _touches_reports(session):
        mark_reports_changed(session)


def _on_execute(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE statement on the reports' table (a conditional decision, a merge)."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and table is not None and table.name == Correction.__tablename__:
        mark_reports_changed(state.session)


def _after_commit(session: Session) -> None:
    if session.info.pop(REPORTS_CHANGED, False) and has_app_context():
        announce(current_app.config)


def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(REPORTS_CHANGED, None)


def watch() -> None:
    """Watch every Flask-SQLAlchemy session (``db.session``, whatever its app) for changes to reports.
    Idempotent: each app calls it."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                           ("after_commit", _after_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


def _redis(config: Mapping) -> Redis:
    return redis_client(config["REDIS_URL"], timeout=config["REDIS_TIMEOUT"])


class VersionListener:
    """A thread of this process subscribed to :data:`CHANNEL`: it holds the newest version Redis
    published, so a poll of an unchanged queue needs no round trip to Redis at all. It also reads the
    counter when it subscribes and every :data:`RECONCILE_SECONDS`, so a message lost while its
    connection was down is caught up within that time; while it is not subscribed, polls GET the
    counter instead. Started by the first poll a process serves (after gunicorn forks), one per Redis."""

    RECONCILE_SECONDS = 5.0
    RETRY_SECONDS = 2.0

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout
        self.latest: int | None = None
        self.subscribed = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="readerdesk-queue-version", daemon=True)
        self.thread.start()

    def saw(self, counter: int | None) -> None:
        """A counter read or published: the newest wins (the counter only grows)."""
        with self._lock:
            if counter is not None and (self.latest is None or counter > self.latest):
                self.latest = counter

    def version(self) -> str | None:
        """The version, while subscribed and holding one; None: ask Redis."""
        latest = self.latest
        return redis_version(latest) if self.subscribed and latest is not None else None

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except (RedisError, OSError, ValueError) as exc:
                log.info("the desk queue's version listener lost Redis (%s); polls ask Redis meanwhile",
                         str(exc).strip() or type(exc).__name__)
            self.subscribed = False
            self._stop.wait(self.RETRY_SECONDS)

    def _listen(self) -> None:
        client = Redis.from_url(self.url, socket_connect_timeout=self.timeout, socket_timeout=self.timeout,
                                retry=Retry(NoBackoff(), 0))
        pubsub = client.pubsub()
        try:
            pubsub.subscribe(CHANNEL)
            # Subscribed before the counter is read: a bump in between is then heard, not lost.
            confirmed = pubsub.get_message(timeout=self.timeout)
            if not confirmed or confirmed["type"] != "subscribe":
                raise RedisError("no confirmation of the subscription")
            reconcile_at = 0.0
            while not self._stop.is_set():
                if time.monotonic() >= reconcile_at:
                    self.saw(redis_counter(client))
                    self.subscribed = True
                    reconcile_at = time.monotonic() + self.RECONCILE_SECONDS
                message = pubsub.get_message(timeout=1.0)
                if message and message["type"] == "message":
                    self.saw(int(message["data"]))
        finally:
            self.subscribed = False
            pubsub.close()
            client.close()


_listeners: dict[tuple[str, int], VersionListener] = {}
_listeners_lock = threading.Lock()


def _listener(config: Mapping, *, start: bool) -> VersionListener | None:
    """This process's listener to ``REDIS_URL`` (a forked worker starts its own), started if asked."""
    key = (config["REDIS_URL"], os.getpid())
    with _listeners_lock:
        if key not in _listeners and start:
            _listeners[key] = VersionListener(config["REDIS_URL"], config["REDIS_TIMEOUT"])
        return _listeners.get(key)


def stop_listeners() -> None:
    """Stop every listener of this process (tests whose Redis goes away)."""
    with _listeners_lock:
        listeners = list(_listeners.values())
        _listeners.clear()
    for listener in listeners:
        listener.stop()


def announce(config: Mapping) -> None:
    """Bump the queue version in Redis, if there is one; never raises."""
    if not config.get("REDIS_URL"):
        return
    _owed.set()
    if not redis_outage.should_try():
        return
    try:
        counter = bump_version(_redis(config), now=utcnow())
    except RedisError as exc:
        redis_outage.failed(exc)
        return
    _owed.clear()
    redis_outage.recovered()
    listener = _listener(config, start=False)
    if listener is not None:  # this process's own change, known at once
        listener.saw(counter)


def current_version(session: DbSession, config: Mapping) -> str:
    """The queue's version: the listener's when it holds one, else Redis's when it holds one and
    answers, else the database's."""
    if config.get("REDIS_URL") and redis_outage.should_try():
        listener = _listener(config, start=True)
        assert listener is not None
        if not _owed.is_set() and (version := listener.version()) is not None:
            return version
        try:
            if _owed.is_set():
                listener.saw(bump_version(_redis(config), now=utcnow()))
                _owed.clear()
            counter = redis_counter(_redis(config))
        except RedisError as exc:
            redis_outage.failed(exc)
        else:
            redis_outage.recovered()
            if counter is not None:
                listener.saw(counter)
                return redis_version(counter)
    return database_version(session)
