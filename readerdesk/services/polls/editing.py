"""Editors' side of topic polls: create, edit until the first vote, then only extend or close early.

Times arrive as naive local times in the site's time zone (what a datetime-local input sends) and are
stored in UTC. Every change is written to the polls' audit log (services.polls.audit).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from readerdesk.models import (
    MAX_TOPICS_PER_POLL,
    MIN_TOPICS_PER_POLL,
    Eligibility,
    Poll,
    PollBallot,
    PollState,
    PollTopic,
    ResultsVisibility,
    Site,
    User,
)
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.polls.audit import log_poll_action
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

MAX_CHOICES = 20


class PollError(TranslatableError, ValueError):
    """A poll change the desk refuses; the message says what to fix."""


@dataclass(frozen=True)
class TopicDraft:
    title: str
    description: str = ""


@dataclass(frozen=True)
class PollDraft:
    """What the desk's poll form carried: times are local to the site's time zone."""

    question: str
    topics: tuple[TopicDraft, ...]
    opens_at: datetime
    closes_at: datetime
    eligibility: Eligibility = Eligibility.PATRONS
    max_choices: int = 1
    results_visibility: ResultsVisibility = ResultsVisibility.AFTER_CLOSE
    errors: list[str] = field(default_factory=list)


def site_zone(site: Site) -> ZoneInfo:
    try:
        return ZoneInfo(site.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_utc(local: datetime, site: Site) -> datetime:
    """A wall-clock time in the site's zone, in UTC (an aware value is converted as it is)."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=site_zone(site))
    return local.astimezone(UTC)


def to_local(moment: datetime, site: Site) -> datetime:
    return moment.astimezone(site_zone(site))


def parse_topic_lines(text: str) -> tuple[TopicDraft, ...]:
    """The desk's topic box: one topic a line, ``title | optional description``."""
    topics = []
    for line in (text or "").splitlines():
        if line.strip():
            title, _, description = line.partition("|")
            topics.append(TopicDraft(title.strip(), description.strip()))
    return tuple(topics)


def topic_lines(poll: Poll) -> str:
    return "\n".join(t.title + (f" | {t.description}" if t.description else "") for t in poll.topics)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _check(draft: PollDraft, site: Site) -> tuple[str, list[TopicDraft], datetime, datetime]:
    question = _nfc(draft.question)
    if not question:
        raise PollError(N_("Write the question."))
    if len(question) > 300:
        raise PollError(N_("The question is too long: at most 300 characters."))
    topics = [TopicDraft(_nfc(t.title), _nfc(t.description)) for t in draft.topics]
    if not MIN_TOPICS_PER_POLL <= len(topics) <= MAX_TOPICS_PER_POLL:
        raise PollError(N_("A poll has %(min)d to %(max)d topics (this has %(count)d)."), min=MIN_TOPICS_PER_POLL,
                        max=MAX_TOPICS_PER_POLL, count=len(topics))
    for number, topic in enumerate(topics, start=1):
        if not topic.title or len(topic.title) > 200:
            raise PollError(N_("Topic %(number)d: give it a title of at most 200 characters."), number=number)
        if len(topic.description) > 1000:
            raise PollError(N_("Topic %(number)d: the description is too long (at most 1,000 characters)."),
                            number=number)
    if len({t.title.casefold() for t in topics}) != len(topics):
        raise PollError(N_("Two topics have the same title."))
    if not 1 <= draft.max_choices <= min(MAX_CHOICES, len(topics)):
        raise PollError(N_("Votes per person: between 1 and the number of topics (%(count)d)."), count=len(topics))
    opens_at, closes_at = to_utc(draft.opens_at, site), to_utc(draft.closes_at, site)
    if closes_at <= opens_at:
        raise PollError(N_("The poll must close after it opens."))
    return question, topics, opens_at, closes_at


def ballots_cast(session: DbSession, poll: Poll) -> int:
    return session.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll.id)) or 0


def create_poll(session: DbSession, site: Site, draft: PollDraft, *, actor: User | None, now: datetime) -> Poll:
    question, topics, opens_at, closes_at = _check(draft, site)
    if closes_at <= now:
        raise PollError(N_("The closing time has passed already."))
    poll = Poll(site=site, question=question, opens_at=opens_at, closes_at=closes_at, eligibility=draft.eligibility,
                max_choices=draft.max_choices, results_visibility=draft.results_visibility,
                created_by_id=actor.id if actor else None, created_at=now,
                topics=[PollTopic(position=i, title=t.title, description=t.description) for i, t in enumerate(topics)])
    session.add(poll)
    session.flush()
    log_poll_action(session, site_id=site.id, poll_id=poll.id, actor=actor, action="create", detail=question, now=now)
    return poll


def update_poll(session: DbSession, poll: Poll, draft: PollDraft, *, actor: User | None, now: datetime) -> Poll:
    """Everything can change until the first vote; after it, nothing here (see extend/close)."""
    if ballots_cast(session, poll):
        raise PollError(N_("People have voted in this poll: it can only be extended or closed early now."))
    question, topics, opens_at, closes_at = _check(draft, poll.site)
    if closes_at <= now:
        raise PollError(N_("The closing time has passed already."))
    poll.question, poll.opens_at, poll.closes_at = question, opens_at, closes_at
    poll.eligibility, poll.max_choices, poll.results_visibility = (draft.eligibility, draft.max_choices,
                                                                   draft.results_visibility)
    existing = {t.title.casefold(): t for t in poll.topics}
    kept = []
    for position, topic in enumerate(topics):
        row = existing.pop(topic.title.casefold(), None) or PollTopic(title=topic.title)
        row.position, row.description = position, topic.description
        kept.append(row)
    poll.topics = kept  # topics no longer listed go (no ballot can name them: nobody voted)
    log_poll_action(session, site_id=poll.site_id, poll_id=poll.id, actor=actor, action="edit", detail=question,
                    now=now)
    return poll


def extend_poll(session: DbSession, poll: Poll, closes_at_local: datetime, *, actor: User | None,
                now: datetime) -> Poll:
    closes_at = to_utc(closes_at_local, poll.site)
    if poll.state(now) is PollState.CLOSED:
        raise PollError(N_("This poll has closed; it cannot be reopened."))
    if closes_at <= poll.closes_at:
        raise PollError(N_("Extending moves the closing time later; to end sooner, close the poll early."))
    old = poll.closes_at
    poll.closes_at = closes_at
    log_poll_action(session, site_id=poll.site_id, poll_id=poll.id, actor=actor, action="extend",
                    detail=f"{old:%Y-%m-%d %H:%M} UTC → {closes_at:%Y-%m-%d %H:%M} UTC", now=now)
    return poll


def close_poll(session: DbSession, poll: Poll, *, actor: User | None, now: datetime) -> Poll:
    if poll.state(now) is PollState.CLOSED:
        raise PollError(N_("This poll is closed already."))
    poll.closes_at = now
    if poll.opens_at > now:
        poll.opens_at = now
    log_poll_action(session, site_id=poll.site_id, poll_id=poll.id, actor=actor, action="close", now=now)
    return poll


def polls_for_desk(session: DbSession, site_id: int | None = None) -> list[Poll]:
    query = select(Poll).order_by(Poll.closes_at.desc(), Poll.id.desc())
    if site_id is not None:
        query = query.where(Poll.site_id == site_id)
    return list(session.scalars(query))


def open_polls(session: DbSession, site: Site, *, now: datetime) -> list[Poll]:
    return list(session.scalars(select(Poll).where(Poll.site_id == site.id, Poll.opens_at <= now,
                                                   Poll.closes_at > now).order_by(Poll.closes_at, Poll.id)))


def announce_poll(session: DbSession, poll: Poll, *, actor: User | None, now: datetime) -> Job:
    """Email the poll's eligible patrons (who did not opt out) once, while it is open."""
    if poll.state(now) is not PollState.OPEN:
        raise PollError(N_("Announce a poll while it is open."))
    if poll.announced_at is not None:
        raise PollError(N_("This poll was announced already, on %(when)s UTC."),
                        when=f"{poll.announced_at:%Y-%m-%d %H:%M}")
    poll.announced_at = now
    log_poll_action(session, site_id=poll.site_id, poll_id=poll.id, actor=actor, action="announce", now=now)
    return Job("send_poll_announcements", (poll.id,))
