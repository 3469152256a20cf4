"""Absolute links: ``PUBLIC_URL`` plus the route's path, never the Host a request claims.

A link that leaves the response (an email, Stripe's return addresses, the API's ``status_url``, the
Atom feed) built from the request's Host would point wherever a forged Host header said."""

from __future__ import annotations

from flask import current_app, url_for

from readerdesk.models import Site
from readerdesk.services.publishing.policy_page import hosts_policy


def public_url_for(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def hosted_policy_url(site: Site) -> str | None:
    """The absolute address of the policy page readerdesk hosts for ``site``; None when it hosts none."""
    return public_url_for("pages.policy", site_name=site.name) if hosts_policy(site) else None
