from datetime import timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.config import ConfigError, parse_support_tiers
from readerdesk.models import Interval, Patron, PatronStatus, PledgeStatus, WallStatus
from readerdesk.services.patrons.pledges import (
    PledgeError,
    PledgeRequest,
    PortalLinkInvalid,
    SupportSettings,
    create_pledge,
    make_portal_token,
    moderate_wall_entry,
    redeem_portal_token,
    wall_entries,
)
from tests.factories import make_site

SECRET = "test-secret-key-not-for-production"


def settings(site) -> SupportSettings:
    return SupportSettings.for_site(site)


def request(**kwargs) -> PledgeRequest:
    kwargs.setdefault("form_key", "form-key-" + "x" * 20)
    kwargs.setdefault("email", "Reader@Example.COM")
    return PledgeRequest(**kwargs)


def test_default_tiers_start_with_a_cup_of_coffee(app, db_session):
    tiers = settings(make_site(db_session)).tiers
    assert tiers[0].amount == 300 and tiers[0].interval is Interval.MONTH
    assert [t.interval for t in tiers].count(Interval.MONTH) == 3 and tiers[-1].interval is Interval.YEAR


def test_tiers_come_from_json_and_bad_json_fails_with_a_line():
    tiers = parse_support_tiers('[{"id": "tea", "name": "Tea", "amount": 250, "interval": "month"}]')
    assert tiers == [{"id": "tea", "name": "Tea", "amount": 250, "interval": "month", "description": ""}]
    for raw in ["{", "[]", '[{"id": "Tea", "name": "x", "amount": 1, "interval": "month"}]',
                '[{"id": "tea", "name": "x", "amount": 1.5, "interval": "month"}]',
                '[{"id": "tea", "name": "x", "amount": 100, "interval": "week"}]']:
        with pytest.raises(ConfigError):
            parse_support_tiers(raw)


UAH_TIERS = [{"id": "kava", "name": "Кава", "amount": 10000, "interval": "month", "description": ""},
             {"id": "rik", "name": "Рік", "amount": 120000, "interval": "year", "description": ""}]


def test_a_tier_pledge_is_stored_before_stripe_in_the_site_currency(app, db_session):
    site = make_site(db_session, currency="UAH", support_tiers=UAH_TIERS)
    pledge = create_pledge(db_session, site, request(tier_id="kava", cover_fee=True), settings(site), now=utcnow())
    # 100.00 UAH grossed up for 1.5 % + 0.25 UAH
    assert (pledge.email, pledge.amount, pledge.total, pledge.currency) == ("reader@example.com", 10000, 10178, "UAH")
    assert pledge.interval is Interval.MONTH and pledge.status is PledgeStatus.NEW and pledge.id


def test_a_tier_below_stripes_minimum_is_not_offered_and_custom_amounts_below_it_are_refused(app, db_session):
    site = make_site(db_session, currency="UAH")  # the EUR-sized default tiers: 3.00 UAH is about €0.07
    assert [t.id for t in settings(site).offered_tiers] == ["yearly"]  # 30.00 UAH a year is chargeable
    with pytest.raises(PledgeError, match="Choose one of the tiers shown"):
        create_pledge(db_session, site, request(tier_id="coffee"), settings(site), now=utcnow())
    with pytest.raises(PledgeError, match="The smallest amount we can accept is 25.00 UAH"):
        create_pledge(db_session, site, request(custom_amount="3"), settings(site), now=utcnow())


def test_a_jpy_site_charges_whole_yen(app, db_session):
    tiers = [{"id": "ocha", "name": "Tea", "amount": 500, "interval": "month", "description": ""}]
    site = make_site(db_session, currency="JPY", support_tiers=tiers)
    site.fee_fixed = 0
    pledge = create_pledge(db_session, site, request(tier_id="ocha", cover_fee=True), settings(site), now=utcnow())
    assert (pledge.amount, pledge.total, pledge.currency) == (500, 508, "JPY")
    gift = create_pledge(db_session, site, request(form_key="y" * 20, custom_amount="1000", custom_interval="once"),
                         settings(site), now=utcnow())
    assert gift.total == 1000
    with pytest.raises(PledgeError, match="whole amount"):
        create_pledge(db_session, site, request(form_key="z" * 20, custom_amount="100.5"), settings(site), now=utcnow())


def test_the_same_form_twice_is_one_pledge(app, db_session):
    site = make_site(db_session)
    first = create_pledge(db_session, site, request(tier_id="coffee"), settings(site), now=utcnow())
    again = create_pledge(db_session, site, request(tier_id="reader"), settings(site), now=utcnow())
    assert again.id == first.id and again.tier == "coffee"


def test_custom_amounts_respect_the_floor(app, db_session):
    site = make_site(db_session)
    gift = create_pledge(db_session, site, request(custom_amount="12.50", custom_interval="once"), settings(site),
                         now=utcnow())
    assert (gift.amount, gift.interval, gift.tier) == (1250, Interval.ONCE, None)
    with pytest.raises(PledgeError, match="smallest amount"):
        create_pledge(db_session, site, request(form_key="k" * 20, custom_amount="0.50"), settings(site), now=utcnow())
    with pytest.raises(PledgeError, match="tiers"):
        create_pledge(db_session, site, request(form_key="j" * 20, tier_id="platinum"), settings(site), now=utcnow())


def test_public_listing_is_off_unless_asked(app, db_session):
    site = make_site(db_session)
    quiet = create_pledge(db_session, site, request(tier_id="coffee", display_name="Ann"), settings(site), now=utcnow())
    assert quiet.list_publicly is False and quiet.display_name == ""
    loud = create_pledge(db_session, site, request(form_key="l" * 20, tier_id="coffee", name="Bo", list_publicly=True),
                         settings(site), now=utcnow())
    assert loud.display_name == "Bo"


def _patron(db_session, site, **kwargs):
    kwargs.setdefault("email", "p@example.com")
    patron = Patron(site_id=site.id, currency="EUR", interval=Interval.MONTH, amount=300,
                    supporter_since=utcnow(), stripe_customer_id="cus_1", **kwargs)
    db_session.add(patron)
    db_session.flush()
    return patron


def test_the_wall_shows_only_approved_opt_ins(app, db_session):
    site = make_site(db_session)
    listed = _patron(db_session, site, list_publicly=True, display_name="Olena")
    _patron(db_session, site, email="q@example.com", list_publicly=False, display_name="Hidden",
            wall_status=WallStatus.APPROVED)
    assert wall_entries(db_session, site, now=utcnow()) == []
    moderate_wall_entry(db_session, listed.id, WallStatus.APPROVED)
    assert [p.display_name for p in wall_entries(db_session, site, now=utcnow())] == ["Olena"]


def test_canceled_supporters_leave_the_wall_after_the_grace_period(app, db_session):
    site = make_site(db_session)
    site.wall_grace_days = 14
    now = utcnow()
    _patron(db_session, site, email="a@example.com", list_publicly=True, display_name="Recent",
            wall_status=WallStatus.APPROVED, status=PatronStatus.CANCELED, canceled_at=now - timedelta(days=13))
    _patron(db_session, site, email="b@example.com", list_publicly=True, display_name="Long gone",
            wall_status=WallStatus.APPROVED, status=PatronStatus.CANCELED, canceled_at=now - timedelta(days=15))
    _patron(db_session, site, email="c@example.com", list_publicly=True, display_name="Current",
            wall_status=WallStatus.APPROVED)
    assert sorted(p.display_name for p in wall_entries(db_session, site, now=now)) == ["Current", "Recent"]
    site.wall_grace_days = 0
    assert [p.display_name for p in wall_entries(db_session, site, now=now)] == ["Current"]


def test_a_portal_link_works_once_and_expires(app, db_session):
    site = make_site(db_session)
    patron = _patron(db_session, site)
    token = make_portal_token(SECRET, patron)
    assert redeem_portal_token(db_session, SECRET, token, max_age=1800, now=utcnow()).id == patron.id
    with pytest.raises(PortalLinkInvalid, match="used already"):
        redeem_portal_token(db_session, SECRET, token, max_age=1800, now=utcnow())
    with pytest.raises(PortalLinkInvalid, match="not valid"):
        redeem_portal_token(db_session, SECRET, token[:-3] + "abc", max_age=1800, now=utcnow())
    with pytest.raises(PortalLinkInvalid, match="not valid"):
        redeem_portal_token(db_session, "another-secret", make_portal_token(SECRET, patron), max_age=1800, now=utcnow())


def test_an_old_portal_link_has_expired(app, db_session, monkeypatch):
    import itsdangerous.timed

    site = make_site(db_session)
    patron = _patron(db_session, site)
    past = (utcnow() - timedelta(minutes=31)).timestamp()
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(past))
    token = make_portal_token(SECRET, patron)
    monkeypatch.undo()
    with pytest.raises(PortalLinkInvalid, match="expired"):
        redeem_portal_token(db_session, SECRET, token, max_age=1800, now=utcnow())
    assert patron.status is PatronStatus.ACTIVE
