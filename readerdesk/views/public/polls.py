"""Topic polls for patrons: the open polls, a voting link by email, the ballot, public results.

Patrons have no password: they get a single-use magic link (services.polls.ballots), as for the
portal. Pages are in the site's language (views.locale.use_page_language)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from readerdesk.clock import utcnow
from readerdesk.extensions import db, limiter
from readerdesk.models import Poll, PollState, Site
from readerdesk.services.articles.sites import SiteNotFound, find_site
from readerdesk.services.effects import Job
from readerdesk.services.patrons.pledges import patrons_by_email
from readerdesk.services.polls.ballots import (
    VOTE_LINK_PATH,
    VoteLinkInvalid,
    VoteRefused,
    own_choices,
    read_vote_token,
    vote_with_link,
)
from readerdesk.services.polls.editing import open_polls, to_local
from readerdesk.services.polls.eligibility import NotEligible, why_not_eligible
from readerdesk.services.polls.results import poll_results, results_chart
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.forms import BallotForm, PollLinkForm
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("polls", __name__)


def _poll_or_404(poll_id: int, site: Site | None = None) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None or (site is not None and poll.site_id != site.id):
        abort(404, description=gettext("There is no such poll."))
    return poll


def _render(template: str, site: Site, status: int = 200, **context):
    use_page_language(site.language)
    return render_template(f"public/polls/{template}.html", site=site, local=lambda moment: to_local(moment, site),
                           **context), status


@bp.get("/support/polls")
@bp.get("/sites/<site_name>/support/polls")
def index(site_name: str | None = None):
    site = site_or_404(site_name or request.args.get("site"))
    return _render("index", site, polls=open_polls(db.session, site, now=utcnow()), form=PollLinkForm())


def _link_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/support/polls/<int:poll_id>", methods=["GET", "POST"])
@limiter.limit(_link_limit, methods=["POST"])
def ask_for_link(poll_id: int):
    """The poll's page for patrons: its topics, and a form that emails a single-use voting link."""
    poll = _poll_or_404(poll_id)
    site, now = poll.site, utcnow()
    use_page_language(site.language)
    form = PollLinkForm()
    if poll.state(now) is not PollState.OPEN:
        return _render("closed", site, 200 if request.method == "GET" else 400, poll=poll)
    if not form.validate_on_submit():
        return _render("ask", site, 400 if request.method == "POST" else 200, poll=poll, form=form)
    patron = next((p for p in patrons_by_email(db.session, site, form.email.data)
                   if why_not_eligible(db.session, poll, p, now=now) is None), None)
    if patron is not None:
        # The job makes the token and the link (from PUBLIC_URL): no token waits in the outbox.
        with unit_of_work(db.session) as work:
            work.after_commit(Job("send_poll_link", (patron.id, poll.id)))
    # The same answer for anyone: the page does not tell who is a patron.
    return _render("sent", site, poll=poll, minutes=current_app.config["PORTAL_LINK_MAX_AGE"] // 60)


def _ballot_form(poll: Poll) -> BallotForm:
    form = BallotForm()
    form.topics.choices = [(t.id, t.title) for t in poll.topics]
    return form


@bp.route(VOTE_LINK_PATH, methods=["GET", "POST"])
def vote():
    """The link's token is in its fragment, never in a URL the server sees. GET is a landing page whose
    script posts the token; that POST shows the ballot (mail scanners open links: they must not use up
    this single-use one); the ballot's own POST, with ``cast``, votes and uses the link."""
    if request.method == "GET":
        return render_template("public/polls/landing.html")
    secret, now = current_app.config["SECRET_KEY"], utcnow()
    token = request.form.get("token", "")[:2000]
    try:
        link = read_vote_token(db.session, secret, token, now=now)
    except VoteLinkInvalid as exc:
        return _invalid_link(str(exc))
    poll, patron, site = link.poll, link.patron, link.poll.site
    use_page_language(site.language)
    form = _ballot_form(poll)
    if not request.form.get("cast"):
        form.topics.data = own_choices(db.session, secret, poll, patron)
        form.announcements.data = patron.poll_announcements
        refusal = why_not_eligible(db.session, poll, patron, now=now)
        if poll.state(now) is not PollState.OPEN:
            return _render("closed", site, poll=poll)
        return _render("ballot", site, poll=poll, form=form, token=token, refusal=refusal,
                       changing=bool(form.topics.data))
    error = None
    if not form.validate_on_submit():
        error = gettext("Something in the form is not right: please check it.")
    else:
        suggestion = ((form.suggestion_title.data or "", form.suggestion_body.data or "")
                      if (form.suggestion_title.data or "").strip() else None)
        try:
            with unit_of_work(db.session):
                _, changed = vote_with_link(db.session, secret, token, form.topics.data or [],
                                            tell_when_covered=form.tell_when_covered.data,
                                            announcements=form.announcements.data, suggestion=suggestion, now=now)
        except VoteLinkInvalid as exc:
            return _invalid_link(str(exc))
        except VoteRefused as exc:
            error = gettext(exc.template, **exc.values)
        except NotEligible as exc:
            error = gettext(str(exc))
        else:
            return _render("voted", site, poll=poll, changed=changed, voted=bool(form.topics.data),
                           suggested=suggestion is not None)
    if poll.state(now) is not PollState.OPEN:
        return _render("closed", site, 400, poll=poll)
    return _render("ballot", site, 400, poll=poll, form=form, token=token, refusal=None, error=error, changing=False)


def _invalid_link(message: str):
    try:
        site = find_site(db.session, request.args.get("site"))
    except SiteNotFound:  # no site at all: the error page still explains the link
        abort(400, description=message)
    return _render("invalid", site, 400, message=gettext(message))


@bp.get("/sites/<site_name>/polls/<int:poll_id>")
def public_results(site_name: str, poll_id: int):
    site = site_or_404(site_name)
    poll = _poll_or_404(poll_id, site)
    now = utcnow()
    results = poll_results(db.session, poll) if poll.results_public(now) else None
    chart = results_chart(results, gettext("Votes per topic")) if results else None
    return _render("results", site, poll=poll, results=results, chart=chart, state=poll.state(now).value)
