"""The unit of work: jobs are written to the outbox with the change and handed out after the commit; a
domain error rolls both back and sends nothing."""

import pytest
from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.models import OutboxEntry, OutboxStatus, Site
from readerdesk.services.effects import Job
from readerdesk.unit_of_work import unit_of_work
from tests.factories import make_site


@pytest.mark.real_commits  # another connection reads the change and its job
def test_the_job_is_committed_with_the_change_and_handed_out_after_it(app):
    dispatched = []

    def dispatch(entry_ids):
        # By the time the runner hears of the job, another connection sees the change and the job.
        with db.engine.connect() as other:
            site = other.scalar(select(Site.name).where(Site.name == "after"))
            jobs = other.execute(select(OutboxEntry.job, OutboxEntry.args, OutboxEntry.status)
                                 .where(OutboxEntry.id.in_(entry_ids))).all()
        dispatched.append((site, [(name, args, status) for name, args, status in jobs]))

    with unit_of_work(db.session, dispatch=dispatch) as work:
        make_site(db.session, name="after")
        work.after_commit(Job("refetch_and_anchor", (1,)))
        assert dispatched == []
    assert dispatched == [("after", [("refetch_and_anchor", [1], OutboxStatus.PENDING.value)])]


def test_an_error_rolls_back_the_change_and_its_job(app):
    dispatched = []
    with pytest.raises(ValueError), unit_of_work(db.session, dispatch=dispatched.append) as work:
        make_site(db.session, name="never")
        work.after_commit(Job("refetch_and_anchor", (1,)))
        raise ValueError("a domain rule said no")
    assert dispatched == []
    assert db.session.scalar(select(Site).where(Site.name == "never")) is None
    assert db.session.scalar(select(OutboxEntry)) is None


def test_without_a_mail_server_mail_jobs_are_not_queued(app):
    dispatched = []
    with unit_of_work(db.session, dispatch=dispatched.extend) as work:
        work.after_commit(Job("after_decision", (1, 2)), Job("send_receipt", (3,)), Job("refetch_and_anchor", (4,)))
    assert [entry.job for entry in db.session.scalars(select(OutboxEntry))] == ["refetch_and_anchor"]
    assert len(dispatched) == 1


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", EDITOR_NOTIFICATIONS="digest")
def test_editors_are_not_told_job_by_job_in_digest_mode_without_slack(app):
    with unit_of_work(db.session, dispatch=lambda ids: None) as work:
        work.after_commit(Job("new_correction", (1,)), Job("after_decision", (1, 2)))
    assert [entry.job for entry in db.session.scalars(select(OutboxEntry))] == ["after_decision"]


def test_rows_a_service_wrote_itself_are_handed_out_after_the_commit_with_the_others(app):
    """A reader's report writes its job in its own statement (services.corrections.report_rows): the
    unit of work hands those rows out as it does its own, after the commit."""
    dispatched = []

    def dispatch(entry_ids):
        assert not db.session().in_transaction()  # committed by then
        dispatched.append(entry_ids)

    with unit_of_work(db.session, dispatch=dispatch) as work:
        work.after_commit(Job("refetch_and_anchor", (1,)))
        work.hand_out([901, 902])
        assert dispatched == []
    assert len(dispatched) == 1 and dispatched[0][1:] == [901, 902]


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1", EDITOR_NOTIFICATIONS="digest")
def test_a_service_asks_the_unit_of_work_which_jobs_the_settings_want(app):
    with unit_of_work(db.session, dispatch=lambda ids: None) as work:
        assert work.wants("after_decision") and work.wants("refetch_and_anchor")
        assert not work.wants("new_correction")  # digest mode, no Slack: no job per report
    with app.test_request_context():
        app.config["MAIL_SERVER"] = None
        with unit_of_work(db.session, dispatch=lambda ids: None) as work:
            assert not work.wants("after_decision") and work.wants("refetch_and_anchor")
