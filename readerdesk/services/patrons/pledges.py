"""Pledges and patrons: amounts, tiers, the card-fee gross-up, the supporters wall, portal magic links.

No Stripe calls here (see stripe/checkout and stripe/webhooks); these functions only read and write
the database and never commit.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from readerdesk.models import Interval, Patron, PatronStatus, Pledge, PledgeStatus, PortalLinkUse, Site, WallStatus
from readerdesk.models.types import DbSession
from readerdesk.text.emails import normalise_email
from readerdesk.text.languages import N_
from readerdesk.text.money import (
    SMALLEST_AMOUNT,
    Amount,
    AmountError,
    chargeable,
    check_chargeable,
    gross_up_for_fee,
    minimum_charge,
    parse_amount,
)

PORTAL_TOKEN_SALT = "readerdesk.patron-portal"
# Where a magic link lands. The token rides in the fragment, which browsers never send: no access
# log, proxy or Referer header sees it. The landing page posts it (static/fragment-token.js).
PORTAL_LINK_PATH = "/support/manage/open"


class PledgeError(AmountError):
    """A pledge the support page cannot accept; the view shows ``say(TRANSLATOR)`` to the reader."""


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
    """One site's support page: its currency, tiers, custom-amount bounds and card fee."""

    currency: str
    tiers: tuple[Tier, ...]
    min_amount: int
    max_amount: int
    fee_percent_bp: int
    fee_fixed: int

    @classmethod
    def for_site(cls, site: Site, default_tiers: list[dict] | None = None) -> SupportSettings:
        """The site's own settings; a site with no tiers stored (one made before sites had them) offers
        ``default_tiers`` (``SUPPORT_TIERS``)."""
        raw = site.support_tiers or default_tiers or []
        tiers = tuple(Tier(t["id"], t["name"], int(t["amount"]), Interval(t["interval"]), t.get("description", ""))
                      for t in raw)
        currency = site.currency.upper()
        return cls(currency=currency, tiers=tiers, min_amount=max(site.support_min_amount, minimum_charge(currency)),
                   max_amount=site.support_max_amount, fee_percent_bp=site.fee_percent_bp, fee_fixed=site.fee_fixed)

    @property
    def offered_tiers(self) -> tuple[Tier, ...]:
        """The tiers Stripe can charge (a tier below the currency's minimum is not shown)."""
        return tuple(t for t in self.tiers if t.amount >= minimum_charge(self.currency))

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.offered_tiers if t.id == tier_id), None)

    def total(self, amount: int, cover_fee: bool) -> int:
        """What is charged for ``amount``: grossed up for the card fee when the reader covers it."""
        if not cover_fee:
            return chargeable(amount, self.currency)
        return gross_up_for_fee(amount, self.fee_percent_bp, self.fee_fixed, self.currency)


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
    amount, interval, tier_id = _pledged_amount(request, settings)
    total = settings.total(amount, request.cover_fee)
    try:
        check_chargeable(total, settings.currency)
    except AmountError as exc:
        raise PledgeError(exc.message, **exc.values) from None
    display_name = unicodedata.normalize("NFC", request.display_name.strip())
    if request.list_publicly and not display_name:
        display_name = unicodedata.normalize("NFC", request.name.strip())
    pledge = Pledge(site=site, form_key=request.form_key, email=normalise_email(request.email),
                    name=unicodedata.normalize("NFC", request.name.strip()), tier=tier_id, amount=amount,
                    fee_covered=request.cover_fee, total=total, currency=settings.currency, interval=interval,
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


def _pledged_amount(request: PledgeRequest, settings: SupportSettings) -> tuple[int, Interval, str | None]:
    """(amount, interval, tier id or None) of what the reader chose. Raises PledgeError."""
    if request.tier_id:
        tier = settings.tier(request.tier_id)
        if tier is None:
            raise PledgeError(N_("Choose one of the tiers shown, or enter your own amount."))
        return tier.amount, tier.interval, tier.id
    try:
        amount = parse_amount(request.custom_amount, settings.currency)
        interval = Interval(request.custom_interval)
    except AmountError as exc:
        raise PledgeError(exc.message, **exc.values) from None
    except ValueError:
        raise PledgeError(N_("Choose monthly, yearly or one time.")) from None
    if amount < settings.min_amount:
        raise PledgeError(SMALLEST_AMOUNT, amount=Amount(settings.min_amount, settings.currency))
    if amount > settings.max_amount:
        raise PledgeError(N_("For more than %(amount)s, please write to us."),
                          amount=Amount(settings.max_amount, settings.currency))
    return amount, interval, None


def patrons_by_email(session: DbSession, site: Site, email: str) -> list[Patron]:
    """Every patron record with this email (one per Stripe customer), oldest first."""
    return list(session.scalars(select(Patron).where(Patron.site_id == site.id, Patron.email == normalise_email(email))
                                .order_by(Patron.id)))


# --- supporters wall -----------------------------------------------------------------------------


def wall_entries(session: DbSession, site: Site, *, now: datetime,
                 status: WallStatus = WallStatus.APPROVED) -> list[Patron]:
    """Patrons who asked to be listed, in the given wall state, longest supporters first. A canceled
    supporter stays for the site's grace period (``wall_grace_days``) after canceling, then leaves."""
    grace_start = now - timedelta(days=site.wall_grace_days)
    still_listed = or_(Patron.status != PatronStatus.CANCELED, Patron.canceled_at.is_(None),
                       Patron.canceled_at >= grace_start)
    return list(session.scalars(
        select(Patron).where(Patron.site_id == site.id, Patron.list_publicly.is_(True), Patron.wall_status == status,
                             still_listed)
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


def _read(session: DbSession, secret_key: str, token: str, max_age: int) -> tuple[Patron, str]:
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise PortalLinkInvalid(N_("This link has expired. Ask for a new one below.")) from None
    except BadSignature:
        raise PortalLinkInvalid(N_("This link is not valid. Ask for a new one below.")) from None
    patron = session.get(Patron, data.get("p")) if isinstance(data, dict) else None
    nonce = data.get("n") if isinstance(data, dict) else None
    if patron is None or not isinstance(nonce, str) or not patron.stripe_customer_id:
        raise PortalLinkInvalid(N_("This link is not valid. Ask for a new one below."))
    return patron, nonce


def read_portal_token(session: DbSession, secret_key: str, token: str, *, max_age: int) -> Patron:
    """The patron a signed, unexpired magic link is for, without using it up (for downloads from the
    page it opens). Raises PortalLinkInvalid."""
    return _read(session, secret_key, token, max_age)[0]


def redeem_portal_token(session: DbSession, secret_key: str, token: str, *, max_age: int, now: datetime) -> Patron:
    """The patron a magic link is for; records its use (each link opens the portal once). Raises
    PortalLinkInvalid."""
    patron, nonce = _read(session, secret_key, token, max_age)
    try:
        with session.begin_nested():
            session.add(PortalLinkUse(nonce=nonce, patron_id=patron.id, used_at=now))
            session.flush()
    except IntegrityError:
        raise PortalLinkInvalid(N_("This link has been used already. Ask for a new one below.")) from None
    return patron
