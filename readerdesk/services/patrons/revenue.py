"""Revenue figures for the patrons desk: MRR, new and churned patrons, failed payments and money
received, per currency; the MRR chart and the CSV export.

MRR is the sum over active recurring patrons of their amount per month: monthly amounts as they are,
yearly amounts ÷ 12 (floored per patron), in integer minor units. One-time gifts are not MRR. Amounts
in different currencies are never added: every figure belongs to one currency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus, Subscription
from readerdesk.models.types import DbSession
from readerdesk.text.charts import line_chart
from readerdesk.text.money import major_units, minor_exponent

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
# Pending ones (a delayed payment not arrived yet) do not count until their money does.
MRR_STATUSES = (PatronStatus.ACTIVE, PatronStatus.PAST_DUE)


def mrr_by_currency(patrons) -> dict[str, int]:
    """Monthly recurring revenue per currency, in minor units: monthly amounts, yearly ones ÷ 12
    (floored per patron). Amounts in different currencies are never added together."""
    totals: dict[str, int] = {}
    for patron in patrons:
        if patron.status in MRR_STATUSES and patron.interval.recurring:
            totals[patron.currency] = totals.get(patron.currency, 0) + patron.monthly_amount
    return totals


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
    new: int  # patrons whose subscription started this month
    churned: int  # subscriptions that ended this month
    failed_payments: int
    received: int = 0  # paid this month, less refunds and lost disputes
    start: datetime | None = None  # the month's first moment (UTC), for a label in the desk's language


@dataclass(frozen=True)
class RevenueSummary:
    """The figures of one currency: amounts in different currencies are never summed."""

    currency: str
    mrr: int
    active: int
    past_due: int
    months: list[MonthFigures]
    pending: int = 0


def _subscription_currency(subscription: Subscription) -> str | None:
    return subscription.amounts[-1].currency if subscription.amounts else None


def _month_mrr(subscriptions: list[Subscription], cutoff: datetime) -> int:
    """MRR at ``cutoff`` from the amounts in force then (a later plan change does not rewrite it)."""
    total = 0
    for subscription in subscriptions:
        if subscription.started_at < cutoff and (subscription.ended_at is None or subscription.ended_at >= cutoff):
            amount = subscription.amount_at(cutoff)
            total += amount.monthly_amount if amount is not None else 0
    return total


def revenue_summaries(session: DbSession, *, now: datetime, site_id: int | None = None,
                      months: int = 12) -> list[RevenueSummary]:
    """The desk's figures, one summary per currency (the one with most patrons first). This month's MRR is the patrons'
    current state; earlier months are rebuilt from each subscription's amount history."""
    patrons_query = select(Patron).where(Patron.interval != Interval.ONCE)
    subscriptions_query = (select(Subscription).join(Patron).where(Subscription.awaiting_payment.is_(False))
                           .options(selectinload(Subscription.amounts)))
    payments_query = select(Payment).join(Patron)
    if site_id:
        patrons_query = patrons_query.where(Patron.site_id == site_id)
        subscriptions_query = subscriptions_query.where(Patron.site_id == site_id)
        payments_query = payments_query.where(Patron.site_id == site_id)
    window = _months_back(now, months)
    payments_query = payments_query.where(or_(Payment.paid_at >= window[0][0], Payment.failed_at >= window[0][0]))
    recurring = list(session.scalars(patrons_query))
    subscriptions = list(session.scalars(subscriptions_query))
    payments = list(session.scalars(payments_query))
    headline = mrr_by_currency(recurring)
    currencies = ({p.currency for p in recurring} | {c for c in map(_subscription_currency, subscriptions) if c}
                  | {p.currency for p in payments})
    summaries = []
    for currency in currencies:
        subs = [s for s in subscriptions if _subscription_currency(s) == currency]
        cash = [p for p in payments if p.currency == currency]
        figures = []
        for start, end in window:
            figures.append(MonthFigures(
                label=start.strftime("%Y-%m"), start=start,
                mrr=headline.get(currency, 0) if end > now else _month_mrr(subs, end),
                new=len({s.patron_id for s in subs if start <= s.started_at < end}),
                churned=sum(1 for s in subs if s.ended_at and start <= s.ended_at < end),
                failed_payments=sum(1 for p in cash if p.failed_at and start <= p.failed_at < end),
                received=sum(p.net for p in cash if p.paid_at and start <= p.paid_at < end),
            ))
        in_currency = [p for p in recurring if p.currency == currency]
        summaries.append(RevenueSummary(
            currency=currency, mrr=headline.get(currency, 0), months=figures,
            active=sum(1 for p in in_currency if p.status is PatronStatus.ACTIVE),
            past_due=sum(1 for p in in_currency if p.status is PatronStatus.PAST_DUE),
            pending=sum(1 for p in in_currency if p.status is PatronStatus.PENDING),
        ))
    # Most patrons first: amounts in different currencies cannot be compared.
    return sorted(summaries, key=lambda summary: (-(summary.active + summary.past_due), summary.currency))


def total_paid(session: DbSession, patron: Patron) -> dict[str, int]:
    """What a patron gave, per currency, less refunds and lost disputes."""
    totals: dict[str, int] = {}
    for payment in session.scalars(select(Payment).where(Payment.patron_id == patron.id,
                                                         Payment.status == PaymentStatus.PAID)):
        totals[payment.currency] = totals.get(payment.currency, 0) + payment.net
    return totals


# --- the chart ----------------------------------------------------------------------------------


def mrr_chart(summary: RevenueSummary, *, title: str | None = None,
              month_label: Callable[[MonthFigures], str] = lambda m: m.label) -> Markup:
    """The MRR line of one currency, in its major units. The desk passes its ``title``, month labels
    in the page's language."""
    exponent = minor_exponent(summary.currency)
    return line_chart([(month_label(m), m.mrr / 10 ** exponent) for m in summary.months],
                      title=title or f"Monthly recurring revenue, last {len(summary.months)} months",
                      unit=summary.currency)


# --- CSV ----------------------------------------------------------------------------------------


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or CR)
    gets a leading apostrophe. Numbers are written as numbers."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_INJECTION_PREFIXES) else text


CSV_COLUMNS = ("id", "site", "email", "name", "status", "tier", "amount_minor", "amount", "currency", "interval",
               "supporter_since", "canceled_at", "stripe_customer_id", "stripe_subscription_id", "listed_as")


def patrons_csv(patrons) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in patrons:
        writer.writerow([csv_safe(v) for v in (
            p.id, p.site.name, p.email, p.name, p.status.value, p.tier or "custom", p.amount,
            major_units(p.amount, p.currency), p.currency, p.interval.value,
            p.supporter_since.isoformat(), p.canceled_at.isoformat() if p.canceled_at else "",
            p.stripe_customer_id or "", p.stripe_subscription_id or "",
            p.display_name if p.list_publicly else "")])
    return out.getvalue()
