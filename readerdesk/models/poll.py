"""Topic polls: patrons vote for the topics the newsroom should cover next.

Votes are secret. Who voted is one table (``poll_voters``), what they chose is another
(``poll_ballots`` and ``poll_ballot_choices``); nothing in the second names a person, a time or an
insertion order. The only link is the ballot's key, a keyed hash of the poll and the person
(services.polls.ballots.ballot_key): with the app's secret it finds a person's own ballot, to change
it, and without the secret no query joins a voter to a choice.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.moderation import AuditLogImmutable
from readerdesk.models.patron import Patron
from readerdesk.models.site import Site
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.models.user import User
from readerdesk.text.languages import N_

MIN_TOPICS_PER_POLL, MAX_TOPICS_PER_POLL = 2, 20


class Eligibility(enum.StrEnum):
    PATRONS = "patrons"  # active patrons (past-due ones for the site's grace period)
    PATRONS_AND_DONORS = "patrons_donors"  # ... and one-time donors of the last 12 months

    @property
    def label(self) -> str:
        return {"patrons": N_("Active patrons"),
                "patrons_donors": N_("Active patrons and one-time donors of the last 12 months")}[self.value]


class ResultsVisibility(enum.StrEnum):
    WHILE_OPEN = "while_open"
    AFTER_CLOSE = "after_close"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {"while_open": N_("Public while the poll is open"), "after_close": N_("Public after it closes"),
                "never": N_("Never public")}[self.value]


class PollState(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"scheduled": N_("scheduled"), "open": N_("open"), "closed": N_("closed")}[self.value]


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # added to a poll as a topic
    MERGED = "merged"  # counted as an existing topic
    REJECTED = "rejected"


class Poll(Model):
    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_site_closes", "site_id", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    question: Mapped[str] = mapped_column(String(300))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    eligibility: Mapped[Eligibility] = mapped_column(string_enum(Eligibility, "poll_eligibility"))
    max_choices: Mapped[int] = mapped_column(default=1)  # 1: one vote; N: up to N topics
    results_visibility: Mapped[ResultsVisibility] = mapped_column(
        string_enum(ResultsVisibility, "poll_results_visibility"))
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    topics: Mapped[list[PollTopic]] = relationship(back_populates="poll", order_by="PollTopic.position",
                                                   cascade="all, delete-orphan")

    def state(self, now: datetime) -> PollState:
        """The server's clock decides: open from ``opens_at`` (included) to ``closes_at`` (excluded)."""
        if now < self.opens_at:
            return PollState.SCHEDULED
        return PollState.OPEN if now < self.closes_at else PollState.CLOSED

    def results_public(self, now: datetime) -> bool:
        if self.results_visibility is ResultsVisibility.NEVER:
            return False
        state = self.state(now)
        if self.results_visibility is ResultsVisibility.WHILE_OPEN:
            return state is not PollState.SCHEDULED
        return state is PollState.CLOSED


class PollTopic(Model):
    __tablename__ = "poll_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    covered_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    covered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    poll: Mapped[Poll] = relationship(back_populates="topics")


class PollVoter(Model):
    """That a person voted in a poll, and when: never what they chose."""

    __tablename__ = "poll_voters"
    __table_args__ = (UniqueConstraint("poll_id", "person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    # One person, one ballot: the Stripe customer ("customer:cus_..."), which may have several
    # addresses, or else the patron record ("patron:12").
    person: Mapped[str] = mapped_column(String(300))
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), index=True)
    tell_when_covered: Mapped[bool] = mapped_column(default=False)
    first_voted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_voted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    poll: Mapped[Poll] = relationship()
    patron: Mapped[Patron] = relationship()


class PollBallot(Model):
    """A secret ballot: its key is a keyed hash of (poll, person); no person, time or sequence here."""

    __tablename__ = "poll_ballots"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(40), default="")  # the voter's tier then, for the breakdown


class PollChoice(Model):
    __tablename__ = "poll_ballot_choices"

    ballot_key: Mapped[str] = mapped_column(ForeignKey("poll_ballots.key", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("poll_topics.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class PollLinkUse(Model):
    """A voting magic link that has been used: each works once. Kept until the link expires."""

    __tablename__ = "poll_link_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TopicSuggestion(Model):
    """A topic a patron suggested, waiting for an editor (accept into a poll, merge, reject)."""

    __tablename__ = "poll_suggestions"
    __table_args__ = (Index("ix_poll_suggestions_site_status", "site_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"), default=None)
    patron_id: Mapped[int | None] = mapped_column(ForeignKey("patrons.id"), index=True, default=None)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[SuggestionStatus] = mapped_column(string_enum(SuggestionStatus, "suggestion_status"),
                                                     default=SuggestionStatus.PENDING)
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("poll_topics.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    site: Mapped[Site] = relationship()
    poll: Mapped[Poll | None] = relationship()
    topic: Mapped[PollTopic | None] = relationship()
    patron: Mapped[Patron | None] = relationship()


class PollEvent(Model):
    """The polls' audit log: every editor's action, who and when. Never updated or deleted."""

    __tablename__ = "poll_events"
    __table_args__ = (Index("ix_poll_events_poll", "poll_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"), default=None)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _poll_log_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, PollEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogImmutable("the polls' audit log is append-only")
