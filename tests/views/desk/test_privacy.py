"""Privacy requests on the desk: admins export and erase (after a confirmation), the audit log shows
both without the address, editors cannot."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from readerdesk.models import AuditEntry, Correction, Patron
from tests.factories import make_correction, make_user
from tests.helpers import sign_in
from tests.privacy_scenarios import ADA, ADA_NAME, fill


def test_editors_cannot_reach_privacy_requests(client, db_session):
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    assert client.get("/desk/admin/privacy/").status_code == 403
    assert client.post("/desk/admin/privacy/export", data={"email": ADA}).status_code == 403


def test_export_downloads_the_json_and_the_log_says_who_without_whose(as_admin, db_session):
    make_correction(db_session, reader_email=ADA, reader_name=ADA_NAME)
    db_session.commit()
    response = as_admin.post("/desk/admin/privacy/export", data={"email": ADA.upper()})
    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=readerdesk-export-") and "ada" not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["reports"][0]["name"] == ADA_NAME
    page = as_admin.get("/desk/admin/privacy/").get_data(as_text=True)
    assert "Access request: data exported" in page and "boss@example.com" in page and "1 report" in page
    assert ADA not in page


def test_something_that_is_not_an_address_is_a_field_error(as_admin):
    response = as_admin.post("/desk/admin/privacy/export", data={"email": "ada at example"})
    assert response.status_code == 400 and "This is not an email address." in response.get_data(as_text=True)


def test_erasure_shows_what_goes_and_needs_the_tick(as_admin, db_session):
    report = make_correction(db_session, reader_email=ADA, reader_name=ADA_NAME)
    db_session.commit()
    review = as_admin.post("/desk/admin/privacy/erase/review", data={"email": ADA})
    page = review.get_data(as_text=True)
    assert review.status_code == 200 and "This erases 1 report." in page
    unticked = as_admin.post("/desk/admin/privacy/erase", data={"email": ADA})
    assert unticked.status_code == 400 and "Tick the box to confirm the erasure." in unticked.get_data(as_text=True)
    db_session.refresh(report)
    assert report.reader_email == ADA

    done = as_admin.post("/desk/admin/privacy/erase", data={"email": ADA, "confirm": "y"}, follow_redirects=True)
    assert "Erased: 1 report." in done.get_data(as_text=True)
    db_session.refresh(report)
    assert (report.reader_email, report.contact_removed_by) == ("", "erasure")
    entry = db_session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor.email, entry.rows) == ("erasure", "boss@example.com", 1)
    detail = as_admin.get(f"/desk/corrections/{report.id}").get_data(as_text=True)
    assert "erased at their request" in detail


def test_a_patron_still_paying_needs_the_stripe_box(app, as_admin, client, fake_stripe, smtp_server, db_session):
    fill(app, client, fake_stripe, smtp_server, with_bob=False)
    review = as_admin.post("/desk/admin/privacy/erase/review", data={"email": ADA}).get_data(as_text=True)
    assert 'id="live-subscriptions"' in review and "Also delete their customer at Stripe" in review
    blocked = as_admin.post("/desk/admin/privacy/erase", data={"email": ADA, "confirm": "y"})
    # Refused: a redirect to the review (the address is not in the URL), which says why, once.
    assert blocked.status_code == 303 and blocked.headers["Location"] == "/desk/admin/privacy/erase/review"
    assert db_session.scalar(select(Patron.email)) == ADA
    review = as_admin.get(blocked.headers["Location"]).get_data(as_text=True)
    alert = re.search(r'<div class="flash flash-error" role="alert" id="erase-error">(.*?)</div>', review, re.S)
    assert alert and "Nothing was erased." in alert.group(1) and f"Erase {ADA}" in review
    assert f'name="email" type="hidden" value="{ADA}"' in review and 'id="live-subscriptions"' in review
    assert not re.search(r'<input[^>]*checked[^>]*name="confirm"|name="confirm"[^>]*checked', review)  # confirm again
    # A reload neither erases nor shows the refusal again: the review is gone, the address asked again.
    reload = as_admin.get("/desk/admin/privacy/erase/review")
    assert reload.status_code == 303 and reload.headers["Location"] == "/desk/admin/privacy/"
    assert "Enter the address again" in as_admin.get("/desk/admin/privacy/").get_data(as_text=True)
    assert db_session.scalar(select(Patron.email)) == ADA

    done = as_admin.post("/desk/admin/privacy/erase", data={"email": ADA, "confirm": "y", "stripe": "y"},
                         follow_redirects=True)
    page = done.get_data(as_text=True)
    customer, _gift_customer = fake_stripe.deleted_customers  # a customer per pledge (issue 11)
    assert f"Deleted Stripe customer {customer} after cancelling 1 active subscription(s)." in page
    db_session.expire_all()
    assert all(email.startswith("erased-") for email in db_session.scalars(select(Patron.email)))
    assert all(c.reader_email == "" for c in db_session.scalars(select(Correction)))
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure"))
    assert entry.counts["stripe_customers"] == 2 and ADA not in json.dumps(entry.counts)
