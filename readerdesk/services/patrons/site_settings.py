"""A site's support settings as an admin edits them at the desk: currency, tiers, the bounds of a custom
amount, the card fee, the supporters wall's grace period, and what receipts say about the newsroom.

Amounts are typed in major units of the site's currency ("3.00", "300" for JPY) and stored in minor
units. Every amount Stripe will be asked to charge is checked against Stripe's minimum for the
currency, so a UAH site cannot offer "3.00 UAH / month".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import available_timezones

from readerdesk.models import Interval, Site
from readerdesk.text.languages import N_
from readerdesk.text.money import (
    CURRENCY_RE,
    AmountError,
    check_chargeable,
    major_units,
    minimum_charge,
    parse_amount,
)
from readerdesk.text.translatable import Phrase, TranslatableError

TIER_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
INTERVAL_WORDS = {"month": Interval.MONTH, "monthly": Interval.MONTH, "year": Interval.YEAR, "yearly": Interval.YEAR}
MAX_TIERS = 8
MAX_FEE_PERCENT_BP = 2000  # 20 %: a higher card fee is a typo


class SupportSettingsError(TranslatableError, ValueError):
    """Settings the desk cannot save; the message names the field and says what to fix."""


def tier_lines(tiers: list[dict], currency: str) -> str:
    """Tiers as the desk's text box shows them: ``id | name | amount | month|year | description``."""
    return "\n".join(" | ".join([tier["id"], tier["name"], major_units(int(tier["amount"]), currency), tier["interval"],
                                 tier.get("description", "")]).rstrip(" |") for tier in tiers)


def parse_tier_lines(text: str, currency: str) -> list[dict]:
    """The desk's text box back into tiers, one a line. Raises SupportSettingsError naming the line."""
    tiers: list[dict] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 4:
            raise SupportSettingsError(N_("Tier line %(number)d: write id | name | amount | month or year | "
                                          "description."), number=number)
        tier_id, name, amount_text, interval_word = parts[:4]
        description = " | ".join(parts[4:])
        if not TIER_ID_RE.match(tier_id) or tier_id == "custom" or any(t["id"] == tier_id for t in tiers):
            raise SupportSettingsError(N_("Tier line %(number)d: the id “%(id)s” must be new and made of lower-case "
                                          "letters, digits and dashes."), number=number, id=tier_id)
        if not name:
            raise SupportSettingsError(N_("Tier line %(number)d: give the tier a name."), number=number)
        interval = INTERVAL_WORDS.get(interval_word.lower())
        if interval is None:
            raise SupportSettingsError(N_("Tier line %(number)d: the interval is month or year."), number=number)
        try:
            amount = parse_amount(amount_text, currency)
            check_chargeable(amount, currency)
        except AmountError as exc:
            raise SupportSettingsError(N_("Tier line %(number)d (%(name)s): %(why)s"), number=number, name=name,
                                       why=exc) from None
        tiers.append({"id": tier_id, "name": name[:80], "amount": amount, "interval": interval.value,
                      "description": description[:200]})
    if not tiers:
        raise SupportSettingsError(N_("Offer at least one tier."))
    if len(tiers) > MAX_TIERS:
        raise SupportSettingsError(N_("Offer at most %(count)d tiers."), count=MAX_TIERS)
    return tiers


def _amount(label: str, text: str, currency: str, *, zero_ok: bool = False) -> int:
    if zero_ok and (text or "").strip() in ("", "0"):
        return 0
    try:
        return parse_amount(text, currency)
    except AmountError as exc:
        raise SupportSettingsError(N_("%(field)s: %(why)s"), field=label, why=exc) from None


@dataclass(frozen=True)
class SupportSettingsForm:
    """What the desk's form carried (strings as typed, amounts in major units)."""

    currency: str
    tiers: str
    min_amount: str
    max_amount: str
    fee_percent: str  # "1.5" for 1.5 %
    fee_fixed: str
    wall_grace_days: int
    legal_name: str = ""
    legal_address: str = ""
    tax_id: str = ""
    receipt_statement: str = ""
    # Topic polls: how long a past-due patron may still vote, and the zone poll times are shown in
    # (None keeps the site's value).
    past_due_grace_days: int | None = None
    time_zone: str | None = None


FEE_PERCENT_RE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")  # "1.5", "2.25": whole basis points, no "nan" or "1e9"


def _fee_basis_points(text: str) -> int:
    cleaned = (text or "0").strip().rstrip("%").strip().replace(",", ".")
    if not FEE_PERCENT_RE.fullmatch(cleaned):
        raise SupportSettingsError(N_("Card fee: give a percentage, e.g. 1.5."))
    basis_points = int(Decimal(cleaned) * 100)
    if not 0 <= basis_points <= MAX_FEE_PERCENT_BP:
        raise SupportSettingsError(N_("Card fee: between 0 and %(max)d %%."), max=MAX_FEE_PERCENT_BP // 100)
    return basis_points


def update_support_settings(site: Site, form: SupportSettingsForm) -> None:
    """Check everything, then change the site. Raises SupportSettingsError."""
    currency = form.currency.strip().upper()
    if not CURRENCY_RE.fullmatch(currency):
        raise SupportSettingsError(N_("Currency: a three-letter ISO 4217 code, e.g. EUR."))
    tiers = parse_tier_lines(form.tiers, currency)
    min_amount = _amount(Phrase(N_("Smallest custom amount")), form.min_amount, currency)
    max_amount = _amount(Phrase(N_("Largest custom amount")), form.max_amount, currency)
    try:
        check_chargeable(min_amount, currency)
    except AmountError as exc:
        raise SupportSettingsError(N_("%(field)s: %(why)s"), field=Phrase(N_("Smallest custom amount")),
                                   why=exc) from None
    if max_amount < min_amount:
        raise SupportSettingsError(N_("Largest custom amount: it must not be below the smallest."))
    fee_percent_bp = _fee_basis_points(form.fee_percent)
    fee_fixed = _amount(Phrase(N_("Fixed card fee")), form.fee_fixed, currency, zero_ok=True)
    if not 0 <= form.wall_grace_days <= 3650:
        raise SupportSettingsError(N_("Wall grace period: between 0 and 3650 days."))
    if form.past_due_grace_days is not None and not 0 <= form.past_due_grace_days <= 365:
        raise SupportSettingsError(N_("Voting grace period for past-due patrons: between 0 and 365 days."))
    time_zone = (form.time_zone or "").strip() or site.time_zone
    if time_zone not in available_timezones() and time_zone != "UTC":
        raise SupportSettingsError(N_("Time zone: an IANA name such as Europe/Kyiv or America/New_York."))
    site.time_zone = time_zone
    if form.past_due_grace_days is not None:
        site.past_due_grace_days = form.past_due_grace_days
    site.currency, site.support_tiers = currency, tiers
    site.support_min_amount, site.support_max_amount = min_amount, max_amount
    site.fee_percent_bp, site.fee_fixed, site.wall_grace_days = fee_percent_bp, fee_fixed, form.wall_grace_days
    site.legal_name, site.legal_address = form.legal_name.strip(), form.legal_address.strip()
    site.tax_id, site.receipt_statement = form.tax_id.strip(), form.receipt_statement.strip()


def tiers_below_minimum(site: Site) -> list[dict]:
    """The stored tiers Stripe cannot charge in the site's currency (the support page hides them): e.g.
    tiers carried over from ``SUPPORT_TIERS`` onto a UAH site. The smallest charge is
    text.money.minimum_charge(site.currency)."""
    smallest = minimum_charge(site.currency)
    return [tier for tier in site.support_tiers if int(tier["amount"]) < smallest]
