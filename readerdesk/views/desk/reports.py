"""The moderation desk (staff only): the queue, a report's page, and the decisions taken there."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Correction, Kind, User
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.corrections.duplicates import DuplicateError, merge, split
from readerdesk.services.corrections.passages import edit_label
from readerdesk.services.desk import moderation
from readerdesk.services.desk.moderation import IllegalTransition, ModerationError, StaleDecision
from readerdesk.services.desk.queue import SORTS, TAB_LABELS, QueueError, parse_filters, queue_page
from readerdesk.services.desk.report_detail import ReportDetail, report_detail
from readerdesk.services.desk.time_to_correct import past_target
from readerdesk.services.desk.triage import bulk_decide, decide
from readerdesk.services.desk.users import active_staff, list_users
from readerdesk.services.mail.notifications import decision_jobs
from readerdesk.text.ids import parse_id
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import safe_next, staff_required
from readerdesk.views.desk.forms import (
    NOBODY,
    AssignForm,
    BulkForm,
    DecisionForm,
    MergeForm,
    NoteForm,
    SplitForm,
)
from readerdesk.views.errors import error_response
from readerdesk.views.locale import explain

bp = Blueprint("desk", __name__, url_prefix="/desk")



def _decided(action: str, report_id: int, others: int) -> str:
    """What a decision did, in the desk's language: "Accepted report #12 and 2 duplicates."."""
    done = {
        "accept": lambda: ngettext("Accepted report #%(id)s and %(num)d duplicate.",
                                   "Accepted report #%(id)s and %(num)d duplicates.", others, id=report_id),
        "reject": lambda: ngettext("Rejected report #%(id)s and %(num)d duplicate.",
                                   "Rejected report #%(id)s and %(num)d duplicates.", others, id=report_id),
        "spam": lambda: ngettext("Marked report #%(id)s and %(num)d duplicate as spam.",
                                 "Marked report #%(id)s and %(num)d duplicates as spam.", others, id=report_id),
        "reopen": lambda: ngettext("Reopened report #%(id)s and %(num)d duplicate.",
                                   "Reopened report #%(id)s and %(num)d duplicates.", others, id=report_id),
        "claim": lambda: ngettext("Claimed report #%(id)s and %(num)d duplicate.",
                                  "Claimed report #%(id)s and %(num)d duplicates.", others, id=report_id),
    } if others else {
        "accept": lambda: gettext("Accepted report #%(id)s.", id=report_id),
        "reject": lambda: gettext("Rejected report #%(id)s.", id=report_id),
        "spam": lambda: gettext("Marked report #%(id)s as spam.", id=report_id),
        "reopen": lambda: gettext("Reopened report #%(id)s.", id=report_id),
        "claim": lambda: gettext("Claimed report #%(id)s.", id=report_id),
    }
    return done[action]()


def _bulk_decided(action: str, count: int) -> str:
    return {
        "accept": lambda: ngettext("Accepted %(num)d report.", "Accepted %(num)d reports.", count),
        "reject": lambda: ngettext("Rejected %(num)d report.", "Rejected %(num)d reports.", count),
        "spam": lambda: ngettext("Marked %(num)d report as spam.", "Marked %(num)d reports as spam.", count),
    }[action]()


@bp.get("/")
@staff_required
def index():
    now = utcnow()
    try:
        filters = parse_filters(request.args)
        page = queue_page(db.session, filters, actor=current_user, cursor=request.args.get("after") or None,
                          count_cache_seconds=current_app.config["DESK_COUNT_CACHE_SECONDS"])
    except QueueError as exc:
        return error_response(400, str(exc))
    return render_template(
        "desk/reports/index.html", page=page, tabs=TAB_LABELS, sorts=SORTS, sites=list_sites(db.session),
        bulk_form=BulkForm(formdata=None, next=request.full_path),
        staff=active_staff(db.session), kinds=list(Kind), anchor_states=list(AnchorState), args=request.args,
        staff_names={u.id: u.display_name for u in list_users(db.session)},
        past_target={c.id: why for c in page.rows if (why := past_target(c, c.article.site, now))},
    )


def report_or_404(correction_id: int) -> Correction:
    return db.get_or_404(Correction, correction_id, description="There is no such report.")


def _blank_forms(d: ReportDetail) -> dict:
    """The report page's forms, empty, carrying the version shown."""
    c = d.correction
    assign = AssignForm(formdata=None, version=c.version, assignee=c.assignee_id)
    assign.assignee.choices = [NOBODY, *(SelectChoice(str(u.id), u.display_name) for u in d.staff)]
    return {"decision": DecisionForm(formdata=None, version=c.version), "assign": assign,
            "merge": MergeForm(formdata=None), "split": SplitForm(formdata=None), "note": NoteForm(formdata=None)}


def _detail_page(correction: Correction, *, status: int = 200, error: str | None = None, **forms):
    """The report's page; ``forms`` replaces blank forms with posted ones, to show their errors."""
    d = report_detail(db.session, correction, members_after=parse_id(request.args.get("members_after", "")))
    # The publishing page is another blueprint's; link to it only when it is installed.
    can_publish = "desk_publish.publish" in current_app.view_functions
    return render_template("desk/reports/detail.html", d=d, error=error, forms={**_blank_forms(d), **forms},
                           can_publish=can_publish, edit_label=edit_label), status


@bp.get("/corrections/<int:correction_id>")
@staff_required
def detail(correction_id: int):
    return _detail_page(report_or_404(correction_id))


def _refused(correction_id: int, exc: ModerationError | DuplicateError):
    """A decision that cannot be applied (already rolled back): the report's page, with why, and the
    state it is in now."""
    status = 409 if isinstance(exc, (StaleDecision, IllegalTransition)) else 400
    return _detail_page(report_or_404(correction_id), status=status, error=explain(exc))


@bp.post("/corrections/<int:correction_id>/decide")
@staff_required
def decide_view(correction_id: int):
    correction = report_or_404(correction_id)
    form = DecisionForm()
    if not form.validate():
        return _detail_page(correction, status=400, error=gettext("Choose an action; the form was incomplete."))
    try:
        with unit_of_work(db.session) as work:
            events = decide(db.session, correction, form.action.data, actor=current_user, now=utcnow(),
                            expected_version=form.version.data, reason=form.reason.data or "",
                            reader_message=form.reader_message.data or "",
                            code=form.rejection_code.data or None)
            work.after_commit(*decision_jobs(events))
    except ModerationError as exc:
        return _refused(correction_id, exc)
    others = len(events) - 1
    flash(_decided(form.action.data, correction.id, others), "info")
    return redirect(safe_next(form.next.data, url_for("desk.detail", correction_id=correction.id)), 303)


@bp.post("/corrections/<int:correction_id>/assign")
@staff_required
def assign_view(correction_id: int):
    correction = report_or_404(correction_id)
    form = AssignForm()
    if not form.validate():
        return _detail_page(correction, status=400, error=gettext("Choose a staff member."))
    assignee = db.session.get(User, form.assignee.data) if form.assignee.data is not None else None
    if form.assignee.data is not None and assignee is None:
        return _detail_page(correction, status=400, error=gettext("There is no such staff member."))
    try:
        with unit_of_work(db.session):
            decide(db.session, correction, "assign", actor=current_user, now=utcnow(),
                   expected_version=form.version.data, assignee=assignee)
    except ModerationError as exc:
        return _refused(correction_id, exc)
    flash(gettext("Assigned to %(name)s.", name=assignee.display_name) if assignee
          else gettext("Nobody is assigned now."), "info")
    return redirect(url_for("desk.detail", correction_id=correction.id), 303)


@bp.post("/corrections/<int:correction_id>/notes")
@staff_required
def add_note(correction_id: int):
    correction = report_or_404(correction_id)
    form = NoteForm()
    if not form.validate():
        return _detail_page(correction, status=400,
                            error=" ".join(map(str, form.body.errors)) or gettext("The note is invalid."),
                            note=form)
    try:
        with unit_of_work(db.session):
            moderation.add_internal_note(db.session, correction, form.body.data, author=current_user, now=utcnow())
    except ModerationError as exc:
        return _refused(correction_id, exc)
    flash(gettext("Note added."), "info")
    return redirect(url_for("desk.detail", correction_id=correction.id, _anchor="notes"), 303)


@bp.post("/corrections/<int:correction_id>/merge")
@staff_required
def merge_view(correction_id: int):
    correction = report_or_404(correction_id)
    form = MergeForm()
    if not form.validate():
        return _detail_page(correction, status=400,
                            error=gettext("Give the numbers of the reports to merge, e.g. 12, 15."),
                            merge=form)
    ids = set(form.others.data or []) - {correction.id}
    others = db.session.scalars(select(Correction).where(Correction.id.in_(ids))).all()
    missing = ids - {c.id for c in others}
    if missing:
        return _detail_page(correction, status=400, error=gettext("There is no report #%(id)s.", id=min(missing)),
                            merge=form)
    try:
        with unit_of_work(db.session):
            merge(db.session, [correction, *others], actor=current_user, now=utcnow())
    except DuplicateError as exc:
        return _refused(correction_id, exc)
    flash(gettext("Merged: these reports are now one group."), "info")
    return redirect(url_for("desk.detail", correction_id=correction.id), 303)


@bp.post("/corrections/<int:correction_id>/split")
@staff_required
def split_view(correction_id: int):
    correction = report_or_404(correction_id)
    form = SplitForm()
    member = db.session.get(Correction, form.member.data) if form.validate() else None
    if member is None or member.group_id != correction.group_id:
        return _detail_page(correction, status=400, error=gettext("That report is not in this group."))
    try:
        with unit_of_work(db.session):
            split(db.session, member, actor=current_user, now=utcnow())
    except DuplicateError as exc:
        return _refused(correction_id, exc)
    flash(gettext("Report #%(id)s is on its own now.", id=member.id), "info")
    return redirect(url_for("desk.detail", correction_id=correction.id), 303)


def _bulk_item(raw: str) -> tuple[int, int] | None:
    """A queue checkbox's value, "<report id>:<version it showed>", or None when it is not one."""
    correction_id, _colon, version = raw.partition(":")
    parsed_id, parsed_version = parse_id(correction_id), parse_id(version)
    if parsed_id is None or parsed_version is None:
        return None
    return parsed_id, parsed_version


@bp.post("/bulk")
@staff_required
def bulk():
    form = BulkForm()
    checked = [_bulk_item(raw) for raw in request.form.getlist("item")]
    items = [item for item in checked if item is not None]
    if len(items) != len(checked):
        abort(400, description=gettext(
            "Some of the selected reports are not report numbers. Reload the queue and try again."))
    if not form.validate() or not items:
        flash(gettext("Select at least one report and an action."), "error")
        return redirect(safe_next(form.next.data, url_for("desk.index")), 303)
    with unit_of_work(db.session) as work:
        result = bulk_decide(db.session, items, form.action.data, actor=current_user, now=utcnow())
        work.after_commit(*decision_jobs(result.events))
    if result.applied:
        flash(_bulk_decided(form.action.data, len(result.applied)), "info")
    for correction_id, why in result.refused:
        flash(gettext("Report #%(id)s was not changed: %(why)s", id=correction_id, why=explain(why)), "error")
    return redirect(safe_next(form.next.data, url_for("desk.index")), 303)
