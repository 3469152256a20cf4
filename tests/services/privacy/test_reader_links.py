"""The reader's "Delete my email from this report" link: signed, never carrying the address, for one
report, and good once."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import AuditEntry, NotificationSent
from readerdesk.services.desk import moderation
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.erasure import remove_reader_contact
from readerdesk.services.privacy.reader_links import (
    AlreadyForgotten,
    ForgetLinkInvalid,
    correction_for_token,
    forget_token,
    forget_url,
)
from tests.factories import make_correction, make_user

SECRET = "test-secret-key-not-for-production"
READER = Actor(label="the reader's own link")


def test_the_link_finds_its_report_and_does_not_carry_the_address(db_session):
    correction = make_correction(db_session, reader_email="mira@example.org", reader_name="Mira")
    token = forget_token(SECRET, correction)
    assert correction_for_token(db_session, SECRET, token) is correction
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    assert b"mira" not in payload.lower()
    assert forget_url("https://desk.example/", SECRET, correction) == f"https://desk.example/privacy/forget#{token}"


def test_a_forged_or_foreign_link_is_refused(db_session):
    correction = make_correction(db_session, reader_email="mira@example.org")
    with pytest.raises(ForgetLinkInvalid):
        correction_for_token(db_session, SECRET, forget_token("another-secret-key", correction))
    with pytest.raises(ForgetLinkInvalid):
        correction_for_token(db_session, SECRET, "not-a-token")


def test_it_removes_the_address_from_the_report_and_its_emails_once(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session, reader_email="mira@example.org", reader_name="Mira", notify_reader=True)
    other = make_correction(db_session, reader_email="mira@example.org", exact="Second paragraph")
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.add(NotificationSent(kind="reader-decision", key=str(event.id), recipient="mira@example.org"))
    db_session.commit()
    token = forget_token(SECRET, correction)

    assert remove_reader_contact(db_session, correction, actor=READER, now=utcnow()) == 2
    db_session.commit()
    assert (correction.reader_email, correction.reader_name, correction.notify_reader) == ("", "", False)
    assert correction.contact_removed_by == "reader"
    assert db_session.scalar(select(NotificationSent.recipient)) == ""
    assert other.reader_email == "mira@example.org"  # that report has its own link
    [entry] = db_session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.rows, entry.actor_name) == ("reader-removal", 2, "the reader's own link")

    with pytest.raises(AlreadyForgotten):  # used once
        correction_for_token(db_session, SECRET, token)
