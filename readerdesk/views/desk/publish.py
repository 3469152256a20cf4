"""Publishing a correction from the desk: write the public note, preview, confirm (staff only).

For an article from a WordPress site readerdesk has write access to, "apply the wording" changes the
post itself: the preview reads the post and shows the diff of its raw content; the confirmation
writes it only if the post is still as previewed (otherwise the article is read again and the new
diff shown); where the passage cannot be placed exactly the editor gets the sentence to copy and the
link to the post's edit screen.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Correction, NoteType
from readerdesk.services.articles.cms import CmsConflict, CmsConnector, CmsError
from readerdesk.services.articles.connectors import can_edit_in_cms, cms_connector
from readerdesk.services.articles.credentials import CredentialsError
from readerdesk.services.desk.moderation import ModerationError
from readerdesk.services.mail.notifications import decision_jobs
from readerdesk.services.outbound import http_session_for
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import CmsEdit, PublishError, WordingNotMappable
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import staff_required
from readerdesk.views.desk.forms import ApproveNoteForm, PublishForm
from readerdesk.views.desk.refusals import CONFLICTS, Refusal, refusal, refuse
from readerdesk.views.desk.reports import report_or_404

bp = Blueprint("desk_publish", __name__, url_prefix="/desk")


def _render(correction: Correction, form: PublishForm, *, preview=None, error: str | None = None, status: int = 200,
            fallback: WordingNotMappable | None = None, kept: Refusal | None = None):
    try:
        passage, wording_refusal = publishing.current_passage(correction), None
    except PublishError as exc:
        passage, wording_refusal = None, str(exc)
    article = correction.article
    in_cms = can_edit_in_cms(article)
    if not article.hosted and not in_cms:
        wording_refusal = "This article is published by the site's own CMS: change its text there."
        if article.site.connector == "wordpress":
            wording_refusal += (" An admin can give readerdesk WordPress write access at the site's settings, "
                                "so the wording can be applied here.")
    note = publishing.note_for_correction(db.session, correction)
    pending = publishing.pending_note(db.session, correction)
    note_text: publishing.NoteText | str  # the note as readers will read it, or why it cannot be published
    try:
        note_text = publishing.check_note(form.note_type.data or "", form.body.data or "",
                                          was_wrong=form.was_wrong.data or "", is_right=form.is_right.data or "",
                                          language=article.site.language)
    except PublishError as exc:
        note_text = str(exc)
    approve_form = ApproveNoteForm(formdata=None, version=correction.version) if pending else None
    return render_template("desk/publish/publish.html", correction=correction, form=form, preview=preview,
                           error=error, kept=kept, passage=passage, wording_refusal=wording_refusal, note=note,
                           in_cms=in_cms,
                           fallback=fallback, pending=pending, note_text=note_text, approve_form=approve_form,
                           note_types=list(NoteType),
                           needs_approval=[t.value for t in NoteType
                                           if publishing.needs_second_approval(correction, t)],
                           showing_preview=preview is not None or (form.preview.data and not error)), status


def publish_page(correction_id: int) -> str:
    """The key of a report's publishing page for views.desk.refusals."""
    return f"publish:{correction_id}"


# What the publishing form keeps of the editor's typing when a conflict refuses it.
KEPT_FIELDS = ("note_type", "was_wrong", "is_right", "body", "apply_wording", "wording")


def _conflict(correction: Correction, form: PublishForm | None, message: str):
    """303 to the publishing page, which says ``message`` and has the editor's text back."""
    return refuse(publish_page(correction.id), url_for("desk_publish.publish", correction_id=correction.id),
                  message, form=form, form_name="publish", fields=KEPT_FIELDS)


def _refused(correction: Correction, form: PublishForm, exc: Exception, *, before: str | None = None,
             kept: Refusal | None = None):
    """Why nothing was published. A conflict (the report changed, or no longer allows this): 303 to
    the page (views.desk.refusals). Otherwise the page again: 502 when the CMS refused or could not
    be reached, 400 otherwise (with the sentence to copy when it cannot map); 200 when it is the page
    shown after a conflict (``kept``), whose request was fine.
    ``before``: what happened first (a conflict), said ahead of it."""
    error = f"{before} {exc}" if before else str(exc)
    if isinstance(exc, CONFLICTS):
        return _conflict(correction, form, error)
    status = 502 if isinstance(exc, (CmsError, CredentialsError)) else 400
    return _render(correction, form, error=error, status=200 if kept else status, kept=kept,
                   fallback=exc if isinstance(exc, WordingNotMappable) else None)


def _connector(correction: Correction) -> CmsConnector:
    config = current_app.config
    # Through the SSRF guard (services.outbound): a WordPress on a non-public address needs
    # ALLOWED_FETCH_NETWORKS, like every other fetch.
    return cms_connector(correction.article.site, http=http_session_for(config),
                         secret_key=config["SECRET_KEY"], timeout=config["HTTP_TIMEOUT"])


def _preview(correction: Correction, form: PublishForm, wording: str | None, *, error: str | None = None,
             kept: Refusal | None = None):
    """Show the preview of ``wording`` (the article's or the post's diff) with the confirm button."""
    preview: publishing.WordingPreview | publishing.CmsWordingPreview | None = None
    if wording is not None:
        try:
            if can_edit_in_cms(correction.article):
                preview = publishing.preview_cms_wording(correction, wording, connector=_connector(correction))
                form.expected_cms_version.data = preview.document.version
            else:
                preview = publishing.preview_wording(correction, wording)
        except (PublishError, CmsError, CredentialsError) as exc:
            return _refused(correction, form, exc, before=error, kept=kept)
        form.expected_passage.data = preview.passage.text if preview is not None else ""
    form.previewed_wording.data = wording or ""
    form.preview.data = True
    return _render(correction, form, preview=preview, error=error, kept=kept)


@bp.route("/corrections/<int:correction_id>/publish", methods=["GET", "POST"])
@staff_required
def publish(correction_id: int):
    correction = report_or_404(correction_id)
    form = PublishForm()
    if request.method == "GET":
        kept = refusal(publish_page(correction.id))
        if kept is not None and kept.for_form("publish"):
            # Back from a conflict: the editor's text, and its preview on the text as it is now.
            form = PublishForm(formdata=None, **kept.for_form("publish"), version=correction.version)
            return _preview(correction, form, form.wording.data if form.apply_wording.data else None,
                            error=kept.message, kept=kept)
        form.version.data = correction.version
        if kept is not None:
            return _render(correction, form, error=kept.message, kept=kept)
        form.wording.data = correction.suggestion
        form.apply_wording.data = bool((correction.article.hosted or can_edit_in_cms(correction.article))
                                       and correction.suggestion)
        return _render(correction, form)
    if not form.validate():
        return _render(correction, form, error="Please check the form.", status=400)
    wording = form.wording.data if form.apply_wording.data else None
    if form.confirm.data and (wording or "") == (form.previewed_wording.data or ""):
        try:
            cms = None
            if wording is not None and can_edit_in_cms(correction.article):
                cms = CmsEdit(_connector(correction), form.expected_cms_version.data or "")
            with unit_of_work(db.session) as work:
                publication = publishing.publish(
                    db.session, correction, note_type=form.note_type.data, body=form.body.data or "",
                    actor=current_user, now=utcnow(), expected_version=form.version.data, apply_wording=wording,
                    expected_passage=form.expected_passage.data if wording is not None else None, cms=cms,
                    was_wrong=form.was_wrong.data or "", is_right=form.is_right.data or "",
                )
                # After commit: the email can fail and retry without touching the decision.
                work.after_commit(*decision_jobs(publication.events))
        except CmsConflict as exc:
            return _after_conflict(correction, form, str(exc))
        except (ModerationError, CmsError, CredentialsError) as exc:
            return _refused(correction, form, exc)
        if publication.note.awaiting_approval:
            flash(f"{publication.note.note_type.label} proposed: it is published once a second editor "
                  "approves it.", "success")
        else:
            flash("Published." if publication.note.is_public else "The text was fixed (no public note).", "success")
        return redirect(url_for("desk_publish.publish", correction_id=correction.id))
    # A preview (or a confirm whose wording changed after its preview: show the new preview first).
    return _preview(correction, form, wording)


@bp.post("/corrections/<int:correction_id>/approve-note")
@staff_required
def approve_note(correction_id: int):
    """A second editor approves the note proposed for this report: it is published, the approval audited."""
    correction = report_or_404(correction_id)
    form = ApproveNoteForm()
    pending = publishing.pending_note(db.session, correction)
    if pending is None or not form.validate():
        return _render(correction, PublishForm(formdata=None),
                       error="There is no note awaiting approval here, or the form expired.", status=400)
    try:
        with unit_of_work(db.session) as work:
            publication = publishing.approve(db.session, pending, actor=current_user, now=utcnow(),
                                             expected_version=form.version.data)
            work.after_commit(*decision_jobs(publication.events))
    except ModerationError as exc:
        return _refused(correction, PublishForm(formdata=None), exc)
    flash(f"Approved: the {publication.note.note_type.label.lower()} is published.", "success")
    return redirect(url_for("desk_publish.publish", correction_id=correction.id))


def _after_conflict(correction: Correction, form: PublishForm, message: str):
    """The post changed in the CMS: read it again (a new revision; the report re-anchored), then
    redirect to the page, which previews the editor's wording on the text as it is now. Nothing of
    the editor's was written."""
    try:
        with unit_of_work(db.session):
            publishing.refresh_from_cms(db.session, correction.article, connector=_connector(correction),
                                        now=utcnow())
    except (CmsError, CredentialsError) as exc:
        return _conflict(correction, form, f"{message} {exc}")
    return _conflict(correction, form,
                     f"{message} readerdesk read the post again: check the new preview before publishing.")
