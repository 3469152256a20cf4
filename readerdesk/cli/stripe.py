"""``flask --app app stripe ...``: catch up with Stripe, and the year-end summaries for donors."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
import stripe
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import fail, parse_since, site_or_fail
from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.patrons import send_year_end_summary
from readerdesk.services.patrons.receipts import SUMMARY_YEARS, patrons_to_summarise
from readerdesk.services.patrons.stripe.client import StripeNotConfigured, stripe_client_for
from readerdesk.services.patrons.stripe.reconcile import (
    active_subscriptions,
    events_since,
    patrons_to_recheck,
    repair_subscription,
    unrecorded,
)
from readerdesk.services.patrons.stripe.webhooks import EventAlreadyProcessed, process_event
from readerdesk.unit_of_work import unit_of_work

stripe_cli = AppGroup("stripe", help="Payments: catch up with Stripe, send year-end summaries.")


@stripe_cli.command("reconcile")
@click.option("--since", help="Re-fetch events from this date (default: 3 days ago; Stripe keeps 30 days).")
def stripe_reconcile(since):
    """Process events whose delivery failed, and repair patrons that drifted from their subscription."""
    since_at = parse_since(since) or utcnow() - timedelta(days=3)
    try:
        client = stripe_client_for(current_app)
        events = list(events_since(client, since_at))
    except StripeNotConfigured as exc:
        fail(str(exc))
    except stripe.StripeError as exc:
        fail(f"Stripe refused the request: {exc.user_message or exc}")
    missing = unrecorded(db.session, events)
    processed = 0
    with click.progressbar(missing, label=f"Events since {since_at:%Y-%m-%d}", file=sys.stderr) as bar:
        for event in bar:
            try:
                with unit_of_work(db.session) as work:
                    result = process_event(db.session, event, now=utcnow(), client=client)
                    work.after_commit(*result.jobs)
            except EventAlreadyProcessed:
                continue
            except Exception as exc:  # one bad event must not stop the rest
                click.echo(f"event {event.get('id')}: {exc}", err=True)
                continue
            processed += 1
    try:
        subscriptions = list(active_subscriptions(client))
        active_ids = {s["id"] for s in subscriptions}
        stale = [client.v1.subscriptions.retrieve(p.stripe_subscription_id)
                 for p in patrons_to_recheck(db.session, active_ids) if p.stripe_subscription_id]
    except stripe.StripeError as exc:
        fail(f"Stripe refused the request: {exc.user_message or exc}")
    repaired = []
    with click.progressbar(subscriptions + stale, label="Subscriptions", file=sys.stderr) as bar:
        for subscription in bar:
            line = repair_subscription(db.session, subscription, now=utcnow())
            if line:
                repaired.append(line)
    db.session.commit()
    click.echo(f"{len(events)} events since {since_at:%Y-%m-%d}, {processed} processed now; "
               f"{len(subscriptions) + len(stale)} subscriptions checked, {len(repaired)} patrons repaired")
    for line in repaired:
        click.echo(f"repaired {line}")


@stripe_cli.command("year-end")
@click.option("--year", type=click.IntRange(SUMMARY_YEARS.start, SUMMARY_YEARS.stop - 1), required=True,
              help="The calendar year (UTC) to summarise.")
@click.option("--site", "site_name", help="Only this site's patrons (default: every site).")
def stripe_year_end(year, site_name):
    """Email each patron a summary of the year's contributions, per currency, net of refunds, with the
    summary attached as a PDF. A second run sends nothing that was already sent."""
    if not current_app.config.get("MAIL_SERVER"):
        fail("email is not set up: set MAIL_SERVER (and MAIL_FROM) to send the year-end summaries")
    site = site_or_fail(site_name) if site_name else None
    patron_ids = [p.id for p in patrons_to_summarise(db.session, year, site)]
    sent = failed = 0
    with click.progressbar(patron_ids, label=f"Year-end {year}", file=sys.stderr) as bar:
        for patron_id in bar:
            try:
                sent += send_year_end_summary(patron_id, year)
            except Exception as exc:  # one bad address must not stop the rest; the next run retries it
                db.session.rollback()
                failed += 1
                click.echo(f"\npatron {patron_id}: {exc}", err=True)
    click.echo(f"{len(patron_ids)} patrons gave in {year}: {sent} summaries sent now, "
               f"{len(patron_ids) - sent - failed} sent before, {failed} failed")
    if failed:
        sys.exit(1)
