"""What every webhook handler shares: its result, the "not yet" signal, and Stripe's timestamps."""

from __future__ import annotations

from dataclasses import dataclass, field

from readerdesk.services.effects import Job
from readerdesk.services.patrons.stripe.checkout import stripe_time

__all__ = ["EventResult", "RetryLater", "stripe_time"]


class RetryLater(RuntimeError):
    """The event is about one of our objects that has not reached us yet (its own event is still on
    the way): the caller rolls back and answers 500, so Stripe delivers it again later."""


@dataclass
class EventResult:
    outcome: str
    # Jobs for the caller's unit of work to run after commit.
    jobs: list[Job] = field(default_factory=list)
