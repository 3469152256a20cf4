"""A refused form's text is handed back once, to the browser that typed it, and not after an hour."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from readerdesk.models import FormDraft, StaffSession
from readerdesk.services.desk.form_drafts import DRAFT_LIFETIME, keep_draft, take_draft
from tests.factories import make_user

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def browsers(db_session, count: int) -> list[StaffSession]:
    editor = make_user(db_session)
    rows = [StaffSession(user=editor, token_hash=f"{i}" * 64, expires_at=T0 + timedelta(days=1)) for i in range(count)]
    db_session.add_all(rows)
    db_session.flush()
    return rows


def test_a_draft_is_taken_once_by_its_own_browser_for_its_own_page(db_session):
    mine, other = browsers(db_session, 2)
    keep_draft(db_session, mine, "report:1", form="decision", fields={"reason": "Пояснення"},
               message="Changed since you opened it.", now=T0)
    assert take_draft(db_session, other, "report:1", now=T0) is None
    assert take_draft(db_session, mine, "report:2", now=T0) is None
    draft = take_draft(db_session, mine, "report:1", now=T0 + timedelta(minutes=5))
    assert (draft.form, draft.fields, draft.message) == ("decision", {"reason": "Пояснення"},
                                                         "Changed since you opened it.")
    db_session.flush()
    assert take_draft(db_session, mine, "report:1", now=T0) is None  # taken: a reload shows nothing


def test_a_newer_refusal_on_the_same_page_replaces_the_draft(db_session):
    (mine,) = browsers(db_session, 1)
    keep_draft(db_session, mine, "report:1", form="decision", fields={"reason": "first"}, message="1", now=T0)
    db_session.flush()
    keep_draft(db_session, mine, "report:1", form="note", fields={"body": "second"}, message="2", now=T0)
    db_session.flush()
    assert db_session.scalar(select(func.count()).select_from(FormDraft)) == 1
    assert take_draft(db_session, mine, "report:1", now=T0).fields == {"body": "second"}


def test_an_expired_draft_is_not_handed_back_and_goes_when_another_is_kept(db_session):
    mine, other = browsers(db_session, 2)
    keep_draft(db_session, mine, "report:1", form="decision", fields={"reason": "old"}, message="", now=T0)
    keep_draft(db_session, mine, "report:2", form="decision", fields={"reason": "old"}, message="", now=T0)
    db_session.flush()
    later = T0 + DRAFT_LIFETIME + timedelta(seconds=1)
    assert take_draft(db_session, mine, "report:1", now=later) is None
    keep_draft(db_session, other, "report:3", form="note", fields={"body": "new"}, message="", now=later)
    db_session.flush()
    assert db_session.scalars(select(FormDraft.page)).all() == ["report:3"]
