"""The session interface: Flask's signed cookie, never set on the public API.

The API is cookieless by design (readers have no accounts; the widget sends no credentials). A
signed-in editor reading an article page still has a session, so a same-origin request could make
Flask refresh or rewrite that cookie: this interface skips saving for /api/ requests, so no
``Set-Cookie`` ever leaves the API.
"""

from flask import request
from flask.sessions import SecureCookieSessionInterface


class NoApiCookieSessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response) -> None:
        if request.path.startswith("/api/"):
            return
        super().save_session(app, session, response)
