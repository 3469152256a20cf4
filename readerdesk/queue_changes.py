"""After a commit that changed reports, tell the open desk queues: bump the queue's version in Redis.

Every way a report changes ends in a commit of the app's session: a reader's report through the API,
a decision, a claim, a merge or split at the desk, a re-anchoring job, a CLI command. So this is
watched on the session, once, not in each view: a flush that writes a report, or an UPDATE/DELETE
statement on the reports' table, marks the session, and when that transaction commits (never before,
never when it rolls back) the version in Redis is bumped (``services.desk.live_queue.bump_version``).

Without ``REDIS_URL`` nothing is bumped: queues read the version from the database. A Redis that does
not answer never fails the change that was committed: the bump is owed, made at this process's next
chance (the next commit or queue poll it serves), and until Redis is back the queues' polls read
the version from the database, as without Redis.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from readerdesk.clock import utcnow
from readerdesk.jobs.runner import Outage, redis_client
from readerdesk.models import Correction
from readerdesk.models.types import DbSession
from readerdesk.services.desk.live_queue import bump_version, database_version, redis_version

log = logging.getLogger("readerdesk.queue_changes")
CHANGED = "readerdesk.queue_changed"
redis_outage = Outage("Redis (the desk queue's version)", "open queues read their version from the database")
_owed = threading.Event()  # a bump Redis did not take


def _touches_reports(session: Session) -> bool:
    return any(isinstance(obj, Correction) for obj in (*session.new, *session.dirty, *session.deleted))


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    if _touches_reports(session):
        session.info[CHANGED] = True


def _on_execute(state: ORMExecuteState) -> None:
    """An UPDATE or DELETE statement on the reports' table (a conditional decision, a merge)."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and table is not None and table.name == Correction.__tablename__:
        state.session.info[CHANGED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(CHANGED, False) and has_app_context():
        announce(current_app.config)


def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(CHANGED, None)


def watch() -> None:
    """Watch every Flask-SQLAlchemy session (``db.session``, whatever its app) for changes to reports.
    Idempotent: each app calls it."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                           ("after_commit", _after_commit), ("after_soft_rollback", _after_rollback)):
        if not event.contains(FlaskSession, name, listener):
            event.listen(FlaskSession, name, listener)


def _redis(config: Mapping):
    return redis_client(config["REDIS_URL"], timeout=config["REDIS_TIMEOUT"])


def announce(config: Mapping) -> None:
    """Bump the queue version in Redis, if there is one; never raises."""
    if not config.get("REDIS_URL"):
        return
    _owed.set()
    if not redis_outage.should_try():
        return
    try:
        bump_version(_redis(config), now=utcnow())
    except RedisError as exc:
        redis_outage.failed(exc)
        return
    _owed.clear()
    redis_outage.recovered()


def current_version(session: DbSession, config: Mapping) -> str:
    """The queue's version: Redis's when it holds one and answers, else the database's."""
    if config.get("REDIS_URL") and redis_outage.should_try():
        try:
            if _owed.is_set():
                bump_version(_redis(config), now=utcnow())
                _owed.clear()
            version = redis_version(_redis(config))
        except RedisError as exc:
            redis_outage.failed(exc)
        else:
            redis_outage.recovered()
            if version is not None:
                return version
    return database_version(session)
