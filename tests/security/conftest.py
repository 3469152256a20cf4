"""Fixtures of the security suite: Chromium and a live server, as in tests/browser."""

from tests.browser.conftest import browser, browser_page, live_server, playwright_instance  # noqa: F401
