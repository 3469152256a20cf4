"""Patrons suggest topics; editors accept one into a poll, merge it with a topic, or reject it."""

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import SuggestionStatus
from readerdesk.services.polls.audit import poll_log
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.editing import PollError
from readerdesk.services.polls.suggestions import (
    SuggestionError,
    accept_suggestion,
    merge_suggestion,
    pending_suggestions,
    reject_suggestion,
    suggest_topic,
)
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_patron, make_poll, make_site, make_user


def test_accept_merge_and_reject(db_session):
    site = make_site(db_session)
    poll, patron = make_poll(db_session, site), make_patron(db_session, site)
    editor, now = make_user(db_session), utcnow()
    bridges = suggest_topic(db_session, poll, patron, " Bridges ", "Which ones are safe?", now=now)
    rents = suggest_topic(db_session, poll, patron, "Rents", "", now=now)
    spam = suggest_topic(db_session, poll, patron, "Buy pills", "", now=now)
    assert pending_suggestions(db_session, site.id) == [bridges, rents, spam]

    topic = accept_suggestion(db_session, bridges.id, poll, actor=editor, now=now)
    assert (topic.title, topic.description, bridges.status) == ("Bridges", "Which ones are safe?",
                                                                SuggestionStatus.ACCEPTED)
    merge_suggestion(db_session, rents.id, poll.topics[0], actor=editor, now=now)
    reject_suggestion(db_session, spam.id, actor=editor, now=now)
    assert (rents.topic_id, spam.status) == (poll.topics[0].id, SuggestionStatus.REJECTED)
    assert pending_suggestions(db_session) == []
    assert [e.action for e in poll_log(db_session, poll.id)][-3:] == ["accept", "merge", "reject"]
    with pytest.raises(PollError, match="decided already"):
        reject_suggestion(db_session, spam.id, actor=editor, now=now)


def test_a_poll_with_votes_takes_no_new_topic(db_session):
    site = make_site(db_session)
    poll, patron, now = make_poll(db_session, site), make_patron(db_session, site), utcnow()
    cast_vote(db_session, TEST_SECRET_KEY, poll, patron, [poll.topics[0].id], tell_when_covered=False, now=now)
    late = suggest_topic(db_session, poll, patron, "Late idea", "", now=now)
    with pytest.raises(PollError, match="Merge the suggestion instead"):
        accept_suggestion(db_session, late.id, poll, actor=None, now=now)


def test_a_suggestion_needs_a_title_and_stays_short(db_session):
    site = make_site(db_session)
    poll, patron = make_poll(db_session, site), make_patron(db_session, site)
    with pytest.raises(SuggestionError, match="title"):
        suggest_topic(db_session, poll, patron, "  ", "text", now=utcnow())
    with pytest.raises(SuggestionError, match="at most 500"):
        suggest_topic(db_session, poll, patron, "Title", "x" * 501, now=utcnow())
