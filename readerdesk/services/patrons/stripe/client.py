"""The one place a Stripe client is built, and the one place Stripe's objects become plain dicts.

The API version is pinned here: Stripe objects change shape between versions (2025-03-31 moved an
invoice's subscription under ``parent.subscription_details``), and the webhook handlers are written
against this one. Webhook endpoints in the Stripe dashboard should use the same version.

stripe-python 15+ returns ``StripeObject`` values that are no longer dicts; :func:`plain` turns them
into the plain dicts and lists a webhook body parses to, so every handler reads one shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import stripe

# The newest GA version Stripe documents (endive: 2026-09-30 brought its breaking changes, later
# endive versions only add). stripe-python 16.1 was generated against 2026-10-28.endive.
STRIPE_API_VERSION = "2026-11-18.endive"
# Set by tests (or an embedding app) to route Stripe calls through another stripe.HTTPClient.
HTTP_CLIENT_EXTENSION = "stripe_http_client"


class StripeNotConfigured(RuntimeError):
    """STRIPE_SECRET_KEY is not set: payments are off."""


def payments_enabled(config: Mapping) -> bool:
    return bool(config.get("STRIPE_SECRET_KEY"))


def make_stripe_client(config: Mapping, http_client: stripe.HTTPClient | None = None) -> stripe.StripeClient:
    """A StripeClient for this app's settings: pinned API version, ``STRIPE_API_BASE`` when set."""
    if not payments_enabled(config):
        raise StripeNotConfigured("payments are not set up: STRIPE_SECRET_KEY is not set")
    kwargs: dict = {"stripe_version": STRIPE_API_VERSION, "max_network_retries": 2}
    if config.get("STRIPE_API_BASE"):
        kwargs["base_addresses"] = {"api": config["STRIPE_API_BASE"].rstrip("/")}
    if http_client is not None:
        kwargs["http_client"] = http_client
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], **kwargs)


def stripe_client_for(app) -> stripe.StripeClient:
    """The client for a Flask app, honouring an HTTP client installed in ``app.extensions``."""
    return make_stripe_client(app.config, app.extensions.get(HTTP_CLIENT_EXTENSION))


def plain(value: Any) -> Any:
    """A Stripe response (a ``StripeObject``, or a list of them) as plain dicts and lists."""
    if isinstance(value, stripe.StripeObject):
        return value.to_dict()
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def plain_pages(listing: stripe.ListObject) -> Iterator[dict]:
    """Every object of a list response, following Stripe's pages, as plain dicts."""
    return (plain(item) for item in listing.auto_paging_iter())
