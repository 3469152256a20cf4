"""``flask --app app privacy``: purge, export and erase, as an admin runs them."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import timedelta

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import AuditEntry, Correction, Patron
from readerdesk.services.desk import moderation
from tests.factories import make_correction, make_user
from tests.privacy_scenarios import ADA, ADA_NAME, fill


def old_closed_report(db_session):
    long_ago = utcnow() - timedelta(days=400)
    report = make_correction(db_session, reader_email="old.reader@example.org", reader_name="Old Reader",
                             created_at=long_ago, updated_at=long_ago, ip_hash="ab" * 32)
    moderation.reject(db_session, report, actor=make_user(db_session), now=long_ago, expected_version=1)
    db_session.commit()
    return report


def test_purge_removes_what_is_due_logs_counts_only_and_is_idempotent(runner, db_session, caplog):
    report = old_closed_report(db_session)
    with caplog.at_level(logging.INFO, logger="readerdesk.privacy"):
        first = runner.invoke(args=["privacy", "purge"])
    assert first.exit_code == 0, first.output
    assert "Reporters' names and emails: 1" in first.output and "IP hashes: 1" in first.output
    assert "Removing personal data past retention" in first.output  # the progress bar
    db_session.refresh(report)
    assert (report.reader_email, report.reader_name, report.ip_hash) == ("", "", "")
    [line] = [r.getMessage() for r in caplog.records if r.name == "readerdesk.privacy"]
    assert line == ("privacy purge: reader_contacts 1, ip_hashes 1, ip_keys 0, notification_recipients 0, "
                    "unfinished_pledges 0, portal_link_nonces 0, staff_sessions 0, poll_link_nonces 0, form_drafts 0")
    assert "old.reader" not in caplog.text and "Old Reader" not in caplog.text

    second = runner.invoke(args=["privacy", "purge"])
    assert second.exit_code == 0 and "Reporters' names and emails: 0" in second.output
    entries = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.rows) for e in entries] == [("purge", 2), ("purge", 0)]
    assert entries[0].actor_name.startswith("command line (")


def test_export_writes_one_private_json_file_and_prints_counts_only(app, runner, client, fake_stripe, smtp_server,
                                                                  tmp_path):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    path = tmp_path / "ada.json"
    result = runner.invoke(args=["privacy", "export", "  Ada.Lovelace@EXAMPLE.org ", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"Wrote {path}: 2 reports, 1 email sent, 2 patron records, 3 pledges, "
                                     "2 payments, 1 used portal link, 1 poll voted in, 1 used voting link, "
                                     "1 topic suggestion.")
    assert ADA not in result.output
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["patrons"][0]["name"] == ADA_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_export_of_something_that_is_not_an_address_is_one_line(runner):
    result = runner.invoke(args=["privacy", "export", "not an address"])
    assert result.exit_code == 1 and result.output.strip() == "Error: 'not an address' is not an email address"


def test_erase_asks_first_and_refuses_while_stripe_still_charges(app, runner, client, fake_stripe, smtp_server,
                                                                db_session):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    refused = runner.invoke(args=["privacy", "erase", ADA])
    assert refused.exit_code == 1 and "active subscription at Stripe: add --stripe" in refused.output
    declined = runner.invoke(args=["privacy", "erase", ADA, "--stripe"], input="n\n")
    assert declined.exit_code == 1 and "Erase 2 reports, 1 email sent, 2 patron records" in declined.output
    assert "2 payments kept for accounting, anonymised), and the Stripe customer?" in declined.output
    assert fake_stripe.deleted_customers == []
    assert db_session.scalar(select(Patron.email)) == ADA


def test_erase_with_stripe_cancels_deletes_and_says_so(app, runner, client, fake_stripe, smtp_server, db_session):
    scene = fill(app, client, fake_stripe, smtp_server, with_bob=False)
    result = runner.invoke(args=["privacy", "erase", ADA, "--stripe", "--yes"])
    assert result.exit_code == 0, result.output
    customer, gift_customer = fake_stripe.deleted_customers  # a customer per pledge (issue 11)
    assert f"Deleted Stripe customer {customer} after cancelling 1 active subscription(s)." in result.output
    assert f"Deleted Stripe customer {gift_customer}." in result.output
    assert "Erased: 2 reports, 1 email sent, 2 patron records, 3 pledges, 1 used portal link" in result.output
    assert "2 Stripe customers deleted" in result.output
    assert "Kept for accounting, anonymised: 2 payments." in result.output
    assert fake_stripe.subscriptions[scene.subscription["id"]]["status"] == "canceled"
    db_session.expire_all()
    assert all(c.reader_email == "" for c in db_session.scalars(select(Correction)))
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "erasure")).all()
    assert entry.counts["stripe_customers"] == 2 and ADA not in json.dumps(entry.counts)


def test_erase_when_stripe_refuses_erases_nothing(app, runner, client, fake_stripe, smtp_server, db_session):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    customer = next(iter(fake_stripe.customers))
    fake_stripe.fail_next[f"DELETE /v1/customers/{customer}"] = (
        403, {"type": "invalid_request_error", "message": "This key may not delete customers."})
    result = runner.invoke(args=["privacy", "erase", ADA, "--stripe", "--yes"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: Stripe refused the request (This key may not delete customers.); "
                                     "nothing was erased here, run the command again")
    assert db_session.scalar(select(Patron.email)) == ADA
    assert db_session.scalar(select(AuditEntry.id).where(AuditEntry.action == "erasure")) is None


def test_erase_of_an_unknown_address_says_so(runner):
    result = runner.invoke(args=["privacy", "erase", "nobody@example.com", "--yes"])
    assert result.exit_code == 0
    assert "readerdesk holds nothing for this address." in result.output and "Erased: nothing." in result.output
