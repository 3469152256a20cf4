"""Deleting an erased patron's customer at Stripe, after cancelling their live subscriptions.

The customers are the address's patrons' and any customer readerdesk itself created for the address
(its metadata carries readerdesk's marker): a checkout never finished leaves one with no patron
record. Customers other systems made on the same Stripe account are left alone."""

from __future__ import annotations

from dataclasses import dataclass, field

import stripe

from readerdesk.services.patrons.stripe.checkout import MARKER_VALUE, METADATA_MARKER
from readerdesk.services.patrons.stripe.client import plain_pages
from readerdesk.services.privacy.records import PersonalRecords

LIVE_STATUSES = {"active", "past_due", "trialing", "unpaid", "incomplete", "paused"}


@dataclass
class StripeDeletion:
    customer_id: str
    canceled_subscriptions: list[str] = field(default_factory=list)
    deleted: bool = False  # False when Stripe no longer had the customer

    def describe(self) -> str:
        canceled = (f" after cancelling {len(self.canceled_subscriptions)} active subscription(s)"
                    if self.canceled_subscriptions else "")
        return (f"Deleted Stripe customer {self.customer_id}{canceled}." if self.deleted
                else f"Stripe customer {self.customer_id} was already deleted.")


def customers_to_delete(client: stripe.StripeClient, records: PersonalRecords) -> list[str]:
    found = {p.stripe_customer_id for p in records.patrons if p.stripe_customer_id}
    for customer in plain_pages(client.v1.customers.list({"email": records.address, "limit": 100})):
        metadata = customer.get("metadata") or {}
        if (customer.get("email") or "").lower() == records.address and metadata.get(METADATA_MARKER) == MARKER_VALUE:
            found.add(customer["id"])
    return sorted(found)


def delete_customer(client: stripe.StripeClient, customer_id: str) -> StripeDeletion:
    """Cancel the customer's live subscriptions, then delete the customer. Stripe errors propagate,
    except that a customer Stripe no longer has counts as deleted already."""
    result = StripeDeletion(customer_id)
    try:
        subscriptions = client.v1.subscriptions.list({"customer": customer_id, "status": "all", "limit": 100})
        for subscription in plain_pages(subscriptions):
            if subscription.get("status") in LIVE_STATUSES:
                client.v1.subscriptions.cancel(subscription["id"])
                result.canceled_subscriptions.append(subscription["id"])
        client.v1.customers.delete(customer_id)
    except stripe.InvalidRequestError as exc:
        if exc.code != "resource_missing":
            raise
        return result
    result.deleted = True
    return result


def delete_stripe_customers(client: stripe.StripeClient, records: PersonalRecords) -> list[StripeDeletion]:
    """Every customer of :func:`customers_to_delete`, deleted. Stripe errors propagate: callers erase
    nothing locally then, and the request can simply be made again."""
    return [delete_customer(client, customer) for customer in customers_to_delete(client, records)]
