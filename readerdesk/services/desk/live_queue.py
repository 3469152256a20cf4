"""What an open desk queue needs to stay current without a reload (``/desk/queue/updates``).

The queue page polls with the version it last saw. The version is a token that changes whenever
anything a queue shows may have changed (a new report, a claim, a decision, a merge or split, a
re-anchoring): while it is unchanged the answer is "304 Not Modified" and nothing else is read.

- With Redis (``REDIS_URL``), every commit that touched a report increments :data:`VERSION_KEY` and
  publishes the new value on :data:`CHANNEL` (``readerdesk.queue_changes``), so reading the version
  is one Redis GET and no query at all, on every app server alike.
- Without Redis, or while it is unreachable, the version is read from the database: the latest
  ``updated_at`` (an index), the highest report id and the highest moderation event id (primary keys),
  in one statement. The last two keep it moving even when two servers' clocks disagree.

When it has changed, :func:`queue_changes` says what the page must do: the rows that arrived in its
tab since it last looked, the rows it shows that changed (and whether they are still in the tab),
and the tab counts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from readerdesk.models import Correction, ModerationEvent, User
from readerdesk.models.types import DbSession
from readerdesk.services.desk.queue import (
    QueueError,
    QueueFilters,
    check_filters,
    filter_conditions,
    status_conditions,
)
from readerdesk.text.languages import N_

VERSION_KEY = "readerdesk:desk-queue:version"
CHANNEL = "readerdesk:desk-queue"
# A report is stamped (updated_at) before its transaction commits, so one committed just after a
# page looked can carry a stamp from just before: look this far back, and skip the rows it shows.
OVERLAP = timedelta(seconds=30)
# The rows a poll may name: a page of 50 and as many arrived, about 1,700 characters of query string,
# well inside gunicorn's 4,094-byte request line (static/desk.js sends the first 100).
MAX_SHOWN = 100
MAX_ARRIVED = 50


def database_version(session: DbSession) -> str:
    """The queue's version read from the database: three index lookups in one statement."""
    latest, last_report, last_event = session.execute(select(
        select(func.max(Correction.updated_at)).scalar_subquery(),
        select(func.max(Correction.id)).scalar_subquery(),
        select(func.max(ModerationEvent.id)).scalar_subquery(),
    )).one()
    return f"d.{micros(latest) if latest else 0}.{last_report or 0}.{last_event or 0}"


def redis_counter(redis: Redis) -> int | None:
    """The counter Redis keeps; None when it holds none (never bumped, or flushed)."""
    raw = redis.get(VERSION_KEY)
    return None if raw is None else int(raw)


def redis_version(counter: int) -> str:
    """The queue's version for Redis's counter (never equal to a database version)."""
    return f"r.{counter}"


def bump_version(redis: Redis, *, now: datetime) -> int:
    """A new queue version, published to whoever listens. A missing key (a flushed or new Redis)
    starts from the clock in microseconds, so a version a page saw before is never handed out again.
    One round trip (a script: every report's commit bumps it); redis-py loads the script again into a
    Redis that restarted since."""
    return int(_BUMP(keys=[VERSION_KEY], args=[micros(now), CHANNEL], client=redis))


# Scripts are sent by their digest, so one object serves every Redis client.
_BUMP = Redis().register_script("""
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local version = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[2], version)
return version
""")


def micros(moment: datetime) -> int:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1_000_000)


def row_stamp(correction: Correction) -> str:
    """What a queue row shows, in a word: it differs whenever the row would be drawn differently.
    Eight hex digits, so a page's ``shown`` list stays short in the query string."""
    return format(zlib.crc32(f"{correction.version}.{micros(correction.updated_at)}".encode()), "08x")


def parse_shown(raw: str) -> dict[int, str]:
    """The rows a page shows, "<id>:<stamp>,…", as {id: stamp}; :class:`QueueError` when it is not that."""
    shown: dict[int, str] = {}
    for item in filter(None, raw.split(",")):
        correction_id, _colon, stamp = item.partition(":")
        if not correction_id.isdigit() or len(correction_id) > 18 or not 0 < len(stamp) <= 40:
            raise QueueError(N_("The list of reports on the page is broken; reload the page."))
        shown[int(correction_id)] = stamp
    if len(shown) > MAX_SHOWN:
        raise QueueError(N_("A page can follow at most %(max)d reports; reload the page."), max=MAX_SHOWN)
    return shown


def parse_seen(raw: str) -> datetime:
    """When the page last looked, as :func:`micros` gave it; :class:`QueueError` when it is not that."""
    if not raw.isdigit() or len(raw) > 18:
        raise QueueError(N_("The time the page was drawn is missing or broken; reload the page."))
    return datetime.fromtimestamp(int(raw) / 1_000_000, UTC)


@dataclass
class QueueChanges:
    arrived: list[Correction]  # in the tab now, not on the page: newest first (none asked: [])
    changed: list[tuple[Correction, bool]]  # on the page and drawn differently now; still in the tab?
    gone: list[int]  # on the page, and no longer there at all (their article was deleted)
    checked_at: datetime  # what the page sends as ``seen`` next time


def queue_changes(session: DbSession, filters: QueueFilters, *, actor: User, seen: datetime | None,
                  shown: dict[int, str], now: datetime) -> QueueChanges:
    """What changed for a page showing ``shown`` ({id: stamp}) under ``filters`` since ``seen``.
    ``seen`` None: only the rows shown (a later page of the queue, where new rows do not belong)."""
    check_filters(filters)
    conds = [*filter_conditions(session, filters, actor), *status_conditions(filters.tab)]
    arrived: list[Correction] = []
    if seen is not None:
        arrived_stmt = (select(Correction).where(*conds, Correction.updated_at > seen - OVERLAP)
                        .order_by(Correction.updated_at.desc(), Correction.id.desc()))
        if shown:
            arrived_stmt = arrived_stmt.where(Correction.id.not_in(shown))
        arrived = list(session.scalars(arrived_stmt.options(joinedload(Correction.article)).limit(MAX_ARRIVED)))
    changed: list[tuple[Correction, bool]] = []
    gone: list[int] = []
    if shown:
        rows = list(session.scalars(select(Correction).where(Correction.id.in_(shown))
                                    .options(joinedload(Correction.article)).order_by(Correction.id)))
        gone = sorted(set(shown) - {row.id for row in rows})
        moved = [row for row in rows if row_stamp(row) != shown[row.id]]
        if moved:
            in_tab = set(session.scalars(select(Correction.id).where(
                Correction.id.in_([row.id for row in moved]), *conds)))
            changed = [(row, row.id in in_tab) for row in moved]
    return QueueChanges(arrived=arrived, changed=changed, gone=gone, checked_at=now)
