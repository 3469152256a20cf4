"""``flask --app app worker``: runs queued jobs when ``REDIS_URL`` is set, the daily privacy purge and the
reminders at the sites' targets."""

from __future__ import annotations

import click
from flask import current_app

from readerdesk.cli.common import fail
from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.runner import run_worker
from readerdesk.jobs.timetable import start_timetable


@click.command("worker")
@click.option("--burst", is_flag=True, help="Hand out and run what is due now, then stop.")
def worker_command(burst):
    """Run background jobs from the Redis queue, and hand out again those Redis lost (needs REDIS_URL).
    Puts the daily privacy purge and the target reminders on the outbox's schedule.

    SIGTERM or Ctrl+C finishes the job in hand and stops; a second one stops at once."""
    if not current_app.config.get("REDIS_URL"):
        fail("REDIS_URL is not set: without Redis, the web processes run jobs themselves and no worker is needed")
    at = start_timetable(db.session, utcnow())
    db.session.commit()
    click.echo(f"The next privacy purge runs at {at:%Y-%m-%d %H:%M} UTC.", err=True)
    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
