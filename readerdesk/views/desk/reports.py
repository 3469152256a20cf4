"""The moderation desk (staff only): the queue, a report's page, and the decisions taken there."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Correction, Kind, User
from readerdesk.queue_changes import current_version
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.corrections.duplicates import DuplicateError, merge, split
from readerdesk.services.corrections.passages import edit_label
from readerdesk.services.desk import moderation
from readerdesk.services.desk.live_queue import (
    QueueChanges,
    micros,
    parse_seen,
    parse_shown,
    queue_changes,
    row_stamp,
)
from readerdesk.services.desk.moderation import ModerationError
from readerdesk.services.desk.queue import (
    SORTS,
    TAB_LABELS,
    QueueError,
    check_filters,
    parse_filters,
    queue_counts,
    queue_page,
)
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
from readerdesk.views.desk.refusals import CONFLICTS, Refusal, refusal, refuse
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


def _staff_names() -> dict[int, str]:
    return {u.id: u.display_name for u in list_users(db.session)}


def _late(rows, now) -> dict[int, str]:
    """Why each late row is late, by id (rows within their site's target are not in it)."""
    return {c.id: why for c in rows if (why := past_target(c, c.article.site, now))}


def _live_sentence(changes: QueueChanges) -> str:
    """What a screen reader hears when the queue changed: "2 new reports in this tab. 1 report changed."."""
    said = []
    if changes.arrived:
        said.append(ngettext("%(num)d new report in this tab.", "%(num)d new reports in this tab.",
                             len(changes.arrived)))
    if changes.changed or changes.gone:
        said.append(ngettext("%(num)d report changed.", "%(num)d reports changed.",
                             len(changes.changed) + len(changes.gone)))
    return " ".join(said)


# What the live queue leaves out of the query string it polls with: it adds its own.
_LIVE_ARGS = ("since", "seen", "shown")


@bp.get("/")
@staff_required
def index():
    now = utcnow()
    version = current_version(db.session, current_app.config)  # before the rows: a change after moves it
    try:
        filters = parse_filters(request.args)
        page = queue_page(db.session, filters, actor=current_user, cursor=request.args.get("after") or None,
                          count_cache_seconds=current_app.config["DESK_COUNT_CACHE_SECONDS"])
    except QueueError as exc:
        return error_response(400, explain(exc))
    updates_args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in _LIVE_ARGS}
    return render_template(
        "desk/reports/index.html", page=page, tabs=TAB_LABELS, sorts=SORTS, sites=list_sites(db.session),
        bulk_form=BulkForm(formdata=None, next=request.full_path),
        staff=active_staff(db.session), kinds=list(Kind), anchor_states=list(AnchorState), args=request.args,
        staff_names=_staff_names(), past_target=_late(page.rows, now), row_stamp=row_stamp,
        live={"version": version, "seen": micros(now)}, updates_url=url_for("desk.queue_updates", **updates_args),
    )


@bp.get("/queue/updates")
@staff_required
def queue_updates():
    """What changed in the queue a page shows (its tab and filters) since the version it has.

    "304 Not Modified" while the version (``since``, or ``If-None-Match``) is current, found cheaply
    (``queue_changes.current_version``: with Redis, no round trip or one GET; else three index
    lookups). Otherwise JSON: the rows that arrived in the tab since ``seen`` (none on a later page,
    ``after``), the shown rows (``shown``: "id:stamp,…") drawn differently now and whether each is
    still in the tab, drawn by the queue's own row macro; the rows gone; the tab counts; and a
    sentence for screen readers."""
    try:
        filters = parse_filters(request.args)
        check_filters(filters)
        shown = parse_shown(request.args.get("shown", ""))
        seen = None if request.args.get("after") else parse_seen(request.args.get("seen", ""))
    except QueueError as exc:
        return error_response(400, explain(exc))
    version = current_version(db.session, current_app.config)
    headers = {"ETag": f'"{version}"', "Cache-Control": "no-store", "Vary": "Cookie"}
    if request.args.get("since") == version or version in request.if_none_match:
        return Response(status=304, headers=headers)
    now = utcnow()
    changes = queue_changes(db.session, filters, actor=current_user, seen=seen, shown=shown, now=now)
    counts = queue_counts(db.session, filters, actor=current_user)
    rows = [*changes.arrived, *(c for c, _in_tab in changes.changed)]
    names, late = _staff_names(), _late(rows, now)
    draw = get_template_attribute("desk/reports/_row.html", "queue_row")
    count = get_template_attribute("desk/reports/_row.html", "tab_count")
    response = jsonify(
        version=version, seen=str(micros(changes.checked_at)),
        arrived=[{"id": c.id, "html": str(draw(c, filters.tab, names, late.get(c.id), row_stamp(c), arrived=True))}
                 for c in changes.arrived],
        changed=[{"id": c.id, "in_tab": in_tab,
                  "html": str(draw(c, filters.tab, names, late.get(c.id), row_stamp(c), left=not in_tab))}
                 for c, in_tab in changes.changed],
        gone=changes.gone,
        counts={tab: str(count(n, capped)) for tab, (n, capped) in counts.items()},
        announcement=_live_sentence(changes),
    )
    response.headers.update(headers)
    return response


def report_or_404(correction_id: int) -> Correction:
    return db.get_or_404(Correction, correction_id, description="There is no such report.")


def _blank_forms(d: ReportDetail, kept: Refusal | None) -> dict:
    """The report page's forms, carrying the version shown: empty, or with the text of a refused
    form kept (views.desk.refusals)."""
    c = d.correction
    assign = AssignForm(formdata=None, version=c.version, assignee=c.assignee_id)
    assign.assignee.choices = [NOBODY, *(SelectChoice(str(u.id), u.display_name) for u in d.staff)]
    return {"decision": DecisionForm(formdata=None, **{**_kept(kept, "decision"), "version": c.version}),
            "assign": assign, "merge": MergeForm(formdata=None), "split": SplitForm(formdata=None),
            "note": NoteForm(formdata=None, **_kept(kept, "note"))}


def _kept(kept: Refusal | None, form: str) -> dict[str, str]:
    return kept.for_form(form) if kept is not None else {}


def _detail_page(correction: Correction, *, status: int = 200, error: str | None = None,
                 kept: Refusal | None = None, **forms):
    """The report's page; ``forms`` replaces blank forms with posted ones, to show their errors;
    ``kept``: why the editor's last form here was refused, with what they had typed."""
    d = report_detail(db.session, correction, members_after=parse_id(request.args.get("members_after", "")))
    # The publishing page is another blueprint's; link to it only when it is installed.
    can_publish = "desk_publish.publish" in current_app.view_functions
    return render_template("desk/reports/detail.html", d=d, error=kept.message if kept else error, kept=kept,
                           forms={**_blank_forms(d, kept), **forms}, can_publish=can_publish,
                           edit_label=edit_label), status


def report_page(correction_id: int) -> str:
    """The key of a report's page for views.desk.refusals."""
    return f"report:{correction_id}"


@bp.get("/corrections/<int:correction_id>")
@staff_required
def detail(correction_id: int):
    correction = report_or_404(correction_id)
    return _detail_page(correction, kept=refusal(report_page(correction_id)))


# What each of the page's forms keeps of the editor's typing when it is refused.
KEPT_FIELDS = {"decision": ("reason", "reader_message", "rejection_code", "next"), "note": ("body",),
               "assign": (), "merge": (), "split": ()}


def _refused(correction_id: int, exc: ModerationError | DuplicateError, form_name: str, form: FlaskForm):
    """A decision that cannot be applied (already rolled back). A conflict (the report changed, or
    the decision no longer applies to its state): 303 to the report's page, which says why, shows
    the report as it is now and has the editor's text back in the form. Anything else: the page
    with why (400) and the form as posted."""
    if isinstance(exc, CONFLICTS):
        return refuse(report_page(correction_id), url_for("desk.detail", correction_id=correction_id),
                      explain(exc), form=form, form_name=form_name, fields=KEPT_FIELDS[form_name])
    return _detail_page(report_or_404(correction_id), status=400, error=explain(exc), **{form_name: form})


@bp.post("/corrections/<int:correction_id>/decide")
@staff_required
def decide_view(correction_id: int):
    correction = report_or_404(correction_id)
    form = DecisionForm()
    if not form.validate():
        # Nothing was decided: say what was wrong. A form whose version came back damaged is drawn afresh
        # (with the report's version now); otherwise what the editor typed stays, its fields marked.
        if form.version.errors:
            return _detail_page(correction, status=400, error=gettext(
                "The form came back damaged, so nothing was decided. Decide again below."))
        error = (gettext("Choose an action; the form was incomplete.") if form.action.errors else
                 gettext("Nothing was decided: correct the fields marked below."))
        return _detail_page(correction, status=400, error=error, decision=form)
    try:
        with unit_of_work(db.session) as work:
            events = decide(db.session, correction, form.action.data, actor=current_user, now=utcnow(),
                            expected_version=form.version.data, reason=form.reason.data or "",
                            reader_message=form.reader_message.data or "",
                            code=form.rejection_code.data or None)
            work.after_commit(*decision_jobs(events))
    except ModerationError as exc:
        return _refused(correction_id, exc, "decision", form)
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
        return _refused(correction_id, exc, "assign", form)
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
        return _refused(correction_id, exc, "note", form)
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
        return _refused(correction_id, exc, "merge", form)
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
        return _refused(correction_id, exc, "split", form)
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
