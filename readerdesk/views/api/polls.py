"""GET /api/v1/polls/open?site=NAME: the site's open topic poll, for the support box on article pages.

Public (the question and topics are shown to every reader), so any origin may read it; no cookies."""

from __future__ import annotations

from flask import jsonify, request

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.articles.sites import SiteNotFound, find_site
from readerdesk.services.polls.editing import open_polls
from readerdesk.views.api.corrections import ApiError, bp
from readerdesk.views.links import public_url_for


@bp.get("/polls/open")
def open_poll():
    try:
        site = find_site(db.session, request.args.get("site") or None)
    except SiteNotFound:
        raise ApiError(404, "There is no such site.") from None
    polls = open_polls(db.session, site, now=utcnow())
    poll = polls[0] if polls else None  # the one closing soonest
    response = jsonify(poll=poll and {
        "id": poll.id, "question": poll.question, "topics": [t.title for t in poll.topics],
        "closes_at": poll.closes_at.isoformat(), "max_choices": poll.max_choices,
        "vote_url": public_url_for("polls.ask_for_link", poll_id=poll.id),
        "become_patron_url": public_url_for("support.support", site=site.name)})
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
