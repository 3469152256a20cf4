"""The unit of work: commit, then jobs; a domain error rolls back and sends nothing."""

import pytest
from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.models import Site
from readerdesk.services.effects import Job
from readerdesk.unit_of_work import unit_of_work
from tests.factories import make_site


def test_jobs_run_only_after_the_change_is_committed(app):
    dispatched = []

    def dispatch(job):
        # By the time a job runs, another connection sees the change.
        with db.engine.connect() as other:
            dispatched.append((job, other.scalar(select(Site.name).where(Site.name == "after"))))

    with unit_of_work(db.session, dispatch=dispatch) as work:
        make_site(db.session, name="after")
        work.after_commit(Job("new_correction", (1,)))
        assert dispatched == []
    assert dispatched == [(Job("new_correction", (1,)), "after")]


def test_an_error_rolls_back_and_runs_no_job(app):
    dispatched = []
    with pytest.raises(ValueError), unit_of_work(db.session, dispatch=dispatched.append) as work:
        make_site(db.session, name="never")
        work.after_commit(Job("new_correction", (1,)))
        raise ValueError("a domain rule said no")
    assert dispatched == []
    assert db.session.scalar(select(Site).where(Site.name == "never")) is None
