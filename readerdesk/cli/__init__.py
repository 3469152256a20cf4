"""``flask --app app ...`` commands, one module per command group.

Each command owns its transaction (through the unit of work where a service returns jobs); a failure
is one line on stderr and exit code 1 (``common.fail``)."""

from __future__ import annotations

from flask import Flask

from readerdesk.cli.articles import articles_cli
from readerdesk.cli.jobs import jobs_cli
from readerdesk.cli.privacy import privacy_cli
from readerdesk.cli.sites import sites_cli
from readerdesk.cli.staff import readerdesk_cli
from readerdesk.cli.stripe import stripe_cli
from readerdesk.cli.worker import worker_command


def register_commands(app: Flask) -> None:
    for group in (sites_cli, articles_cli, readerdesk_cli, worker_command, jobs_cli, stripe_cli, privacy_cli):
        app.cli.add_command(group)
