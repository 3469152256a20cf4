from sqlalchemy import func, select

from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.models import Correction, Poll, PollState, Role, User
from readerdesk.services.desk.users import authenticate
from readerdesk.services.polls.results import poll_results
from tests.conftest import TEST_SECRET_KEY
from tests.factories import CHEAP_PASSWORDS


def test_the_demo_has_anchored_reports_a_duplicate_group_and_an_editor_and_loads_twice(db_session):
    first = load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    second = load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    reports = db_session.scalars(select(Correction).order_by(Correction.id)).all()
    assert len(reports) == 8
    for c in reports:
        assert c.anchor_revision.text[c.anchor_start:c.anchor_end] == c.exact
        assert c.anchor_revision_id == c.article.current_revision_id
    groups = db_session.execute(select(Correction.group_id, func.count()).group_by(Correction.group_id)).all()
    assert sorted(n for _, n in groups) == [1, 1, 1, 1, 1, 3]
    committee = next(c for c in reports if c.exact == "twelve-member budget committee")
    assert committee.anchor_start > committee.anchor_revision.text.find(committee.exact)  # the second occurrence
    editor = db_session.scalar(select(User).where(User.email == "editor@example.com"))
    assert editor.role == Role.EDITOR and first.editor_password != second.editor_password
    signed_in = authenticate(db_session, "editor@example.com", second.editor_password, now=utcnow(),
                             password_settings=CHEAP_PASSWORDS)
    assert signed_in == editor


def test_the_demo_fills_the_patrons_desk_once(db_session):
    from readerdesk.demo.patrons import DEMO_PATRONS
    from readerdesk.models import Patron, Payment
    from readerdesk.services.patrons.revenue import revenue_summaries

    load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    assert db_session.scalar(select(func.count(Patron.id))) == DEMO_PATRONS
    assert db_session.scalar(select(func.count(Payment.id))) > DEMO_PATRONS
    [summary] = revenue_summaries(db_session, now=utcnow())
    assert summary.currency == "EUR" and summary.mrr > 0 and summary.active > 0
    assert any(month.churned for month in summary.months) and any(month.new for month in summary.months)
    assert all(p.stripe_subscription_id is None for p in db_session.scalars(select(Patron)))


def test_the_demo_has_an_open_and_a_closed_poll_with_votes_once(app, db_session):
    now = utcnow()
    first = load_demo(db_session, now=now, password_settings=CHEAP_PASSWORDS, secret_key=TEST_SECRET_KEY)
    load_demo(db_session, now=now, password_settings=CHEAP_PASSWORDS, secret_key=TEST_SECRET_KEY)
    assert any("topic poll" in line for line in first.lines)
    polls = db_session.scalars(select(Poll).order_by(Poll.id)).all()
    assert [p.state(now) for p in polls] == [PollState.OPEN, PollState.CLOSED]
    for poll in polls:
        results = poll_results(db_session, poll)
        assert results.ballots >= 10 and poll.results_public(now)
    assert polls[1].topics[0].covered_url.endswith("/sites/demo/news/library")
