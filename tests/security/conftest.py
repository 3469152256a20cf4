"""The suite's app context spans a whole test, so Flask's ``g`` would outlive a request and carry the
signed-in user (and the CSRF token) from one request, or one client, to the next. In production each
request has its own; here too, for the tests that depend on it."""

import pytest
from flask import g

from tests.factories import make_article, make_site, paragraphs


@pytest.fixture(autouse=True)
def per_request_globals(app):
    @app.before_request
    def forget_the_previous_request():
        for name in ("_login_user", "csrf_token", "staff_session", "csp_nonce"):
            g.pop(name, None)


@pytest.fixture
def article(db_session):
    """An article of https://news.example whose text has "twelve bridges"."""
    site = make_site(db_session, base_url="https://news.example")
    article = make_article(db_session, site, html=paragraphs("The mayor said twelve bridges."))
    db_session.commit()
    return article


# Chromium and a live server for the XSS corpus (tests/security/test_xss.py), as in tests/browser.
from tests.browser.conftest import browser, browser_page, live_server, playwright_instance  # noqa: E402, F401
