"""Voting: secret ballots, one per person, changing a vote, single-use links, the server's clock."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from readerdesk.clock import utcnow
from readerdesk.extensions import Model, db
from readerdesk.models import PatronStatus, PollBallot, PollChoice, PollVoter
from readerdesk.services.polls.ballots import (
    VoteLinkInvalid,
    VoteRefused,
    ballot_key,
    cast_vote,
    make_vote_token,
    own_choices,
    vote_with_link,
)
from readerdesk.services.polls.eligibility import NotEligible
from tests.conftest import TEST_SECRET_KEY, is_postgres
from tests.factories import make_patron, make_poll, make_site

KEY = TEST_SECRET_KEY


def choices(session, poll) -> dict[int, int]:
    rows = session.execute(select(PollChoice.topic_id, func.count()).join(PollBallot)
                           .where(PollBallot.poll_id == poll.id).group_by(PollChoice.topic_id))
    return dict(rows.all())


def test_a_vote_is_counted_and_can_be_changed_while_the_poll_is_open(db_session):
    site = make_site(db_session)
    poll, patron, now = make_poll(db_session, site), make_patron(db_session, site), utcnow()
    housing, schools = poll.topics[0].id, poll.topics[1].id
    assert cast_vote(db_session, KEY, poll, patron, [housing], tell_when_covered=False, now=now) is False
    assert cast_vote(db_session, KEY, poll, patron, [schools], tell_when_covered=True, now=now) is True
    assert choices(db_session, poll) == {schools: 1}
    assert own_choices(db_session, KEY, poll, patron) == [schools]
    [voter] = db_session.scalars(select(PollVoter)).all()
    assert voter.tell_when_covered is True


def test_two_addresses_on_one_stripe_customer_have_one_ballot(db_session):
    site = make_site(db_session)
    poll, now = make_poll(db_session, site), utcnow()
    home = make_patron(db_session, site, "home@example.org", stripe_customer_id="cus_1")
    work = make_patron(db_session, site, "work@example.org", stripe_customer_id="cus_1")
    cast_vote(db_session, KEY, poll, home, [poll.topics[0].id], tell_when_covered=False, now=now)
    assert cast_vote(db_session, KEY, poll, work, [poll.topics[2].id], tell_when_covered=False, now=now) is True
    assert choices(db_session, poll) == {poll.topics[2].id: 1}
    assert db_session.scalar(select(func.count()).select_from(PollVoter)) == 1


def test_bad_votes_get_a_sentence(db_session):
    site = make_site(db_session)
    poll, other = make_poll(db_session, site, max_choices=2), make_poll(db_session, site)
    patron, now = make_patron(db_session, site), utcnow()
    with pytest.raises(VoteRefused, match="at most 2 topics"):
        cast_vote(db_session, KEY, poll, patron, [t.id for t in poll.topics], tell_when_covered=False, now=now)
    with pytest.raises(VoteRefused, match="not in this poll"):
        cast_vote(db_session, KEY, poll, patron, [other.topics[0].id], tell_when_covered=False, now=now)
    with pytest.raises(VoteRefused, match="at least one"):
        cast_vote(db_session, KEY, poll, patron, [], tell_when_covered=False, now=now)
    canceled = make_patron(db_session, site, status=PatronStatus.CANCELED)
    with pytest.raises(NotEligible):
        cast_vote(db_session, KEY, poll, canceled, [poll.topics[0].id], tell_when_covered=False, now=now)
    assert choices(db_session, poll) == {}


def test_nothing_is_voted_after_closing_by_the_servers_clock(db_session):
    site = make_site(db_session)
    poll, patron = make_poll(db_session, site), make_patron(db_session, site)
    with pytest.raises(VoteRefused, match="closed"):
        cast_vote(db_session, KEY, poll, patron, [poll.topics[0].id], tell_when_covered=False,
                  now=poll.closes_at)
    with pytest.raises(VoteRefused, match="not open yet"):
        cast_vote(db_session, KEY, poll, patron, [poll.topics[0].id], tell_when_covered=False,
                  now=poll.opens_at - timedelta(seconds=1))


def test_a_voting_link_works_once_and_not_after_it_expires(db_session):
    site = make_site(db_session)
    poll, patron, now = make_poll(db_session, site), make_patron(db_session, site), utcnow()
    token = make_vote_token(KEY, patron, poll, expires_at=now + timedelta(minutes=30))
    with pytest.raises(VoteRefused), db_session.begin_nested():  # a refused vote leaves the link usable
        vote_with_link(db_session, KEY, token, [], tell_when_covered=False, now=now)
    vote_with_link(db_session, KEY, token, [poll.topics[0].id], tell_when_covered=False, now=now)
    with pytest.raises(VoteLinkInvalid, match="used already"):
        vote_with_link(db_session, KEY, token, [poll.topics[1].id], tell_when_covered=False, now=now)
    late = make_vote_token(KEY, patron, poll, expires_at=now + timedelta(minutes=30))
    with pytest.raises(VoteLinkInvalid, match="expired"):
        vote_with_link(db_session, KEY, late, [poll.topics[1].id], tell_when_covered=False,
                       now=now + timedelta(minutes=31))
    with pytest.raises(VoteLinkInvalid, match="not valid"):
        vote_with_link(db_session, KEY, token[:-3] + "abc", [poll.topics[1].id], tell_when_covered=False, now=now)
    assert choices(db_session, poll) == {poll.topics[0].id: 1}


def test_votes_are_secret_no_column_joins_a_voter_to_a_choice_without_the_key(db_session):
    """The ballot tables hold no person, no time and no sequence; the only way from a voter to their
    choices is the keyed hash, which needs the secret."""
    site = make_site(db_session)
    poll, now = make_poll(db_session, site), utcnow()
    alice, bob = make_patron(db_session, site, stripe_customer_id="cus_a"), make_patron(db_session, site)
    cast_vote(db_session, KEY, poll, alice, [poll.topics[0].id], tell_when_covered=False, now=now)
    cast_vote(db_session, KEY, poll, bob, [poll.topics[1].id], tell_when_covered=False, now=now)

    ballot_tables = [Model.metadata.tables[name] for name in ("poll_ballots", "poll_ballot_choices")]
    voter_columns = set(Model.metadata.tables["poll_voters"].c.keys())
    for table in ballot_tables:
        for column in table.c:
            assert column.name in {"key", "poll_id", "tier", "ballot_key", "topic_id"}, column
        # No sequence to line ballots up with voters in the order they were written.
        assert [c.name for c in table.primary_key.columns] in (["key"], ["ballot_key", "topic_id"])
        foreign = {fk.column.table.name for fk in table.foreign_keys}
        assert foreign <= {"polls", "poll_topics", "poll_ballots"}, foreign
    assert not voter_columns & {"key", "ballot_key", "topic_id"}
    # The only value they share is the poll: a join on it pairs everyone with everyone.
    pairs = db_session.execute(select(PollVoter.person, PollChoice.topic_id)
                               .join(PollBallot, PollBallot.poll_id == PollVoter.poll_id)
                               .join(PollChoice, PollChoice.ballot_key == PollBallot.key)).all()
    assert len(pairs) == 4
    # With the key, a person finds their own ballot.
    assert own_choices(db_session, KEY, poll, alice) == [poll.topics[0].id]
    assert db_session.get(PollBallot, ballot_key("another-secret", poll.id, "customer:cus_a")) is None
    assert inspect(PollBallot).primary_key[0].name == "key"


@pytest.mark.postgres
@pytest.mark.real_commits
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_parallel_votes_of_one_person_make_one_ballot(app, db_session):
    """Two addresses of one Stripe customer, each with its own link, vote at the same moment, ten times."""
    site = make_site(db_session)
    poll = make_poll(db_session, site)
    patrons = [make_patron(db_session, site, f"p{n}@example.org", stripe_customer_id="cus_race") for n in range(2)]
    db_session.commit()
    topic_ids = [t.id for t in poll.topics]
    now = utcnow()
    tokens = [make_vote_token(KEY, patrons[n % 2], poll, expires_at=poll.closes_at) for n in range(10)]
    barrier = threading.Barrier(len(tokens))
    errors = []

    def vote(n):
        with app.app_context():
            barrier.wait()
            try:
                vote_with_link(db.session, KEY, tokens[n], [topic_ids[n % 3]], tell_when_covered=False, now=now)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(PollVoter)) == 1
    assert db_session.scalar(select(func.count()).select_from(PollBallot)) == 1
    assert db_session.scalar(select(func.count()).select_from(PollChoice)) == 1
