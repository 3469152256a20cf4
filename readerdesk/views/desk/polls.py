"""The polls desk (editors): create and edit polls, watch results, moderate suggestions, mark topics covered.

Every action goes through a service in services.polls, which writes it to the polls' audit log."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Eligibility, Poll, PollTopic, ResultsVisibility, Site
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.effects import Job
from readerdesk.services.polls.audit import ACTIONS, log_poll_action, poll_log
from readerdesk.services.polls.covered import mark_covered
from readerdesk.services.polls.editing import (
    PollDraft,
    PollError,
    announce_poll,
    ballots_cast,
    close_poll,
    create_poll,
    extend_poll,
    parse_topic_lines,
    polls_for_desk,
    to_local,
    topic_lines,
    update_poll,
)
from readerdesk.services.polls.results import eligible_voter_count, poll_results, results_chart, results_csv
from readerdesk.services.polls.suggestions import (
    accept_suggestion,
    merge_suggestion,
    pending_suggestions,
    reject_suggestion,
)
from readerdesk.text.languages import N_
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import staff_required
from readerdesk.views.desk.forms import ConfirmForm, CoveredForm, ExtendPollForm, PollForm, SuggestionDecisionForm
from readerdesk.views.locale import explain

bp = Blueprint("polls_desk", __name__, url_prefix="/desk/polls")
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _poll(poll_id: int) -> Poll:
    return db.get_or_404(Poll, poll_id, description=gettext("There is no such poll."))


def _draft(form: PollForm) -> PollDraft:
    return PollDraft(question=form.question.data or "", topics=parse_topic_lines(form.topics.data or ""),
                     opens_at=form.opens_at.data, closes_at=form.closes_at.data,
                     eligibility=Eligibility(form.eligibility.data), max_choices=form.max_choices.data or 1,
                     results_visibility=ResultsVisibility(form.results_visibility.data))


def _poll_form(poll: Poll | None = None) -> PollForm:
    form = PollForm(obj=None)
    form.site.choices = [SelectChoice(str(s.id), s.title or s.name) for s in list_sites(db.session)]
    if poll is not None and request.method == "GET":
        form.site.data = str(poll.site_id)
        form.question.data = poll.question
        form.topics.data = topic_lines(poll)
        form.opens_at.data = to_local(poll.opens_at, poll.site).replace(tzinfo=None)
        form.closes_at.data = to_local(poll.closes_at, poll.site).replace(tzinfo=None)
        form.eligibility.data, form.max_choices.data = poll.eligibility.value, poll.max_choices
        form.results_visibility.data = poll.results_visibility.value
    return form


@bp.get("")
@staff_required
def index():
    return render_template("desk/polls/index.html", polls=polls_for_desk(db.session), now=utcnow(),
                           suggestions=len(pending_suggestions(db.session)))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = _poll_form()
    if form.validate_on_submit():
        site = db.session.get(Site, int(form.site.data))
        if site is None:
            abort(400, description=gettext("Choose a site."))
        try:
            with unit_of_work(db.session):
                poll = create_poll(db.session, site, _draft(form), actor=current_user, now=utcnow())
        except PollError as exc:
            form.form_errors.append(explain(exc))
        else:
            flash(gettext("The poll is saved."), "info")
            return redirect(url_for("polls_desk.detail", poll_id=poll.id))
    return render_template("desk/polls/edit.html", form=form, poll=None), 400 if request.method == "POST" else 200


@bp.get("/<int:poll_id>")
@staff_required
def detail(poll_id: int):
    poll, now = _poll(poll_id), utcnow()
    results = poll_results(db.session, poll)
    extend = ExtendPollForm()
    extend.closes_at.data = to_local(poll.closes_at, poll.site).replace(tzinfo=None)
    return render_template(
        "desk/polls/detail.html", poll=poll, state=poll.state(now), results=results,
        chart=results_chart(results, title=gettext("Votes per topic")),
        eligible=eligible_voter_count(db.session, poll, now=now),
        log=poll_log(db.session, poll.id), actions=ACTIONS, extend=extend, confirm=ConfirmForm(),
        covered=CoveredForm(), editable=results.ballots == 0,
        mail_on=bool(current_app.config.get("MAIL_SERVER")))


@bp.route("/<int:poll_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(poll_id: int):
    poll = _poll(poll_id)
    if ballots_cast(db.session, poll):
        flash(gettext("People have voted in this poll: it can only be extended or closed early now."), "error")
        return redirect(url_for("polls_desk.detail", poll_id=poll.id))
    form = _poll_form(poll)
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                update_poll(db.session, poll, _draft(form), actor=current_user, now=utcnow())
        except PollError as exc:
            form.form_errors.append(explain(exc))
        else:
            flash(gettext("The poll is saved."), "info")
            return redirect(url_for("polls_desk.detail", poll_id=poll.id))
    return render_template("desk/polls/edit.html", form=form, poll=poll), 400 if request.method == "POST" else 200


def _act(poll: Poll, change):
    """Run one change in a unit of work; a refused change comes back as a flash message."""
    try:
        with unit_of_work(db.session) as work:
            outcome = change()
            if isinstance(outcome, Job):
                work.after_commit(outcome)
    except PollError as exc:
        flash(explain(exc), "error")
        return redirect(url_for("polls_desk.detail", poll_id=poll.id), code=303)
    return redirect(url_for("polls_desk.detail", poll_id=poll.id), code=303)


def _confirmed_poll(poll_id: int) -> Poll:
    """The poll a one-button form (close, announce) acts on, once its CSRF token checks out."""
    poll = _poll(poll_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description=gettext("The form expired: reload the page."))
    return poll


@bp.post("/<int:poll_id>/extend")
@staff_required
def extend(poll_id: int):
    poll, form = _poll(poll_id), ExtendPollForm()
    if not form.validate_on_submit():
        abort(400, description=gettext("Give the new closing time."))
    return _act(poll, lambda: extend_poll(db.session, poll, form.closes_at.data, actor=current_user,
                                          now=utcnow()))


@bp.post("/<int:poll_id>/close")
@staff_required
def close(poll_id: int):
    poll = _confirmed_poll(poll_id)
    return _act(poll, lambda: close_poll(db.session, poll, actor=current_user, now=utcnow()))


@bp.post("/<int:poll_id>/announce")
@staff_required
def announce(poll_id: int):
    poll = _confirmed_poll(poll_id)
    return _act(poll, lambda: announce_poll(db.session, poll, actor=current_user, now=utcnow()))


@bp.post("/<int:poll_id>/topics/<int:topic_id>/covered")
@staff_required
def covered(poll_id: int, topic_id: int):
    poll, form = _poll(poll_id), CoveredForm()
    topic = db.session.get(PollTopic, topic_id)
    if topic is None or topic.poll_id != poll.id:
        abort(404, description=gettext("This poll has no such topic."))
    if not form.validate_on_submit():
        abort(400, description=gettext("Give the address of the article that covers the topic."))
    return _act(poll, lambda: mark_covered(db.session, topic, form.url.data, actor=current_user, now=utcnow()))


@bp.get("/<int:poll_id>/results.csv")
@staff_required
def results_export(poll_id: int):
    poll, now = _poll(poll_id), utcnow()
    with unit_of_work(db.session):
        log_poll_action(db.session, site_id=poll.site_id, poll_id=poll.id, actor=current_user, action="export",
                        now=now)
    return Response(results_csv(poll_results(db.session, poll)), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=poll-{poll.id}-results-{now:%Y-%m-%d}.csv"})


@bp.get("/suggestions")
@staff_required
def suggestions():
    polls = polls_for_desk(db.session)
    return render_template("desk/polls/suggestions.html", suggestions=pending_suggestions(db.session), polls=polls,
                           form=SuggestionDecisionForm(), now=utcnow())


@bp.post("/suggestions/<int:suggestion_id>")
@staff_required
def decide_suggestion(suggestion_id: int):
    form = SuggestionDecisionForm()
    if not form.validate_on_submit():
        abort(400, description=gettext("Choose accept, merge or reject."))
    now = utcnow()
    try:
        with unit_of_work(db.session):
            if form.decision.data == "accept":
                poll = db.session.get(Poll, form.poll_id.data) if form.poll_id.data else None
                if poll is None:
                    raise PollError(N_("Choose the poll to add the topic to."))
                accept_suggestion(db.session, suggestion_id, poll, actor=current_user, now=now)
            elif form.decision.data == "merge":
                topic = db.session.get(PollTopic, form.topic_id.data) if form.topic_id.data else None
                if topic is None:
                    raise PollError(N_("Choose the topic to merge the suggestion with."))
                merge_suggestion(db.session, suggestion_id, topic, actor=current_user, now=now)
            else:
                reject_suggestion(db.session, suggestion_id, actor=current_user, now=now)
    except LookupError:
        abort(404, description=gettext("There is no such suggestion."))
    except PollError as exc:
        flash(explain(exc), "error")
    else:
        flash(gettext("Done."), "info")
    return redirect(url_for("polls_desk.suggestions"), code=303)
