"""Privacy requests on the desk (admins only): export everything held for an address, erase it (with
a confirmation step), and the audit log of both and of the retention purge."""

from __future__ import annotations

import json

import stripe
from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.patrons.stripe.client import StripeNotConfigured, payments_enabled, stripe_client_for
from readerdesk.services.privacy.audit import ACTIONS, PURGE, Actor, last_entry, recent_entries
from readerdesk.services.privacy.erasure import (
    ErasureBlocked,
    erase,
    erasure_summary,
    is_staff_address,
    live_subscriptions,
)
from readerdesk.services.privacy.export import export
from readerdesk.services.privacy.records import NotAnAddress, describe_counts, find_records, subject_address
from readerdesk.services.privacy.stripe_customers import delete_stripe_customers
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import admin_required
from readerdesk.views.desk.forms import PrivacyEraseForm, PrivacyRequestForm
from readerdesk.views.desk.refusals import Refusal, refusal, refuse
from readerdesk.views.public.privacy import retention_settings

bp = Blueprint("desk_privacy", __name__, url_prefix="/desk/admin/privacy")


def _index(form: PrivacyRequestForm | None = None, status: int = 200):
    return render_template("desk/privacy/index.html", form=form or PrivacyRequestForm(formdata=None),
                           settings=retention_settings(), entries=recent_entries(db.session), actions=ACTIONS,
                           last_purge=last_entry(db.session, PURGE), describe=describe_counts), status


@bp.get("/")
@admin_required
def index():
    return _index()


def _address(form) -> str | None:
    """The form's address, or None with the error on the field."""
    try:
        return subject_address(form.email.data)
    except NotAnAddress:
        form.email.errors = [*form.email.errors, "This is not an email address."]
        return None


def _request() -> tuple[PrivacyRequestForm, str | None]:
    """The request form as posted, and its address (None when the form says what is wrong)."""
    form = PrivacyRequestForm()
    return form, _address(form) if form.validate() else None


@bp.post("/export")
@admin_required
def export_view():
    form, address = _request()
    if address is None:
        return _index(form, 400)
    now = utcnow()
    with unit_of_work(db.session):
        records = find_records(db.session, address, secret_key=current_app.config["SECRET_KEY"])
        document = export(db.session, records, actor=Actor(user=current_user),
                          settings=retention_settings(), now=now)
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # The file name says when, never whose.
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=readerdesk-export-{now:%Y%m%d-%H%M%S}.json",
        "Cache-Control": "no-store"})


def _review(form: PrivacyEraseForm, address: str, status: int = 200, error: str | None = None,
            kept: Refusal | None = None):
    records = find_records(db.session, address)
    return render_template("desk/privacy/erase.html", form=form, address=address, records=records,
                           summary=erasure_summary(records), live=live_subscriptions(records),
                           staff=is_staff_address(db.session, address), error=error, kept=kept,
                           payments_enabled=payments_enabled(current_app.config)), status


REVIEW_PAGE = "erasure-review"  # the key of the review page for views.desk.refusals


@bp.get("/erase/review")
@admin_required
def erasure_review():
    """The review again, after an erasure was refused (post/redirect/get). The address is not in the
    URL (it would end up in logs): it comes from the refused form, kept for this browser, once."""
    kept = refusal(REVIEW_PAGE)
    form = PrivacyEraseForm(formdata=None, **(kept.for_form("erase") if kept else {}))
    address = _address(form) if kept is not None and form.email.data else None
    if kept is None or address is None:
        flash(gettext("Enter the address again to review its erasure."), "info")
        return redirect(url_for("desk_privacy.index"), 303)
    return _review(form, address, error=kept.message, kept=kept)


@bp.post("/erase/review")
@admin_required
def review_erasure():
    """What an erasure of the address would change, and the confirmation form."""
    form, address = _request()
    if address is None:
        return _index(form, 400)
    return _review(PrivacyEraseForm(formdata=None, email=address), address)


@bp.post("/erase")
@admin_required
def erase_view():
    form = PrivacyEraseForm()
    address = _address(form) if form.email.data else None
    if address is None:
        return _index(PrivacyRequestForm(formdata=None, email=form.email.data), 400)
    if not form.validate():
        return _review(form, address, 400)
    records = find_records(db.session, address)
    deletions = []
    if form.stripe.data:
        # Stripe first: if it refuses, nothing is erased here and the admin can try again.
        try:
            deletions = delete_stripe_customers(stripe_client_for(current_app), records)
        except StripeNotConfigured:
            return _review(form, address, 400, "Payments are not set up, so there is no Stripe customer to delete.")
        except stripe.StripeError as exc:
            return _review(form, address, 502, f"Stripe refused ({exc.user_message or exc}); nothing was erased.")
    try:
        with unit_of_work(db.session):
            changed = erase(db.session, records, actor=Actor(user=current_user), now=utcnow(),
                            stripe_deletions=deletions)
    except ErasureBlocked as exc:
        # The address's data changed under the form (a subscription still charges it): a conflict. The
        # confirmation tick is not kept: the admin confirms again, having seen why.
        return refuse(REVIEW_PAGE, url_for("desk_privacy.erasure_review"),
                      f"{str(exc).capitalize()}. Nothing was erased.", form=form, form_name="erase",
                      fields=("email", "stripe"))
    for deletion in deletions:
        flash(deletion.describe(), "info")
    flash(f"Erased: {describe_counts(changed) or 'nothing was held for that address'}.", "info")
    return redirect(url_for("desk_privacy.index"), 303)
