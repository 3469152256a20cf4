"""Starting a Stripe Checkout for a pledge, reading back its outcome, and opening the customer portal.

Every object created here carries metadata (``readerdesk`` marker, pledge id, site name) so the
webhook can tell this newsroom's payments from anything else on the same Stripe account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

import stripe
from sqlalchemy import select

from readerdesk.models import Interval, Patron, Pledge, PledgeStatus, Site
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.pledges import SupportSettings, Tier, normalise_email
from readerdesk.services.patrons.stripe.client import plain
from readerdesk.text.ids import parse_id
from readerdesk.text.languages import N_

if TYPE_CHECKING:
    from stripe.params import PriceCreateParams
    from stripe.params.billing_portal import ConfigurationCreateParams
    from stripe.params.billing_portal import SessionCreateParams as PortalSessionCreateParams
    from stripe.params.checkout import SessionCreateParams

METADATA_MARKER = "readerdesk"  # metadata key present on every Stripe object readerdesk creates
MARKER_VALUE = "1"
LOOKUP_KEY_PREFIX = "readerdesk"  # tier Prices: readerdesk:<site>:<tier>:<interval>[:fee]
EXPIRY_MARGIN = timedelta(minutes=5)  # a session this close to expiring is not handed to a reader


def stripe_time(value) -> datetime | None:
    """A Stripe timestamp (seconds since the epoch) as an aware UTC datetime."""
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, (int, float)) and value else None


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


def checkout_idempotency_key(pledge: Pledge, attempt: int = 1) -> str:
    return f"pledge-{pledge.id}-checkout-v{attempt}"


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
    customer = plain(client.v1.customers.create(
        {"email": email, **({"name": pledge.name} if pledge.name else {}),
         "metadata": {METADATA_MARKER: MARKER_VALUE, "site": pledge.site.name}},
        {"idempotency_key": f"pledge-{pledge.id}-customer-v1"},
    ))
    return customer["id"]


# --- the site's Product and its tiers' Prices ---------------------------------------------------


def tier_lookup_key(site: Site, tier: Tier, *, fee_covered: bool = False) -> str:
    """The ``lookup_key`` of a tier's Price: one per site, tier and interval (and a second one for the
    total with the card fee covered)."""
    return f"{LOOKUP_KEY_PREFIX}:{site.name}:{tier.id}:{tier.interval.value}" + (":fee" if fee_covered else "")


def tier_of_price(price: dict | None) -> str | None:
    """The tier a subscription's Price stands for (from its lookup key), None for a custom amount."""
    parts = str((price or {}).get("lookup_key") or "").split(":")
    return parts[2] if len(parts) >= 4 and parts[0] == LOOKUP_KEY_PREFIX else None


def site_product(client: stripe.StripeClient, site: Site) -> str:
    """The site's one Stripe Product (created the first time, then kept on the site)."""
    if site.stripe_product_id:
        return site.stripe_product_id
    product = plain(client.v1.products.create(
        {"name": f"Support for {site.title or site.name}",
         "metadata": {METADATA_MARKER: MARKER_VALUE, "site": site.name}},
        {"idempotency_key": f"site-{site.id}-product-v1"}))
    site.stripe_product_id = product["id"]
    return product["id"]


def tier_price(client: stripe.StripeClient, site: Site, tier: Tier, amount: int, *, fee_covered: bool = False) -> str:
    """The id of the Price for a tier at ``amount`` in the site's currency, found by its lookup key; a
    tier whose amount (or the site's currency) changed gets a new Price that takes the key over."""
    key = tier_lookup_key(site, tier, fee_covered=fee_covered)
    currency = site.currency.lower()
    for price in plain(client.v1.prices.list({"lookup_keys": [key], "active": True, "limit": 1}))["data"]:
        recurring = price.get("recurring") or {}
        if (price.get("unit_amount"), price.get("currency"), recurring.get("interval")) == (
                amount, currency, tier.interval.value):
            return price["id"]
    params = {"product": site_product(client, site), "currency": currency, "unit_amount": amount,
              "recurring": {"interval": tier.interval.value}, "lookup_key": key, "transfer_lookup_key": True,
              "nickname": tier.name, "metadata": {METADATA_MARKER: MARKER_VALUE, "site": site.name, "tier": tier.id}}
    price = plain(client.v1.prices.create(
        cast("PriceCreateParams", params), {"idempotency_key": f"price-{key}-{currency}-{amount}-v1"}))
    return price["id"]


def checkout_params(pledge: Pledge, customer_id: str, line_item: dict, *, success_url: str, cancel_url: str) -> dict:
    """The Checkout Session parameters: a subscription for monthly or yearly support, a payment for gifts."""
    metadata = pledge_metadata(pledge)
    params: dict = {
        "customer": customer_id,
        "client_reference_id": str(pledge.id),
        "line_items": [line_item],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
    }
    if pledge.interval.recurring:
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    return params


def pledge_line_item(client: stripe.StripeClient, pledge: Pledge, settings: SupportSettings) -> dict:
    """A tier's Price (so the portal can offer the other tiers and the label follows the Price), or an
    inline price on the site's Product for a custom amount."""
    tier = settings.tier(pledge.tier) if pledge.tier else None
    if tier is not None and pledge.interval.recurring:
        return {"price": tier_price(client, pledge.site, tier, pledge.total, fee_covered=pledge.fee_covered),
                "quantity": 1}
    price_data: dict = {"currency": pledge.currency.lower(), "unit_amount": pledge.total,
                        "product": site_product(client, pledge.site)}
    if pledge.interval.recurring:
        price_data["recurring"] = {"interval": pledge.interval.value}
    return {"price_data": price_data, "quantity": 1}


def checkout_is_usable(pledge: Pledge, now: datetime) -> bool:
    """The pledge's open Checkout Session can still be paid (Stripe expires them, 24 h by default)."""
    if pledge.status is not PledgeStatus.OPEN or not pledge.checkout_url:
        return False
    return pledge.checkout_expires_at is None or now < pledge.checkout_expires_at - EXPIRY_MARGIN


def start_checkout(session: DbSession, client: stripe.StripeClient, pledge: Pledge, settings: SupportSettings, *,
                   success_url: str, cancel_url: str, now: datetime) -> str:
    """The Checkout URL for a pledge: its open session's, or a new session's. Raises CheckoutFailed.

    ``success_url`` must contain ``{CHECKOUT_SESSION_ID}``. The session is created with the
    idempotency key ``pledge-<id>-checkout-v<attempt>``, so a retry of the same pledge never makes a
    second one; a session that expired is replaced by a new one (the next attempt).
    """
    if checkout_is_usable(pledge, now):
        assert pledge.checkout_url
        return pledge.checkout_url
    if pledge.status is PledgeStatus.COMPLETED or pledge.status is PledgeStatus.PROCESSING:
        raise CheckoutFailed(N_("This support was completed already. Thank you!"), 409)
    if pledge.status is PledgeStatus.FAILED:
        raise CheckoutFailed(pledge.error or N_("This payment could not be started. Please fill in the form again."))
    try:
        customer_id = create_customer(client, pledge)
        params = checkout_params(pledge, customer_id, pledge_line_item(client, pledge, settings),
                                 success_url=success_url, cancel_url=cancel_url)
        checkout = plain(client.v1.checkout.sessions.create(
            cast("SessionCreateParams", params),  # the Checkout Session parameters, built as a plain dict
            {"idempotency_key": checkout_idempotency_key(pledge, pledge.checkout_attempts + 1)},
        ))
    except stripe.StripeError as exc:
        pledge.status = PledgeStatus.FAILED
        pledge.error = reader_message(exc)[:500]
        raise CheckoutFailed(pledge.error, 402 if isinstance(exc, stripe.CardError) else 502) from exc
    pledge.checkout_attempts += 1
    pledge.stripe_checkout_session_id = checkout["id"]
    pledge.checkout_url = checkout["url"]
    pledge.checkout_expires_at = stripe_time(checkout.get("expires_at"))
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
    checkout = plain(client.v1.checkout.sessions.retrieve(session_id))
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


# --- the customer portal ------------------------------------------------------------------------


def portal_configuration(client: stripe.StripeClient, site: Site, settings: SupportSettings) -> str | None:
    """The site's Customer Portal configuration, offering its tiers as plan changes (made again when the
    tiers' Prices change). None when the site offers no tier Stripe can charge."""
    tiers = settings.offered_tiers
    if not tiers:
        return None
    prices = [tier_price(client, site, tier, tier.amount) for tier in tiers]
    signature = ",".join(prices)
    if site.stripe_portal_configuration_id and site.stripe_portal_prices == signature:
        return site.stripe_portal_configuration_id
    params = {
        "business_profile": {"headline": f"Your support for {site.title or site.name}"},
        "features": {
            "subscription_update": {"enabled": True, "default_allowed_updates": ["price"],
                                    "proration_behavior": "none",
                                    "products": [{"product": site_product(client, site), "prices": prices}]},
            "subscription_cancel": {"enabled": True, "mode": "at_period_end"},
            "payment_method_update": {"enabled": True},
            "invoice_history": {"enabled": True},
        },
        "metadata": {METADATA_MARKER: MARKER_VALUE, "site": site.name},
    }
    configuration = plain(client.v1.billing_portal.configurations.create(
        cast("ConfigurationCreateParams", params),
        {"idempotency_key": f"site-{site.id}-portal-{hashlib.sha256(signature.encode()).hexdigest()[:16]}"}))
    site.stripe_portal_configuration_id, site.stripe_portal_prices = configuration["id"], signature
    return configuration["id"]


def create_portal_session(client: stripe.StripeClient, patron: Patron, settings: SupportSettings, *,
                          return_url: str) -> str:
    """A Stripe Customer Portal URL where the patron changes tier, updates the card or cancels."""
    assert patron.stripe_customer_id  # redeem_portal_token lets through only patrons Stripe knows
    params: dict[str, str] = {"customer": patron.stripe_customer_id, "return_url": return_url}
    configuration = portal_configuration(client, patron.site, settings)
    if configuration:
        params["configuration"] = configuration
    portal = plain(client.v1.billing_portal.sessions.create(cast("PortalSessionCreateParams", params)))
    return portal["url"]
