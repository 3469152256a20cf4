"""Which reports are due a reminder at a moved clock: at the threshold, not before, not for decided or
published ones, only leads, and not for thresholds passed long ago."""

from datetime import UTC, datetime, timedelta

from readerdesk.models import Kind, Status
from readerdesk.services.desk import moderation
from readerdesk.services.desk.reminders import CORRECTION, DECISION, LOOKBACK, due_reminders, next_reminder_at
from tests.factories import make_article, make_correction, make_site, make_user

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
H = timedelta(hours=1)


def due(db_session, at):
    return [(t.correction.id, t.target) for t in due_reminders(db_session, now=at)]


def test_a_report_is_due_at_each_threshold_and_not_before(db_session):
    site = make_site(db_session)
    site.target_decision_hours, site.target_correction_hours = 24, 48
    factual = make_correction(db_session, make_article(db_session, site), created_at=NOW, kind=Kind.FACTUAL)
    db_session.flush()
    assert due(db_session, NOW + 23 * H) == []
    assert next_reminder_at(db_session, now=NOW + 23 * H) == NOW + 24 * H
    assert due(db_session, NOW + 24 * H) == [(factual.id, DECISION)]
    moderation.accept(db_session, factual, actor=make_user(db_session), now=NOW + 25 * H, expected_version=1)
    db_session.flush()
    assert due(db_session, NOW + 30 * H) == []  # decided: no first-decision reminder any more
    assert next_reminder_at(db_session, now=NOW + 30 * H) == NOW + 48 * H
    assert due(db_session, NOW + 48 * H) == [(factual.id, CORRECTION)]


def test_decided_other_sites_followers_and_old_thresholds_are_not_due(db_session):
    site, untargeted = make_site(db_session), make_site(db_session, base_url="https://other.example")
    site.target_decision_hours = 10
    article = make_article(db_session, site)
    rejected = make_correction(db_session, article, created_at=NOW, status=Status.REJECTED)
    rejected.first_decision_at = NOW + H
    typo = make_correction(db_session, article, created_at=NOW, kind=Kind.TYPO)
    follower = make_correction(db_session, article, created_at=NOW, is_lead=False)
    make_correction(db_session, make_article(db_session, untargeted), created_at=NOW)
    ancient = make_correction(db_session, article, created_at=NOW - LOOKBACK - 10 * H - H)
    db_session.flush()
    assert due(db_session, NOW + 10 * H) == [(typo.id, DECISION)]  # the typo has no correction target
    assert {rejected.id, follower.id, ancient.id}.isdisjoint(c for c, _ in due(db_session, NOW + 11 * H))
    assert next_reminder_at(db_session, now=NOW + 10 * H) is None
    site.target_decision_hours = None
    db_session.flush()
    assert due(db_session, NOW + 10 * H) == []
