"""A poll's results: counts per topic, a bar chart, the breakdown by tier, and a CSV without voters."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, select

from readerdesk.models import Poll, PollBallot, PollChoice, PollTopic
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.revenue import csv_safe
from readerdesk.services.polls.eligibility import eligible_patrons
from readerdesk.text.charts import bar_chart

CHART_LABEL_LENGTH = 18


@dataclass(frozen=True)
class TopicCount:
    topic: PollTopic
    votes: int
    share: float  # of the ballots cast, 0..1 (with several choices the shares add up to more than 1)


@dataclass(frozen=True)
class PollResults:
    poll: Poll
    ballots: int
    topics: list[TopicCount]  # most votes first, then the poll's order
    by_tier: dict[str, dict[int, int]]  # tier → topic id → votes
    tiers: list[str]


def poll_results(session: DbSession, poll: Poll) -> PollResults:
    ballots = session.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll.id)) or 0
    rows = session.execute(
        select(PollChoice.topic_id, PollBallot.tier, func.count())
        .join(PollBallot, PollBallot.key == PollChoice.ballot_key)
        .where(PollBallot.poll_id == poll.id).group_by(PollChoice.topic_id, PollBallot.tier)).all()
    per_topic: dict[int, int] = {}
    by_tier: dict[str, dict[int, int]] = {}
    for topic_id, tier, count in rows:
        per_topic[topic_id] = per_topic.get(topic_id, 0) + count
        by_tier.setdefault(tier, {})[topic_id] = count
    counts = [TopicCount(t, per_topic.get(t.id, 0), per_topic.get(t.id, 0) / ballots if ballots else 0.0)
              for t in poll.topics]
    counts.sort(key=lambda c: (-c.votes, c.topic.position))
    return PollResults(poll, ballots, counts, by_tier, sorted(by_tier))


def eligible_voter_count(session: DbSession, poll: Poll, *, now: datetime) -> int:
    return len(eligible_patrons(session, poll, now=now))


def _short(text: str) -> str:
    return text if len(text) <= CHART_LABEL_LENGTH else text[:CHART_LABEL_LENGTH - 1] + "…"


def results_chart(results: PollResults, title: str = "Votes per topic") -> Markup:
    """Server-side SVG bars, one per topic (titles shortened on the axis, whole in each tooltip). The
    desk passes its ``title`` and ``number`` format in the page's language."""
    return bar_chart([(_short(c.topic.title), c.votes) for c in results.topics], title=title)


CSV_COLUMNS = ("poll_id", "question", "topic_id", "topic", "votes", "share_of_ballots", "tier", "covered_url")


def results_csv(results: PollResults) -> str:
    """One row per topic with its total (tier "all"), then one per topic and tier. Counts only: the
    CSV has no column that could name a voter."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    poll = results.poll
    for count in results.topics:
        writer.writerow([csv_safe(v) for v in (poll.id, poll.question, count.topic.id, count.topic.title, count.votes,
                                               f"{count.share:.4f}", "all", count.topic.covered_url or "")])
    for tier in results.tiers:
        for count in results.topics:
            writer.writerow([csv_safe(v) for v in (
                poll.id, poll.question, count.topic.id, count.topic.title,
                results.by_tier[tier].get(count.topic.id, 0), "", tier, count.topic.covered_url or "")])
    return out.getvalue()
