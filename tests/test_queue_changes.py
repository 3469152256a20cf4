"""The queue's version moves in Redis after a commit that changed a report, never before, never on a
rollback, and a Redis that does not answer fails nothing: the version then comes from the database."""

import time

import pytest
from sqlalchemy import update

from readerdesk import queue_changes
from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.runner import redis_outage
from readerdesk.models import Correction
from readerdesk.services.articles.ingest import add_revision
from readerdesk.services.desk.live_queue import VERSION_KEY, bump_version, database_version
from readerdesk.services.desk.triage import decide
from readerdesk.unit_of_work import unit_of_work
from tests.factories import make_article, make_correction, make_site, make_user, paragraphs


def stored_version(server) -> int | None:
    raw = server.client().get(VERSION_KEY)
    return None if raw is None else int(raw)


def test_a_new_report_bumps_the_version_when_it_commits_not_before(app, queue_redis):
    article = make_article(db.session)
    db.session.commit()
    before = stored_version(queue_redis)
    make_correction(db.session, article)
    assert stored_version(queue_redis) == before  # flushed, not committed
    db.session.commit()
    after = stored_version(queue_redis)
    assert after is not None and after != before
    assert queue_changes.current_version(db.session, app.config) == f"r.{after}"


def test_a_decision_bumps_the_version_and_a_refused_one_does_not(app, queue_redis):
    editor = make_user(db.session, "ed@example.com")
    report = make_correction(db.session)
    db.session.commit()
    start = stored_version(queue_redis)

    with unit_of_work(db.session):
        decide(db.session, report, "claim", actor=editor, now=utcnow(), expected_version=report.version)
    claimed = stored_version(queue_redis)
    assert claimed == start + 1

    with pytest.raises(RuntimeError), unit_of_work(db.session):
        decide(db.session, report, "accept", actor=editor, now=utcnow(), expected_version=report.version)
        raise RuntimeError("rolled back")
    db.session.commit()  # nothing pending: the rolled-back change leaves nothing to announce
    assert stored_version(queue_redis) == claimed


def test_a_bulk_update_statement_on_reports_bumps_the_version(app, queue_redis):
    report = make_correction(db.session)
    db.session.commit()
    start = stored_version(queue_redis)
    db.session.execute(update(Correction).where(Correction.id == report.id).values(group_size=3))
    db.session.commit()
    assert stored_version(queue_redis) == start + 1


def test_a_revision_that_changes_reports_anchor_states_bumps_the_version(app, queue_redis):
    """Re-anchoring writes the reports with one driver-level statement, which the session cannot see
    (it bumped nothing before). A revision that keeps every report's state changes nothing a queue
    shows, and leaves the version, as it leaves the database's."""
    text = "The work would cost 4.2 million euros."
    article = make_article(db.session, html=paragraphs("The council met.", text))
    make_correction(db.session, article, exact="4.2 million euros")
    db.session.commit()
    start = stored_version(queue_redis)
    add_revision(db.session, article, paragraphs("Updated.", "The council met.", text), now=utcnow())
    db.session.commit()  # anchored -> unchanged
    assert stored_version(queue_redis) == start + 1
    add_revision(db.session, article, paragraphs("Updated.", "The council met.", text, "Closing."), now=utcnow())
    db.session.commit()  # unchanged, still
    assert stored_version(queue_redis) == start + 1


def test_a_commit_that_touches_no_report_leaves_the_version_alone(app, queue_redis):
    make_correction(db.session)
    db.session.commit()
    start = stored_version(queue_redis)
    make_site(db.session, name="elsewhere")
    db.session.commit()
    assert stored_version(queue_redis) == start


def test_a_flushed_redis_starts_past_every_version_it_handed_out(app, queue_redis):
    make_correction(db.session)
    db.session.commit()
    old = stored_version(queue_redis)
    queue_redis.flush()
    make_correction(db.session)
    db.session.commit()
    assert stored_version(queue_redis) > old


def test_with_redis_down_changes_commit_and_the_version_comes_from_the_database(app, queue_redis):
    make_correction(db.session)
    db.session.commit()
    queue_redis.stop()

    report = make_correction(db.session)  # the commit's bump fails quietly
    db.session.commit()
    assert db.session.get(Correction, report.id) is not None
    redis_outage.retry_at = 0  # past the cooldown
    down = queue_changes.current_version(db.session, app.config)
    assert down == database_version(db.session)

    queue_redis.start()
    redis_outage.retry_at = 0
    back = queue_changes.current_version(db.session, app.config)
    assert back.startswith("r.")  # and the bump Redis missed was made as it came back
    assert stored_version(queue_redis) is not None


def test_without_redis_the_version_is_the_databases_and_moves_with_each_change(app):
    editor = make_user(db.session, "ed@example.com")
    report = make_correction(db.session)
    db.session.commit()
    first = queue_changes.current_version(db.session, app.config)
    assert first == database_version(db.session)
    with unit_of_work(db.session):
        decide(db.session, report, "claim", actor=editor, now=utcnow(), expected_version=report.version)
    claimed = queue_changes.current_version(db.session, app.config)
    assert claimed != first
    make_correction(db.session, report.article)
    db.session.commit()
    assert queue_changes.current_version(db.session, app.config) not in (first, claimed)


def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.02)


def redis_gets(server) -> int:
    return server.client().info("commandstats").get("cmdstat_get", {}).get("calls", 0)


def test_a_version_another_app_server_published_is_heard_and_polls_then_ask_redis_nothing(
        app, queue_redis, monkeypatch):
    monkeypatch.setattr(queue_changes.VersionListener, "RECONCILE_SECONDS", 3600)  # no GETs of its own here
    make_correction(db.session)
    db.session.commit()
    queue_changes.current_version(db.session, app.config)  # this process's first poll starts its listener
    listener = queue_changes._listener(app.config, start=False)
    wait_for(lambda: listener.subscribed)

    published = bump_version(queue_redis.client(), now=utcnow())  # another server's commit
    wait_for(lambda: listener.version() == f"r.{published}")
    gets = redis_gets(queue_redis)
    for _ in range(5):
        assert queue_changes.current_version(db.session, app.config) == f"r.{published}"
    assert redis_gets(queue_redis) == gets

    queue_redis.stop()  # the listener notices, and polls no longer trust what it last heard
    wait_for(lambda: listener.version() is None)


def test_a_readers_report_through_the_api_bumps_the_version(app, queue_redis):
    """The API writes a report with its own statements (``report_rows``), not an ORM flush."""
    site = make_site(db.session, base_url="https://news.example")
    article = make_article(db.session, site, html="<p>The council voted twelve to five.</p>")
    db.session.commit()
    before = stored_version(queue_redis)
    response = app.test_client().post("/api/v1/corrections", json={
        "idempotency_key": "bump-the-queue-1", "article_url": article.url, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": "twelve to five"}]})
    assert response.status_code == 201, response.json
    after = stored_version(queue_redis)
    assert after is not None and after != before
