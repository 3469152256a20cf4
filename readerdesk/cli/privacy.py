"""``flask --app app privacy ...``: the retention purge, access requests and erasure.

    flask --app app privacy purge                 # daily, from cron (or the worker, with Redis)
    flask --app app privacy export EMAIL [-o FILE]
    flask --app app privacy erase EMAIL [--stripe] [--yes]

Output and logs carry counts, never the data; the audit log records each run without the address."""

from __future__ import annotations

import getpass
import json
import os
import sys

import click
import stripe
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import fail
from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.privacy import apply_purge
from readerdesk.services.patrons.stripe.client import StripeNotConfigured, stripe_client_for
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.erasure import (
    ErasureBlocked,
    erase,
    erasure_summary,
    is_staff_address,
    live_subscriptions,
)
from readerdesk.services.privacy.export import export
from readerdesk.services.privacy.records import (
    NotAnAddress,
    PersonalRecords,
    describe_counts,
    find_records,
    subject_address,
)
from readerdesk.services.privacy.retention import RetentionSettings, plan_purge
from readerdesk.services.privacy.stripe_customers import StripeDeletion, delete_stripe_customers
from readerdesk.unit_of_work import unit_of_work

privacy_cli = AppGroup("privacy", help="Personal data: the retention purge, access requests, erasure.")


def command_line() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return Actor(label=f"command line ({user})")


def _settings() -> RetentionSettings:
    return RetentionSettings.from_config(current_app.config)


def _address(text: str) -> str:
    try:
        return subject_address(text)
    except NotAnAddress as exc:
        fail(str(exc))


@privacy_cli.command("purge")
def purge_command():
    """Remove personal data past its retention (idempotent: run it daily)."""
    now = utcnow()
    plan = plan_purge(db.session, _settings(), now=now)
    total = sum(len(step.pending) for step in plan)
    with click.progressbar(length=total, label="Removing personal data past retention", file=sys.stderr) as bar:
        apply_purge(db.session, plan, actor=command_line(), now=now, on_batch=bar.update)
    for step in plan:
        click.echo(f"{step.label}: {len(step.pending)}")


@privacy_cli.command("export")
@click.argument("email")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="The JSON file to write (default: readerdesk-export-DATE-TIME.json here).")
def export_command(email, output):
    """Write everything readerdesk holds for EMAIL to one JSON file (an access request)."""
    address, now = _address(email), utcnow()
    path = output or f"readerdesk-export-{now:%Y%m%d-%H%M%S}.json"
    records = find_records(db.session, address, secret_key=current_app.config["SECRET_KEY"])
    with unit_of_work(db.session):
        document = export(db.session, records, actor=command_line(), settings=_settings(), now=now)
        try:
            # Personal data: readable by this user only. A file that cannot be written rolls the audit back.
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as file:
                json.dump(document, file, ensure_ascii=False, indent=2)
                file.write("\n")
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror}")
    click.echo(f"Wrote {path}: {records.summary()}.")


def _delete_stripe_customers(records: PersonalRecords) -> list[StripeDeletion]:
    try:
        return delete_stripe_customers(stripe_client_for(current_app), records)
    except StripeNotConfigured:
        fail("--stripe needs STRIPE_SECRET_KEY; nothing was erased")
    except stripe.StripeError as exc:
        fail(f"Stripe refused the request ({exc.user_message or exc}); nothing was erased here, run the command again")


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--stripe", "with_stripe", is_flag=True,
              help="Also delete the patron's Stripe customer, cancelling their active subscriptions first.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email, with_stripe, yes):
    """Erase or anonymise every personal field for EMAIL, in one transaction."""
    address, now = _address(email), utcnow()
    records = find_records(db.session, address)
    if live_subscriptions(records) and not with_stripe:
        fail("this address has an active subscription at Stripe: add --stripe to cancel it and delete the "
             "customer, or cancel it in Stripe first; nothing was erased")
    if records.empty and not with_stripe:
        click.echo("readerdesk holds nothing for this address.")
    elif not yes:
        click.confirm(f"Erase {erasure_summary(records)}" + (", and the Stripe customer" if with_stripe else "")
                      + "?", abort=True)
    # Stripe first: if it refuses, nothing is erased and the command can be run again; if the erasure
    # here then failed, running it again finds the customers gone at Stripe and erases here.
    deletions = _delete_stripe_customers(records) if with_stripe else []
    try:
        with unit_of_work(db.session):
            changed = erase(db.session, records, actor=command_line(), now=now, stripe_deletions=deletions)
    except ErasureBlocked as exc:
        fail(f"{exc}; nothing was erased here")
    for deletion in deletions:
        click.echo(deletion.describe())
    click.echo(f"Erased: {describe_counts(changed) or 'nothing'}.")
    if records.payments:
        click.echo(f"Kept for accounting, anonymised: {describe_counts({'payments': len(records.payments)})}.")
    if is_staff_address(db.session, address):
        click.echo("This address is also a staff account: remove or rename it at /desk/admin/users.")
