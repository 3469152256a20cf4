"""Fixtures of the security suite: an article to report on, and Chromium with a live server."""

import pytest

# Chromium and a live server for the XSS corpus (tests/security/test_xss.py), as in tests/browser.
from tests.browser.conftest import browser, browser_page, live_server, playwright_instance  # noqa: F401
from tests.factories import make_article, make_site, paragraphs


@pytest.fixture
def article(db_session):
    """An article of https://news.example whose text has "twelve bridges"."""
    site = make_site(db_session, base_url="https://news.example")
    article = make_article(db_session, site, html=paragraphs("The mayor said twelve bridges."))
    db_session.commit()
    return article

