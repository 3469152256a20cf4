"""Error pages and JSON errors: a readable sentence, never a traceback."""

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

import psycopg
from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from readerdesk.extensions import db
from readerdesk.text.languages import N_

T = TypeVar("T")

MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please sign in."),
    403: N_("You do not have permission to do this."),
    404: N_("We could not find this page."),
    405: N_("This method is not allowed here."),
    409: N_("Someone else changed this in the meantime. Reload and try again."),
    413: N_("What you sent is too large."),
    415: N_("Send JSON with Content-Type: application/json."),
    429: N_("Too many requests. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. The team has been told."),
    503: N_("The service is temporarily unavailable."),
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/stripe/")) or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message: str | None = None, **extra):
    # In the request's language (views.locale): the reader's in the widget and on public pages.
    message = message or gettext(MESSAGES.get(status, N_("Error.")))
    if wants_json():
        return jsonify(error=message, status=status, **extra), status
    return render_template("errors/error.html", status=status, message=message), status


def database_unavailable(exc: DBAPIError) -> bool:
    """The database is unreachable, restarting, or cancelled a statement that ran too long: a state
    that passes, not a bug in a query."""
    if exc.connection_invalidated or isinstance(exc.orig, psycopg.OperationalError):
        return True
    return isinstance(exc.orig, sqlite3.OperationalError) and "locked" in str(exc.orig)


def connection_lost(exc: BaseException) -> bool:
    """The database connection dropped or could not be made (not a statement timeout): the same
    idempotent work may be tried again on a fresh connection."""
    return (isinstance(exc, DBAPIError) and database_unavailable(exc)
            and not isinstance(exc.orig, psycopg.errors.QueryCanceled | sqlite3.OperationalError))


def once_more_if_connection_lost(work: Callable[[], T], what: str) -> T:
    """``work()``, and once more on a fresh connection when the database dropped the first one (a
    restart): for idempotent work only, such as storing a report under its idempotency key."""
    try:
        return work()
    except DBAPIError as exc:
        if not connection_lost(exc):
            raise
        db.session.rollback()
        current_app.logger.warning("database connection lost while %s; trying once more", what)
        return work()


def unavailable_response():
    """503 with Retry-After: the widget and well-behaved clients try again with the same idempotency key.

    It carries no data, so the widget on any page may read it (``readable_refusal``): the database that
    lists the allowed origins is the one that is down."""
    g.readable_refusal = True
    response = make_response(error_response(503))
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER"])
    return response


UNKNOWN_HOST = "This server does not answer for that host name (see TRUSTED_HOSTS)."


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def unknown_host(exc: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page is rendered.
        return Response(UNKNOWN_HOST + "\n", 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, gettext("Your form expired or was sent from elsewhere. Reload the page and try "
                                           "again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, InternalServerError):
            return server_error(exc)
        description = exc.description if exc.description and exc.description != type(exc).description else None
        if exc.code == 429:
            description = None  # Flask-Limiter's description is the limit itself ("3 per 1 minute")
        response = make_response(error_response(exc.code or 500, description))
        allowed = getattr(exc, "valid_methods", None)  # set on MethodNotAllowed
        if exc.code == 405 and allowed:  # RFC 9110: name the allowed methods
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not database_unavailable(exc):
            return server_error(exc)
        with suppress(DBAPIError):
            db.session.rollback()
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path,
                           str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__)
        return unavailable_response()

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)
