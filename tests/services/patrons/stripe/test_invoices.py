from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.jobs.registry import JOBS
from readerdesk.models import Patron, PatronStatus, Payment, PaymentStatus
from readerdesk.services.patrons.stripe.invoices import invoice_subscription
from tests.conftest import mail_settings
from tests.factories import make_site
from tests.fakes.stripe import make_event, make_invoice
from tests.patron_scenarios import DAY, T0, apply_event, at, checkout


def test_a_failed_payment_makes_the_patron_past_due_and_tells_them(app, fake_stripe, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="reader")
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    result = apply_event(app, make_event("invoice.payment_failed", make_invoice(sub, paid=False), created=T0 + DAY))
    patron = db.session.scalar(select(Patron))
    assert patron.status is PatronStatus.PAST_DUE
    assert [(p.status, p.amount, p.failed_at) for p in patron.payments] == [(PaymentStatus.FAILED, 800, at(T0 + DAY))]
    for job in result.jobs:
        JOBS[job.name](*job.args)
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com"]
    assert "could not collect your payment of €8.00" in smtp_server.messages[0].get_content()


def test_an_invoice_names_its_subscription_under_parent_as_the_pinned_version_shapes_it(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    invoice = make_invoice(sub)
    assert invoice_subscription(invoice) == (sub["id"], sub["metadata"])
    # The shape before 2025-03-31 (a top-level ``subscription``) is not read: such an invoice is not ours.
    legacy = {**invoice, "parent": None, "subscription": sub["id"], "subscription_details": {"metadata": {}}}
    assert invoice_subscription(legacy) == (None, {})
    assert apply_event(app, make_event("invoice.paid", legacy, created=T0)).outcome == (
        "ignored: not a subscription invoice")


def test_a_paid_invoice_without_its_payments_fetches_the_payment_intent_from_stripe(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    invoice = make_invoice(sub, payment_intent="pi_of_invoice")
    fake_stripe.invoices[invoice["id"]] = invoice
    event = make_event("invoice.paid", invoice, created=T0)
    assert "payments" not in event["data"]["object"]  # webhook invoices carry them only when expanded
    apply_event(app, event)
    payment = db.session.scalar(select(Payment))
    assert (payment.status, payment.stripe_payment_intent_id) == (PaymentStatus.PAID, "pi_of_invoice")
    [listing] = fake_stripe.sent("GET", "/v1/invoice_payments")
    assert listing.params["invoice"] == invoice["id"]
