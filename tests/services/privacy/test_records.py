"""Finding everything held for one address: the request's address is checked, and the records are
found however the reader typed the address, and only theirs."""

from __future__ import annotations

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import Interval, NotificationSent, Patron, Pledge
from readerdesk.services.privacy.records import NotAnAddress, describe_counts, find_records, subject_address
from tests.factories import make_correction, make_site


def test_the_request_address_is_normalised_and_must_be_an_address():
    assert subject_address("  Ada.Lovelace@Example.ORG ") == "ada.lovelace@example.org"
    for text in ("", "ada", "ada@", "@example.org", "ada lovelace@example.org"):
        with pytest.raises(NotAnAddress, match="is not an email address"):
            subject_address(text)


def test_records_are_found_in_any_case_and_only_for_that_address(db_session):
    site = make_site(db_session)
    hers = make_correction(db_session, reader_email="Ada.Lovelace@example.org")
    make_correction(db_session, reader_email="ada.lovelace@example.org.evil", exact="Second paragraph")
    make_correction(db_session, reader_email="bob@example.org", exact="Second paragraph")
    db_session.add(NotificationSent(kind="reader-decision", key="1", recipient="Ada.Lovelace@example.org"))
    patron = Patron(site=site, email="ada.lovelace@example.org", currency="EUR", interval=Interval.MONTH,
                    supporter_since=utcnow())
    db_session.add(patron)
    db_session.flush()
    # A pledge made under another address, that became her patron record, is hers too.
    db_session.add(Pledge(site=site, form_key="k" * 20, email="old@example.org", patron_id=patron.id, amount=300,
                          total=300, currency="EUR", interval=Interval.MONTH))
    db_session.commit()

    records = find_records(db_session, "ADA.LOVELACE@EXAMPLE.ORG")
    assert [c.id for c in records.corrections] == [hers.id]
    assert [n.recipient for n in records.notifications] == ["Ada.Lovelace@example.org"]
    assert records.patrons == [patron] and [p.email for p in records.pledges] == ["old@example.org"]
    assert records.summary() == "1 report, 1 email sent, 1 patron record, 1 pledge"
    assert find_records(db_session, "nobody@example.org").empty


def test_counts_are_described_in_words_leaving_out_the_zeros():
    assert describe_counts({"reports": 2, "emails": 0, "payments": 1, "texts": 3}) == (
        "2 reports, 1 payment, 3 texts with the address")
    assert describe_counts({"reports": 0}) == ""
