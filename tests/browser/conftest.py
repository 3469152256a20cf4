"""A live readerdesk (demo loaded) in a thread, one Chromium for the module, a fresh page per test."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from readerdesk import create_app
from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.extensions import db
from readerdesk.models import Correction
from tests.conftest import app_settings, committed_database
from tests.factories import CHEAP_PASSWORDS
from tests.fakes.http import StaticSite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class LiveServer:
    app: object
    url: str

    def corrections(self) -> list[Correction]:
        with self.app.app_context():
            rows = list(db.session.scalars(select(Correction).order_by(Correction.id)))
            for row in rows:  # load what the tests read before the session goes
                _ = row.revision and row.revision.text, row.article.url, row.captured_revision
            db.session.expunge_all()
            return rows

    def count(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count(Correction.id)))


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def live(tmp_path_factory, database):
    """readerdesk on 127.0.0.1:<port> with the demo loaded for that address."""
    app = create_app(app_settings(tmp_path_factory.mktemp("live")))
    with committed_database(app):
        server = _serve(app)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config.update(PUBLIC_URL=url, TRUSTED_HOSTS=["127.0.0.1"])
        with app.app_context():
            load_demo(db.session, now=utcnow(), password_settings=CHEAP_PASSWORDS, base_url=url)
            db.session.commit()
        yield LiveServer(app, url)
        server.shutdown()


@pytest.fixture(autouse=True)
def _empty_corrections(request):
    """Tests on the shared demo server start with no corrections."""
    if "live" not in request.fixturenames:
        return
    live = request.getfixturevalue("live")
    with live.app.app_context():
        db.session.execute(Correction.__table__.delete())
        db.session.commit()


@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_instance):
    kwargs = {"args": CHROMIUM_ARGS}
    if os.path.exists(CHROMIUM):
        kwargs["executable_path"] = CHROMIUM
    browser = playwright_instance.chromium.launch(**kwargs)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page


@pytest.fixture(scope="module")
def second_origin():
    site = StaticSite()
    yield site
    site.close()


@pytest.fixture
def live_server(request, app):
    """The test's own ``app`` served on 127.0.0.1:<port>; yields its base URL."""
    if request.node.get_closest_marker("real_commits") is None:
        pytest.fail("live_server serves the app from another thread, which sees only committed data: "
                    "mark the test real_commits")
    server = _serve(app)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(PUBLIC_URL=url, TRUSTED_HOSTS=["127.0.0.1"])
    yield url
    server.shutdown()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
