"""The security log: who did what to whose account, append-only, never a secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from readerdesk.models import SecurityEvent
from readerdesk.models.staff_security import SecurityLogImmutable
from readerdesk.services.desk.security_log import count_since, recent_events, record
from tests.factories import make_user

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


def test_the_actor_is_the_person_unless_someone_else_or_the_server_acted(db_session):
    admin, editor = make_user(db_session, role="admin"), make_user(db_session)
    own = record(db_session, "password_changed", user=editor, now=NOW)
    by_admin = record(db_session, "user_deactivated", user=editor, actor=admin, now=NOW)
    by_server = record(db_session, "two_factor_reset", user=editor, by_operator=True, now=NOW)
    assert (own.actor, by_admin.actor, by_server.actor) == (editor, admin, None)


def test_unknown_actions_are_refused(db_session):
    with pytest.raises(ValueError, match="unknown security action"):
        record(db_session, "did_something", now=NOW)


def test_entries_are_append_only(db_session):
    editor = make_user(db_session)
    event = record(db_session, "signed_in", user=editor, now=NOW)
    db_session.flush()
    event.detail = "rewritten"
    with pytest.raises(SecurityLogImmutable, match="append-only"):
        db_session.flush()
    db_session.rollback()


def test_counts_and_pages_newest_first(db_session):
    editor = make_user(db_session)
    for minutes in (30, 10, 5):
        record(db_session, "two_factor_failed", user=editor, now=NOW - timedelta(minutes=minutes))
    db_session.flush()
    assert count_since(db_session, editor, "two_factor_failed", NOW - timedelta(minutes=15)) == 2
    events = recent_events(db_session, limit=2)
    assert [e.created_at for e in events] == [NOW - timedelta(minutes=5), NOW - timedelta(minutes=10)]
    older = recent_events(db_session, before=events[-1].id)
    assert [e.created_at for e in older] == [NOW - timedelta(minutes=30)]
    assert isinstance(older[0], SecurityEvent)
