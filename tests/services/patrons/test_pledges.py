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
    format_amount,
    gross_up_for_fee,
    make_portal_token,
    moderate_wall_entry,
    parse_amount,
    redeem_portal_token,
    wall_entries,
)
from tests.factories import make_site

SECRET = "test-secret-key-not-for-production"


def settings(app) -> SupportSettings:
    return SupportSettings.from_config(app.config)


def request(**kwargs) -> PledgeRequest:
    kwargs.setdefault("form_key", "form-key-" + "x" * 20)
    kwargs.setdefault("email", "Reader@Example.COM")
    return PledgeRequest(**kwargs)


@pytest.mark.parametrize("amount, expected", [(300, 330), (1000, 1041), (1, 27), (100_000, 101_549)])
def test_covering_the_fee_leaves_the_newsroom_the_pledge(amount, expected):
    total = gross_up_for_fee(amount, 150, 25)
    assert total == expected
    # Stripe's fee on the total, rounded to the nearest minor unit, leaves at least the pledge.
    fee = round(total * 0.015) + 25
    assert total - fee >= amount
    assert gross_up_for_fee(amount, 0, 0) == amount


@pytest.mark.parametrize("text, currency, minor", [("5", "EUR", 500), ("7.50", "EUR", 750), ("7,5", "EUR", 750),
                                                    ("1 000", "UAH", 100000), ("500", "JPY", 500)])
def test_amounts_become_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize("text", ["", "abc", "-3", "0", "1.234", "NaN", "inf", "1e999999999", "1e-999999999", "+5",
                                  "99999999999", "5..0"])
def test_bad_amounts_are_refused_with_a_reason(text):
    with pytest.raises(PledgeError):
        parse_amount(text, "EUR")
    with pytest.raises(PledgeError):
        parse_amount("5.5", "JPY")


def test_format_amount():
    assert format_amount(123456, "eur") == "1,234.56 EUR"
    assert format_amount(500, "JPY") == "500 JPY"


def test_default_tiers_start_with_a_cup_of_coffee(app):
    tiers = settings(app).tiers
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


def test_a_tier_pledge_is_stored_before_stripe_with_the_email_lowercased(app, db_session):
    site = make_site(db_session, currency="UAH")
    pledge = create_pledge(db_session, site, request(tier_id="coffee", cover_fee=True), settings(app), now=utcnow())
    assert (pledge.email, pledge.amount, pledge.total, pledge.currency) == ("reader@example.com", 300, 330, "UAH")
    assert pledge.interval is Interval.MONTH and pledge.status is PledgeStatus.NEW and pledge.id


def test_the_same_form_twice_is_one_pledge(app, db_session):
    site = make_site(db_session)
    first = create_pledge(db_session, site, request(tier_id="coffee"), settings(app), now=utcnow())
    again = create_pledge(db_session, site, request(tier_id="reader"), settings(app), now=utcnow())
    assert again.id == first.id and again.tier == "coffee"


def test_custom_amounts_respect_the_floor(app, db_session):
    site = make_site(db_session)
    gift = create_pledge(db_session, site, request(custom_amount="12.50", custom_interval="once"), settings(app),
                         now=utcnow())
    assert (gift.amount, gift.interval, gift.tier) == (1250, Interval.ONCE, None)
    with pytest.raises(PledgeError, match="smallest amount"):
        create_pledge(db_session, site, request(form_key="k" * 20, custom_amount="0.50"), settings(app), now=utcnow())
    with pytest.raises(PledgeError, match="tiers"):
        create_pledge(db_session, site, request(form_key="j" * 20, tier_id="platinum"), settings(app), now=utcnow())


def test_public_listing_is_off_unless_asked(app, db_session):
    site = make_site(db_session)
    quiet = create_pledge(db_session, site, request(tier_id="coffee", display_name="Ann"), settings(app), now=utcnow())
    assert quiet.list_publicly is False and quiet.display_name == ""
    loud = create_pledge(db_session, site, request(form_key="l" * 20, tier_id="coffee", name="Bo", list_publicly=True),
                         settings(app), now=utcnow())
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
    assert wall_entries(db_session, site) == []
    moderate_wall_entry(db_session, listed.id, WallStatus.APPROVED)
    assert [p.display_name for p in wall_entries(db_session, site)] == ["Olena"]


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
