"""The job runner without Redis: jobs run after the response, in a worker thread, never in the request."""

from __future__ import annotations

import threading
import time
from ipaddress import ip_network

import pytest
from sqlalchemy import select

from readerdesk.jobs.runner import background_worker
from readerdesk.models import AnchorState, Correction
from tests.factories import make_article, make_site, paragraphs
from tests.fakes.http import LocalServer

SLOW_SECONDS = 3


@pytest.mark.app_config(JOBS_INLINE=False, ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])
def test_a_readers_post_never_waits_on_a_slow_publisher_page(app, client, db_session):
    released = threading.Event()

    def slow_page(*request):
        released.wait(SLOW_SECONDS)
        return 200, {"Content-Type": "text/html"}, (b"<html><body><div class='article-body'><p>New wording here.</p>"
                                                     b"</div></body></html>")

    with LocalServer(slow_page) as publisher:
        site = make_site(db_session, base_url=publisher.url)
        site.connector = "html"
        article = make_article(db_session, site, url=publisher.url + "/story", html=paragraphs("Old wording here."))
        db_session.commit()
        started = time.monotonic()
        response = client.post("/api/v1/corrections", json={
            "idempotency_key": "slow-page-01", "article_url": article.url, "kind": "typo",
            "selectors": [{"type": "TextQuoteSelector", "exact": "New wording"}]})
        elapsed = time.monotonic() - started
        assert response.status_code == 201 and response.get_json()["anchored"] is False
        assert elapsed < SLOW_SECONDS / 2, f"the POST waited {elapsed:.1f}s on the publisher"
        released.set()
        assert background_worker(app).drain(timeout=30)
    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.ANCHORED and correction.revision.number == 2


@pytest.mark.app_config(JOBS_INLINE=False)
def test_a_failing_job_is_logged_and_the_worker_goes_on(app, caplog):
    from readerdesk.jobs import runner

    ran = []
    worker = background_worker(app)
    worker.submit(lambda: 1 / 0, ())
    worker.submit(lambda: ran.append("next"), ())
    assert worker.drain(timeout=10)
    assert ran == ["next"]
    assert "failed (attempt 3 of 3)" in caplog.text
    assert runner.background_worker(app) is worker  # one thread per app and process
