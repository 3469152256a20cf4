"""The public corrections log at /corrections, and its Atom feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import NoteType, Site
from readerdesk.models.publication import PUBLIC_NOTE_TYPES
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.publishing.corrections_log import atom_feed, log_page, public_note, yearly_summary
from readerdesk.text.ids import arg_id
from readerdesk.views.links import public_url_for
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("corrections_log", __name__)
PAGE_SIZE = 30
FEED_SIZE = 50


def _site_filter() -> Site | None:
    """``?site=NAME`` narrows the log to one site; without it the log shows every site."""
    name = request.args.get("site")
    return site_or_404(name) if name else None


def _type_filter() -> NoteType | None:
    value = request.args.get("type")
    if not value:
        return None
    try:
        note_type = NoteType(value)
    except ValueError:
        note_type = None
    if note_type not in PUBLIC_NOTE_TYPES:
        abort(400, description=gettext("type is one of: %(types)s.",
                                        types=", ".join(t.value for t in PUBLIC_NOTE_TYPES)))
    return note_type


def _filtered_page(limit: int, before: int | None = None):
    """The log's filters from the query string (``site``, ``type``, ``month``), the page of notes they
    give, and the filters as query parameters (those set) for links to the same view."""
    site, note_type, month = _site_filter(), _type_filter(), request.args.get("month") or None
    try:
        page = log_page(db.session, site=site, before=before, limit=limit, note_type=note_type, month=month)
    except ValueError:
        abort(400, description=gettext("month is a year and a month, e.g. 2026-11."))
    filters = {"site": site.name if site else None, "type": note_type.value if note_type else None, "month": month}
    return site, note_type, month, page, {key: value for key, value in filters.items() if value}


@bp.get("/corrections")
def index():
    site, note_type, month, page, filters = _filtered_page(PAGE_SIZE, arg_id(request.args, "before"))
    return render_template("public/corrections_log/log.html", page=page, site=site, sites=list_sites(db.session),
                           note_type=note_type, month=month, filters=filters, note_types=PUBLIC_NOTE_TYPES)


@bp.get("/corrections/<int:year>")
def yearly(year: int):
    """The yearly transparency summary, per site with ``?site=NAME``."""
    if not 2000 <= year <= 9998:
        abort(404, description=gettext("There is no summary for that year."))
    site = _site_filter()
    summary = yearly_summary(db.session, year, site=site)
    return render_template("public/corrections_log/year.html", summary=summary, site=site, year=year)


@bp.get("/corrections/notes/<int:note_id>")
def note(note_id: int):
    """A note's permanent page."""
    found = public_note(db.session, note_id)
    if found is None:
        abort(404, description=gettext("There is no such note."))
    use_page_language(found.site.language)
    return render_template("public/corrections_log/note.html", note=found)


@bp.get("/corrections.atom")
def feed():
    """The log as Atom, with the log's filters: per site (``?site=``), type (``?type=``) and month
    (``?month=YYYY-MM``); each filtered feed has its own address and id."""
    site, note_type, month, page, params = _filtered_page(FEED_SIZE)
    feed_url = public_url_for("corrections_log.feed", **params)
    title = " · ".join([gettext("Corrections"), *([site.title or site.name] if site else []),
                        *([gettext(note_type.label)] if note_type else []), *([month] if month else [])])
    authority = urlsplit(current_app.config["PUBLIC_URL"]).hostname
    body = atom_feed(page.notes, title=title, feed_url=feed_url, authority=authority, now=utcnow(),
                     html_url=public_url_for("corrections_log.index", **params),
                     type_label=lambda note_type: gettext(note_type.label))
    return Response(body, mimetype="application/atom+xml")
