"""Poll emails: the announcement to eligible patrons who did not opt out, and the covered-topic news to
the voters who asked, each once, in the site's language."""

from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.jobs.polls import send_poll_announcements, send_topic_covered
from readerdesk.models import PatronStatus
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.covered import mark_covered
from tests.conftest import TEST_SECRET_KEY, mail_settings
from tests.factories import make_patron, make_poll, make_site


def test_the_announcement_goes_to_eligible_patrons_who_did_not_opt_out_once(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session)
    poll = make_poll(db_session, site, question="What should we cover?")
    make_patron(db_session, site, "yes@example.org")
    make_patron(db_session, site, "optout@example.org", poll_announcements=False)
    make_patron(db_session, site, "gone@example.org", status=PatronStatus.CANCELED,
                canceled_at=utcnow() - timedelta(days=3))
    db_session.commit()
    assert send_poll_announcements(poll.id) == 1
    send_poll_announcements(poll.id)  # a retried job sends nothing twice
    [message] = smtp_server.messages
    assert message["To"] == "yes@example.org" and "What should we cover?" in message["Subject"]
    assert "/support/polls/vote#" in message.get_content()


def test_the_covered_topic_email_reaches_its_voters_who_asked_in_the_sites_language(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, language="uk")
    poll, now = make_poll(db_session, site, topics=("Мости", "Школи")), utcnow()
    wants, quiet = make_patron(db_session, site, "wants@example.org"), make_patron(db_session, site, "q@example.org")
    cast_vote(db_session, TEST_SECRET_KEY, poll, wants, [poll.topics[0].id], tell_when_covered=True, now=now)
    cast_vote(db_session, TEST_SECRET_KEY, poll, quiet, [poll.topics[0].id], tell_when_covered=False, now=now)
    mark_covered(db_session, poll.topics[0], "https://news.example/bridges", actor=None, now=now)
    db_session.commit()
    assert send_topic_covered(poll.topics[0].id) == 1
    send_topic_covered(poll.topics[0].id)
    [message] = smtp_server.messages
    assert message["To"] == "wants@example.org"
    assert message["Subject"] == "Ви проголосували — ми написали: Мости"
    assert "https://news.example/bridges" in message.get_content()
