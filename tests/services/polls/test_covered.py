"""A covered topic: its link, and only the voters who chose it and asked to be told."""

import pytest

from readerdesk.clock import utcnow
from readerdesk.services.polls.audit import poll_log
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.covered import mark_covered, voters_to_tell
from readerdesk.services.polls.editing import PollError
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_patron, make_poll, make_site


def test_only_voters_for_the_topic_who_asked_are_told_and_only_once(db_session):
    site = make_site(db_session)
    poll, now = make_poll(db_session, site), utcnow()
    housing, schools = poll.topics[0], poll.topics[1]
    wants, quiet, other = (make_patron(db_session, site, f"{n}@example.org") for n in ("wants", "quiet", "other"))
    cast_vote(db_session, TEST_SECRET_KEY, poll, wants, [housing.id], tell_when_covered=True, now=now)
    cast_vote(db_session, TEST_SECRET_KEY, poll, quiet, [housing.id], tell_when_covered=False, now=now)
    cast_vote(db_session, TEST_SECRET_KEY, poll, other, [schools.id], tell_when_covered=True, now=now)

    job = mark_covered(db_session, housing, "https://news.example/housing", actor=None, now=now)
    assert job is not None and job.name == "send_topic_covered"
    assert [v.patron.email for v in voters_to_tell(db_session, TEST_SECRET_KEY, housing)] == ["wants@example.org"]
    assert voters_to_tell(db_session, "a-different-secret", housing) == []  # without the key, nobody
    assert mark_covered(db_session, housing, "https://news.example/housing-2", actor=None, now=now) is None
    assert poll_log(db_session, poll.id)[-1].action == "covered"
    with pytest.raises(PollError, match="address of the article"):
        mark_covered(db_session, schools, "javascript:alert(1)", actor=None, now=now)
