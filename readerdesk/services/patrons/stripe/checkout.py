"""Starting a Stripe Checkout for a pledge, reading back its outcome, and opening the customer portal.

Every object created here carries metadata (``readerdesk`` marker, pledge id, site name) so the
webhook can tell this newsroom's payments from anything else on the same Stripe account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import stripe
from sqlalchemy import select

from readerdesk.models import Interval, Patron, Pledge, PledgeStatus
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.pledges import normalise_email
from readerdesk.text.ids import parse_id

if TYPE_CHECKING:
    from stripe.params.checkout import SessionCreateParams

METADATA_MARKER = "readerdesk"  # metadata key present on every Stripe object readerdesk creates
MARKER_VALUE = "1"


def pledge_from_metadata(session: DbSession, metadata: dict | None) -> Pledge | None:
    """The pledge named by readerdesk's metadata, if the metadata is ours and the site matches.
    Anything else (metadata that is not an object; in ``pledge_id`` a Unicode digit, a huge number)
    names no pledge."""
    if not isinstance(metadata, dict) or metadata.get(METADATA_MARKER) != MARKER_VALUE:
        return None
    pledge_id = parse_id(str(metadata.get("pledge_id", "")))
    pledge = session.get(Pledge, pledge_id) if pledge_id is not None else None
    if pledge is None or pledge.site.name != metadata.get("site"):
        return None
    return pledge


class CheckoutFailed(RuntimeError):
    """Stripe refused or could not be reached; the message is for the reader."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.status = status  # 402 for a card problem, 409 for a finished pledge, 502 for the provider


def pledge_metadata(pledge: Pledge) -> dict[str, str]:
    return {METADATA_MARKER: MARKER_VALUE, "pledge_id": str(pledge.id), "site": pledge.site.name,
            "tier": pledge.tier or "custom"}


def checkout_idempotency_key(pledge: Pledge) -> str:
    return f"pledge-{pledge.id}-checkout-v1"


def reader_message(exc: stripe.StripeError) -> str:
    """What to tell a reader when Stripe says no."""
    if isinstance(exc, stripe.CardError):
        return (exc.user_message or "Your card was declined.") + " Nothing was charged."
    if isinstance(exc, stripe.APIConnectionError):
        return "We could not reach our payment provider. Nothing was charged; please try again in a minute."
    if isinstance(exc, stripe.RateLimitError):
        return "Our payment provider is busy. Nothing was charged; please try again in a minute."
    return "Our payment provider could not start the payment. Nothing was charged; please try again later."


def create_customer(client: stripe.StripeClient, pledge: Pledge) -> str:
    """A new Stripe customer for this pledge (created with an idempotency key tied to the pledge).

    Never an existing one found by email: nobody has proven the email typed on the support page, and
    a Checkout on another patron's customer would show their saved cards and let a stranger replace
    their subscription. A returning patron gets a second customer; both stay apart."""
    email = normalise_email(pledge.email)
    customer = client.v1.customers.create(
        {"email": email, **({"name": pledge.name} if pledge.name else {}),
         "metadata": {METADATA_MARKER: MARKER_VALUE, "site": pledge.site.name}},
        {"idempotency_key": f"pledge-{pledge.id}-customer-v1"},
    )
    return customer["id"]


def checkout_params(pledge: Pledge, customer_id: str, *, success_url: str, cancel_url: str,
                    product_name: str) -> dict:
    """The Checkout Session parameters: a recurring price for subscriptions, a one-off for gifts."""
    metadata = pledge_metadata(pledge)
    price_data: dict = {
        "currency": pledge.currency.lower(),
        "unit_amount": pledge.total,
        "product_data": {"name": product_name, "metadata": {METADATA_MARKER: MARKER_VALUE, "site": pledge.site.name}},
    }
    params: dict = {
        "customer": customer_id,
        "client_reference_id": str(pledge.id),
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
    }
    if pledge.interval.recurring:
        price_data["recurring"] = {"interval": pledge.interval.value}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    return params


def start_checkout(session: DbSession, client: stripe.StripeClient, pledge: Pledge, *, success_url: str,
                   cancel_url: str, product_name: str) -> str:
    """The Checkout URL for a pledge: its open session's, or a new session's. Raises CheckoutFailed.

    ``success_url`` must contain ``{CHECKOUT_SESSION_ID}``. The session is created with the
    idempotency key ``pledge-<id>-checkout-v1``, so a retry of the same pledge never makes a second one.
    """
    if pledge.status is PledgeStatus.OPEN and pledge.checkout_url:
        return pledge.checkout_url
    if pledge.status is PledgeStatus.COMPLETED:
        raise CheckoutFailed("This support was completed already. Thank you!", 409)
    if pledge.status is PledgeStatus.FAILED:
        raise CheckoutFailed(pledge.error or "This payment could not be started. Please fill in the form again.")
    try:
        customer_id = create_customer(client, pledge)
        params = checkout_params(pledge, customer_id, success_url=success_url, cancel_url=cancel_url,
                                 product_name=product_name)
        checkout = client.v1.checkout.sessions.create(
            cast("SessionCreateParams", params),  # the Checkout Session parameters, built as a plain dict
            {"idempotency_key": checkout_idempotency_key(pledge)},
        )
    except stripe.StripeError as exc:
        pledge.status = PledgeStatus.FAILED
        pledge.error = reader_message(exc)[:500]
        raise CheckoutFailed(pledge.error, 402 if isinstance(exc, stripe.CardError) else 502) from exc
    pledge.stripe_checkout_session_id = checkout["id"]
    pledge.checkout_url = checkout["url"]
    pledge.status = PledgeStatus.OPEN
    return checkout["url"]


@dataclass(frozen=True)
class CheckoutOutcome:
    state: str  # "paid" | "processing" | "not_completed"
    pledge: Pledge
    amount_total: int | None
    currency: str
    recurring: bool


def checkout_outcome(session: DbSession, client: stripe.StripeClient, session_id: str) -> CheckoutOutcome:
    """What really happened to a Checkout Session (the success page shows this, not the redirect)."""
    checkout = client.v1.checkout.sessions.retrieve(session_id)
    metadata = checkout.get("metadata") or {}
    pledge = pledge_from_metadata(session, metadata)
    if pledge is None:
        pledge = session.scalar(select(Pledge).where(Pledge.stripe_checkout_session_id == session_id))
    if pledge is None:
        raise LookupError("This payment is not one of ours.")
    if checkout.get("status") == "complete":
        state = "paid" if checkout.get("payment_status") in ("paid", "no_payment_required") else "processing"
    else:
        state = "not_completed"
    return CheckoutOutcome(state=state, pledge=pledge, amount_total=checkout.get("amount_total"),
                           currency=(checkout.get("currency") or pledge.currency).upper(),
                           recurring=pledge.interval is not Interval.ONCE)


def create_portal_session(client: stripe.StripeClient, patron: Patron, *, return_url: str) -> str:
    """A Stripe Customer Portal URL where the patron changes or cancels their support."""
    assert patron.stripe_customer_id  # redeem_portal_token lets through only patrons Stripe knows
    portal = client.v1.billing_portal.sessions.create({"customer": patron.stripe_customer_id, "return_url": return_url})
    return portal["url"]
