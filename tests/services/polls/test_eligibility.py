"""Who may vote follows Stripe's state at the moment of voting."""

from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.models import Eligibility, Interval, PatronStatus, Payment, PaymentStatus
from readerdesk.services.polls.eligibility import eligible_patrons, person_of, why_not_eligible
from tests.factories import make_patron, make_poll, make_site


def test_active_patrons_vote_canceled_and_pending_ones_do_not(db_session):
    site = make_site(db_session)
    poll, now = make_poll(db_session, site), utcnow()
    active = make_patron(db_session, site)
    canceled = make_patron(db_session, site, status=PatronStatus.CANCELED, canceled_at=now - timedelta(days=1))
    pending = make_patron(db_session, site, status=PatronStatus.PENDING)
    assert why_not_eligible(db_session, poll, active, now=now) is None
    assert "Become a patron" in why_not_eligible(db_session, poll, canceled, now=now)
    assert "payment has not arrived" in why_not_eligible(db_session, poll, pending, now=now)


def test_a_past_due_patron_votes_for_the_sites_grace_period_only(db_session):
    site = make_site(db_session)
    site.past_due_grace_days = 10
    poll, now = make_poll(db_session, site), utcnow()
    recent = make_patron(db_session, site, status=PatronStatus.PAST_DUE, state_as_of=now - timedelta(days=9))
    late = make_patron(db_session, site, status=PatronStatus.PAST_DUE, state_as_of=now - timedelta(days=11))
    assert why_not_eligible(db_session, poll, recent, now=now) is None
    assert "did not go through" in why_not_eligible(db_session, poll, late, now=now)


def test_one_time_donors_of_the_last_12_months_vote_only_where_the_poll_admits_them(db_session):
    site = make_site(db_session)
    now = utcnow()
    patrons_only = make_poll(db_session, site)
    with_donors = make_poll(db_session, site, eligibility=Eligibility.PATRONS_AND_DONORS)
    donor = make_patron(db_session, site, interval=Interval.ONCE, tier=None, amount=2000)
    old_donor = make_patron(db_session, site, interval=Interval.ONCE, tier=None, amount=2000)
    refunded = make_patron(db_session, site, interval=Interval.ONCE, tier=None, amount=2000)
    for patron, days, refund in ((donor, 30, 0), (old_donor, 400, 0), (refunded, 30, 2000)):
        db_session.add(Payment(patron=patron, amount=2000, currency="EUR", status=PaymentStatus.PAID,
                               amount_refunded=refund, paid_at=now - timedelta(days=days)))
    db_session.flush()
    assert why_not_eligible(db_session, with_donors, donor, now=now) is None
    assert why_not_eligible(db_session, patrons_only, donor, now=now) is not None
    assert why_not_eligible(db_session, with_donors, old_donor, now=now) is not None
    assert why_not_eligible(db_session, with_donors, refunded, now=now) is not None


def test_patrons_of_another_site_do_not_vote(db_session):
    poll, other = make_poll(db_session, make_site(db_session)), make_site(db_session)
    assert "another publication" in why_not_eligible(db_session, poll, make_patron(db_session, other), now=utcnow())


def test_one_address_with_two_stripe_customers_is_one_person_named_by_the_oldest_record(db_session):
    site = make_site(db_session)
    first = make_patron(db_session, site, "ann@example.org", stripe_customer_id="cus_z")
    second = make_patron(db_session, site, "ann@example.org", stripe_customer_id="cus_a")
    work = make_patron(db_session, site, "ann@work.example", stripe_customer_id="cus_a")
    assert {person_of(db_session, p) for p in (first, second, work)} == {"customer:cus_z"}


def test_two_addresses_on_one_stripe_customer_are_one_eligible_person(db_session):
    site = make_site(db_session)
    poll = make_poll(db_session, site)
    first = make_patron(db_session, site, "home@example.org", stripe_customer_id="cus_same")
    second = make_patron(db_session, site, "work@example.org", stripe_customer_id="cus_same")
    make_patron(db_session, site, "other@example.org")
    assert person_of(db_session, first) == person_of(db_session, second) == "customer:cus_same"
    assert [p.email for p in eligible_patrons(db_session, poll, now=utcnow())] == ["home@example.org",
                                                                                   "other@example.org"]
