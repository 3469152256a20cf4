"""Administration on the desk (admins only): staff accounts, their sign-in, the security log, sites."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Site, User
from readerdesk.services.articles.credentials import (
    CredentialsError,
    clear_wordpress_credentials,
    set_wordpress_credentials,
)
from readerdesk.services.articles.sites import (
    STANDARDS_LINKS,
    PartsInvalid,
    PrivacyUrlInvalid,
    SiteError,
    StandardsUrlInvalid,
    create_site,
    list_sites,
    parse_parts,
    rotate_token,
    update_site,
    update_standards,
)
from readerdesk.services.desk.author_desks import AuthorDeskError, list_mappings, set_desk
from readerdesk.services.desk.security_log import ACTIONS, recent_events, record
from readerdesk.services.desk.staff_sessions import end_all_sessions
from readerdesk.services.desk.two_factor import TwoFactorError, current_policy, reset_two_factor, set_policy
from readerdesk.services.desk.users import PasswordSettings, UserError, create_user, list_users, set_active, set_role
from readerdesk.services.patrons.pledges import SupportSettings
from readerdesk.services.patrons.site_settings import (
    SupportSettingsError,
    SupportSettingsForm,
    tier_lines,
    tiers_below_minimum,
    update_support_settings,
)
from readerdesk.services.publishing.policy_page import PolicyError, set_hosted_policy
from readerdesk.text.ids import arg_id
from readerdesk.text.money import major_units, minimum_charge
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import admin_required
from readerdesk.views.desk.forms import (
    AuthorDeskForm,
    ConfirmForm,
    PolicyForm,
    SiteCreateForm,
    SiteEditForm,
    UserActiveForm,
    UserCreateForm,
    UserRoleForm,
    WordPressAccessForm,
    lines,
)
from readerdesk.views.locale import explain

bp = Blueprint("desk_admin", __name__, url_prefix="/desk/admin")


def _get(model, object_id: int):
    return db.get_or_404(model, object_id, description=gettext("There is no such record."))


# --- staff -------------------------------------------------------------------------------------

def _users_page(form: UserCreateForm | None = None, status: int = 200):
    users = list_users(db.session)
    policy = current_policy(db.session)
    return render_template(
        "desk/admin/users.html", users=users, form=form or UserCreateForm(formdata=None),
        role_forms={u.id: UserRoleForm(formdata=None, role=u.role.value, byline=u.byline) for u in users},
        active_form=UserActiveForm(formdata=None), confirm_form=ConfirmForm(formdata=None), policy=policy,
        policy_form=PolicyForm(formdata=None, two_factor_for_all=policy.two_factor_for_all),
    ), status


@bp.get("/users")
@admin_required
def users():
    return _users_page()


@bp.post("/users")
@admin_required
def create_user_view():
    form = UserCreateForm()
    if not form.validate():
        return _users_page(form, 400)
    try:
        with unit_of_work(db.session):
            user = create_user(db.session, form.email.data, form.password.data, form.role.data,
                               name=form.name.data or "", byline=form.byline.data or "", actor=current_user,
                               now=utcnow(),
                               password_settings=PasswordSettings.from_config(current_app.config))
    except UserError as exc:
        form.email.errors = [*form.email.errors, explain(exc)]
        return _users_page(form, 400)
    flash(gettext("Created the account of %(email)s (%(role)s).", email=user.email, role=gettext(user.role.value)),
          "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active_view(user_id: int):
    user, form = _get(User, user_id), UserActiveForm()
    if not form.validate():
        abort(400, description=gettext("Say whether the account should be active."))
    try:
        with unit_of_work(db.session):
            set_active(db.session, user, form.active.data == "1", actor=current_user, now=utcnow())
    except UserError as exc:
        flash(explain(exc), "error")
        return _users_page(status=400)
    flash(gettext("%(email)s is active.", email=user.email) if user.active
          else gettext("%(email)s is deactivated: they can no longer sign in.", email=user.email), "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.post("/users/<int:user_id>/role")
@admin_required
def set_role_view(user_id: int):
    user, form = _get(User, user_id), UserRoleForm()
    if not form.validate():
        abort(400, description=gettext("Choose admin, editor or author."))
    try:
        with unit_of_work(db.session):
            # No byline field sent (a client that only changes roles): the byline stays as it was.
            byline = (form.byline.data or "") if "byline" in request.form else None
            set_role(db.session, user, form.role.data, byline=byline, actor=current_user, now=utcnow())
    except UserError as exc:
        flash(explain(exc), "error")
        return _users_page(status=400)
    flash(gettext("%(email)s is now %(role)s.", email=user.email, role=gettext(user.role.value)), "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.post("/users/<int:user_id>/two-factor/reset")
@admin_required
def reset_two_factor_view(user_id: int):
    """A lost device: two-factor sign-in off and every session ended; they enrol again at sign-in."""
    user = _get(User, user_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        with unit_of_work(db.session):
            reset_two_factor(db.session, user, actor=current_user, now=utcnow())
    except TwoFactorError as exc:
        flash(explain(exc), "error")
        return _users_page(status=400)
    flash(gettext("Two-factor sign-in of %(email)s is reset and their sessions ended. They set it up again at "
                  "their next sign-in.", email=user.email), "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.post("/users/<int:user_id>/sessions/end")
@admin_required
def end_sessions_view(user_id: int):
    user = _get(User, user_id)
    if not ConfirmForm().validate():
        abort(400)
    with unit_of_work(db.session):
        ended = end_all_sessions(db.session, user, now=utcnow())
        record(db.session, "sessions_ended", user=user, actor=current_user, now=utcnow(), detail=f"{ended} session(s)")
    flash(ngettext("Ended %(num)d session of %(email)s.", "Ended %(num)d sessions of %(email)s.", ended,
                   email=user.email), "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.post("/policy")
@admin_required
def policy_view():
    form = PolicyForm()
    if not form.validate():
        abort(400)
    with unit_of_work(db.session):
        set_policy(db.session, two_factor_for_all=form.two_factor_for_all.data, actor=current_user, now=utcnow())
    flash(gettext("Two-factor sign-in is now required for all staff.") if form.two_factor_for_all.data
          else gettext("Two-factor sign-in is now required for admins only."), "info")
    return redirect(url_for("desk_admin.users"), 303)


@bp.get("/security-log")
@admin_required
def security_log():
    events = recent_events(db.session, before=arg_id(request.args, "before"))
    return render_template("desk/admin/security_log.html", events=events, actions=ACTIONS)


# --- author desks ------------------------------------------------------------------------------

def _desks_page(form: AuthorDeskForm | None = None, status: int = 200):
    return render_template("desk/admin/author_desks.html", mappings=list_mappings(db.session),
                           form=form or AuthorDeskForm(formdata=None)), status


@bp.get("/author-desks")
@admin_required
def author_desks():
    return _desks_page()


@bp.post("/author-desks")
@admin_required
def set_author_desk():
    """Put an author on a desk (or, with an empty desk, off it): /desk/stats groups time to correct by it."""
    form = AuthorDeskForm()
    if not form.validate():
        return _desks_page(form, 400)
    try:
        with unit_of_work(db.session):
            row = set_desk(db.session, form.author.data, form.desk.data or "")
    except AuthorDeskError as exc:
        form.author.errors = [*form.author.errors, explain(exc)]
        return _desks_page(form, 400)
    author = form.author.data.strip()
    flash(gettext("%(author)s is on the desk “%(desk)s”.", author=author, desk=row.desk) if row
          else gettext("%(author)s is on no desk.", author=author), "info")
    return redirect(url_for("desk_admin.author_desks"), 303)


# --- sites -------------------------------------------------------------------------------------

def _sites_page(form: SiteCreateForm | None = None, status: int = 200, new_token: tuple[Site, str] | None = None):
    return render_template("desk/admin/sites.html", sites=list_sites(db.session),
                           form=form or SiteCreateForm(formdata=None), confirm_form=ConfirmForm(formdata=None),
                           new_token=new_token), status


@bp.get("/sites")
@admin_required
def sites():
    return _sites_page()


@bp.post("/sites")
@admin_required
def create_site_view():
    form = SiteCreateForm()
    if not form.validate():
        return _sites_page(form, 400)
    try:
        with unit_of_work(db.session):
            created = create_site(
                db.session, form.name.data, base_url=form.base_url.data, body_selector=form.body_selector.data,
                exclude_selectors=lines(form.exclude_selectors.data), allowed_origins=lines(form.allowed_origins.data),
                title=form.title.data or "", language=form.language.data.strip(), currency=form.currency.data.strip(),
                support_tiers=current_app.config["SUPPORT_TIERS"],
            )
    except SiteError as exc:
        form.name.errors = [*form.name.errors, explain(exc)]
        return _sites_page(form, 400)
    # The token is shown in this response only; the database keeps its hash.
    return _sites_page(new_token=(created.site, created.api_token), status=201)


@bp.post("/sites/<int:site_id>/token")
@admin_required
def rotate_token_view(site_id: int):
    site = _get(Site, site_id)
    if not ConfirmForm().validate():
        abort(400)
    with unit_of_work(db.session):
        token = rotate_token(site)
    return _sites_page(new_token=(site, token))


def _edit_page(site: Site, form: SiteEditForm, status: int = 200, error: str | None = None,
               wordpress_form: WordPressAccessForm | None = None):
    return render_template("desk/admin/site_edit.html", site=site, form=form, error=error,
                           below_minimum=tiers_below_minimum(site), smallest=minimum_charge(site.currency),
                           wordpress_form=wordpress_form or WordPressAccessForm(formdata=None)), status


def _fill_edit_form(form: SiteEditForm, site: Site) -> None:
    settings = SupportSettings.for_site(site, current_app.config["SUPPORT_TIERS"])
    form.allowed_origins.data = "\n".join(site.allowed_origins)
    form.exclude_selectors.data = "\n".join(site.exclude_selectors)
    form.parts.data = "\n".join(f"{name}={selector}" for name, selector in (site.parts or {}).items())
    form.connector.data = site.connector or ""
    form.connector_url.data = site.connector_url or ""
    form.privacy_url.data = site.privacy_url
    for name in STANDARDS_LINKS:
        form[name].data = getattr(site, name)
    form.policy_markdown.data = site.policy_markdown
    form.second_approval.data = site.second_approval
    form.target_decision_hours.data = site.target_decision_hours
    form.target_correction_hours.data = site.target_correction_hours
    form.currency.data = settings.currency
    form.support_tiers.data = tier_lines(site.support_tiers or current_app.config["SUPPORT_TIERS"], settings.currency)
    form.min_amount.data = major_units(site.support_min_amount, settings.currency)
    form.max_amount.data = major_units(site.support_max_amount, settings.currency)
    form.fee_percent.data = f"{site.fee_percent_bp / 100:g}"
    form.fee_fixed.data = major_units(site.fee_fixed, settings.currency)
    form.wall_grace_days.data = site.wall_grace_days
    form.legal_name.data, form.legal_address.data = site.legal_name, site.legal_address
    form.tax_id.data, form.receipt_statement.data = site.tax_id, site.receipt_statement
    form.time_zone.data, form.past_due_grace_days.data = site.time_zone, site.past_due_grace_days


def _support_settings(form: SiteEditForm) -> SupportSettingsForm:
    return SupportSettingsForm(
        currency=form.currency.data, tiers=form.support_tiers.data, min_amount=form.min_amount.data,
        max_amount=form.max_amount.data, fee_percent=form.fee_percent.data, fee_fixed=form.fee_fixed.data or "0",
        wall_grace_days=form.wall_grace_days.data, legal_name=form.legal_name.data or "",
        legal_address=form.legal_address.data or "", tax_id=form.tax_id.data or "",
        receipt_statement=form.receipt_statement.data or "", time_zone=form.time_zone.data or None,
        past_due_grace_days=form.past_due_grace_days.data)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@admin_required
def edit_site(site_id: int):
    site = _get(Site, site_id)
    form = SiteEditForm()
    if not form.is_submitted():
        _fill_edit_form(form, site)
        return _edit_page(site, form)
    if not form.validate():
        return _edit_page(site, form, 400)
    try:
        with unit_of_work(db.session):
            update_site(site, allowed_origins=lines(form.allowed_origins.data),
                        exclude_selectors=lines(form.exclude_selectors.data), connector=form.connector.data or None,
                        connector_url=form.connector_url.data, privacy_url=form.privacy_url.data,
                        parts=parse_parts(lines(form.parts.data)))
            update_standards(site, second_approval=form.second_approval.data,
                             target_decision_hours=form.target_decision_hours.data,
                             target_correction_hours=form.target_correction_hours.data,
                             **{name: form[name].data for name in STANDARDS_LINKS})
            set_hosted_policy(site, form.policy_markdown.data)
            update_support_settings(site, _support_settings(form))
    except SiteError as exc:
        wrong = (form.privacy_url if isinstance(exc, PrivacyUrlInvalid)
                 else form[exc.field] if isinstance(exc, StandardsUrlInvalid)
                 else form.parts if isinstance(exc, PartsInvalid) else form.connector)
        wrong.errors = [*wrong.errors, explain(exc)]
        return _edit_page(_get(Site, site_id), form, 400)
    except PolicyError as exc:
        form.policy_markdown.errors = [*form.policy_markdown.errors, explain(exc)]
        return _edit_page(_get(Site, site_id), form, 400)
    except SupportSettingsError as exc:
        return _edit_page(_get(Site, site_id), form, 400, error=explain(exc))
    flash(gettext("Saved the settings of %(site)s.", site=site.name), "info")
    return redirect(url_for("desk_admin.sites"), 303)


@bp.post("/sites/<int:site_id>/wordpress")
@admin_required
def wordpress_access(site_id: int):
    """Set or remove the WordPress user and application password readerdesk writes posts as."""
    site = _get(Site, site_id)
    form = WordPressAccessForm()
    settings = SiteEditForm(formdata=None)
    _fill_edit_form(settings, site)
    if not form.validate():
        return _edit_page(site, settings, 400, wordpress_form=form)
    if form.remove.data:
        with unit_of_work(db.session):
            clear_wordpress_credentials(site)
        flash(gettext("readerdesk no longer has WordPress write access for %(site)s.", site=site.name), "info")
        return redirect(url_for("desk_admin.edit_site", site_id=site.id), 303)
    if site.connector != "wordpress" or not site.connector_url:
        form.user.errors = [*form.user.errors, gettext("Choose the WordPress connector and its URL above first.")]
        return _edit_page(site, settings, 400, wordpress_form=form)
    try:
        with unit_of_work(db.session):
            set_wordpress_credentials(site, form.user.data or "", form.application_password.data or "",
                                      secret_key=current_app.config["SECRET_KEY"])
    except CredentialsError as exc:
        form.application_password.errors = [*form.application_password.errors, explain(exc)]
        return _edit_page(_get(Site, site_id), settings, 400, wordpress_form=form)
    flash(gettext("Saved WordPress write access for %(site)s as %(user)s.", site=site.name, user=site.wordpress_user),
          "info")
    return redirect(url_for("desk_admin.edit_site", site_id=site.id), 303)
