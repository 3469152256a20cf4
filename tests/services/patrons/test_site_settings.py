import dataclasses
import re

import pytest

from readerdesk.extensions import db
from readerdesk.services.patrons.site_settings import (
    SupportSettingsError,
    SupportSettingsForm,
    parse_tier_lines,
    tier_lines,
    tiers_below_minimum,
    update_support_settings,
)
from tests.factories import make_site


def form(**changes) -> SupportSettingsForm:
    values = {"currency": "eur", "tiers": "coffee | Coffee | 3 | month | A cup\nyear | Yearly | 30 | yearly",
              "min_amount": "2", "max_amount": "5000", "fee_percent": "1.5", "fee_fixed": "0.25",
              "wall_grace_days": 14, "legal_name": " Harbour Post Foundation ", "tax_id": "EIN 12-3456789"}
    return SupportSettingsForm(**{**values, **changes})


@pytest.mark.parametrize("currency, text, minor", [
    ("EUR", "coffee | Coffee | 3.50 | month | A cup", 350),
    ("JPY", "ocha | Tea | 500 | month", 500),
    ("BHD", "qahwa | Coffee | 1.250 | year", 1250),
])
def test_tier_lines_read_major_units_and_are_written_back_the_same(currency, text, minor):
    [tier] = parse_tier_lines(text, currency)
    assert tier["amount"] == minor
    assert tier_lines([tier], currency) == text


@pytest.mark.parametrize("text, message", [
    ("coffee | Coffee | 3", "Tier line 1: write id | name | amount | month or year | description."),
    ("a | A | 3 | month\na | B | 4 | month", "Tier line 2: the id “a” must be new"),
    ("custom | Mine | 3 | month", "Tier line 1: the id “custom” must be new"),
    ("a |  | 3 | month", "Tier line 1: give the tier a name."),
    ("a | A | 0.10 | month", "Tier line 1 (A): The smallest amount we can accept is 0.50 EUR."),
    ("", "Offer at least one tier."),
    ("\n".join(f"t{i} | T | 3 | month" for i in range(9)), "Offer at most 8 tiers."),
])
def test_tiers_stripe_cannot_charge_or_that_cannot_be_read_are_refused_naming_the_line(text, message):
    with pytest.raises(SupportSettingsError) as refused:
        parse_tier_lines(text, "EUR")
    assert str(refused.value).startswith(message)


def test_settings_are_saved_in_minor_units_of_the_sites_currency(app):
    site = make_site(db.session)
    update_support_settings(site, form(fee_percent=" 1,5 % "))
    assert (site.currency, site.support_min_amount, site.support_max_amount) == ("EUR", 200, 500_000)
    assert (site.fee_percent_bp, site.fee_fixed, site.wall_grace_days) == (150, 25, 14)
    assert [(t["id"], t["amount"], t["interval"]) for t in site.support_tiers] == [
        ("coffee", 300, "month"), ("year", 3000, "year")]
    assert (site.legal_name, site.tax_id) == ("Harbour Post Foundation", "EIN 12-3456789")


@pytest.mark.parametrize("changes, message", [
    ({"currency": "euro"}, "Currency: a three-letter ISO 4217 code, e.g. EUR."),
    ({"min_amount": "0.20"}, "Smallest custom amount: The smallest amount we can accept is 0.50 EUR."),
    ({"max_amount": "1"}, "Largest custom amount: it must not be below the smallest."),
    ({"fee_percent": "abc"}, "Card fee: give a percentage, e.g. 1.5."),
    ({"fee_percent": "nan"}, "Card fee: give a percentage, e.g. 1.5."),
    ({"fee_percent": "1e999"}, "Card fee: give a percentage, e.g. 1.5."),
    ({"fee_percent": "1.255"}, "Card fee: give a percentage, e.g. 1.5."),
    ({"currency": "JPY", "tiers": "ocha | Tea | 300 | month", "min_amount": "100", "fee_fixed": "0.5"},
     "Fixed card fee: Use a whole amount."),
    ({"wall_grace_days": -1}, "Wall grace period: between 0 and 3650 days."),
])
def test_a_refused_change_saves_nothing(app, changes, message):
    site = make_site(db.session)
    before = (site.currency, list(site.support_tiers), site.support_min_amount, site.fee_percent_bp, site.legal_name)
    with pytest.raises(SupportSettingsError, match=re.escape(message)):
        update_support_settings(site, form(**changes))
    assert (site.currency, site.support_tiers, site.support_min_amount, site.fee_percent_bp,
            site.legal_name) == before


def test_the_desk_is_told_which_stored_tiers_stripe_cannot_charge(app):
    uah = make_site(db.session, currency="UAH")  # the default tiers, in hryvnias
    assert [(t["name"], t["amount"]) for t in tiers_below_minimum(uah)][0] == ("A cup of coffee", 300)
    assert tiers_below_minimum(make_site(db.session)) == []


def test_the_polls_time_zone_and_past_due_grace_are_checked_and_kept(db_session):
    site = make_site(db_session)
    form = SupportSettingsForm(currency="EUR", tiers="coffee | Coffee | 3.00 | month", min_amount="1",
                               max_amount="100", fee_percent="1.5", fee_fixed="0.25", wall_grace_days=30,
                               time_zone="Europe/Kyiv", past_due_grace_days=5)
    update_support_settings(site, form)
    assert (site.time_zone, site.past_due_grace_days) == ("Europe/Kyiv", 5)
    update_support_settings(site, dataclasses.replace(form, time_zone=None, past_due_grace_days=None))
    assert (site.time_zone, site.past_due_grace_days) == ("Europe/Kyiv", 5)
    with pytest.raises(SupportSettingsError, match="Time zone"):
        update_support_settings(site, dataclasses.replace(form, time_zone="Mars/Olympus"))
