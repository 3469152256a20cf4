"""The daily purge on the worker's schedule (with Redis): scheduled once a day whatever restarts, run
by the worker, and scheduling the next."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.jobs.privacy import daily_purge, next_purge_at, schedule_next_purge
from readerdesk.models import AuditEntry, Correction
from tests.factories import make_correction

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


def test_the_purge_runs_at_three_in_the_morning_utc():
    day = datetime(2026, 11, 20, tzinfo=UTC)
    assert next_purge_at(day.replace(hour=2, minute=59)) == day.replace(hour=3)
    assert next_purge_at(day.replace(hour=3)) == day.replace(hour=3) + timedelta(days=1)
    assert next_purge_at(day.replace(hour=23)) == day.replace(hour=3) + timedelta(days=1)


@pytest.fixture
def queue(app):
    from redis import Redis
    from rq import Queue

    from readerdesk.jobs.runner import QUEUE_NAME

    app.config["REDIS_URL"] = REDIS_URL
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(REDIS_URL))
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)
    yield queue
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)


@needs_redis
def test_scheduling_again_replaces_rather_than_adds(queue):
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    schedule_next_purge(now)
    schedule_next_purge(now + timedelta(hours=5))  # the worker restarted
    registry = queue.scheduled_job_registry
    assert registry.get_job_ids() == ["readerdesk-privacy-purge-2026-11-21"]
    assert registry.get_scheduled_time("readerdesk-privacy-purge-2026-11-21") == datetime(2026, 11, 21, 3, tzinfo=UTC)


@needs_redis
def test_the_worker_command_puts_the_purge_on_its_schedule(queue, runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    at = next_purge_at(utcnow())
    assert f"The next privacy purge runs at {at:%Y-%m-%d %H:%M} UTC." in result.output
    assert queue.scheduled_job_registry.get_job_ids() == [f"readerdesk-privacy-purge-{at:%Y-%m-%d}"]


@needs_redis
def test_the_worker_runs_the_purge_and_it_schedules_the_next(app, queue, db_session):
    from readerdesk.jobs.runner import run_worker

    long_ago = utcnow() - timedelta(days=60)
    report = make_correction(db_session, reader_email="x@example.org", created_at=long_ago, ip_hash="cd" * 32)
    db_session.commit()
    queue.enqueue(daily_purge)  # as the scheduler does when its time comes
    run_worker(app, burst=True)
    db_session.expire_all()
    assert db_session.get(Correction, report.id).ip_hash == ""
    [entry] = db_session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_name, entry.counts) == ("purge", "the worker's daily schedule", {"ip_hashes": 1})
    tomorrow = next_purge_at(utcnow())
    assert queue.scheduled_job_registry.get_job_ids() == [f"readerdesk-privacy-purge-{tomorrow:%Y-%m-%d}"]
