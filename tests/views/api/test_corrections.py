"""The public corrections API over HTTP: what curl and the widget get back."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from ipaddress import ip_network

import psycopg
import pytest
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from readerdesk.clock import utcnow
from readerdesk.extensions import db, limiter
from readerdesk.jobs import runner
from readerdesk.models import AnchorState, Correction, DecoyReport, OutboxEntry, OutboxStatus
from tests.conftest import UNREACHABLE_REDIS_URL, is_postgres
from tests.factories import PASSWORD, make_article, make_site, make_user, paragraphs
from tests.fakes.http import StaticSite
from tests.helpers import recorded_statements, run_jobs

ORIGIN = "https://news.example"


@pytest.fixture
def article(db_session):
    site = make_site(db_session, base_url=ORIGIN, allowed_origins=["https://m.news.example"])
    article = make_article(db_session, site, html=paragraphs("The mayor said twelve bridges.", "Second one."))
    db_session.commit()
    return article


def body(article, **extra) -> dict:
    data = {
        "idempotency_key": "0123456789abcdef",
        "article_url": article.url,
        "page_url": article.url + "?utm_source=newsletter",
        "kind": "factual",
        "selectors": [
            {"type": "TextQuoteSelector", "exact": "twelve bridges", "prefix": "The mayor said ", "suffix": "."},
            {"type": "TextPositionSelector", "start": 15, "end": 29},
        ],
        "suggestion": "eleven bridges",
        "comment": "See the council minutes.",
        "name": "Ada",
        "email": "ada@example.com",
        "notify": True,
    }
    data.update(extra)
    return data


def count(db_session) -> int:
    return db_session.scalar(select(func.count(Correction.id)))


def test_create_then_status(client, db_session, article):
    response = client.post("/api/v1/corrections", json=body(article), headers={"Origin": ORIGIN})
    assert response.status_code == 201
    data = response.get_json()
    assert data["anchored"] is True and data["status"] == "new"
    assert response.headers["Location"] == data["status_url"]
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Set-Cookie" not in response.headers

    correction = db_session.scalar(select(Correction))
    assert correction.revision.text[correction.start:correction.end] == "twelve bridges"
    assert correction.page_url == article.url  # tracking parameters dropped
    assert correction.reader_email == "ada@example.com" and correction.ip_hash and correction.ip_hash != "127.0.0.1"

    status = client.get(data["status_url"].replace("http://localhost", ""))
    assert status.status_code == 200
    text = status.get_data(as_text=True)
    assert "ada@example.com" not in text and "Ada" not in text and "ip" not in status.get_json()
    assert status.get_json()["quote"] == "twelve bridges"
    assert client.get("/api/v1/corrections/nope").status_code == 404


def test_same_idempotency_key_returns_the_same_correction(client, db_session, article):
    first = client.post("/api/v1/corrections", json=body(article))
    again = client.post("/api/v1/corrections", json=body(article))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert count(db_session) == 1


@pytest.mark.parametrize("payload, content_type, status, words", [
    ("{not json", "application/json", 400, "not valid JSON"),
    ("[1, 2]", "application/json", 400, "JSON object"),
    ('"a string"', "application/json", 400, "JSON object"),
    ("kind=typo", "application/x-www-form-urlencoded", 415, "JSON"),
])
def test_malformed_bodies(client, article, payload, content_type, status, words):
    response = client.post("/api/v1/corrections", data=payload, content_type=content_type)
    assert response.status_code == status
    assert words in response.get_json()["error"]


@pytest.mark.parametrize("change, field", [
    ({"idempotency_key": None}, "idempotency_key"),
    ({"article_url": None, "page_url": None}, "article_url"),
    ({"kind": 3}, "kind"),
    ({"selectors": {"type": "TextQuoteSelector"}}, "selectors"),
    ({"selectors": [{"type": "TextPositionSelector", "start": -4, "end": 2}]}, "selectors"),
    ({"comment": ["a list"]}, "comment"),
    ({"email": "ada-at-example"}, "email"),
    ({"email": "", "notify": True}, "notify"),
    ({"notify": "yes"}, "notify"),
    ({"comment": "spam http://a.example http://b.example https://c.example"}, "comment"),
    ({"selectors": [{"type": "TextQuoteSelector", "exact": "x" * 2001}]}, "selectors"),
])
def test_field_errors(client, db_session, article, change, field):
    data = {k: v for k, v in {**body(article), **change}.items() if v is not None}
    response = client.post("/api/v1/corrections", json=data)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == "Some fields are missing or invalid." and field in payload["fields"]
    assert count(db_session) == 0


def test_unknown_article(client, article):
    response = client.post("/api/v1/corrections", json=body(article, article_url=ORIGIN + "/never-published"))
    assert response.status_code == 404
    assert "do not know this article" in response.get_json()["error"]


def test_huge_body(client, article):
    data = json.dumps(body(article, comment="x" * 100_000))
    response = client.post("/api/v1/corrections", data=data, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == "What you sent is too large."


def test_honeypot_answers_like_success_and_stores_nothing(client, db_session, article):
    response = client.post("/api/v1/corrections", json=body(article, website="http://cheap-pills.example"))
    assert response.status_code == 201 and response.get_json()["id"]
    assert count(db_session) == 0


def test_a_connection_lost_at_commit_is_tried_once_more_and_the_report_is_stored_once(
        client, db_session, article, monkeypatch):
    """The database restarted as the report committed: it did land, but the answer was lost. The view
    tries once more with the same idempotency key, finds the report and answers with it."""
    real_commit = Session.commit
    dropped = []

    def commit_then_lose_the_connection(session):
        real_commit(session)
        # The commit that stored the report (an earlier one may have made the day's IP hash key).
        if not dropped and session.scalar(select(func.count(Correction.id))):
            dropped.append(True)
            raise OperationalError("COMMIT", {}, psycopg.OperationalError("server closed the connection unexpectedly"),
                                   connection_invalidated=True)

    monkeypatch.setattr(Session, "commit", commit_then_lose_the_connection)
    response = client.post("/api/v1/corrections", json=body(article))
    monkeypatch.undo()
    assert dropped and response.status_code == 200
    [stored] = db_session.scalars(select(Correction)).all()
    assert response.get_json()["id"] == stored.public_id


def test_a_statement_timeout_is_a_503_with_retry_after_not_retried(client, db_session, article, monkeypatch):
    attempts = []

    def cancelled(session):
        attempts.append(True)
        timeout = psycopg.errors.QueryCanceled("canceling statement due to statement timeout")
        raise OperationalError("INSERT", {}, timeout)

    monkeypatch.setattr(Session, "commit", cancelled)
    response = client.post("/api/v1/corrections", json=body(article), headers={"Accept-Language": "uk"})
    monkeypatch.undo()
    assert len(attempts) == 1
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json()["error"] == "Сервіс тимчасово недоступний."


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_CORRECTIONS="2 per minute")
def test_rate_limit(client, article):
    _three_reports_one_refused(client, article)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_CORRECTIONS="2 per minute",
                        RATELIMIT_STORAGE_URI=os.environ.get("TEST_REDIS_URL", "memory://"),
                        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
def test_rate_limit_in_redis(client, article):
    _three_reports_one_refused(client, article)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
@pytest.mark.app_config(REDIS_URL=os.environ.get("TEST_REDIS_URL"), RATELIMIT_ENABLED=True,
                        RATELIMIT_STORAGE_URI=os.environ.get("TEST_REDIS_URL", "memory://"),
                        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", RATELIMIT_CORRECTIONS="100 per minute",
                        MAIL_SERVER="127.0.0.1")  # so that the editors' job is queued (no worker runs it here)
def test_reports_share_one_pooled_redis_connection_for_the_limit_and_the_queue(app, client, db_session, article):
    connection = runner.redis_client(app.config["REDIS_URL"], timeout=app.config["REDIS_TIMEOUT"])
    assert limiter.storage.get_connection().connection_pool is connection.connection_pool
    created_before = connection.connection_pool._created_connections  # no public counter in redis-py
    bodies = [body(article, idempotency_key=f"pooled-{uuid.uuid4().hex}") for _ in range(5)]
    ids = [client.post("/api/v1/corrections", json=data).get_json()["id"] for data in bodies]
    # Sequential requests: the limiter's checks and the five hand-overs to RQ took one pooled connection.
    assert connection.connection_pool._created_connections <= max(created_before, 1)
    corrections = db_session.scalars(select(Correction).where(Correction.public_id.in_(ids))).all()
    entries = db_session.scalars(select(OutboxEntry).where(OutboxEntry.job == "new_correction")).all()
    assert sorted(e.args[0] for e in entries) == sorted(c.id for c in corrections)
    queue = Queue(runner.QUEUE_NAME, connection=connection)
    rq_ids = {f"{runner.RQ_JOB_PREFIX}{e.id}" for e in entries}
    assert rq_ids <= set(queue.job_ids)
    for job in queue.jobs:
        if job.id in rq_ids:
            job.delete()


@pytest.mark.real_commits  # each reader's request on its own connection
@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_CORRECTIONS="1000 per minute",
                        RATELIMIT_STORAGE_URI=UNREACHABLE_REDIS_URL)
def test_with_redis_down_readers_reporting_at_the_same_moment_all_get_through(app, article, limiter_fresh):
    # Flask-Limiter switches to memory on the first failure; a request that failed on Redis at the same
    # moment, after another one switched, used to become a 500 (one in 500 reports in the chaos run).
    readers = 8
    barrier, codes = threading.Barrier(readers), []
    payloads = [body(article, idempotency_key=f"same-moment-{n:04d}") for n in range(readers * 3)]

    def send(n):
        client = app.test_client()
        barrier.wait()
        codes.append(client.post("/api/v1/corrections", json=payloads[n],
                                 environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code)

    for _round in range(3):
        limiter_fresh._storage_dead = False
        threads = [threading.Thread(target=send, args=(n + readers * _round,)) for n in range(readers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert codes == [201] * readers * 3


REDIS_PREFIX = f"test-{uuid.uuid4().hex}"


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_CORRECTIONS="2 per minute",
                        RATELIMIT_STORAGE_URI=os.environ.get("TEST_REDIS_URL", "memory://"),
                        RATELIMIT_KEY_PREFIX=REDIS_PREFIX)
def test_the_rate_limit_counts_on_the_ip_hash_so_redis_never_holds_an_ip(client, db_session, article):
    from redis import Redis

    address = {"REMOTE_ADDR": "198.51.100.23"}
    codes = [client.post("/api/v1/corrections", json=body(article, idempotency_key=f"hashed-limit-{i}"),
                         environ_base=address).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    other = client.post("/api/v1/corrections", json=body(article, idempotency_key="hashed-limit-x"),
                        environ_base={"REMOTE_ADDR": "198.51.100.24"})
    assert other.status_code == 201  # another address has its own count
    # Every key in the test database (the limiter keeps the prefix of the first app it was set up with).
    keys = [k.decode() for k in Redis.from_url(os.environ["TEST_REDIS_URL"]).keys("*")]
    assert keys and not any("198.51.100" in k for k in keys)
    stored = db_session.scalars(select(Correction.ip_hash).order_by(Correction.id)).all()
    assert stored[0] == stored[1] != stored[2] and any(stored[0] in k for k in keys)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_CORRECTIONS="2 per minute",
                        RATELIMIT_STORAGE_URI=UNREACHABLE_REDIS_URL)
def test_with_redis_down_reports_are_limited_in_memory_and_the_outage_is_logged_once(
        client, article, limiter_fresh, caplog):
    with caplog.at_level(logging.INFO, logger="flask-limiter"):
        _three_reports_one_refused(client, article)
    assert [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()] == [
        "Rate limit storage unreachable - falling back to in-memory storage"]


def _three_reports_one_refused(client, article):
    codes = [client.post("/api/v1/corrections", json=body(article, idempotency_key=f"rate-limit-{i}")).status_code
             for i in range(3)]
    assert codes == [201, 201, 429]
    limited = client.post("/api/v1/corrections", json=body(article, idempotency_key="rate-limit-x"))
    assert "Please wait" in limited.get_json()["error"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_no_csrf_token_needed_and_no_cookie_even_for_signed_in_staff(client, db_session, article):
    make_user(db_session, "editor@example.com")
    db_session.commit()
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/auth/login", data={"email": "editor@example.com", "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302
    response = client.post("/api/v1/corrections", json=body(article), headers={"Origin": ORIGIN})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


# --- cross-origin ----------------------------------------------------------------------------


def test_preflight_only_for_configured_origins(client, article):
    ok = client.options("/api/v1/corrections", headers={
        "Origin": "https://m.news.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://m.news.example"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    refused = client.options("/api/v1/corrections", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_post_from_an_origin_the_site_does_not_allow(client, db_session, article):
    response = client.post("/api/v1/corrections", json=body(article), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "https://evil.example" in response.get_json()["error"]
    assert "not set up to send corrections" in response.get_json()["error"]
    # Readable by the widget on that page, so the reader learns why.
    assert response.headers["Access-Control-Allow-Origin"] == "https://evil.example"
    assert count(db_session) == 0


def test_widget_config(client, article):
    response = client.get("/api/v1/widget-config", query_string={"url": article.url},
                          headers={"Origin": "https://m.news.example"})
    assert response.status_code == 200
    config = response.get_json()
    privacy = config.pop("privacy")
    assert config == {"site": article.site.name, "body_selector": ".article-body",
                      "exclude_selectors": [], "parts": {}, "language": "en", "article_known": True}
    assert "delete them 180 days after we close your report" in privacy["notice"]
    assert privacy["policy_url"] == f"http://localhost/privacy?site={article.site.name}"
    assert response.headers["Access-Control-Allow-Origin"] == "https://m.news.example"
    refused = client.get("/api/v1/widget-config", query_string={"url": article.url},
                         headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and "not set up" in refused.get_json()["error"]
    unknown = client.get("/api/v1/widget-config", query_string={"url": "https://nowhere.example/a"})
    assert unknown.status_code == 404


# --- re-fetching an article the reader saw changed -------------------------------------------


@pytest.fixture
def cms():
    server = StaticSite()
    yield server
    server.close()


def _site_with_connector(db_session, cms, connector: str, connector_url: str | None = None):
    site = make_site(db_session, base_url=cms.url)
    site.connector, site.connector_url = connector, connector_url
    article = make_article(db_session, site, url=cms.url + "/2026/story", external_id="wp:42",
                           html=paragraphs("Old wording of the story.", "Unchanged paragraph."))
    db_session.commit()
    return article


LOCAL_FETCHES = pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])


@LOCAL_FETCHES
def test_unseen_text_is_stored_then_anchored_after_refetch_html(client, db_session, cms):
    article = _site_with_connector(db_session, cms, "html")
    cms.html = ("<html><head><title>Story</title></head><body><div class='article-body'>"
                "<p>New wording of the story.</p><p>Unchanged paragraph.</p></div></body></html>")
    data = body(article, selectors=[
        {"type": "TextQuoteSelector", "exact": "New wording", "prefix": "", "suffix": " of"},
    ])
    response = client.post("/api/v1/corrections", json=data)
    assert response.status_code == 201 and response.get_json()["anchored"] is False
    assert cms.paths == []  # fetched after the response, never inside the request
    assert run_jobs() == 1
    assert cms.paths == ["/2026/story"]

    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.ANCHORED
    assert correction.revision.number == 2
    assert correction.revision.text[correction.start:correction.end] == "New wording"
    assert [a.state for a in correction.anchors] == [AnchorState.UNANCHORED, AnchorState.ANCHORED]


@LOCAL_FETCHES
def test_refetch_from_wordpress(client, db_session, cms):
    article = _site_with_connector(db_session, cms, "wordpress", cms.url)
    cms.content_type = "application/json"
    cms.html = json.dumps({"id": 42, "link": article.url, "title": {"rendered": "Story"},
                           "content": {"rendered": "<p>Fresh wording of the story.</p>"},
                           "modified_gmt": "2026-11-21T09:00:00", "categories": [3],
                           "_embedded": {"author": [{"id": 2, "name": "Olena Koval"}],
                                         "wp:term": [[{"id": 3, "name": "Politics", "slug": "politics",
                                                       "taxonomy": "category"}], []]}})
    data = body(article, selectors=[{"type": "TextQuoteSelector", "exact": "Fresh wording"}])
    assert client.post("/api/v1/corrections", json=data).status_code == 201
    run_jobs()
    assert cms.paths == ["/wp-json/wp/v2/posts/42"]
    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.ANCHORED and correction.revision.number == 2
    assert (correction.article.authors, correction.article.section) == (["Olena Koval"], "Politics")


@LOCAL_FETCHES
def test_report_is_kept_when_the_connector_is_unreachable(client, db_session, cms):
    article = _site_with_connector(db_session, cms, "wordpress", "http://127.0.0.1:9")
    data = body(article, selectors=[{"type": "TextQuoteSelector", "exact": "words nobody has seen"}])
    response = client.post("/api/v1/corrections", json=data)
    assert response.status_code == 201
    assert run_jobs() == 1
    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.UNANCHORED and correction.exact == "words nobody has seen"
    # The re-fetch is tried again later, not now.
    [job] = db_session.scalars(select(OutboxEntry)).all()
    assert (job.job, job.status, job.attempts) == ("refetch_and_anchor", OutboxStatus.PENDING, 1)
    assert job.next_attempt_at > utcnow() and job.last_error.startswith("RefetchError")
    assert run_jobs() == 0


def test_reader_text_is_escaped_at_the_desk(client, db_session, article):
    data = body(article, selectors=[{"type": "TextQuoteSelector", "exact": "<script>alert(1)</script>"}])
    assert client.post("/api/v1/corrections", json=data).status_code == 201
    make_user(db_session, "editor@example.com")
    db_session.commit()
    client.post("/auth/login", data={"email": "editor@example.com", "password": PASSWORD})
    page = client.get("/desk/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_ukrainian_reader_gets_the_errors_in_ukrainian(client, db_session):
    from tests.factories import make_article

    article = make_article(db_session)
    db_session.commit()
    response = client.post("/api/v1/corrections", json={
        "idempotency_key": "ukrainian-0001", "article_url": article.url, "kind": "general", "language": "uk",
        "comment": "Дивіться http://a.example http://b.example http://c.example", "email": "не-адреса"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "Деякі поля не заповнено або заповнено неправильно."
    assert body["fields"]["email"] == "Це не схоже на адресу електронної пошти."
    assert body["fields"]["comment"] == "Додайте щонайбільше 2 посилання."
    unknown = client.post("/api/v1/corrections", headers={"Accept-Language": "uk-UA,uk;q=0.9"}, json={
        "idempotency_key": "ukrainian-0002", "article_url": "https://unknown.example/a", "kind": "general",
        "comment": "Привіт"})
    assert unknown.status_code == 404 and unknown.get_json()["error"].startswith("Ми не знаємо цієї статті")
    too_big = client.post("/api/v1/corrections?lang=uk", data="x" * 70_000, content_type="application/json")
    assert too_big.status_code == 413 and too_big.get_json()["error"] == "Надіслане завелике."


@pytest.mark.app_config(MAIL_SERVER="127.0.0.1")  # the editors are told: each report writes their job
def test_an_accepted_report_costs_at_most_six_statements_however_big_its_group(client, db_session, article):
    # The process's first report of the day also makes (or reads) the day's IP key, and keeps it
    # (services.privacy.ip_hashing): a general message, which joins no group, takes that cost here.
    first = client.post("/api/v1/corrections", json={"idempotency_key": "flood-key-first", "kind": "general",
                                                     "article_url": article.url, "comment": "Thank you."})
    assert first.status_code == 201
    sizes = []
    for n in range(4):
        data = body(article, idempotency_key=f"flood-key-{n:04d}")
        db.session.remove()  # the request starts from an empty session, as in production
        with recorded_statements(db_session) as statements:
            response = client.post("/api/v1/corrections", json=data, headers={"Origin": "https://m.news.example"})
        assert response.status_code == 201
        assert response.headers["Access-Control-Allow-Origin"] == "https://m.news.example"
        sizes.append(len(statements))
    # The first starts a group, the others join it: the same statements each time, the editors' job
    # in the outbox included (it runs after the response, off the request). PostgreSQL: the article,
    # its lock, the held passages, and the report with its anchor row, its group and its job (one
    # statement: the next report on the article waits for no other round trip). SQLite takes no lock,
    # and writes the report, its anchor row, its group's lead and its job in four.
    assert sizes == ([4] * 4 if is_postgres() else [6] * 4), statements
    assert any("INSERT INTO OUTBOX" in sql.upper() for sql in statements)
    jobs = db_session.scalars(select(OutboxEntry).where(OutboxEntry.status == OutboxStatus.PENDING)
                              .order_by(OutboxEntry.id)).all()
    reports = db_session.scalars(select(Correction.id).where(Correction.article_id == article.id)
                                 .order_by(Correction.id)).all()
    assert [(job.job, job.args) for job in jobs] == [("new_correction", [report]) for report in reports]
    lead = db_session.scalar(select(Correction).where(Correction.idempotency_key == "flood-key-0000"))
    assert lead.is_lead and lead.group_size == 4
    # The same key again reads the stored report back.
    data = body(article, idempotency_key="flood-key-0000")
    db.session.remove()
    with recorded_statements(db_session) as statements:
        again = client.post("/api/v1/corrections", json=data)
    assert again.status_code == 200 and len(statements) <= 6


@pytest.mark.postgres
@pytest.mark.real_commits  # sixteen threads, sixteen connections
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_two_hundred_parallel_reports_on_one_passage_are_counted_exactly(app, db_session, article):
    """Every report joins one group, and its size equals its members, however the requests interleave;
    a report sent twice at once is stored once."""
    keys = [f"parallel-{n:04d}" for n in range(200)] + [f"parallel-{n:04d}" for n in range(0, 200, 10)]
    bodies = [body(article, idempotency_key=key, email="", notify=False) for key in keys]
    barrier = threading.Barrier(16)

    def send(data):
        client = app.test_client()
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        return client.post("/api/v1/corrections", json=data)

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(send, bodies))
    assert sum(r.status_code == 201 for r in responses) == 200
    assert sum(r.status_code == 200 for r in responses) == 20  # the repeats: the first report back
    db_session.expire_all()
    assert count(db_session) == 200
    leads = db_session.scalars(select(Correction).where(Correction.is_lead.is_(True))).all()
    assert len(leads) == 1 and leads[0].group_size == 200
    assert db_session.scalar(select(func.count()).where(Correction.group_id == leads[0].id)) == 200


@LOCAL_FETCHES
def test_a_quote_matched_only_approximately_refetches_and_anchors_where_the_reader_saw_it(client, db_session, cms):
    """The CMS changed "12 May" to "13 May" and nobody pushed it; a reader quotes the newer text."""
    article = _site_with_connector(db_session, cms, "html")
    cms.html = ("<html><head><title>Story</title></head><body><div class='article-body'>"
                "<p>New wording of the story: the bridge reopens on 13 May.</p><p>Unchanged paragraph.</p></div>"
                "</body></html>")
    client.post("/api/v1/corrections", json=body(article, selectors=[
        {"type": "TextQuoteSelector", "exact": "Old wording of the story.", "prefix": "", "suffix": "\n\nUnchanged"}]))
    db_session.expire_all()
    first = db_session.scalar(select(Correction))
    assert run_jobs() == 0
    assert first.quote_verbatim is True and cms.paths == []  # word for word: nothing to fetch
    db_session.delete(first)
    db_session.commit()

    cms.html = cms.html.replace("New wording of the story: the bridge reopens on 13 May.", "Old wording of the story!")
    data = body(article, selectors=[{"type": "TextQuoteSelector", "exact": "Old wording of the story!", "prefix": "",
                                     "suffix": "\n\nUnchanged paragraph."}])
    data["idempotency_key"] = "approx-key-1"
    assert client.post("/api/v1/corrections", json=data).status_code == 201
    assert run_jobs() == 1
    assert cms.paths == ["/2026/story"]
    db_session.expire_all()
    correction = db_session.scalar(select(Correction))
    assert correction.quote_verbatim is True and correction.revision.number == 2
    assert correction.revision.text[correction.start:correction.end] == "Old wording of the story!"
    assert correction.anchors[0].state == AnchorState.ANCHORED and correction.anchors[-1].state == AnchorState.ANCHORED
    assert not correction.reported_on_older_revision


def keyed_report(article, key="report-key-0001", **extra) -> dict:
    return {"idempotency_key": key, "article_url": article.url, "kind": "typo",
            "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges"}], "suggestion": "eleven", **extra}


def rows(db_session, model) -> int:
    return db_session.scalar(select(func.count(model.id)))


def test_the_same_key_with_another_body_is_a_422_with_a_sentence(client, db_session, article):
    first = client.post("/api/v1/corrections", json=keyed_report(article))
    assert first.status_code == 201
    again = client.post("/api/v1/corrections", json=keyed_report(article))  # an offline retry: the same body
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    other = client.post("/api/v1/corrections", json=keyed_report(article, suggestion="ten", language="uk"))
    assert other.status_code == 422
    assert other.get_json()["error"].startswith("Цей ключ ідемпотентності вже використано")
    assert "status_url" not in other.get_json()
    english = client.post("/api/v1/corrections", json=keyed_report(article, comment="a different report"))
    assert english.status_code == 422 and "used for a different report" in english.get_json()["error"]
    assert rows(db_session, Correction) == 1


@pytest.mark.parametrize("filled", ["http://spam.example", " ", "\t", 0, 1, [], {}, False, ["x"]],
                         ids=repr)
def test_a_filled_honeypot_is_indistinguishable_from_a_real_report(client, db_session, article, filled):
    real = client.post("/api/v1/corrections", json=keyed_report(article, key="real-report-01"))
    trapped = client.post("/api/v1/corrections", json=keyed_report(article, key="trapped-rep-01", website=filled))
    assert trapped.status_code == real.status_code == 201
    real_body, trapped_body = real.get_json(), trapped.get_json()
    assert set(trapped_body) == set(real_body)
    assert (trapped_body["status"], trapped_body["anchored"]) == (real_body["status"], real_body["anchored"])
    assert trapped.headers["Location"] == trapped_body["status_url"]
    # Its status link answers like a new report's, in the API and as a page.
    real_status, trapped_status = client.get(real_body["status_url"]), client.get(trapped_body["status_url"])
    assert trapped_status.status_code == real_status.status_code == 200
    trapped_json = trapped_status.get_json()
    assert {k: v for k, v in trapped_json.items() if k not in ("id", "received_at")} == \
        {k: v for k, v in real_status.get_json().items() if k not in ("id", "received_at")}
    assert client.get(trapped_body["status_page"]).status_code == 200
    # The same key again: the same answer as for a real report.
    repeat = client.post("/api/v1/corrections", json=keyed_report(article, key="trapped-rep-01", website=filled))
    assert repeat.status_code == 200 and repeat.get_json()["id"] == trapped_body["id"]
    # Nothing reached the desk.
    assert rows(db_session, Correction) == 1 and rows(db_session, DecoyReport) == 1


def test_a_trapped_report_is_validated_like_a_real_one(client, db_session, article):
    bad = client.post("/api/v1/corrections", json=keyed_report(article, key="x", website="http://spam.example"))
    assert bad.status_code == 400 and "idempotency_key" in bad.get_json()["fields"]
    unknown = client.post("/api/v1/corrections", json={**keyed_report(article, website="y"),
                                                        "article_url": "https://nowhere.example/a"})
    assert unknown.status_code == 404


@pytest.mark.parametrize("quote", ["twelve bridges", "twelve bridgez"], ids=["verbatim", "not-verbatim"])
def test_a_real_report_with_a_key_a_decoy_used_first_is_stored(client, db_session, article, quote):
    """A bot's decoy took the key first (keys are the client's to choose): the reader's report is
    still stored and answered as itself, whether its quote is in the text word for word or not."""
    decoy = client.post("/api/v1/corrections", json=keyed_report(article, website="http://spam.example"))
    assert decoy.status_code == 201
    selectors = [{"type": "TextQuoteSelector", "exact": quote}]
    real = client.post("/api/v1/corrections", json=keyed_report(article, selectors=selectors, comment="Real."))
    assert real.status_code == 201 and real.get_json()["id"] != decoy.get_json()["id"]
    stored = db_session.scalar(select(Correction))
    assert (stored.public_id, stored.comment) == (real.get_json()["id"], "Real.")
    again = client.post("/api/v1/corrections", json=keyed_report(article, selectors=selectors, comment="Real."))
    assert again.status_code == 200 and again.get_json()["id"] == stored.public_id
    assert rows(db_session, Correction) == 1 and rows(db_session, DecoyReport) == 1


def test_a_decoy_with_a_real_reports_key_learns_nothing_of_that_report(client, db_session, article):
    real = client.post("/api/v1/corrections", json=keyed_report(article))
    trapped = client.post("/api/v1/corrections", json=keyed_report(article, website="http://spam.example"))
    assert trapped.status_code == 201 and trapped.get_json()["id"] != real.get_json()["id"]
    assert rows(db_session, Correction) == 1 and rows(db_session, DecoyReport) == 1


@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_honeypot_is_a_real_report(client, db_session, article, empty):
    assert client.post("/api/v1/corrections", json=keyed_report(article, website=empty)).status_code == 201
    assert rows(db_session, Correction) == 1 and rows(db_session, DecoyReport) == 0


def test_a_readers_unmatched_quote_does_not_fetch_a_loopback_article(client, db_session, listener):
    site = make_site(db_session, base_url=listener.url)
    site.connector = "html"
    article = make_article(db_session, site, url=listener.url + "/story", html=paragraphs("Old text."))
    db_session.commit()
    response = client.post("/api/v1/corrections", json={
        "idempotency_key": "ssrf-000001", "article_url": article.url, "kind": "typo",
        "selectors": [{"type": "TextQuoteSelector", "exact": "text nobody has seen"}]})
    assert response.status_code == 201
    run_jobs()  # the re-fetch job, as the runner would run it after the response
    assert listener.requests == []
    refetch = db_session.scalar(select(OutboxEntry).where(OutboxEntry.job == "refetch_and_anchor"))
    assert refetch.attempts == 1 and "non-public address" in refetch.last_error
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.UNANCHORED and article.current_revision.number == 1


def test_a_ukrainian_readers_limits_are_numbers_written_the_ukrainian_way(client, db_session):
    from tests.factories import make_article

    article = make_article(db_session)
    db_session.commit()
    response = client.post("/api/v1/corrections?lang=uk", json={
        "idempotency_key": "ukrainian-0003", "article_url": article.url, "kind": "general", "comment": "ж" * 5001})
    assert response.get_json()["fields"]["comment"] == (
        "Задовго: щонайбільше 5\N{NO-BREAK SPACE}000 символів (зараз 5\N{NO-BREAK SPACE}001).")
