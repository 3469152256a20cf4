"""``flask jobs status|retry|run``, as an admin would run them."""

from sqlalchemy import update

from readerdesk.clock import utcnow
from readerdesk.jobs.outbox import add_jobs
from readerdesk.models import OutboxEntry, OutboxStatus
from readerdesk.services.desk import moderation
from readerdesk.services.effects import Job
from tests.conftest import mail_settings
from tests.factories import make_article, make_correction, make_user


def _jobs(db_session, *jobs):
    entries = add_jobs(db_session, jobs, now=utcnow())
    db_session.commit()
    return [entry.id for entry in entries]


def _set(db_session, entry_id, **values):
    db_session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id).values(**values))
    db_session.commit()


def test_status_counts_pending_failed_and_done_and_names_the_failed_ones(runner, db_session):
    done, failed, _pending = _jobs(db_session, Job("refetch_and_anchor", (1,)), Job("refetch_and_anchor", (2,)),
                                   Job("refetch_and_anchor", (3,)))
    _set(db_session, done, status=OutboxStatus.DONE, done_at=utcnow())
    _set(db_session, failed, status=OutboxStatus.FAILED, attempts=6,
         last_error="RefetchError: https://news.example/x answered 503\nmore")
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("pending 1 (oldest queued") and lines[1:3] == ["failed  1", "done    1"]
    expected = f"  #{failed} refetch_and_anchor(2,) after 6 attempts: RefetchError: https://news.example/x answered 503"
    assert expected in lines
    assert "flask --app app jobs retry" in lines[-1]


def test_retry_sends_failed_jobs_round_again_and_without_redis_runs_them_now(app, runner, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = make_correction(db_session, make_article(db_session), reader_email="reader@example.org",
                                 notify_reader=True)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    [entry_id] = _jobs(db_session, Job("after_decision", (correction.id, event.id)))
    _set(db_session, entry_id, status=OutboxStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected")
    result = runner.invoke(args=["jobs", "retry"])
    assert result.exit_code == 0, result.output
    assert "Retrying 1 failed job(s)." in result.output and "1 done" in result.output
    assert [m["To"] for m in smtp_server.messages] == ["reader@example.org"]
    assert runner.invoke(args=["jobs", "retry"]).output.strip() == "No failed jobs."


def test_run_runs_the_jobs_that_are_due(runner, db_session):
    _jobs(db_session, Job("refetch_and_anchor", (404,)))  # no such report: nothing to do, done
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Ran 1 job(s). Now: 0 pending, 1 done, 0 failed"
