"""Stripe's webhook: verified on the raw body, each event applied exactly once, side effects after commit."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError

from readerdesk.clock import utcnow
from readerdesk.extensions import csrf, db
from readerdesk.services.patrons.stripe.client import payments_enabled, stripe_client_for
from readerdesk.services.patrons.stripe.webhooks import (
    EventAlreadyProcessed,
    InvalidWebhook,
    RetryLater,
    is_recorded,
    process_event,
    verify_event,
)
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.errors import error_response

bp = Blueprint("webhooks", __name__)
WEBHOOK_MAX_BYTES = 1024 * 1024


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    # Stripe events (an invoice with many lines) can outgrow the public API's body limit.
    request.max_content_length = WEBHOOK_MAX_BYTES
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        return error_response(503, "Stripe webhooks are not set up: STRIPE_WEBHOOK_SECRET is not set.")
    try:
        event = verify_event(request.get_data(cache=False), request.headers.get("Stripe-Signature"), secret)
    except InvalidWebhook as exc:
        return error_response(400, str(exc))
    client = stripe_client_for(current_app) if payments_enabled(current_app.config) else None
    try:
        with unit_of_work(db.session) as work:
            result = process_event(db.session, event, now=utcnow(), client=client)
            work.after_commit(*result.jobs)
    except (EventAlreadyProcessed, IntegrityError) as exc:
        if isinstance(exc, EventAlreadyProcessed) or is_recorded(db.session, event["id"]):
            # A redelivery, or the same event delivered concurrently and applied by the other request.
            return jsonify(received=True, duplicate=True)
        current_app.logger.exception("Stripe event %s conflicted; Stripe will retry", event["id"])
        return error_response(500, "The event could not be applied; it will be retried.")
    except RetryLater as exc:
        current_app.logger.info("Stripe event %s deferred: %s", event["id"], exc)
        return error_response(500, f"Not yet: {exc}. Stripe will deliver it again.")
    except Exception:  # rolled back with the event record, so Stripe's retry is processed afresh
        current_app.logger.exception("Stripe event %s failed; Stripe will retry", event["id"])
        return error_response(500, "The event could not be applied; it will be retried.")
    return jsonify(received=True, outcome=result.outcome)
