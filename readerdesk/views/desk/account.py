"""Your own account on the desk: password, sessions, two-factor sign-in (open before enrolment)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext, ngettext, refresh
from flask_login import current_user, logout_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.desk.security_log import record
from readerdesk.services.desk.staff_sessions import end_all_sessions, live_sessions
from readerdesk.services.desk.two_factor import (
    TwoFactorError,
    current_policy,
    disable_two_factor,
    enable_two_factor,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_code_data_uri,
    two_factor_required,
    unused_recovery_codes,
    verify_second_factor,
)
from readerdesk.services.desk.users import (
    PasswordSettings,
    UserError,
    change_password,
    set_keyboard_shortcuts,
    set_language,
)
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import SESSION_TOKEN_KEY, account_required
from readerdesk.views.auth import TwoFactorForm
from readerdesk.views.desk.forms import ConfirmForm, LanguageForm, PasswordChangeForm, ShortcutsForm

bp = Blueprint("account", __name__, url_prefix="/desk/account")
ENROL_KEY = "two_factor_enrolment"  # the secret being set up, until a code confirms it


def _page(password_form=None, code_form=None, language_form=None, shortcuts_form=None, status: int = 200):
    now = utcnow()
    return render_template(
        "desk/account/account.html", sessions=live_sessions(db.session, current_user, now=now),
        this_session=g.get("staff_session"), password_form=password_form or PasswordChangeForm(formdata=None),
        code_form=code_form or TwoFactorForm(formdata=None), confirm_form=ConfirmForm(formdata=None),
        required=two_factor_required(current_user, current_policy(db.session)),
        codes_left=unused_recovery_codes(db.session, current_user),
        language_form=language_form or LanguageForm(formdata=None, language=current_user.language or ""),
        shortcuts_form=shortcuts_form or ShortcutsForm(formdata=None,
                                                       keyboard_shortcuts=current_user.keyboard_shortcuts)), status


@bp.get("/")
@account_required
def index():
    return _page()


@bp.post("/password")
@account_required
def password():
    form = PasswordChangeForm()
    if not form.validate():
        return _page(password_form=form, status=400)
    try:
        with unit_of_work(db.session):
            ended = change_password(db.session, current_user, form.current.data, form.new.data, now=utcnow(),
                                    password_settings=PasswordSettings.from_config(current_app.config),
                                    keep_token=session.get(SESSION_TOKEN_KEY))
    except UserError as exc:
        form.current.errors = [*form.current.errors, str(exc)]
        return _page(password_form=form, status=400)
    ended_note = ngettext("%(num)d other session ended.", "%(num)d other sessions ended.", ended) if ended else ""
    flash(" ".join(filter(None, [gettext("Your password is changed."), ended_note])), "info")
    return redirect(url_for("account.index"), 303)


@bp.post("/language")
@account_required
def language():
    form = LanguageForm()
    if not form.validate():
        return _page(language_form=form, status=400)
    with unit_of_work(db.session):
        set_language(current_user, form.language.data)
    refresh()  # the message below in the language just chosen
    flash(gettext("The desk now speaks your language."), "info")
    return redirect(url_for("account.index"), 303)


@bp.post("/shortcuts")
@account_required
def shortcuts():
    form = ShortcutsForm()
    if not form.validate():
        return _page(shortcuts_form=form, status=400)
    with unit_of_work(db.session):
        set_keyboard_shortcuts(current_user, form.keyboard_shortcuts.data)
    flash(gettext("Single-key shortcuts are on.") if form.keyboard_shortcuts.data
          else gettext("Single-key shortcuts are off."), "info")
    return redirect(url_for("account.index"), 303)


@bp.post("/sessions/end")
@account_required
def end_sessions():
    """Sign out everywhere, this browser included."""
    if not ConfirmForm().validate():
        return _page(status=400)
    with unit_of_work(db.session):
        end_all_sessions(db.session, current_user, now=utcnow())
        record(db.session, "signed_out_everywhere", user=current_user, now=utcnow())
    logout_user()
    session.clear()
    flash(gettext("You are signed out everywhere."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/two-factor", methods=["GET", "POST"])
@account_required
def two_factor():
    """Enrolment: scan the QR code, type a code the app shows."""
    if current_user.has_two_factor:
        return redirect(url_for("account.index"))
    form = TwoFactorForm()
    secret = session.get(ENROL_KEY)
    if not secret or not form.is_submitted():
        secret = session[ENROL_KEY] = new_secret()
    if form.validate_on_submit():
        try:
            with unit_of_work(db.session):
                codes = enable_two_factor(db.session, current_user, secret, form.code.data, now=utcnow())
        except TwoFactorError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            session.pop(ENROL_KEY, None)
            return render_template("desk/account/recovery_codes.html", codes=codes, first_time=True)
    uri = provisioning_uri(secret, current_user.email)
    return render_template("desk/account/two_factor.html", form=form, secret=secret, qr=qr_code_data_uri(uri),
                           required=two_factor_required(current_user, current_policy(db.session))), \
        400 if form.is_submitted() else 200


def _second_factor_checked(form: TwoFactorForm) -> bool:
    """A current code (or a recovery code) for the signed-in person; a wrong one is logged."""
    if not form.validate():
        return False
    try:
        with unit_of_work(db.session):
            ok = verify_second_factor(db.session, current_user, form.code.data, now=utcnow()) is not None
    except TwoFactorError as exc:
        form.code.errors = [*form.code.errors, str(exc)]
        return False
    if not ok:
        form.code.errors = [*form.code.errors, gettext("That code does not match.")]
    return ok


@bp.post("/two-factor/recovery-codes")
@account_required
def recovery_codes():
    form = TwoFactorForm()
    if not current_user.has_two_factor or not _second_factor_checked(form):
        return _page(code_form=form, status=400)
    with unit_of_work(db.session):
        codes = new_recovery_codes(db.session, current_user, now=utcnow())
    return render_template("desk/account/recovery_codes.html", codes=codes, first_time=False)


@bp.post("/two-factor/disable")
@account_required
def disable():
    form = TwoFactorForm()
    if not current_user.has_two_factor or not _second_factor_checked(form):
        return _page(code_form=form, status=400)
    try:
        with unit_of_work(db.session):
            disable_two_factor(db.session, current_user, policy=current_policy(db.session), now=utcnow())
    except TwoFactorError as exc:
        flash(str(exc), "error")
        return _page(status=400)
    flash(gettext("Two-factor sign-in is off."), "info")
    return redirect(url_for("account.index"), 303)
