"""The one place a Stripe client is built.

The API version is pinned here: Stripe objects change shape between versions (2025-03-31 moved an
invoice's subscription under ``parent.subscription_details``), and the webhook handlers are written
against this one. Webhook endpoints in the Stripe dashboard should use the same version.
"""

from __future__ import annotations

from collections.abc import Mapping

import stripe

STRIPE_API_VERSION = "2025-09-30.clover"
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
