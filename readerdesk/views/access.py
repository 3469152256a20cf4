"""Who may see what: the login manager's hooks and the staff/admin decorators for views."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for
from flask_login import current_user

from readerdesk.extensions import db, login_manager
from readerdesk.models import User
from readerdesk.text.ids import parse_id


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    parsed = parse_id(user_id)
    return db.session.get(User, parsed) if parsed is not None else None


@login_manager.unauthorized_handler
def send_to_login():
    if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def staff_required(view):
    """Signed-in, active staff (editor or admin)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapped.access = "staff"  # type: ignore[attr-defined]  # read by tests/views/desk/test_access.py
    return wrapped


def admin_required(view):
    """Signed-in admin; editors get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403, description="Only an admin can do this.")
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
