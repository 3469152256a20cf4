"""Staff sign-in (password, then the second factor when the account has one) and sign-out.

Signing in starts a fresh session: the cookie's old contents (and its CSRF secret) are dropped and
a new server-side session is recorded (``services.desk.staff_sessions``). Signing out ends that
server-side session, so a copy of the cookie stops working too."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from readerdesk.clock import utcnow
from readerdesk.extensions import db, limiter
from readerdesk.models import User
from readerdesk.services.desk.staff_sessions import SessionSettings, end_session, start_session
from readerdesk.services.desk.two_factor import TwoFactorError, verify_second_factor
from readerdesk.services.desk.users import PasswordSettings, authenticate
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import SESSION_TOKEN_KEY, home_for, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300  # between the password and the code


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()  # where to go after signing in (checked by safe_next)


class TwoFactorForm(FlaskForm):
    """A code from the authenticator app (or a recovery code): at sign-in and when enrolling."""

    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Type the code.")), Length(max=40)])


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _sign_in(user: User, *, remember: bool, next_url: str, how: str):
    """A fresh session for ``user``: old cookie contents gone (a new CSRF secret comes with the next
    form), a new server-side session recorded."""
    with unit_of_work(db.session):
        token = start_session(db.session, user, remember=remember, user_agent=request.user_agent.string,
                              settings=SessionSettings.from_config(current_app.config), now=utcnow(), how=how)
    session.clear()
    session[SESSION_TOKEN_KEY] = token
    session.permanent = remember  # "keep me signed in": the cookie outlives the browser, REMEMBER_DAYS at most
    login_user(user, remember=False)  # no Flask-Login remember cookie: the session is the only credential
    return redirect(safe_next(next_url, home_for(user)))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data, home_for(current_user)))
    if form.validate_on_submit():
        with unit_of_work(db.session):  # a wrong password for a known account is logged
            user = authenticate(db.session, form.email.data, form.password.data, now=utcnow(),
                                password_settings=PasswordSettings.from_config(current_app.config))
        if user is not None and user.has_two_factor:
            session.clear()
            session[PENDING_KEY] = {"user": user.id, "remember": bool(form.remember.data), "next": form.next.data or "",
                                    "at": int(time.time())}
            return redirect(url_for("auth.two_factor"))
        if user is not None:
            return _sign_in(user, remember=form.remember.data, next_url=form.next.data, how="password")
        # One message for an unknown email and a wrong password: no user enumeration.
        flash(gettext("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("user"))
    return (user if user is not None and user.active and user.has_two_factor else None), pending


@bp.route("/two-factor", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def two_factor():
    """The second step: a code from the authenticator app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(gettext("Sign in again: the page waited too long for the code."), "error")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return render_template("auth/two_factor.html", form=form), 400 if request.method == "POST" else 200
    try:
        with unit_of_work(db.session):  # a wrong code is logged, and counts towards the lockout
            how = verify_second_factor(db.session, user, form.code.data, now=utcnow())
    except TwoFactorError as exc:
        session.pop(PENDING_KEY, None)
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    if how is None:
        form.code.errors = [*form.code.errors, "That code does not match. Type the newest code from your app."]
        return render_template("auth/two_factor.html", form=form), 401
    return _sign_in(user, remember=pending.get("remember", False), next_url=pending.get("next", ""),
                    how=f"password and {how}")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    with unit_of_work(db.session):
        end_session(db.session, session.get(SESSION_TOKEN_KEY), now=utcnow())
    logout_user()
    session.clear()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("auth.login"))
