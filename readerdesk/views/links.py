"""Absolute links: ``PUBLIC_URL`` plus the route's path, never the Host a request claims.

A link that leaves the response (an email, Stripe's return addresses, the API's ``status_url``, the
Atom feed) built from the request's Host would point wherever a forged Host header said."""

from __future__ import annotations

from flask import current_app, url_for


def public_url_for(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)
