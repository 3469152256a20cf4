"""Erasure: after it, the address is nowhere in any text column of any table (the columns come from the
metadata, so a new one cannot escape), reports keep their text, payments their amounts, and someone
else's data is untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select

from readerdesk.clock import utcnow
from readerdesk.extensions import Model, db
from readerdesk.models import (
    AuditEntry,
    Correction,
    InternalNote,
    NotificationSent,
    Patron,
    PatronStatus,
    Payment,
    Pledge,
)
from readerdesk.services.desk.moderation import add_internal_note
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.erasure import ErasureBlocked, erase, erasure_summary
from readerdesk.services.privacy.records import find_records
from readerdesk.services.privacy.stripe_customers import delete_stripe_customers
from tests.factories import make_correction, make_user
from tests.privacy_scenarios import ADA, ADA_NAME, ADA_WALL_NAME, BOB, BOB_NAME, fill

ADMIN = Actor(label="test")


def places_holding(needle: str) -> list[str]:
    """table.column for every text column (String, Text, JSON) of every table holding ``needle``, any case."""
    found = []
    for table in Model.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            text = cast(column, Text) if isinstance(column.type, JSON) else column
            hits = db.session.scalar(select(func.count()).select_from(table)
                                     .where(func.lower(text).contains(needle.lower(), autoescape=True)))
            if hits:
                found.append(f"{table.name}.{column.name}")
    return found


def erase_ada(app, fake_stripe):
    records = find_records(db.session, ADA)
    deletions = delete_stripe_customers(stripe_client_for(app), records)
    changed = erase(db.session, records, actor=ADMIN, now=utcnow(), stripe_deletions=deletions)
    db.session.commit()
    return changed, deletions


def test_after_an_erasure_the_address_and_name_are_nowhere(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server)
    assert set(places_holding(ADA)) == {  # where the scenario put it
        "corrections.reader_email", "corrections.comment", "internal_notes.body", "moderation_events.reason",
        "notifications_sent.recipient", "patrons.email", "pledges.email"}
    erase_ada(app, fake_stripe)
    assert places_holding(ADA) == []
    assert places_holding(ADA_NAME) == [] and places_holding(ADA_WALL_NAME) == []
    # Someone else's data is untouched.
    assert places_holding(BOB) and places_holding(BOB_NAME)


def test_reports_keep_their_text_and_say_their_reader_was_erased(app, client, fake_stripe, smtp_server):
    scene = fill(app, client, fake_stripe, smtp_server)
    erase_ada(app, fake_stripe)
    typo, message = (db.session.get(Correction, c.id) for c in scene.ada_reports)
    assert typo.exact == "completed in 1991" and typo.suggestion == "completed in 1991 (the printer in 2000)"
    assert typo.comment == "I am a historian; write to me at [erased] for sources."
    assert message.comment == "Lovely piece. My other address is not needed, [erased] is fine."
    for report in (typo, message):
        assert (report.reader_email, report.reader_name, report.page_url, report.ip_hash) == ("", "", "", "")
        assert not report.notify_reader and report.contact_removed_by == "erasure"
    bob = db.session.get(Correction, scene.bob_report.id)
    assert bob.reader_email == BOB and bob.comment == f"Bob here ({BOB})."


def test_payments_keep_amounts_and_dates_and_the_patron_is_anonymous(app, client, fake_stripe, smtp_server):
    scene = fill(app, client, fake_stripe, smtp_server)
    payments_before = db.session.execute(select(Payment.amount, Payment.paid_at, Payment.currency)).all()
    changed, deletions = erase_ada(app, fake_stripe)  # her two Stripe customers: subscription, gift
    assert db.session.execute(select(Payment.amount, Payment.paid_at, Payment.currency)).all() == payments_before
    ada = db.session.scalar(select(Patron).where(Patron.stripe_subscription_id == scene.subscription["id"]))
    assert ada.email == f"erased-{ada.id}@erased.invalid" and ada.name == ada.display_name == ""
    assert not ada.list_publicly and ada.stripe_customer_id is None
    assert ada.status is PatronStatus.CANCELED  # its subscription was cancelled at Stripe first
    assert [d.canceled_subscriptions for d in deletions] == [[scene.subscription["id"]], []]
    assert all(d.deleted for d in deletions)
    assert fake_stripe.subscriptions[scene.subscription["id"]]["status"] == "canceled"
    assert changed["stripe_customers"] == 2 and changed["patrons"] == 2
    assert db.session.scalar(select(func.count()).select_from(Pledge).where(Pledge.email == "")) == 3


def test_an_active_subscription_stops_an_erasure_that_leaves_stripe_alone(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    records = find_records(db.session, ADA)
    assert "2 payments kept for accounting" in erasure_summary(records)
    with pytest.raises(ErasureBlocked, match="Active subscriptions at Stripe"):
        erase(db.session, records, actor=ADMIN, now=utcnow())
    db.session.rollback()
    assert places_holding(ADA)  # nothing changed


def test_the_audit_log_says_how_many_rows_by_whom_but_not_whose(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server)
    changed, _ = erase_ada(app, fake_stripe)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_name) == ("erasure", "test")
    assert entry.counts == {k: v for k, v in changed.items() if v} and entry.rows == sum(changed.values())
    assert entry.counts["reports"] == 2 and entry.counts["texts"] >= 4


def test_the_emails_sent_to_the_address_forget_it_but_stay_sent_once(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server)
    erase_ada(app, fake_stripe)
    sent = db.session.scalars(select(NotificationSent).where(NotificationSent.kind == "reader-decision")).all()
    assert [n.recipient for n in sent] == [""]


def test_erasing_twice_changes_nothing_more(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server)
    erase_ada(app, fake_stripe)
    records = find_records(db.session, ADA)
    assert records.empty
    changed = erase(db.session, records, actor=ADMIN, now=utcnow())
    assert not any(changed.values())
    assert db.session.scalar(select(func.count()).select_from(Correction).where(Correction.reader_email != "")) == 1


def test_names_go_from_the_texts_of_their_own_reports_in_any_alphabet(app, db_session):
    editor = make_user(db_session)
    hers = make_correction(db_session, reader_email="olena@example.com", reader_name="Олена Коваль",
                           comment="Пише Олена Коваль, вчителька.")
    other = make_correction(db_session, reader_email="taras@example.com", comment="Олена Коваль is a famous name.")
    add_internal_note(db_session, hers, "Called олена коваль back.", author=editor, now=utcnow())
    db_session.commit()
    erase(db_session, find_records(db_session, "OLENA@example.com"), actor=ADMIN, now=utcnow())
    db_session.commit()
    assert db_session.get(Correction, hers.id).comment == "Пише [erased], вчителька."
    assert db_session.get(Correction, other.id).comment == "Олена Коваль is a famous name."  # someone else's text
    assert db_session.scalar(select(InternalNote.body)) == "Called [erased] back."


def test_an_address_is_matched_as_written_never_as_a_pattern(app, db_session):
    make_correction(db_session, reader_email="a_b@example.com", comment="mine is a_b@example.com")
    other = make_correction(db_session, reader_email="axb@example.com", comment="mine is axb@example.com",
                            exact="Second paragraph")
    db_session.commit()
    erase(db_session, find_records(db_session, "a_b@example.com"), actor=ADMIN, now=utcnow())
    db_session.commit()
    assert db_session.get(Correction, other.id).comment == "mine is axb@example.com"
    assert places_holding("a_b@example.com") == []
