"""Staff sessions kept on the server: a token only its holder has, an end on the server's clock,
sign-out and "everywhere" that a copied cookie cannot outlive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from readerdesk.models import StaffSession
from readerdesk.services.desk.staff_sessions import (
    SessionSettings,
    active_session,
    end_all_sessions,
    end_session,
    live_sessions,
    start_session,
)
from tests.factories import make_user

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
SETTINGS = SessionSettings(remember_days=14, session_hours=12)


def sign_in(db_session, user, *, remember=False, at=NOW) -> str:
    return start_session(db_session, user, remember=remember, user_agent="Firefox", settings=SETTINGS, now=at)


def test_only_the_tokens_hash_is_stored_and_each_sign_in_gets_a_new_one(db_session):
    editor = make_user(db_session)
    first, second = sign_in(db_session, editor), sign_in(db_session, editor)
    assert first != second
    stored = db_session.scalars(select(StaffSession.token_hash)).all()
    assert first not in stored and second not in stored
    assert active_session(db_session, first, now=NOW).user is editor


def test_a_session_ends_on_the_server_after_its_lifetime(db_session):
    editor = make_user(db_session)
    short, kept = sign_in(db_session, editor), sign_in(db_session, editor, remember=True)
    after_a_day = NOW + timedelta(hours=12)
    assert active_session(db_session, short, now=after_a_day) is None
    assert active_session(db_session, kept, now=after_a_day) is not None
    assert active_session(db_session, kept, now=NOW + timedelta(days=14)) is None


def test_sign_out_ends_that_session_only(db_session):
    editor = make_user(db_session)
    laptop, phone = sign_in(db_session, editor), sign_in(db_session, editor)
    end_session(db_session, laptop, now=NOW)
    assert active_session(db_session, laptop, now=NOW) is None
    assert active_session(db_session, phone, now=NOW) is not None


def test_ending_all_sessions_can_keep_the_current_one(db_session):
    editor, other = make_user(db_session), make_user(db_session)
    here, there, elsewhere = sign_in(db_session, editor), sign_in(db_session, editor), sign_in(db_session, other)
    assert end_all_sessions(db_session, editor, now=NOW, keep_token=here) == 1
    assert active_session(db_session, here, now=NOW) is not None
    assert active_session(db_session, there, now=NOW) is None
    assert active_session(db_session, elsewhere, now=NOW) is not None  # someone else's
    assert [s.user_agent for s in live_sessions(db_session, editor, now=NOW)] == ["Firefox"]


def test_a_deactivated_account_has_no_live_session(db_session):
    editor = make_user(db_session)
    token = sign_in(db_session, editor)
    editor.active = False
    assert active_session(db_session, token, now=NOW) is None


def test_garbage_tokens_open_nothing(db_session):
    for token in (None, "", 7, "not-a-token"):
        assert active_session(db_session, token, now=NOW) is None
