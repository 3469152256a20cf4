"""Access requests: the export holds every personal field readerdesk keeps for the address (checked
against services.privacy.inventory), and nothing of anyone else's."""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import Model, db
from readerdesk.models import AuditEntry
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.export import export
from readerdesk.services.privacy.inventory import PERSONAL_DATA
from readerdesk.services.privacy.records import find_records, subject_address
from readerdesk.services.privacy.retention import RetentionSettings
from tests.privacy_scenarios import ADA, ADA_AS_TYPED, ADA_NAME, ADA_WALL_NAME, BOB, BOB_NAME, fill


def as_text(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def personal_values() -> dict[tuple[str, str], set[str]]:
    """Every non-empty value now stored in each personal column of the inventory."""
    found = {}
    for field in PERSONAL_DATA:
        table = Model.metadata.tables[field.table]
        for column in field.columns:
            values = db.session.scalars(select(table.c[column]).where(table.c[column].is_not(None)))
            found[(field.table, column)] = {as_text(v) for v in values if as_text(v) not in ("", "0")}
    return found


def exported(address: str) -> dict:
    records = find_records(db.session, subject_address(address), secret_key=current_app.config["SECRET_KEY"])
    document = export(db.session, records, actor=Actor(label="test"),
                      settings=RetentionSettings(), now=utcnow())
    db.session.commit()
    return document


def test_the_export_holds_every_personal_field_the_inventory_lists(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    values = personal_values()
    empty = [column for column, found in values.items() if not found]
    assert not empty, f"the scenario leaves these personal columns empty, so the test cannot check them: {empty}"

    text = json.dumps(exported(ADA_AS_TYPED), ensure_ascii=False)
    missing = {column: sorted(v for v in found if v not in text) for column, found in values.items()}
    assert not any(missing.values()), f"personal data missing from the export: {missing}"


def test_the_export_is_the_addresss_alone_and_says_why_and_how_long(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server)
    document = exported(ADA)
    text = json.dumps(document, ensure_ascii=False)
    assert BOB not in text and BOB_NAME not in text
    # As stored: email_validator lower-cases the domain, not the local part.
    assert [r["email"] for r in document["reports"]] == ["Ada.Lovelace@example.org"] * 2
    [typo, _] = document["reports"]
    assert typo["messages_from_editors"][0]["message"] == "The 1991 date is the engine's; thank you for writing."
    assert typo["editors_notes"][0]["note"].startswith(ADA_NAME)
    # One patron record per Stripe customer: the subscription's, and the one-time gift's (issue 11: a
    # pledge never joins a patron by an email nobody proved).
    assert [(p["name"], p["wall_name"], p["status"]) for p in document["patrons"]] == [
        (ADA_NAME, ADA_WALL_NAME, "active"), ("", "", "active")]
    assert len(document["pledges"]) == 3
    assert sorted((p["amount"], p["amount_refunded"]) for p in document["payments"]) == [(300, 0), (2000, 1000)]
    assert [e["to"].lower() for e in document["emails_sent"]] == [ADA]
    assert any("180 days" in item["how_long"] for item in document["what_we_keep"])


def test_an_export_is_in_the_audit_log_without_the_address(app, client, fake_stripe, smtp_server):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    exported(ADA)
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert entry.action == "export" and entry.actor_name == "test"
    assert entry.counts == {"reports": 2, "emails": 1, "patrons": 2, "pledges": 3, "payments": 2, "portal_links": 1,
                            "poll_votes": 1, "poll_links": 1, "topic_suggestions": 1}
    assert entry.rows == 14 and ADA not in json.dumps(entry.counts)


def test_an_address_readerdesk_does_not_know_exports_an_empty_answer(app):
    document = exported("nobody@example.com")
    assert document["reports"] == [] and document["patrons"] == [] and document["address"] == "nobody@example.com"
