"""Two sample topic polls for the demo site: one open (results public while open) and one closed, both
with votes from the demo patrons, and a covered topic. Added once per site."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from readerdesk.models import Eligibility, Patron, Poll, PollTopic, ResultsVisibility, Site
from readerdesk.models.types import DbSession
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.eligibility import eligible_patrons

OPEN_TOPICS = [("Bridge repairs", "Why the works are a year late"), ("School meals", ""),
               ("Night buses", "Who rides them, and why they are being cut"), ("The river clean-up", "")]
CLOSED_TOPICS = [("The new library", "What it cost, and who uses it"), ("Harbour jobs", ""), ("Rents", "")]


def _poll(site: Site, question: str, topics, *, opens_at: datetime, closes_at: datetime, max_choices: int,
          visibility: ResultsVisibility) -> Poll:
    return Poll(site=site, question=question, opens_at=opens_at, closes_at=closes_at,
                eligibility=Eligibility.PATRONS, max_choices=max_choices, results_visibility=visibility,
                created_at=opens_at, topics=[PollTopic(position=i, title=t, description=d)
                                             for i, (t, d) in enumerate(topics)])


def add_demo_polls(session: DbSession, site: Site, *, secret_key: str, now: datetime, covered_url: str,
                   seed: int = 12) -> int:
    """The two polls with votes from the site's eligible patrons; 0 when the site has polls already."""
    if session.scalar(select(func.count(Poll.id)).where(Poll.site_id == site.id)):
        return 0
    rng = random.Random(seed)
    open_poll = _poll(site, "Which story should we dig into next?", OPEN_TOPICS, opens_at=now - timedelta(days=3),
                      closes_at=now + timedelta(days=11), max_choices=2, visibility=ResultsVisibility.WHILE_OPEN)
    closed_poll = _poll(site, "What should our autumn series cover?", CLOSED_TOPICS,
                        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=26), max_choices=1,
                        visibility=ResultsVisibility.AFTER_CLOSE)
    session.add_all([open_poll, closed_poll])
    session.flush()
    voters: list[Patron] = eligible_patrons(session, open_poll, now=now)
    for poll, when, weights in ((closed_poll, now - timedelta(days=30), [5, 2, 3]),
                                (open_poll, now - timedelta(days=1), [4, 3, 2, 1])):
        for patron in voters[: max(len(voters) - 3, 0)]:
            chosen = {rng.choices(poll.topics, weights=weights)[0].id for _ in range(poll.max_choices)}
            cast_vote(session, secret_key, poll, patron, sorted(chosen), tell_when_covered=rng.random() < 0.5,
                      now=when)
    winner = closed_poll.topics[0]
    winner.covered_url, winner.covered_at = covered_url, now - timedelta(days=5)
    session.flush()
    return 2
