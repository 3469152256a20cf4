"""``flask --app app ...`` commands. Each command owns its transaction; failures are one line, exit 1."""

from __future__ import annotations

import itertools
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from readerdesk.clock import utcnow
from readerdesk.extensions import db

sites_cli = AppGroup("sites", help="Create and list sites.")
articles_cli = AppGroup("articles", help="Import articles into readerdesk.")
readerdesk_cli = AppGroup("readerdesk", help="Demo data and staff accounts.")


def fail(message: str) -> None:
    """One line on stderr, exit code 1, nothing written."""
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _http():
    from readerdesk.services.articles.fetching import new_http_session

    return new_http_session(current_app.config["HTTP_USER_AGENT"])


def _site(name: str | None):
    from readerdesk.services.articles.sites import SiteNotFound, get_site, only_site

    try:
        return get_site(db.session, name) if name else only_site(db.session)
    except SiteNotFound as exc:
        fail(str(exc))


# --- sites -----------------------------------------------------------------------------------


@sites_cli.command("add")
@click.argument("name")
@click.option("--base-url", required=True, help="The site's home page, e.g. https://news.example.")
@click.option("--body-selector", required=True, help="CSS selector of the article body.")
@click.option("--exclude", multiple=True, help="CSS selector of a box to drop inside the body (repeatable).")
@click.option("--allow-origin", multiple=True, help="Another origin allowed to embed the widget (repeatable).")
@click.option("--title", default="", help="Display name.")
@click.option("--language", default="en", show_default=True)
@click.option("--currency", default="EUR", show_default=True, help="ISO 4217 currency for donations.")
def sites_add(name, base_url, body_selector, exclude, allow_origin, title, language, currency):
    """Create a site and print its API token (shown once)."""
    from readerdesk.services.articles.sites import SiteError, create_site

    try:
        created = create_site(db.session, name, base_url=base_url, body_selector=body_selector,
                              exclude_selectors=list(exclude), allowed_origins=list(allow_origin),
                              title=title, language=language, currency=currency)
    except SiteError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created site {created.site.name} ({created.site.base_url}).")
    click.echo(f"API token (shown once, store it in your CMS): {created.api_token}")


@sites_cli.command("list")
def sites_list():
    """Show the sites."""
    from readerdesk.services.articles.sites import list_sites

    sites = list_sites(db.session)
    if not sites:
        click.echo("No sites. Create one with: flask --app app sites add NAME --base-url URL --body-selector CSS")
    for site in sites:
        click.echo(f"{site.name}\t{site.base_url}\tbody={site.body_selector}\texclude={','.join(site.exclude_selectors) or '-'}"
                   f"\torigins={','.join(site.allowed_origins)}")


# --- articles --------------------------------------------------------------------------------


def _parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    from readerdesk.text.extraction import parse_datetime

    parsed = parse_datetime(value)
    if parsed is None:
        fail(f"--since must be a date like 2026-11-01 or 2026-11-01T08:00:00Z, got {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@articles_cli.command("import")
@click.argument("source")
@click.option("--site", "site_name", help="Site name (optional when there is only one).")
@click.option("--selector", help="CSS selector of the body (default: the site's).")
@click.option("--exclude", multiple=True, help="Extra selector to drop inside the body (repeatable).")
@click.option("--url", "url_override", help="Article URL, when SOURCE is a file without <link rel=canonical>.")
def articles_import(source, site_name, selector, exclude, url_override):
    """Import an article from a saved HTML file or an http(s) URL."""
    from readerdesk.services.articles.fetching import FetchError, fetch_html
    from readerdesk.services.articles.ingest import IngestError, ingest_article
    from readerdesk.text.extraction import ExtractionError, extract_article

    site = _site(site_name)
    if source.startswith(("http://", "https://")):
        try:
            document = fetch_html(_http(), source, timeout=current_app.config["HTTP_TIMEOUT"])
        except FetchError as exc:
            fail(str(exc))
        fallback_url = source
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"no such file: {source}")
        try:
            document = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            fail(f"{source} is not an HTML file (not UTF-8 text)")
        except OSError as exc:
            fail(f"cannot read {source}: {exc.strerror}")
        fallback_url = None
    excludes = [*site.exclude_selectors, *exclude]
    try:
        extracted = extract_article(document, selector or site.body_selector, excludes)
    except ExtractionError as exc:
        fail(str(exc))
    url = url_override or extracted.canonical_url or fallback_url
    if not url:
        fail("the page has no <link rel=canonical>; give the article URL with --url")
    try:
        result = ingest_article(db.session, site, url=url, title=extracted.title, html=extracted.html,
                                published_at=extracted.published_at, modified_at=extracted.modified_at,
                                now=utcnow())
    except IngestError as exc:
        fail(str(exc))
    db.session.commit()
    state = "created" if result.created else ("updated" if result.changed else "unchanged")
    revision = result.article.current_revision
    click.echo(f"{state}: {result.article.url} (article {result.article.id}, revision {revision.number}, "
               f"{len(revision.text)} characters)")


@articles_cli.command("sync-wordpress")
@click.argument("base_url")
@click.option("--site", "site_name", help="Site name (optional when there is only one).")
@click.option("--since", help="Only posts modified after this date (default: since the last sync).")
@click.option("--per-page", default=100, show_default=True, type=click.IntRange(1, 100), help="Posts per API request.")
def articles_sync_wordpress(base_url, site_name, since, per_page):
    """Pull posts from a WordPress site's REST API."""
    from readerdesk.services.articles.fetching import FetchError
    from readerdesk.services.articles.wordpress import SyncReport, iter_posts, last_synced, store_post

    site = _site(site_name)
    since_at = _parse_since(since) or last_synced(db.session, site)
    report = SyncReport()
    totals: dict[str, int] = {}
    try:
        posts = iter_posts(_http(), base_url, since=since_at, timeout=current_app.config["HTTP_TIMEOUT"],
                           per_page=per_page, on_total=lambda total: totals.setdefault("posts", total))
        first = next(posts, None)
        if first is not None:
            with click.progressbar(length=totals.get("posts", 1), label="Syncing posts", file=sys.stderr) as bar:
                for post in itertools.chain([first], posts):
                    store_post(db.session, site, post, now=utcnow(), report=report)
                    bar.update(1)
    except FetchError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.skipped)} skipped" + (f" (since {since_at.isoformat()})" if since_at else ""))
    for line in report.skipped:
        click.echo(f"skipped {line}", err=True)


# --- readerdesk ------------------------------------------------------------------------------


@readerdesk_cli.command("demo")
def demo_command():
    """Load the demo site, articles and admin (idempotent)."""
    from readerdesk.demo import load_demo
    from readerdesk.services.desk.users import PasswordSettings

    result = load_demo(db.session, now=utcnow(), password_settings=PasswordSettings.from_config(current_app.config))
    db.session.commit()
    for line in result.lines:
        click.echo(line)


@readerdesk_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "editor"]), default="editor", show_default=True)
@click.option("--name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, role, name, password):
    """Create a staff account."""
    from readerdesk.services.desk.users import PasswordSettings, UserError, create_user

    try:
        user = create_user(db.session, email, password, role, name=name,
                           password_settings=PasswordSettings.from_config(current_app.config))
    except UserError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@readerdesk_cli.command("send-digest")
def send_digest_command():
    """Email each editor the corrections received since the last digest."""
    from readerdesk.services.mail.notifications import send_digest
    from readerdesk.services.mail.smtp import MailNotConfigured, SmtpSettings

    try:
        report = send_digest(db.session, now=utcnow(), settings=SmtpSettings.from_config(current_app.config))
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
    import time

    from readerdesk.demo.bench import BenchSeedError, seed_bench
    from readerdesk.services.desk.users import PasswordSettings

    started = time.monotonic()
    try:
        result = seed_bench(db.session, corrections=corrections, articles=articles, now=utcnow(), seed=seed,
                            password_settings=PasswordSettings.from_config(current_app.config),
                            progress=lambda n: click.echo(f"  {n:,} reports…", err=True))
    except BenchSeedError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Seeded {result.corrections:,} reports in {result.groups:,} groups on {result.articles:,} articles "
               f"(site {result.site.name}) in {time.monotonic() - started:.0f} s.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst):
    """Run background jobs from the Redis queue (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        fail("REDIS_URL is not set: without Redis, jobs run inline and no worker is needed")
    from readerdesk.jobs.runner import run_worker

    run_worker(current_app._get_current_object(), burst=burst)


# --- stripe ----------------------------------------------------------------------------------

stripe_cli = AppGroup("stripe", help="Payments: catch up with Stripe.")


@stripe_cli.command("reconcile")
@click.option("--since", help="Re-fetch events from this date (default: 3 days ago; Stripe keeps 30 days).")
def stripe_reconcile(since):
    """Process events whose delivery failed, and repair patrons that drifted from their subscription."""
    import stripe

    from readerdesk.jobs.runner import enqueue
    from readerdesk.services.patrons.stripe.client import StripeNotConfigured, stripe_client_for
    from readerdesk.services.patrons.stripe.reconcile import (
        active_subscriptions,
        events_since,
        patrons_to_recheck,
        repair_subscription,
        unrecorded,
    )
    from readerdesk.services.patrons.stripe.webhooks import EventAlreadyProcessed, process_event

    since_at = _parse_since(since) or utcnow() - timedelta(days=3)
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
                result = process_event(db.session, event, now=utcnow(), client=client)
                db.session.commit()
            except EventAlreadyProcessed:
                db.session.rollback()
                continue
            except Exception as exc:  # one bad event must not stop the rest
                db.session.rollback()
                click.echo(f"event {event.get('id')}: {exc}", err=True)
                continue
            processed += 1
            for func, args in result.effects:
                enqueue(func, *args)
    try:
        subscriptions = list(active_subscriptions(client))
        active_ids = {s["id"] for s in subscriptions}
        stale = [client.v1.subscriptions.retrieve(p.stripe_subscription_id)
                 for p in patrons_to_recheck(db.session, active_ids)]
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


def register_commands(app: Flask) -> None:
    for group in (sites_cli, articles_cli, readerdesk_cli, worker_command, stripe_cli):
        app.cli.add_command(group)
