"""The outbox rows: taken by one runner at a time, tried again later, given up on, sent round again."""

from datetime import timedelta

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.jobs.outbox import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    add_jobs,
    claim,
    counts,
    due_ids,
    mark_done,
    mark_failed_attempt,
    purge_done,
    retry_failed,
)
from readerdesk.models import OutboxEntry, OutboxStatus
from readerdesk.services.effects import Job

LEASE = timedelta(seconds=60)


def one_job(session, now):
    [entry] = add_jobs(session, [Job("refetch_and_anchor", (7,))], now=now)
    session.commit()
    return entry.id


def test_one_runner_at_a_time_and_a_dead_runners_job_is_taken_over_after_its_lease(db_session):
    now = utcnow()
    entry_id = one_job(db_session, now)
    assert due_ids(db_session, now=now) == [entry_id]
    taken = claim(db_session, entry_id, now=now, lease=LEASE)
    assert taken is not None and taken.attempts == 1 and taken.args == [7]
    # Another runner (the sweep, a redelivered RQ job) cannot have it while the lease holds...
    assert claim(db_session, entry_id, now=now + timedelta(seconds=30), lease=LEASE) is None
    assert due_ids(db_session, now=now + timedelta(seconds=30)) == []
    # ...and takes it over once the runner died without finishing it.
    later = now + LEASE + timedelta(seconds=1)
    assert due_ids(db_session, now=later) == [entry_id]
    assert claim(db_session, entry_id, now=later, lease=LEASE).attempts == 2
    mark_done(db_session, entry_id, now=later)
    assert claim(db_session, entry_id, now=later + 2 * LEASE, lease=LEASE) is None
    assert counts(db_session)[OutboxStatus.DONE] == 1


def test_a_failed_attempt_waits_longer_each_time_then_the_job_fails(db_session):
    now = utcnow()
    entry_id = one_job(db_session, now)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert claim(db_session, entry_id, now=now, lease=LEASE) is not None
        status = mark_failed_attempt(db_session, entry_id, "SMTPConnectError: refused", now=now)
        entry = db_session.get(OutboxEntry, entry_id, populate_existing=True)
        if attempt < MAX_ATTEMPTS:
            assert status is OutboxStatus.PENDING and entry.locked_until is None
            assert entry.next_attempt_at == now + timedelta(seconds=RETRY_DELAYS[attempt - 1])
            assert claim(db_session, entry_id, now=now, lease=LEASE) is None  # not before its time
            now = entry.next_attempt_at
    assert status is OutboxStatus.FAILED and entry.last_error == "SMTPConnectError: refused"
    assert due_ids(db_session, now=now + timedelta(days=1)) == []

    assert retry_failed(db_session, now=now) == [entry_id]
    db_session.commit()
    entry = db_session.get(OutboxEntry, entry_id, populate_existing=True)
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 0)
    assert due_ids(db_session, now=now) == [entry_id]


def test_done_jobs_are_purged_after_a_while_but_pending_and_failed_ones_stay(db_session):
    now = utcnow()
    old_done, recent_done, pending, failed = (one_job(db_session, now) for _ in range(4))
    mark_done(db_session, old_done, now=now - timedelta(days=8))
    mark_done(db_session, recent_done, now=now)
    db_session.execute(OutboxEntry.__table__.update().where(OutboxEntry.id == failed)
                       .values(status=OutboxStatus.FAILED.value))
    db_session.commit()
    assert purge_done(db_session, before=now - timedelta(days=7)) == 1
    db_session.commit()
    assert set(db_session.scalars(select(OutboxEntry.id))) == {recent_done, pending, failed}


def test_a_stored_error_never_keeps_the_address_it_quotes(db_session):
    now = utcnow()
    entry_id = one_job(db_session, now)
    claim(db_session, entry_id, now=now, lease=LEASE)
    mark_failed_attempt(db_session, entry_id, "SMTPRecipientsRefused: {'reader@example.org': (550, b'no such "
                        "user <reader@example.org>')}", now=now)
    entry = db_session.get(OutboxEntry, entry_id, populate_existing=True)
    assert entry.last_error == "SMTPRecipientsRefused: {'[address]': (550, b'no such user <[address]>')}"
