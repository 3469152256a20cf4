"""While the database is unreachable every page answers 503 with Retry-After, never a 500, and once it
is back the same requests work. Runs its own PostgreSQL cluster (``tests.local_servers``) and stops it;
the shared server is never touched."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from readerdesk import create_app
from readerdesk.config import normalise_database_url
from readerdesk.extensions import db
from readerdesk.models import Correction
from tests.conftest import app_settings
from tests.factories import make_article, make_site, paragraphs
from tests.local_servers import PostgresCluster, have_postgres

pytestmark = pytest.mark.skipif(not have_postgres(), reason="PostgreSQL server binaries are not installed")


@pytest.fixture(scope="module")
def cluster():
    with PostgresCluster() as pg:
        yield pg


@pytest.fixture
def pg_app(cluster, tmp_path):
    url = cluster.create_database(f"faults_{uuid.uuid4().hex[:8]}")
    app = create_app(app_settings(tmp_path, SQLALCHEMY_DATABASE_URI=normalise_database_url(url),
                                  DATABASE_CONNECT_TIMEOUT=2))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def report(client, article_url, key):
    return client.post("/api/v1/corrections", headers={"Origin": "https://news.example"}, json={
        "idempotency_key": key, "article_url": article_url, "kind": "typo",
        "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges"}]})


def test_while_the_database_is_down_pages_answer_503_and_the_same_report_is_stored_once_it_is_back(pg_app, cluster):
    client = pg_app.test_client()
    site = make_site(db.session, base_url="https://news.example")
    article = make_article(db.session, site, html=paragraphs("The mayor said twelve bridges.")).url
    db.session.commit()
    assert report(client, article, "before-the-stop").status_code == 201

    cluster.stop()
    down = report(client, article, "during-the-stop")
    assert down.status_code == 503 and down.headers["Retry-After"] == "2"
    assert down.get_json()["error"] == "The service is temporarily unavailable."
    # The widget on the publisher's page can read it, and when to come back, with no database to ask.
    assert down.headers["Access-Control-Allow-Origin"] == "https://news.example"
    assert down.headers["Access-Control-Expose-Headers"] == "Retry-After"
    page = client.get("/corrections")
    assert page.status_code == 503 and "temporarily unavailable" in page.get_data(as_text=True)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] == "unreachable"

    cluster.start()
    # The pooled connections died with the server: pre-ping replaces them, nobody sees an error.
    assert client.get("/readyz").status_code == 200
    assert report(client, article, "during-the-stop").status_code == 201  # the widget's retry, same key
    assert report(client, article, "during-the-stop").status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(func.count(Correction.id))) == 2


def test_a_restart_between_requests_is_invisible(pg_app, cluster):
    client = pg_app.test_client()
    site = make_site(db.session, base_url="https://news.example")
    article = make_article(db.session, site, html=paragraphs("The mayor said twelve bridges.")).url
    db.session.commit()
    assert report(client, article, "first-report-1").status_code == 201
    cluster.restart()
    assert report(client, article, "second-report").status_code == 201
