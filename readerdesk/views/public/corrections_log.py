"""The public corrections log at /corrections, and its Atom feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.articles.sites import SiteNotFound, get_site, list_sites
from readerdesk.services.publishing.corrections_log import atom_feed, log_page
from readerdesk.text.ids import arg_id
from readerdesk.views.links import public_url_for

bp = Blueprint("corrections_log", __name__)
PAGE_SIZE = 30
FEED_SIZE = 50


def _site_filter():
    name = request.args.get("site") or None
    if name is None:
        return None
    try:
        return get_site(db.session, name)
    except SiteNotFound:
        abort(404, description="There is no such site.")


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
