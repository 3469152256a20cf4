"""Voting: single-use magic links, secret ballots, changing a vote.

A ballot's key is HMAC-SHA256 of (poll, person) under a key derived from the app's secret. The voter
row (who) and the ballot (what) share nothing else, so the link between them needs the secret:
- to change a vote, the person's key finds their ballot;
- the unique (poll, person) on voters and the ballot key as primary key keep one ballot per person,
  also when two requests race (the second waits for the first, then changes its ballot).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from readerdesk.models import Patron, Poll, PollBallot, PollChoice, PollLinkUse, PollState, PollVoter
from readerdesk.models.types import DbSession
from readerdesk.services.polls.eligibility import NotEligible, person_of, tier_label, why_not_eligible
from readerdesk.services.polls.errors import PatronMessage
from readerdesk.services.polls.suggestions import SuggestionError, suggest_topic
from readerdesk.text.languages import N_

LINK_SALT = "readerdesk.poll-vote"
VOTE_LINK_PATH = "/support/polls/vote"
BALLOT_KEY_PURPOSE = b"readerdesk.poll-ballot-key"


class VoteRefused(PatronMessage):
    """A vote the server cannot take; the message is shown to the patron, in the site's language."""


class VoteLinkInvalid(ValueError):
    """A voting link that is forged, expired or used; the message is shown to the patron."""


# --- keys ----------------------------------------------------------------------------------------


def ballot_secret(secret_key: str) -> bytes:
    """The key ballots are hashed with, derived from SECRET_KEY for this one purpose."""
    return hmac.new(secret_key.encode(), BALLOT_KEY_PURPOSE, hashlib.sha256).digest()


def ballot_key(secret_key: str, poll_id: int, person: str) -> str:
    return hmac.new(ballot_secret(secret_key), f"{poll_id}\x00{person}".encode(), hashlib.sha256).hexdigest()


# --- magic links ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteLink:
    patron: Patron
    poll: Poll
    nonce: str
    expires_at: datetime


def vote_link(public_url: str, token: str) -> str:
    """The link emailed to a patron: the token rides in the fragment, so it never reaches access logs or
    Referer headers (the landing page's script posts it, as for the portal's links)."""
    return f"{public_url.rstrip('/')}{VOTE_LINK_PATH}#{token}"


def make_vote_token(secret_key: str, patron: Patron, poll: Poll, *, expires_at: datetime) -> str:
    """A signed link naming the patron, the poll, a fresh nonce and when it expires."""
    return URLSafeSerializer(secret_key, salt=LINK_SALT).dumps(
        {"p": patron.id, "q": poll.id, "n": secrets.token_urlsafe(16), "x": int(expires_at.timestamp())})


def read_vote_token(session: DbSession, secret_key: str, token: str, *, now: datetime) -> VoteLink:
    """The link's patron and poll, without using it up. Raises VoteLinkInvalid."""
    try:
        data = URLSafeSerializer(secret_key, salt=LINK_SALT).loads(token)
    except BadSignature:
        raise VoteLinkInvalid(N_("This voting link is not valid. Ask for a new one below.")) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "pqx") \
            or not isinstance(data.get("n"), str):
        raise VoteLinkInvalid(N_("This voting link is not valid. Ask for a new one below."))
    expires_at = datetime.fromtimestamp(data["x"], UTC)
    if now >= expires_at:
        raise VoteLinkInvalid(N_("This voting link has expired. Ask for a new one below."))
    patron, poll = session.get(Patron, data["p"]), session.get(Poll, data["q"])
    if patron is None or poll is None:
        raise VoteLinkInvalid(N_("This voting link is not valid. Ask for a new one below."))
    if session.scalar(select(PollLinkUse.id).where(PollLinkUse.nonce == data["n"])) is not None:
        raise VoteLinkInvalid(N_("This voting link has been used already. Ask for a new one below."))
    return VoteLink(patron, poll, data["n"], expires_at)


def _use_link(session: DbSession, link: VoteLink, now: datetime) -> None:
    try:
        with session.begin_nested():
            session.add(PollLinkUse(nonce=link.nonce, patron_id=link.patron.id, expires_at=link.expires_at,
                                    used_at=now))
            session.flush()
    except IntegrityError:
        raise VoteLinkInvalid(N_("This voting link has been used already. Ask for a new one below.")) from None


# --- voting --------------------------------------------------------------------------------------


def check_can_vote(session: DbSession, poll: Poll, patron: Patron, *, now: datetime) -> None:
    """Raises VoteRefused (closed, not open yet) or NotEligible."""
    state = poll.state(now)
    if state is PollState.CLOSED:
        raise VoteRefused(N_("This poll has closed: votes are no longer taken."))
    if state is PollState.SCHEDULED:
        raise VoteRefused(N_("This poll is not open yet."))
    reason = why_not_eligible(session, poll, patron, now=now)
    if reason is not None:
        raise NotEligible(reason)


def _check_choices(poll: Poll, topic_ids: Sequence[int]) -> list[int]:
    chosen = list(dict.fromkeys(topic_ids))
    if not chosen:
        raise VoteRefused(N_("Choose at least one topic."))
    if len(chosen) > poll.max_choices:
        if poll.max_choices == 1:
            raise VoteRefused(N_("You can choose one topic in this poll."))
        raise VoteRefused(N_("You can choose at most %(count)s topics in this poll."), count=poll.max_choices)
    own = {t.id for t in poll.topics}
    if any(topic_id not in own for topic_id in chosen):
        raise VoteRefused(N_("One of the topics you chose is not in this poll. Reload the page and choose again."))
    return chosen


def own_choices(session: DbSession, secret_key: str, poll: Poll, patron: Patron) -> list[int]:
    """The topics this person chose (for their ballot page), found with their key."""
    key = ballot_key(secret_key, poll.id, person_of(session, patron))
    return list(session.scalars(select(PollChoice.topic_id).where(PollChoice.ballot_key == key)))


def cast_vote(session: DbSession, secret_key: str, poll: Poll, patron: Patron, topic_ids: Sequence[int], *,
              tell_when_covered: bool, now: datetime) -> bool:
    """Record or replace this person's ballot; True when it replaced an earlier one. Never commits.

    Raises VoteRefused or NotEligible (the caller rolls back: a link used with them stays usable)."""
    check_can_vote(session, poll, patron, now=now)
    chosen = _check_choices(poll, topic_ids)
    person = person_of(session, patron)
    voter = session.scalar(select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.person == person))
    if voter is None:
        try:
            with session.begin_nested():
                voter = PollVoter(poll_id=poll.id, person=person, patron_id=patron.id,
                                  tell_when_covered=tell_when_covered, first_voted_at=now, last_voted_at=now)
                session.add(voter)
                session.flush()
        except IntegrityError:  # the same person voting at the same moment from another request
            voter = session.scalar(select(PollVoter).where(PollVoter.poll_id == poll.id, PollVoter.person == person))
            if voter is None:
                raise
    voter.tell_when_covered, voter.last_voted_at = tell_when_covered, now
    key = ballot_key(secret_key, poll.id, person)
    changed = True
    # The row lock serialises two changes of one ballot: each replaces the choices whole.
    ballot = session.scalar(select(PollBallot).where(PollBallot.key == key).with_for_update())
    if ballot is None:
        try:
            with session.begin_nested():
                ballot = PollBallot(key=key, poll_id=poll.id, tier=tier_label(patron))
                session.add(ballot)
                session.flush()
            changed = False
        except IntegrityError:
            ballot = session.scalar(select(PollBallot).where(PollBallot.key == key).with_for_update())
            if ballot is None:
                raise
    session.execute(delete(PollChoice).where(PollChoice.ballot_key == key))
    session.add_all(PollChoice(ballot_key=key, topic_id=topic_id) for topic_id in chosen)
    session.flush()
    return changed


def vote_with_link(session: DbSession, secret_key: str, token: str, topic_ids: Sequence[int], *,
                   tell_when_covered: bool, announcements: bool = True,
                   suggestion: tuple[str, str] | None = None, now: datetime) -> tuple[VoteLink, bool]:
    """Use a single-use link to vote (and perhaps suggest a topic, and say whether to be emailed about
    new polls). Raises VoteLinkInvalid, VoteRefused, NotEligible; on any of them the caller rolls back,
    so the link is not used up."""
    link = read_vote_token(session, secret_key, token, now=now)
    _use_link(session, link, now)
    link.patron.poll_announcements = announcements
    changed = False
    if topic_ids or not suggestion:
        changed = cast_vote(session, secret_key, link.poll, link.patron, topic_ids,
                            tell_when_covered=tell_when_covered, now=now)
    else:
        check_can_vote(session, link.poll, link.patron, now=now)
    if suggestion:
        try:
            suggest_topic(session, link.poll, link.patron, *suggestion, now=now)
        except SuggestionError as exc:
            raise VoteRefused(exc.template, **exc.values) from None
    return link, changed

