"""``flask --app app readerdesk ...``: the demo, staff accounts, the editors' digest, bench data."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import allow_long_statements, fail
from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.demo.bench import BenchSeedError, seed_bench
from readerdesk.extensions import db
from readerdesk.jobs.mail import send_digest
from readerdesk.models import Role
from readerdesk.services.desk.two_factor import reset_two_factor
from readerdesk.services.desk.users import PasswordSettings, UserError, create_user, user_by_email
from readerdesk.services.mail.smtp import MailNotConfigured, SmtpSettings

readerdesk_cli = AppGroup("readerdesk", help="Demo data and staff accounts.")


@readerdesk_cli.command("demo")
def demo_command():
    """Load the demo site, articles and admin (idempotent)."""
    result = load_demo(db.session, now=utcnow(), password_settings=PasswordSettings.from_config(current_app.config),
                       secret_key=current_app.config["SECRET_KEY"])
    db.session.commit()
    for line in result.lines:
        click.echo(line)


@readerdesk_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), default="editor", show_default=True)
@click.option("--name", default="")
@click.option("--byline", default="", help="An author's name as in the bylines: they see only its figures.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, role, name, byline, password):
    """Create a staff account."""
    try:
        user = create_user(db.session, email, password, role, name=name, byline=byline,
                           password_settings=PasswordSettings.from_config(current_app.config))
    except UserError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@readerdesk_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email):
    """Turn off a staff member's two-factor sign-in and end their sessions (a lost phone, no admin left)."""
    user = user_by_email(db.session, email)
    if user is None:
        fail(f"no staff account with the email {email}")
    reset_two_factor(db.session, user, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Two-factor sign-in of {user.email} is off and their sessions ended; they set it up again at "
               "their next sign-in.")


@readerdesk_cli.command("send-digest")
def send_digest_command():
    """Email each editor the corrections received since the last digest."""
    try:
        report = send_digest(db.session, now=utcnow(), settings=SmtpSettings.from_config(current_app.config),
                             public_url=current_app.config["PUBLIC_URL"])
    except MailNotConfigured:
        fail("MAIL_SERVER is not set: configure SMTP (MAIL_SERVER, MAIL_PORT...) to send the digest")
    except OSError as exc:
        fail(f"could not send the digest: {exc}")
    if report.corrections:
        click.echo(f"Sent {report.emails} digest email(s) with {report.corrections} correction(s) "
                   f"since {report.since:%Y-%m-%d %H:%M} UTC.")
    else:
        click.echo(f"No new corrections since {report.since:%Y-%m-%d %H:%M} UTC; nothing sent.")


@readerdesk_cli.command("seed-bench")
@click.option("--corrections", default=100_000, show_default=True, help="How many reports to create.")
@click.option("--articles", default=2_000, show_default=True, help="Over how many articles.")
@click.option("--seed", default=20261128, show_default=True, help="Random seed (the same data every time).")
def seed_bench_command(corrections, articles, seed):
    """Fill an empty database with synthetic reports for bench/desk (fast bulk insert)."""
    started = time.monotonic()
    allow_long_statements()  # COPY of a million rows takes longer than a request may
    try:
        result = seed_bench(db.session, corrections=corrections, articles=articles, now=utcnow(), seed=seed,
                            password_settings=PasswordSettings.from_config(current_app.config),
                            progress=lambda n: click.echo(f"  {n:,} reports…", err=True))
    except BenchSeedError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Seeded {result.corrections:,} reports in {result.groups:,} groups on {result.articles:,} articles "
               f"(site {result.site.name}) in {time.monotonic() - started:.0f} s.")
