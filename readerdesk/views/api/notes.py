"""GET /api/v1/notes?url=...: an article's public notes, for the widget on external pages.

Notes are public, so any origin may read them; the response never depends on cookies."""

from __future__ import annotations

from flask import jsonify, request

from readerdesk.extensions import TRANSLATOR, db
from readerdesk.models import NoteType
from readerdesk.services.publishing.corrections_log import article_for_url
from readerdesk.services.publishing.publish import note_as_json, public_notes, site_policies
from readerdesk.text.urls import InvalidURL, normalise_url
from readerdesk.views.api.corrections import ApiError, bp
from readerdesk.views.links import hosted_policy_url
from readerdesk.views.locale import use_page_language


@bp.get("/notes")
def article_notes():
    url = request.args.get("url", "").strip()
    if not url:
        raise ApiError(400, "Give the article's address: /api/v1/notes?url=https://...")
    try:
        url = normalise_url(url)
    except InvalidURL:
        raise ApiError(400, "url must be an absolute http(s) address.") from None
    article = article_for_url(db.session, url)
    notes = public_notes(db.session, article) if article is not None else []
    # A retraction first: the widget lists the notes in this order, so readers meet it before the rest.
    notes.sort(key=lambda note: note.note_type != NoteType.RETRACTION)
    if article is not None:
        use_page_language(article.site.language)  # the labels in the language of the site's notes
    policies = site_policies(article.site, hosted_policy_url(article.site)) if article is not None else {}
    response = jsonify(url=url, notes=[note_as_json(n, TRANSLATOR) for n in notes],
                       retracted=any(n.note_type == NoteType.RETRACTION for n in notes), policies=policies)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
