"""The runner: jobs run after the response (a thread without Redis, RQ with it), a failure is tried
again later and never inside the request, and what Redis loses is handed out again.

The Redis tests start their own ``redis-server`` (``tests.local_servers``) and stop or flush it; they
never touch a shared one."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from ipaddress import ip_network

import pytest
from rq import Queue
from sqlalchemy import func, select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs import runner
from readerdesk.jobs.timetable import TIMETABLED_JOBS
from readerdesk.models import AnchorState, Correction, NotificationSent, OutboxEntry, OutboxStatus
from readerdesk.services.desk import moderation
from readerdesk.services.effects import Job
from readerdesk.unit_of_work import unit_of_work
from tests.conftest import mail_settings
from tests.factories import make_article, make_correction, make_site, make_user
from tests.fakes.http import LocalServer
from tests.fakes.smtp import SmtpServer
from tests.local_servers import RedisServer, have_redis

needs_redis_server = pytest.mark.skipif(not have_redis(), reason="redis-server is not installed")


def report(client, article, key="runner-report-1"):
    return client.post("/api/v1/corrections", json={
        "idempotency_key": key, "article_url": article.url, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": "voted twelve to five"}], "comment": "Eleven."})


def decided_correction(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session, make_article(db_session), reader_email="reader@example.org",
                                 notify_reader=True)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    return correction, event




def outbox(db_session, *, timetable: bool = False) -> list[tuple[str, OutboxStatus, int]]:
    """The outbox's rows, without the timetabled ones unless asked."""
    db_session.expire_all()
    return [(e.job, e.status, e.attempts) for e in db_session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
            if timetable or e.job not in TIMETABLED_JOBS]


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class SlowSmtp(SmtpServer):
    """A mail server that takes a second per message: a request that waited on it would show."""

    def __init__(self):
        super().__init__()
        inner = self.inbox.handle_DATA

        async def slow(server, session, envelope):
            await asyncio.sleep(1)
            return await inner(server, session, envelope)

        self.inbox.handle_DATA = slow


# --- without Redis ---------------------------------------------------------------------------------------


def test_a_failing_job_is_recorded_and_left_for_later_not_retried_at_once(app, db_session, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, HTTP_TIMEOUT=2)  # nothing listens there
    correction, event = decided_correction(db_session)
    with unit_of_work(db.session, dispatch=lambda ids: None) as work:
        work.after_commit(Job("after_decision", (correction.id, event.id)))
    [entry_id] = db_session.scalars(select(OutboxEntry.id)).all()
    with caplog.at_level(logging.WARNING, logger="readerdesk.jobs.runner"):
        assert runner.run_entry(app, entry_id) is False
        assert runner.run_due(app) == 0  # not due again for a while
    assert outbox(db_session) == [("after_decision", OutboxStatus.PENDING, 1)]
    [record] = caplog.records
    assert "will be tried again" in record.getMessage() and record.exc_info is None  # one line, no traceback
    assert db_session.scalar(select(func.count(NotificationSent.id))) == 0


@pytest.mark.real_commits  # the runner's thread has its own connection
@pytest.mark.app_config(JOBS_BACKGROUND_THREAD=True, JOBS_POLL_SECONDS=0.2, EDITOR_NOTIFICATIONS="each")
def test_without_redis_a_thread_sends_the_email_after_the_response(app, client, db_session):
    slow = SlowSmtp().start()
    try:
        app.config.update(mail_settings(slow))
        make_user(db_session, "desk@example.com")
        article = make_article(db_session)
        db_session.commit()
        started = time.monotonic()
        assert report(client, article).status_code == 201
        assert time.monotonic() - started < 0.9  # the one-second mail server did not hold the reader up
        assert wait_for(lambda: len(slow.messages) == 1)
        assert wait_for(lambda: outbox(db_session) == [("new_correction", OutboxStatus.DONE, 1)])
    finally:
        app.extensions[runner.EXTENSION].stop()
        slow.stop()


@pytest.mark.real_commits  # the runner's thread has its own connection
@pytest.mark.app_config(JOBS_BACKGROUND_THREAD=True, JOBS_POLL_SECONDS=0.2)
def test_without_redis_the_job_thread_puts_the_timetable_on_the_outbox(app, db_session):
    """No worker runs without Redis: the web process's thread schedules the purge and the reminders."""
    job_thread = app.extensions[runner.EXTENSION]
    try:
        job_thread.wake()
        pending = TIMETABLED_JOBS
        assert wait_for(lambda: {job for job, status, _ in outbox(db_session, timetable=True)
                                 if status is OutboxStatus.PENDING} == pending)
    finally:
        job_thread.stop()


SLOW_PAGE_SECONDS = 3


@pytest.mark.real_commits  # the runner's thread has its own connection
@pytest.mark.app_config(JOBS_BACKGROUND_THREAD=True, JOBS_POLL_SECONDS=0.2,
                        ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])  # the publisher is on 127.0.0.1
def test_a_readers_post_never_waits_on_a_slow_publisher_page(app, client, db_session):
    """The security review's finding: a quote not found made the request fetch the article (46 s on a
    slow page). The re-fetch is a job: the POST answers at once, the thread anchors the report later."""
    released = threading.Event()

    def slow_page(*request):
        released.wait(SLOW_PAGE_SECONDS)
        return 200, {"Content-Type": "text/html"}, b"<html><body><article><p>New wording here.</p></article></body>"

    with LocalServer(slow_page) as publisher:
        try:
            site = make_site(db_session, base_url=publisher.url, body_selector="article")
            site.connector = "html"
            article = make_article(db_session, site, url=publisher.url + "/story", html="<p>Old wording here.</p>")
            db_session.commit()
            started = time.monotonic()
            response = client.post("/api/v1/corrections", json={
                "idempotency_key": "slow-page-01", "article_url": article.url, "kind": "typo",
                "selectors": [{"type": "TextQuoteSelector", "exact": "New wording"}]})
            elapsed = time.monotonic() - started
            assert response.status_code == 201 and response.get_json()["anchored"] is False
            assert elapsed < SLOW_PAGE_SECONDS / 2, f"the POST waited {elapsed:.1f}s on the publisher"
            released.set()
            assert wait_for(lambda: outbox(db_session) == [("refetch_and_anchor", OutboxStatus.DONE, 1)], timeout=30)
        finally:
            released.set()
            app.extensions[runner.EXTENSION].stop()
    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.ANCHORED and correction.revision.number == 2


def test_without_a_mail_server_a_report_queues_no_mail_job(app, client, db_session):
    make_user(db_session, "desk@example.com")
    article = make_article(db_session)
    db_session.commit()
    assert report(client, article).status_code == 201
    assert outbox(db_session) == []


# --- with Redis (our own redis-server) ------------------------------------------------------------------------


@pytest.fixture
def own_redis(app):
    if not have_redis():
        pytest.skip("redis-server is not installed")
    with RedisServer() as server:
        app.config.update(REDIS_URL=server.url(), JOBS_LEASE_SECONDS=30)
        yield server


@pytest.fixture
def inbox():
    server = SmtpServer().start()
    yield server
    server.stop()


def rq_count(server) -> int:
    return Queue(runner.QUEUE_NAME, connection=server.client()).count


def decide_with_email(app, db_session, inbox):
    app.config.update(mail_settings(inbox))
    correction, event = decided_correction(db_session)
    with unit_of_work(db.session) as work:
        work.after_commit(Job("after_decision", (correction.id, event.id)))


@needs_redis_server
def test_with_redis_the_job_goes_to_rq_and_the_worker_sends_it_once(app, db_session, own_redis, inbox):
    decide_with_email(app, db_session, inbox)
    assert rq_count(own_redis) == 1 and inbox.messages == []
    runner.run_worker(app, burst=True)
    assert len(inbox.messages) == 1
    assert outbox(db_session) == [("after_decision", OutboxStatus.DONE, 1)]
    runner.run_worker(app, burst=True)  # nothing left, nothing sent twice
    assert len(inbox.messages) == 1


@needs_redis_server
def test_a_redis_flush_loses_nothing_the_sweep_hands_it_out_again(app, db_session, own_redis, inbox):
    decide_with_email(app, db_session, inbox)
    own_redis.flush()
    assert rq_count(own_redis) == 0
    time.sleep(runner.HANDOVER_GRACE.total_seconds())  # the sweep leaves a row this fresh to its request
    assert runner.sweep(app) == runner.SweepResult(handed=1)
    assert runner.sweep(app) == runner.SweepResult()  # waiting in RQ now: not handed twice
    runner.run_worker(app, burst=True)
    assert len(inbox.messages) == 1
    assert outbox(db_session) == [("after_decision", OutboxStatus.DONE, 1)]


@needs_redis_server
def test_with_redis_down_reports_are_stored_and_the_worker_runs_their_jobs_itself(
        app, client, db_session, own_redis, inbox, caplog):
    app.config.update(mail_settings(inbox), EDITOR_NOTIFICATIONS="each")
    make_user(db_session, "desk@example.com")
    article = make_article(db_session)
    db_session.commit()
    own_redis.stop()
    runner.redis_outage.recovered()
    with caplog.at_level(logging.WARNING, logger="readerdesk.jobs.runner"):
        codes = [report(client, article, key=f"redis-down-{i}").status_code for i in range(3)]
    assert codes == [201, 201, 201]
    assert db_session.scalar(select(func.count(Correction.id))) == 3
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["Redis is unreachable"]  # said once
    assert [status for _, status, _ in outbox(db_session)] == [OutboxStatus.PENDING] * 3

    time.sleep(runner.HANDOVER_GRACE.total_seconds())
    runner.redis_outage.recovered()
    assert runner.sweep(app) == runner.SweepResult(ran=3)  # Redis still down: the worker sends them itself
    assert len(inbox.messages) == 3
    assert [status for _, status, _ in outbox(db_session)] == [OutboxStatus.DONE] * 3
