"""The support page, Checkout's return pages, the supporters wall and the patron's magic-link portal."""

from __future__ import annotations

import secrets

import stripe
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, db, limiter
from readerdesk.models import Patron, Site
from readerdesk.services.effects import Job
from readerdesk.services.patrons.pledges import (
    PORTAL_LINK_PATH,
    PledgeError,
    PledgeRequest,
    PortalLinkInvalid,
    SupportSettings,
    create_pledge,
    patrons_by_email,
    read_portal_token,
    redeem_portal_token,
    wall_entries,
)
from readerdesk.services.patrons.receipts import SUMMARY_YEARS, year_end_pdf, year_summary, years_with_payments
from readerdesk.services.patrons.stripe.checkout import (
    CheckoutFailed,
    checkout_outcome,
    create_portal_session,
    start_checkout,
)
from readerdesk.services.patrons.stripe.client import payments_enabled, stripe_client_for
from readerdesk.services.privacy.notice import support_notice
from readerdesk.text.ids import parse_id
from readerdesk.text.money import format_amount
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.links import public_url_for
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.forms import ManageSupportForm, SupportForm
from readerdesk.views.public.privacy import data_page_url, retention_settings
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("support", __name__)
CHECKOUT_SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"  # Stripe fills it in on the way back


def _site(site_name: str | None = None) -> Site:
    """The site named in the path or by ``?site=``; without a name, the default one (find_site)."""
    return site_or_404(site_name or request.args.get("site") or request.form.get("site"))


def _settings(site: Site) -> SupportSettings:
    return SupportSettings.for_site(site, current_app.config["SUPPORT_TIERS"])


def _support_form(settings: SupportSettings) -> SupportForm:
    form = SupportForm()
    tiers = settings.offered_tiers
    form.choice.choices = [*(SelectChoice(t.id, t.name) for t in tiers), SelectChoice("custom", _l("Another amount"))]
    if request.method == "GET":
        form.form_key.data = secrets.token_urlsafe(24)
        wanted = request.args.get("tier")
        form.choice.data = wanted if wanted in {c.value for c in form.choice.choices} else (
            tiers[0].id if tiers else "custom")
        if request.args.get("amount"):
            form.choice.data, form.custom_amount.data = "custom", request.args["amount"][:20]
        if request.args.get("frequency") in ("month", "year", "once"):
            form.frequency.data = request.args["frequency"]
    return form


def _render_page(site: Site, form: SupportForm, settings: SupportSettings, status: int = 200, error: str | None = None):
    example = settings.offered_tiers[0].amount if settings.offered_tiers else settings.min_amount
    notice = support_notice(site, retention_settings(), TRANSLATOR, default_policy_url=data_page_url(site))
    return render_template(
        "public/support/page.html", site=site, form=form, settings=settings, error=error,
        payments_enabled=payments_enabled(current_app.config),
        fmt=lambda m: format_amount(m, site.currency, get_locale()),
        fee_example=(example, settings.total(example, cover_fee=True)), notice=notice,
    ), status


@bp.route("/support", methods=["GET", "POST"])
@bp.route("/sites/<site_name>/support", methods=["GET", "POST"])
def support(site_name: str | None = None):
    site = _site(site_name)
    settings = _settings(site)
    form = _support_form(settings)
    if request.method == "GET":
        return _render_page(site, form, settings)
    if not payments_enabled(current_app.config):
        return _render_page(site, form, settings, 503,
                            gettext("Payments are not set up yet, so we cannot take your support online."))
    if not form.validate_on_submit():
        return _render_page(site, form, settings, 400)
    pledge_request = PledgeRequest(
        form_key=form.form_key.data, email=form.email.data, name=form.name.data or "",
        tier_id=None if form.choice.data == "custom" else form.choice.data, custom_amount=form.custom_amount.data or "",
        custom_interval=form.frequency.data or "month", cover_fee=form.cover_fee.data,
        list_publicly=form.list_publicly.data, display_name=form.display_name.data or "")
    try:
        with unit_of_work(db.session):  # the local record exists before Stripe hears of it
            pledge = create_pledge(db.session, site, pledge_request, settings, now=utcnow())
    except PledgeError as exc:
        form.custom_amount.errors = [*form.custom_amount.errors, exc.say(TRANSLATOR)]
        return _render_page(site, form, settings, 400)
    success_url = public_url_for("support.success") + "?session_id=" + CHECKOUT_SESSION_PLACEHOLDER
    cancel_url = public_url_for("support.cancel", site=site.name)
    try:
        checkout_url = start_checkout(db.session, stripe_client_for(current_app), pledge, settings,
                                      success_url=success_url, cancel_url=cancel_url, now=utcnow())
    except CheckoutFailed as exc:
        db.session.commit()  # keeps the failure on the pledge
        form.form_key.data = secrets.token_urlsafe(24)  # a new try is a new pledge
        return _render_page(site, form, settings, exc.status, gettext(str(exc)))
    db.session.commit()
    return redirect(checkout_url, code=303)


@bp.get("/support/success")
def success():
    session_id = request.args.get("session_id", "")
    if not session_id.startswith("cs_") or len(session_id) > 255:
        abort(400, description=gettext("This page needs the payment reference Stripe sends back."))
    if not payments_enabled(current_app.config):
        abort(503, description=gettext("Payments are not set up."))
    try:
        outcome = checkout_outcome(db.session, stripe_client_for(current_app), session_id)
    except LookupError:
        abort(404, description=gettext("We do not know this payment."))
    except stripe.InvalidRequestError:
        abort(404, description=gettext("We do not know this payment."))
    except stripe.StripeError:
        abort(502, description=gettext("We could not reach our payment provider to check your payment. "
                                       "If you paid, you will receive a receipt by email."))
    site = outcome.pledge.site
    use_page_language(site.language)
    return render_template("public/support/success.html", outcome=outcome, site=site,
                           amount=format_amount(outcome.amount_total or outcome.pledge.total, outcome.currency,
                                                get_locale()))


@bp.get("/support/cancel")
def cancel():
    return render_template("public/support/cancel.html", site=_site())


@bp.get("/supporters")
@bp.get("/sites/<site_name>/supporters")
def wall(site_name: str | None = None):
    site = _site(site_name)
    return render_template("public/support/wall.html", site=site, patrons=wall_entries(db.session, site, now=utcnow()))


def _manage_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/support/manage", methods=["GET", "POST"])
@bp.route("/sites/<site_name>/support/manage", methods=["GET", "POST"])
@limiter.limit(_manage_limit, methods=["POST"])
def manage(site_name: str | None = None):
    site = _site(site_name)
    form = ManageSupportForm()
    if form.validate_on_submit():
        for patron in patrons_by_email(db.session, site, form.email.data):
            if patron.stripe_customer_id:  # one link per support (Stripe customer) this email has
                # The job makes the token and the link (from PUBLIC_URL): no token waits in the outbox.
                with unit_of_work(db.session) as work:
                    work.after_commit(Job("send_portal_link", (patron.id,)))
        # The same answer whether or not the address is a patron's: no enumeration.
        return render_template("public/support/manage_sent.html", site=site,
                               minutes=current_app.config["PORTAL_LINK_MAX_AGE"] // 60)
    return render_template("public/support/manage.html", site=site, form=form), 400 if request.method == "POST" else 200


@bp.route(PORTAL_LINK_PATH, methods=["GET", "POST"])
def open_portal():
    """The link's token is in its fragment, never in a URL the server sees. GET is a landing page whose
    script posts the token; that POST shows what the link opens (mail scanners open links: they must
    not use up this single-use one). The button's POST, with ``open``, redeems the token and sends the
    patron to Stripe's customer portal."""
    if request.method == "GET":
        return render_template("public/support/manage_landing.html")
    token = request.form.get("token", "")
    if not request.form.get("open"):  # the landing page's script sent the token: show what it opens
        patron = _peek(token)
        if patron is None:
            return render_template("public/support/manage.html", site=_site(), form=ManageSupportForm(formdata=None),
                                   error=gettext("This link has expired or was used already. Ask for a new one.")), 400
        use_page_language(patron.site.language)
        years = years_with_payments(db.session, patron)
        return render_template("public/support/manage_open.html", token=token, patron=patron, years=years)
    if not payments_enabled(current_app.config):
        abort(503, description=gettext("Payments are not set up."))
    try:
        # The link is used up only when Stripe gave us a portal to send the patron to.
        with unit_of_work(db.session):
            patron = redeem_portal_token(db.session, current_app.config["SECRET_KEY"], token,
                                         max_age=current_app.config["PORTAL_LINK_MAX_AGE"], now=utcnow())
            url = create_portal_session(stripe_client_for(current_app), patron, _settings(patron.site),
                                        return_url=public_url_for("support.support", site=patron.site.name))
    except PortalLinkInvalid as exc:
        return render_template("public/support/manage.html", site=_site(), form=ManageSupportForm(formdata=None),
                               error=gettext(str(exc))), 400
    except stripe.StripeError:  # rolled back: the link stays usable
        abort(502, description=gettext("We could not reach our payment provider. Please try the link again in a "
                                       "minute."))
    return redirect(url, code=303)


def _peek(token: str) -> Patron | None:
    """The patron of a valid, unexpired link, without using it up (downloads do not spend the link)."""
    try:
        return read_portal_token(db.session, current_app.config["SECRET_KEY"], token,
                                 max_age=current_app.config["PORTAL_LINK_MAX_AGE"])
    except PortalLinkInvalid:
        return None


@bp.post("/support/manage/contributions")
def year_summary_pdf():
    """A patron's year-end summary again, from the page their magic link opens (the token is posted,
    never in a URL)."""
    token = request.form.get("token", "")
    year = parse_id(request.form.get("year", ""))
    patron = _peek(token)
    if patron is None:
        abort(403, description=gettext("This link has expired. Ask for a new one on the manage page."))
    use_page_language(patron.site.language)  # a patron reads their site's language
    if year is None or year not in SUMMARY_YEARS:
        abort(404, description=gettext("We have no contributions from you in %(year)s.", year=year))
    summary = year_summary(db.session, patron, year)
    if not summary.payments:
        abort(404, description=gettext("We have no contributions from you in %(year)s.", year=year))
    return Response(year_end_pdf(summary, TRANSLATOR), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={patron.site.name}-contributions-{year}.pdf",
        "Cache-Control": "private, no-store"})
