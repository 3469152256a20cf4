"""``flask --app app jobs ...``: what the outbox holds, and sending failed jobs round again."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.outbox import counts, oldest_pending, retry_failed
from readerdesk.jobs.runner import dispatch, run_due
from readerdesk.models import OutboxEntry, OutboxStatus

jobs_cli = AppGroup("jobs", help="The job outbox: status, retry, run.")
FAILED_SHOWN = 20


@jobs_cli.command("status")
def jobs_status():
    """Pending, failed and done jobs (done ones are kept JOBS_KEEP_DONE_DAYS days)."""
    found = counts(db.session)
    oldest = oldest_pending(db.session)
    waiting = f" (oldest queued {(utcnow() - oldest).total_seconds():.0f} s ago)" if oldest else ""
    click.echo(f"pending {found[OutboxStatus.PENDING]}{waiting}")
    click.echo(f"failed  {found[OutboxStatus.FAILED]}")
    click.echo(f"done    {found[OutboxStatus.DONE]}")
    failed = db.session.scalars(select(OutboxEntry).where(OutboxEntry.status == OutboxStatus.FAILED)
                                .order_by(OutboxEntry.id.desc()).limit(FAILED_SHOWN)).all()
    for entry in failed:
        error = entry.last_error.strip().splitlines()[0] if entry.last_error.strip() else ""
        click.echo(f"  #{entry.id} {entry.job}{tuple(entry.args)!r} after {entry.attempts} attempts: {error}")
    if found[OutboxStatus.FAILED]:
        click.echo("Send them round again with: flask --app app jobs retry")


@jobs_cli.command("retry")
def jobs_retry():
    """Send every failed job round again, with a fresh count of attempts."""
    ids = retry_failed(db.session, now=utcnow())
    db.session.commit()
    if not ids:
        click.echo("No failed jobs.")
        return
    dispatch(ids)  # to RQ with Redis; without it, run here and now
    click.echo(f"Retrying {len(ids)} failed job(s).")
    if not current_app.config.get("REDIS_URL"):
        click.echo(f"Now: {_summary()}")


@jobs_cli.command("run")
def jobs_run():
    """Run the jobs that are due, in this process (without Redis, e.g. from cron)."""
    ran = 0
    while True:
        batch = run_due(current_app._get_current_object())  # type: ignore[attr-defined]
        if not batch:
            break
        ran += batch
    click.echo(f"Ran {ran} job(s). Now: {_summary()}")


def _summary() -> str:
    found = counts(db.session)
    return ", ".join(f"{found[status]} {status.value}" for status in OutboxStatus)
