"""Revenue figures for the patrons desk: MRR, new and churned patrons, failed payments, the MRR chart
(drawn by text.charts) and the CSV export.

MRR is the sum over active recurring patrons of their amount per month: monthly amounts as they are,
yearly amounts ÷ 12 (floored per patron), in integer minor units. One-time gifts are not MRR.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import func, or_, select

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus
from readerdesk.models.types import DbSession
from readerdesk.text.charts import line_chart

CSV_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PatronFilter:
    site_id: int | None = None
    status: str | None = None
    tier: str | None = None
    interval: str | None = None
    search: str = ""


def patrons_query(filters: PatronFilter):
    query = select(Patron)
    if filters.site_id:
        query = query.where(Patron.site_id == filters.site_id)
    if filters.status:
        query = query.where(Patron.status == PatronStatus(filters.status))
    if filters.tier:
        query = query.where(Patron.tier.is_(None) if filters.tier == "custom" else Patron.tier == filters.tier)
    if filters.interval:
        query = query.where(Patron.interval == Interval(filters.interval))
    if filters.search.strip():
        escaped = filters.search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        needle = f"%{escaped}%"
        query = query.where(or_(Patron.email.like(needle, escape="\\"),
                                func.lower(Patron.name).like(needle, escape="\\")))
    return query


def list_patrons(session: DbSession, filters: PatronFilter, *, limit: int,
                 before_id: int | None = None) -> list[Patron]:
    """Newest first, keyset-paginated on id."""
    query = patrons_query(filters)
    if before_id:
        query = query.where(Patron.id < before_id)
    return list(session.scalars(query.order_by(Patron.id.desc()).limit(limit)))


# Past-due subscriptions still count, as in Stripe's own MRR: the subscription is alive while Stripe
# retries the card; it leaves MRR when it is canceled. The desk shows how many are past due beside it.
MRR_STATUSES = (PatronStatus.ACTIVE, PatronStatus.PAST_DUE)


def mrr(patrons) -> int:
    """Monthly recurring revenue in minor units: monthly amounts, yearly ones ÷ 12 (floored per patron)."""
    return sum(p.monthly_amount for p in patrons if p.status in MRR_STATUSES)


def _month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def _months_back(now: datetime, count: int) -> list[tuple[datetime, datetime]]:
    """The last ``count`` calendar months (UTC) as (start, end) pairs, oldest first, this month last."""
    year, month = now.year, now.month
    months = []
    for _ in range(count):
        start = _month_start(year, month)
        end = _month_start(year + (month == 12), month % 12 + 1)
        months.append((start, end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


@dataclass(frozen=True)
class MonthFigures:
    label: str  # "2026-11"
    mrr: int  # at the end of the month (or now, for this month)
    new: int
    churned: int
    failed_payments: int


@dataclass(frozen=True)
class RevenueSummary:
    currency: str | None  # None when patrons pay in several currencies (figures are then per currency)
    mrr: int
    active: int
    past_due: int
    months: list[MonthFigures]


def revenue_summary(session: DbSession, *, now: datetime, site_id: int | None = None, months: int = 12,
                    currency: str | None = None) -> RevenueSummary:
    """Figures for the desk. A month's MRR is rebuilt from who was a recurring patron at its end
    (supporter since ≤ end, not canceled by then), at each patron's current amount."""
    query = select(Patron).where(Patron.interval != Interval.ONCE)
    if site_id:
        query = query.where(Patron.site_id == site_id)
    if currency:
        query = query.where(Patron.currency == currency)
    recurring = list(session.scalars(query))
    currencies = {p.currency for p in recurring}
    failed_query = select(Payment.failed_at).join(Patron).where(Payment.failed_at.is_not(None))
    if site_id:
        failed_query = failed_query.where(Patron.site_id == site_id)
    # The query excludes NULLs already; the filter tells the type checker so.
    failed_at = [t for t in session.scalars(failed_query) if t is not None]
    figures = []
    for start, end in _months_back(now, months):
        cutoff = min(end, now)
        alive = [p for p in recurring
                 if p.supporter_since < cutoff and (p.canceled_at is None or p.canceled_at >= cutoff)]
        figures.append(MonthFigures(
            label=start.strftime("%Y-%m"),
            mrr=sum(p.monthly_amount for p in alive),
            new=sum(1 for p in recurring if start <= p.supporter_since < end),
            churned=sum(1 for p in recurring if p.canceled_at and start <= p.canceled_at < end),
            failed_payments=sum(1 for t in failed_at if start <= t < end),
        ))
    return RevenueSummary(
        currency=next(iter(currencies)) if len(currencies) == 1 else currency,
        mrr=mrr(recurring),
        active=sum(1 for p in recurring if p.status is PatronStatus.ACTIVE),
        past_due=sum(1 for p in recurring if p.status is PatronStatus.PAST_DUE),
        months=figures,
    )


def total_paid(session: DbSession, patron: Patron) -> int:
    return session.scalar(select(func.coalesce(func.sum(Payment.amount - Payment.amount_refunded), 0))
                          .where(Payment.patron_id == patron.id, Payment.status == PaymentStatus.PAID)) or 0


# --- the chart ----------------------------------------------------------------------------------


def mrr_chart(months: list[MonthFigures], *, currency: str, exponent: int = 2) -> Markup:
    """MRR per month as a line chart (text.charts), in major units of ``currency``."""
    return line_chart([(m.label, m.mrr / 10**exponent) for m in months],
                      title=f"Monthly recurring revenue, last {len(months)} months", unit=currency)


# --- CSV ----------------------------------------------------------------------------------------


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or CR)
    gets a leading apostrophe. Numbers are written as numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_INJECTION_PREFIXES) else text


CSV_COLUMNS = ("id", "email", "name", "status", "tier", "amount_minor", "currency", "interval",
               "supporter_since", "canceled_at", "stripe_customer_id", "stripe_subscription_id", "listed_as")


def patrons_csv(patrons) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in patrons:
        writer.writerow([csv_safe(v) for v in (
            p.id, p.email, p.name, p.status.value, p.tier or "custom", p.amount, p.currency, p.interval.value,
            p.supporter_since.isoformat(), p.canceled_at.isoformat() if p.canceled_at else "",
            p.stripe_customer_id or "", p.stripe_subscription_id or "",
            p.display_name if p.list_publicly else "")])
    return out.getvalue()
