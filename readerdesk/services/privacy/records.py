"""Everything readerdesk holds for one email address: the records an access request exports and an
erasure empties. Addresses are compared as readerdesk stores patrons' (trimmed, NFC, lower case)."""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select

from readerdesk.models import (
    Correction,
    NotificationSent,
    Patron,
    Payment,
    Pledge,
    PollBallot,
    PollLinkUse,
    PollVoter,
    PortalLinkUse,
    TopicSuggestion,
)
from readerdesk.models.types import DbSession
from readerdesk.services.polls.ballots import ballot_key
from readerdesk.text.emails import normalise_email
from readerdesk.text.translatable import N_plural


class NotAnAddress(ValueError):
    """What was given is not an email address; the message says so."""


def subject_address(text: str) -> str:
    """The address a request is about, normalised, or NotAnAddress."""
    address = normalise_email(text or "")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise NotAnAddress(f"{text!r} is not an email address") from None
    return address


@dataclass
class PersonalRecords:
    address: str
    corrections: list[Correction]
    notifications: list[NotificationSent]
    patrons: list[Patron]
    pledges: list[Pledge]
    payments: list[Payment]
    portal_link_uses: list[PortalLinkUse]
    poll_votes: list[PollVoter] = field(default_factory=list)
    poll_link_uses: list[PollLinkUse] = field(default_factory=list)
    topic_suggestions: list[TopicSuggestion] = field(default_factory=list)
    # The person's own secret ballots, found with the ballot key (only when find_records had the secret).
    poll_ballots: list[PollBallot] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"reports": len(self.corrections), "emails": len(self.notifications), "patrons": len(self.patrons),
                "pledges": len(self.pledges), "payments": len(self.payments),
                "portal_links": len(self.portal_link_uses), "poll_votes": len(self.poll_votes),
                "poll_links": len(self.poll_link_uses), "topic_suggestions": len(self.topic_suggestions)}

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())

    def summary(self) -> str:
        """"2 reports, 1 patron record, ..." (what there is, nothing when empty)."""
        return describe_counts(self.counts()) or "nothing"


# "%(num)d report"/"%(num)d reports": describe_counts says them in English, the desk in its language.
COUNT_NAMES = {
    "reports": N_plural("%(num)d report", "%(num)d reports"),
    "emails": N_plural("%(num)d email sent", "%(num)d emails sent"),
    "patrons": N_plural("%(num)d patron record", "%(num)d patron records"),
    "pledges": N_plural("%(num)d pledge", "%(num)d pledges"),
    "payments": N_plural("%(num)d payment", "%(num)d payments"),
    "portal_links": N_plural("%(num)d used portal link", "%(num)d used portal links"),
    "poll_votes": N_plural("%(num)d poll voted in", "%(num)d polls voted in"),
    "poll_links": N_plural("%(num)d used voting link", "%(num)d used voting links"),
    "topic_suggestions": N_plural("%(num)d topic suggestion", "%(num)d topic suggestions"),
    "texts": N_plural("%(num)d text with the address", "%(num)d texts with the address"),
    "stripe_customers": N_plural("%(num)d Stripe customer deleted", "%(num)d Stripe customers deleted"),
}


def describe_counts(counts: dict[str, int]) -> str:
    parts = []
    for name, count in counts.items():
        if count:
            singular, plural = COUNT_NAMES.get(name, ("%(num)d " + name, "%(num)d " + name))
            parts.append((singular if count == 1 else plural) % {"num": count})
    return ", ".join(parts)


def _same_address(column, address: str):
    # Reports keep the address as the reader typed its local part; patrons and pledges in lower case.
    return func.lower(func.trim(column)) == address


def find_records(session: DbSession, address: str, *, secret_key: str | None = None) -> PersonalRecords:
    """Everything held for ``address``; with the app's ``secret_key`` also what they chose in polls
    (their secret ballots can only be found with it)."""
    address = normalise_email(address)
    corrections = list(session.scalars(select(Correction).where(_same_address(Correction.reader_email, address))
                                       .order_by(Correction.id)))
    patrons = list(session.scalars(select(Patron).where(_same_address(Patron.email, address)).order_by(Patron.id)))
    patron_ids = [p.id for p in patrons]
    pledges = list(session.scalars(select(Pledge).where(
        or_(_same_address(Pledge.email, address), Pledge.patron_id.in_(patron_ids))).order_by(Pledge.id)))
    payments = list(session.scalars(select(Payment).where(Payment.patron_id.in_(patron_ids)).order_by(Payment.id)))
    uses = list(session.scalars(select(PortalLinkUse).where(PortalLinkUse.patron_id.in_(patron_ids))
                                .order_by(PortalLinkUse.id)))
    notifications = list(session.scalars(select(NotificationSent).where(
        _same_address(NotificationSent.recipient, address)).order_by(NotificationSent.id)))
    votes = list(session.scalars(select(PollVoter).where(PollVoter.patron_id.in_(patron_ids)).order_by(PollVoter.id)))
    poll_links = list(session.scalars(select(PollLinkUse).where(PollLinkUse.patron_id.in_(patron_ids))
                                      .order_by(PollLinkUse.id)))
    suggestions = list(session.scalars(select(TopicSuggestion).where(TopicSuggestion.patron_id.in_(patron_ids))
                                       .order_by(TopicSuggestion.id)))
    ballots = []
    if secret_key is not None:
        keys = [ballot_key(secret_key, v.poll_id, v.person) for v in votes]
        ballots = list(session.scalars(select(PollBallot).where(PollBallot.key.in_(keys)))) if keys else []
    return PersonalRecords(address=address, corrections=corrections, notifications=notifications, patrons=patrons,
                           pledges=pledges, payments=payments, portal_link_uses=uses, poll_votes=votes,
                           poll_link_uses=poll_links, topic_suggestions=suggestions,
                           poll_ballots=ballots)
