"""Pledges and patrons: amounts, tiers, the card-fee gross-up, the supporters wall, portal magic links.

No Stripe calls here (see stripe_checkout and stripe_webhooks); these functions only read and write
the database and never commit.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readerdesk.models import Interval, Patron, Pledge, PledgeStatus, PortalLinkUse, Site, WallStatus
from readerdesk.models.types import DbSession
from readerdesk.text.emails import normalise_email

# ISO 4217 currencies without minor units (Stripe's "zero-decimal" list, the common ones).
ZERO_DECIMAL_CURRENCIES = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
                           "VND", "VUV", "XAF", "XOF", "XPF"}
PORTAL_TOKEN_SALT = "readerdesk.patron-portal"
# Where a magic link lands. The token rides in the fragment, which browsers never send: no access
# log, proxy or Referer header sees it. The landing page posts it (static/fragment-token.js).
PORTAL_LINK_PATH = "/support/manage/open"


class PledgeError(ValueError):
    """A pledge the support page cannot accept; the message is shown to the reader."""


class PortalLinkInvalid(ValueError):
    """A magic link that is forged, expired or already used; the message is shown to the reader."""


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    amount: int
    interval: Interval
    description: str = ""


@dataclass(frozen=True)
class SupportSettings:
    tiers: tuple[Tier, ...]
    min_amount: int
    max_amount: int
    fee_percent_bp: int
    fee_fixed: int

    @classmethod
    def from_config(cls, config) -> SupportSettings:
        tiers = tuple(Tier(t["id"], t["name"], t["amount"], Interval(t["interval"]), t.get("description", ""))
                      for t in config["SUPPORT_TIERS"])
        return cls(tiers=tiers, min_amount=config["SUPPORT_MIN_AMOUNT"], max_amount=config["SUPPORT_MAX_AMOUNT"],
                   fee_percent_bp=config["SUPPORT_FEE_PERCENT_BP"], fee_fixed=config["SUPPORT_FEE_FIXED"])

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)


# --- money ---------------------------------------------------------------------------------------


def minor_exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL_CURRENCIES else 2


AMOUNT_RE = re.compile(r"[0-9]{1,9}(\.[0-9]{1,4})?")


def parse_amount(text: str, currency: str) -> int:
    """A reader's "5", "5.50" or "5,50" in major units → integer minor units. Raises PledgeError."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    # Digits and at most one decimal point: no exponents ("1e999999999"), signs, NaN or infinity.
    if not AMOUNT_RE.fullmatch(cleaned):
        raise PledgeError("Enter the amount as a number, e.g. 5 or 7.50.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise PledgeError("Enter the amount as a number, e.g. 5 or 7.50.") from None
    if not value.is_finite() or value <= 0:
        raise PledgeError("Enter an amount above zero.")
    exponent = minor_exponent(currency)
    minor = value.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise PledgeError(f"Use at most {exponent} decimal places." if exponent else "Use a whole amount.")
    return int(minor.to_integral_value(ROUND_HALF_UP))


def format_amount(minor: int, currency: str) -> str:
    """12345, "EUR" → "123.45 EUR"; 500, "JPY" → "500 JPY"."""
    exponent = minor_exponent(currency)
    major = Decimal(minor).scaleb(-exponent)
    return f"{major:,.{exponent}f} {currency.upper()}"


def gross_up_for_fee(amount: int, percent_bp: int, fixed: int) -> int:
    """The total to charge so that, after a card fee of ``percent_bp``/10000 of the total plus ``fixed``,
    the newsroom keeps at least ``amount``.

        total = ceil((amount + fixed) × 10000 / (10000 − percent_bp))

    In integer minor units, rounded up: 300 at 1.5 % + 25 → ceil(325 × 10000 / 9850) = 330, and
    330 − (4.95 + 25) = 300.05 ≥ 300.
    """
    if not 0 <= percent_bp < 10000:
        raise ValueError("percent_bp must be in [0, 10000)")
    return -(-(amount + fixed) * 10000 // (10000 - percent_bp))


# --- pledges -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeRequest:
    """What the support form carried, already shaped by the form (strings stripped)."""

    form_key: str
    email: str
    name: str = ""
    tier_id: str | None = None  # a configured tier, or None for a custom amount
    custom_amount: str = ""  # in major units, as typed
    custom_interval: str = "month"  # month | year | once
    cover_fee: bool = False
    list_publicly: bool = False
    display_name: str = ""


def existing_pledge(session: DbSession, form_key: str) -> Pledge | None:
    return session.scalar(select(Pledge).where(Pledge.form_key == form_key))


def create_pledge(session: DbSession, site: Site, request: PledgeRequest, settings: SupportSettings, *,
                  now: datetime) -> Pledge:
    """Store what the reader asked for (the local record exists before Stripe hears of it).

    The same ``form_key`` (a double click on one form) gives back the pledge stored the first time.
    """
    pledge = existing_pledge(session, request.form_key)
    if pledge is not None:
        return pledge
    if request.tier_id:
        tier = settings.tier(request.tier_id)
        if tier is None:
            raise PledgeError("Choose one of the tiers shown, or enter your own amount.")
        amount, interval, tier_id = tier.amount, tier.interval, tier.id
    else:
        amount = parse_amount(request.custom_amount, site.currency)
        try:
            interval = Interval(request.custom_interval)
        except ValueError:
            raise PledgeError("Choose monthly, yearly or one time.") from None
        tier_id = None
        if amount < settings.min_amount:
            smallest = format_amount(settings.min_amount, site.currency)
            raise PledgeError(f"The smallest amount we can accept is {smallest}.")
        if amount > settings.max_amount:
            raise PledgeError(f"For more than {format_amount(settings.max_amount, site.currency)}, please write to us.")
    total = gross_up_for_fee(amount, settings.fee_percent_bp, settings.fee_fixed) if request.cover_fee else amount
    display_name = unicodedata.normalize("NFC", request.display_name.strip())
    if request.list_publicly and not display_name:
        display_name = unicodedata.normalize("NFC", request.name.strip())
    pledge = Pledge(site=site, form_key=request.form_key, email=normalise_email(request.email),
                    name=unicodedata.normalize("NFC", request.name.strip()), tier=tier_id, amount=amount,
                    fee_covered=request.cover_fee, total=total, currency=site.currency.upper(), interval=interval,
                    list_publicly=request.list_publicly, display_name=display_name if request.list_publicly else "",
                    status=PledgeStatus.NEW, created_at=now)
    try:
        with session.begin_nested():
            session.add(pledge)
            session.flush()
    except IntegrityError:  # the same form, submitted twice at the same moment
        pledge = existing_pledge(session, request.form_key)
        if pledge is None:
            raise
    return pledge


def patrons_by_email(session: DbSession, site: Site, email: str) -> list[Patron]:
    """Every patron record with this email (one per Stripe customer), oldest first."""
    return list(session.scalars(select(Patron).where(Patron.site_id == site.id, Patron.email == normalise_email(email))
                                .order_by(Patron.id)))


# --- supporters wall -----------------------------------------------------------------------------


def wall_entries(session: DbSession, site: Site, status: WallStatus = WallStatus.APPROVED) -> list[Patron]:
    """Patrons who asked to be listed, in the given wall state, longest supporters first."""
    return list(session.scalars(
        select(Patron).where(Patron.site_id == site.id, Patron.list_publicly.is_(True), Patron.wall_status == status)
        .order_by(Patron.supporter_since, Patron.id)))


def pending_wall_entries(session: DbSession) -> list[Patron]:
    return list(session.scalars(
        select(Patron).where(Patron.list_publicly.is_(True), Patron.wall_status == WallStatus.PENDING)
        .order_by(Patron.created_at, Patron.id)))


def moderate_wall_entry(session: DbSession, patron_id: int, status: WallStatus) -> Patron:
    patron = session.get(Patron, patron_id)
    if patron is None or not patron.list_publicly:
        raise LookupError("This supporter did not ask to be listed.")
    patron.wall_status = status
    return patron


# --- portal magic links --------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=PORTAL_TOKEN_SALT)


def portal_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{PORTAL_LINK_PATH}#{token}"


def make_portal_token(secret_key: str, patron: Patron) -> str:
    """A signed token naming the patron and a fresh nonce (so each link is used once)."""
    return _serializer(secret_key).dumps({"p": patron.id, "n": secrets.token_urlsafe(16)})


def redeem_portal_token(session: DbSession, secret_key: str, token: str, *, max_age: int, now: datetime) -> Patron:
    """The patron a magic link is for; records its use. Raises PortalLinkInvalid."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise PortalLinkInvalid("This link has expired. Ask for a new one below.") from None
    except BadSignature:
        raise PortalLinkInvalid("This link is not valid. Ask for a new one below.") from None
    patron = session.get(Patron, data.get("p")) if isinstance(data, dict) else None
    nonce = data.get("n") if isinstance(data, dict) else None
    if patron is None or not isinstance(nonce, str) or not patron.stripe_customer_id:
        raise PortalLinkInvalid("This link is not valid. Ask for a new one below.")
    try:
        with session.begin_nested():
            session.add(PortalLinkUse(nonce=nonce, patron_id=patron.id, used_at=now))
            session.flush()
    except IntegrityError:
        raise PortalLinkInvalid("This link has been used already. Ask for a new one below.") from None
    return patron
