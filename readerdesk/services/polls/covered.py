"""A topic the newsroom covered: its link, and the voters for it who asked to be told.

Finding those voters needs the ballot key (services.polls.ballots.ballot_key), so it runs in the job
that sends the emails, with the app's secret; nothing stored says who voted for what.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from readerdesk.models import PollChoice, PollTopic, PollVoter, User
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.polls.audit import log_poll_action
from readerdesk.services.polls.ballots import ballot_key
from readerdesk.services.polls.editing import PollError
from readerdesk.text.languages import N_
from readerdesk.text.urls import InvalidURL, absolute_link


def mark_covered(session: DbSession, topic: PollTopic, url: str, *, actor: User | None, now: datetime) -> Job | None:
    """Record the article that covers ``topic``; the job that tells its voters (None when it was covered
    before: a corrected link does not email anyone twice)."""
    try:
        link = absolute_link(url)
    except InvalidURL:
        raise PollError(N_("Give the address of the article (https://...).")) from None
    if len(link) > 2000:
        raise PollError(N_("That address is too long."))
    first_time = topic.covered_at is None
    topic.covered_url, topic.covered_at = link, topic.covered_at or now
    log_poll_action(session, site_id=topic.poll.site_id, poll_id=topic.poll_id, actor=actor, action="covered",
                    detail=f"{topic.title}: {link}", now=now)
    return Job("send_topic_covered", (topic.id,)) if first_time else None


def voters_to_tell(session: DbSession, secret_key: str, topic: PollTopic) -> list[PollVoter]:
    """The voters who chose ``topic`` and asked to be told when it is covered."""
    choosers = set(session.scalars(select(PollChoice.ballot_key).where(PollChoice.topic_id == topic.id)))
    voters = session.scalars(select(PollVoter).where(PollVoter.poll_id == topic.poll_id,
                                                     PollVoter.tell_when_covered.is_(True)).order_by(PollVoter.id))
    return [v for v in voters if ballot_key(secret_key, topic.poll_id, v.person) in choosers]
