"""Who may see what: the login manager's hooks and the staff/admin decorators for views.

A request is signed in when its session cookie names a live server-side staff session
(``services.desk.staff_sessions``): a copied cookie stops working when that session ends. Staff who
need two-factor sign-in (admins; everyone under the all-staff policy) and have not set it up yet
can only reach the enrolment page until they do.

Three levels, each view declaring one (``view.access``, checked by tests/views/desk/test_access.py):
``admin``; ``staff`` (editors and admins); ``author`` (also authors, who see only their own
statistics and their account pages: every other desk page answers them 403)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db, login_manager
from readerdesk.models import User
from readerdesk.services.desk.staff_sessions import active_session
from readerdesk.services.desk.two_factor import current_policy, two_factor_required

SESSION_TOKEN_KEY = "sid"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    staff_session = active_session(db.session, session.get(SESSION_TOKEN_KEY), now=utcnow())
    if staff_session is None or str(staff_session.user_id) != str(user_id):
        return None
    g.staff_session = staff_session
    return staff_session.user


def needs_enrolment(user: User) -> bool:
    return not user.has_two_factor and two_factor_required(user, current_policy(db.session))


@login_manager.unauthorized_handler
def send_to_login():
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _enrol_first():
    flash(gettext("Set up two-factor sign-in to continue: it is required for your account."), "error")
    return redirect(url_for("account.two_factor"))


def staff_required(view):
    """Signed-in, active staff (editor or admin) who have two-factor sign-in if they need it;
    authors get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.is_author:
            abort(403, description=gettext("Authors see only their own statistics and their account."))
        if needs_enrolment(current_user):
            return _enrol_first()
        return view(*args, **kwargs)

    wrapped.access = "staff"  # type: ignore[attr-defined]
    return wrapped


def author_allowed(view):
    """Like :func:`staff_required`, and authors too: the view shows them only what is theirs."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if needs_enrolment(current_user):
            return _enrol_first()
        return view(*args, **kwargs)

    wrapped.access = "author"  # type: ignore[attr-defined]
    return wrapped


def home_for(user: User) -> str:
    """Where a staff member lands after signing in: the queue, or an author's own statistics."""
    return url_for("desk_stats.index") if user.is_author else url_for("desk.index")


def account_required(view):
    """Signed-in staff on their own account pages, which stay open before two-factor enrolment."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = "staff"  # type: ignore[attr-defined]  # read by tests/views/desk/test_access.py
    return wrapped


def admin_required(view):
    """Signed-in admin with two-factor sign-in; editors get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403, description="Only an admin can do this.")
        if needs_enrolment(current_user):
            return _enrol_first()
        return view(*args, **kwargs)

    wrapped.access = "admin"  # type: ignore[attr-defined]
    return wrapped


def safe_next(target: str | None, default: str) -> str:
    """Follow ``next`` only to a path on this site: no scheme, no host, no ``//`` or ``\\`` tricks."""
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return default
    return target
