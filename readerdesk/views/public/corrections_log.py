"""The public corrections log at /corrections, and its Atom feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, render_template, request

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Site
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.publishing.corrections_log import atom_feed, log_page
from readerdesk.text.ids import arg_id
from readerdesk.views.links import public_url_for
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("corrections_log", __name__)
PAGE_SIZE = 30
FEED_SIZE = 50


def _site_filter() -> Site | None:
    """``?site=NAME`` narrows the log to one site; without it the log shows every site."""
    name = request.args.get("site")
    return site_or_404(name) if name else None


@bp.get("/corrections")
def index():
    site = _site_filter()
    page = log_page(db.session, site=site, before=arg_id(request.args, "before"), limit=PAGE_SIZE)
    return render_template("public/corrections_log/log.html", page=page, site=site, sites=list_sites(db.session))


@bp.get("/corrections.atom")
def feed():
    site = _site_filter()
    page = log_page(db.session, site=site, limit=FEED_SIZE)
    params = {"site": site.name} if site else {}
    feed_url = public_url_for("corrections_log.feed", **params)
    title = f"Corrections · {site.title or site.name}" if site else "Corrections"
    authority = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    body = atom_feed(page.notes, title=title, feed_url=feed_url, authority=authority, now=utcnow(),
                     html_url=public_url_for("corrections_log.index", **params))
    return Response(body, mimetype="application/atom+xml")
