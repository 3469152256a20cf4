"""The daily purge on the outbox's timetable: one pending run whatever restarts, run when it is due by
whatever runs the outbox, and each run scheduling the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.jobs.privacy import next_purge_at, schedule_next_purge
from readerdesk.jobs.runner import run_due
from readerdesk.models import AuditEntry, Correction, OutboxEntry, OutboxStatus
from tests.factories import make_correction
from tests.local_servers import RedisServer, have_redis


def scheduled(db_session) -> list[tuple[OutboxStatus, datetime]]:
    db_session.expire_all()
    return [(e.status, e.next_attempt_at) for e in db_session.scalars(
        select(OutboxEntry).where(OutboxEntry.job == "daily_purge").order_by(OutboxEntry.id))]


def test_the_purge_runs_at_three_in_the_morning_utc():
    day = datetime(2026, 11, 20, tzinfo=UTC)
    assert next_purge_at(day.replace(hour=2, minute=59)) == day.replace(hour=3)
    assert next_purge_at(day.replace(hour=3)) == day.replace(hour=3) + timedelta(days=1)
    assert next_purge_at(day.replace(hour=23)) == day.replace(hour=3) + timedelta(days=1)


def test_scheduling_again_replaces_rather_than_adds(db_session):
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    schedule_next_purge(db_session, now)
    db_session.commit()
    schedule_next_purge(db_session, now + timedelta(hours=5))  # the worker restarted
    db_session.commit()
    assert scheduled(db_session) == [(OutboxStatus.PENDING, datetime(2026, 11, 21, 3, tzinfo=UTC))]


def test_the_worker_command_puts_the_purge_on_the_timetable(app, db_session, runner):
    if not have_redis():
        pytest.skip("redis-server is not installed")
    with RedisServer() as server:
        app.config.update(REDIS_URL=server.url())
        result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    at = next_purge_at(utcnow())
    assert f"The next privacy purge runs at {at:%Y-%m-%d %H:%M} UTC." in result.output
    assert scheduled(db_session) == [(OutboxStatus.PENDING, at)]


def test_a_due_purge_runs_from_the_outbox_and_schedules_the_next(app, db_session):
    long_ago = utcnow() - timedelta(days=60)
    report = make_correction(db_session, reader_email="x@example.org", created_at=long_ago, ip_hash="cd" * 32)
    schedule_next_purge(db_session, utcnow() - timedelta(days=1))  # its time has come
    db_session.commit()
    assert run_due(app) == 1
    db_session.expire_all()
    assert db_session.get(Correction, report.id).ip_hash == ""
    [entry] = db_session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_name, entry.counts) == ("purge", "the worker's daily schedule", {"ip_hashes": 1})
    tomorrow = next_purge_at(utcnow())
    assert scheduled(db_session)[-1] == (OutboxStatus.PENDING, tomorrow)
    assert [status for status, _ in scheduled(db_session)] == [OutboxStatus.DONE, OutboxStatus.PENDING]
