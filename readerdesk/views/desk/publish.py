"""Publishing a correction from the desk: write the public note, preview, confirm (staff only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Correction
from readerdesk.services.desk.moderation import ModerationError, StaleDecision
from readerdesk.services.mail.notifications import decision_jobs
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import PublishError
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import staff_required
from readerdesk.views.desk.forms import PublishForm
from readerdesk.views.desk.reports import report_or_404

bp = Blueprint("desk_publish", __name__, url_prefix="/desk")

def _render(correction: Correction, form: PublishForm, *, preview=None, error: str | None = None, status: int = 200):
    try:
        passage, wording_refusal = publishing.current_passage(correction), None
    except PublishError as exc:
        passage, wording_refusal = None, str(exc)
    if not correction.article.hosted:
        wording_refusal = "This article is published by the site's own CMS: change its text there."
    note = publishing.note_for_correction(db.session, correction)
    return render_template("desk/publish/publish.html", correction=correction, form=form, preview=preview,
                           error=error, passage=passage, wording_refusal=wording_refusal, note=note,
                           showing_preview=preview is not None or (form.preview.data and not error)), status


@bp.route("/corrections/<int:correction_id>/publish", methods=["GET", "POST"])
@staff_required
def publish(correction_id: int):
    correction = report_or_404(correction_id)
    form = PublishForm()
    if request.method == "GET":
        form.version.data = correction.version
        form.wording.data = correction.suggestion
        form.apply_wording.data = bool(correction.article.hosted and correction.suggestion)
        return _render(correction, form)
    if not form.validate():
        return _render(correction, form, error="Please check the form.", status=400)
    wording = form.wording.data if form.apply_wording.data else None
    if form.confirm.data and (wording or "") == (form.previewed_wording.data or ""):
        try:
            with unit_of_work(db.session) as work:
                publication = publishing.publish(
                    db.session, correction, note_type=form.note_type.data, body=form.body.data or "",
                    actor=current_user, now=utcnow(), expected_version=form.version.data, apply_wording=wording,
                    expected_passage=form.expected_passage.data if wording is not None else None,
                )
                # After commit: the email can fail and retry without touching the decision.
                work.after_commit(*decision_jobs(publication.events))
        except StaleDecision as exc:
            return _render(correction, form, error=str(exc), status=409)
        except ModerationError as exc:
            return _render(correction, form, error=str(exc), status=400)
        flash("Published." if publication.note.is_public else "The text was fixed (no public note).", "success")
        return redirect(url_for("desk_publish.publish", correction_id=correction.id))
    # A preview (or a confirm whose wording changed after its preview: show the new preview first).
    preview = None
    if wording is not None:
        try:
            preview = publishing.preview_wording(correction, wording)
        except PublishError as exc:
            return _render(correction, form, error=str(exc), status=400)
        form.expected_passage.data = preview.passage.text
    form.previewed_wording.data = wording or ""
    form.preview.data = True
    return _render(correction, form, preview=preview)
