"""Editors create polls, edit them until the first vote, then only extend or close; all of it logged."""

from datetime import UTC, datetime, timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import PollState
from readerdesk.services.polls.audit import poll_log
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.editing import (
    PollDraft,
    PollError,
    TopicDraft,
    close_poll,
    create_poll,
    extend_poll,
    parse_topic_lines,
    update_poll,
)
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_patron, make_poll, make_site, make_user


def draft(**changes) -> PollDraft:
    now = datetime(2030, 5, 1, 12, 0)
    values = dict(question="What next?", topics=(TopicDraft("Housing"), TopicDraft("Schools")), opens_at=now,
                  closes_at=now + timedelta(days=7))
    values.update(changes)
    return PollDraft(**values)


def test_times_are_typed_in_the_sites_time_zone_and_stored_in_utc(db_session):
    site = make_site(db_session)
    site.time_zone = "Europe/Kyiv"
    poll = create_poll(db_session, site, draft(), actor=None, now=datetime(2030, 4, 1, tzinfo=UTC))
    assert poll.opens_at == datetime(2030, 5, 1, 9, 0, tzinfo=UTC)  # 12:00 in Kyiv (UTC+3 in summer)


@pytest.mark.parametrize(("changes", "message"), [
    ({"topics": (TopicDraft("Only one"),)}, "2 to 20 topics"),
    ({"topics": tuple(TopicDraft(f"T{n}") for n in range(21))}, "2 to 20 topics"),
    ({"topics": (TopicDraft("Same"), TopicDraft("same"))}, "same title"),
    ({"max_choices": 3}, "between 1 and the number of topics"),
    ({"closes_at": datetime(2030, 4, 30)}, "close after it opens"),
    ({"question": "  "}, "Write the question"),
])
def test_a_poll_the_desk_cannot_save_says_why(db_session, changes, message):
    with pytest.raises(PollError, match=message):
        create_poll(db_session, make_site(db_session), draft(**changes), actor=None,
                    now=datetime(2030, 4, 1, tzinfo=UTC))


def test_topic_lines_take_a_title_and_an_optional_description():
    assert parse_topic_lines("Housing | rents in the city\n\n Schools \n") == (
        TopicDraft("Housing", "rents in the city"), TopicDraft("Schools", ""))


def test_a_poll_is_editable_until_its_first_vote_then_only_extended_or_closed(db_session):
    site = make_site(db_session)
    editor, now = make_user(db_session), utcnow()
    poll = make_poll(db_session, site)
    update_poll(db_session, poll, draft(question="What first?", opens_at=now.replace(tzinfo=None),
                                        closes_at=(now + timedelta(days=3)).replace(tzinfo=None),
                                        topics=(TopicDraft("Housing"), TopicDraft("Parks"))), actor=editor, now=now)
    assert [t.title for t in poll.topics] == ["Housing", "Parks"]
    cast_vote(db_session, TEST_SECRET_KEY, poll, make_patron(db_session, site), [poll.topics[0].id],
              tell_when_covered=False, now=now + timedelta(minutes=1))
    with pytest.raises(PollError, match="only be extended or closed"):
        update_poll(db_session, poll, draft(), actor=editor, now=now)
    with pytest.raises(PollError, match="later"):
        extend_poll(db_session, poll, (poll.closes_at - timedelta(hours=1)).replace(tzinfo=None), actor=editor,
                    now=now)
    extend_poll(db_session, poll, (poll.closes_at + timedelta(days=1)).replace(tzinfo=None), actor=editor, now=now)
    close_poll(db_session, poll, actor=editor, now=now + timedelta(hours=1))
    assert poll.state(now + timedelta(hours=1)) is PollState.CLOSED
    with pytest.raises(PollError, match="closed already"):
        close_poll(db_session, poll, actor=editor, now=now + timedelta(hours=2))
    assert [e.action for e in poll_log(db_session, poll.id)] == ["create", "edit", "extend", "close"]
    assert poll_log(db_session, poll.id)[-1].actor == editor
