"""The site a public page is about, from its URL (services.articles.sites.find_site decides the rule)."""

from __future__ import annotations

from flask import abort

from readerdesk.extensions import db
from readerdesk.models import Site
from readerdesk.services.articles.sites import SiteNotFound, find_site


def site_or_404(name: str | None) -> Site:
    """The named site, or with no name the default one (see find_site); a 404 a reader understands
    when there is no such site, or no site at all."""
    try:
        return find_site(db.session, name)
    except SiteNotFound:
        abort(404, description="There is no such site." if name else "There is no site here yet.")
