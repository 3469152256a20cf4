"""Helpers every command group shares: one-line failures, the site argument, dates, HTTP."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import NoReturn

import click
import requests
from flask import current_app
from sqlalchemy import text

from readerdesk.extensions import db
from readerdesk.models import Site
from readerdesk.services.articles.sites import SiteNotFound, find_site
from readerdesk.services.outbound import http_session_for
from readerdesk.text.extraction import parse_datetime


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 1, nothing written."""
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def allow_long_statements() -> None:
    """Lift DATABASE_STATEMENT_TIMEOUT (meant for requests) for the rest of this command's transaction."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL statement_timeout = 0"))


def http_session() -> requests.Session:
    return http_session_for(current_app.config)


def site_or_fail(name: str | None) -> Site:
    try:
        # Never a guess: importing into the wrong site is worse than being asked for --site.
        return find_site(db.session, name, guess=False)
    except SiteNotFound as exc:
        fail(str(exc))


def parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        fail(f"--since must be a date like 2026-11-01 or 2026-11-01T08:00:00Z, got {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


