"""The site a public page is about, from its URL (services.articles.sites.find_site decides the rule).
The page is then drawn in the site's language (views.locale.use_page_language)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext

from readerdesk.extensions import db
from readerdesk.models import Site
from readerdesk.services.articles.sites import SiteNotFound, find_site
from readerdesk.views.locale import use_page_language


def site_or_404(name: str | None) -> Site:
    """The named site, or with no name the default one (see find_site); a 404 a reader understands
    when there is no such site, or no site at all."""
    try:
        site = find_site(db.session, name)
    except SiteNotFound:
        abort(404, description=gettext("There is no such site.") if name else gettext("There is no site here yet."))
    use_page_language(site.language)
    return site
