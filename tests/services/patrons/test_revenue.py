import csv
import io
from datetime import UTC, datetime
from xml.etree import ElementTree

from readerdesk.models import (
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionAmount,
)
from readerdesk.services.patrons.revenue import (
    MonthFigures,
    RevenueSummary,
    csv_safe,
    mrr_by_currency,
    mrr_chart,
    patrons_csv,
    revenue_summaries,
)
from tests.factories import make_site

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def d(month, day=10):
    return datetime(2026, month, day, tzinfo=UTC)


def patron(db_session, site, email, amount, interval, since, canceled=None, status=PatronStatus.ACTIVE,
           currency="EUR", changes=()):
    """A patron with a subscription whose amount history starts at ``since`` (plus ``changes``:
    (moment, new amount) plan changes)."""
    p = Patron(site_id=site.id, email=email, currency=currency, amount=changes[-1][1] if changes else amount,
               interval=interval, supporter_since=since, canceled_at=canceled,
               status=status if not canceled else PatronStatus.CANCELED)
    db_session.add(p)
    if interval.recurring:
        sub = Subscription(patron=p, started_at=since, ended_at=canceled)
        db_session.add(sub)
        for moment, value in [(since, amount), *changes]:
            db_session.add(SubscriptionAmount(subscription=sub, effective_at=moment, amount=value, currency=currency,
                                              interval=interval))
    db_session.flush()
    return p


def test_mrr_new_churned_failed_and_received_per_month(app, db_session):
    site = make_site(db_session)
    ann = patron(db_session, site, "ann@example.com", 300, Interval.MONTH, d(3))
    patron(db_session, site, "ben@example.com", 3000, Interval.YEAR, d(4))  # 250 a month
    patron(db_session, site, "cat@example.com", 1000, Interval.MONTH, d(4), canceled=d(5))
    patron(db_session, site, "dan@example.com", 5000, Interval.ONCE, d(5))  # gifts are not MRR
    patron(db_session, site, "eve@example.com", 700, Interval.YEAR, d(6), status=PatronStatus.PAST_DUE)  # 58 a month
    db_session.add(Payment(patron_id=ann.id, amount=300, currency="EUR", status=PaymentStatus.FAILED,
                           failed_at=d(5, 2)))
    db_session.add(Payment(patron_id=ann.id, amount=300, currency="EUR", status=PaymentStatus.PAID, paid_at=d(5, 3),
                           amount_refunded=100))
    db_session.add(Payment(patron_id=ann.id, amount=300, currency="EUR", status=PaymentStatus.PAID, paid_at=d(6, 3),
                           amount_lost_in_disputes=300))  # a lost dispute counts like a refund
    db_session.flush()
    [summary] = revenue_summaries(db_session, now=NOW, months=4)
    # Past due still counts in MRR (Stripe retries the card); it is shown apart as well.
    assert summary.mrr == 608 and summary.active == 2 and summary.past_due == 1 and summary.currency == "EUR"
    assert [(m.label, m.mrr, m.new, m.churned, m.failed_payments, m.received) for m in summary.months] == [
        ("2026-03", 300, 1, 0, 0, 0),
        ("2026-04", 1550, 2, 0, 0, 0),
        ("2026-05", 550, 0, 1, 1, 200),
        ("2026-06", 608, 1, 0, 0, 0),  # this month's figure is the headline MRR
    ]


def summary(months: list[MonthFigures], currency: str) -> RevenueSummary:
    return RevenueSummary(currency=currency, mrr=0, active=0, past_due=0, months=months)


def test_the_chart_is_well_formed_svg_with_one_point_per_month_in_major_units():
    months = [MonthFigures(f"2026-0{i}", mrr=i * 1000, new=0, churned=0, failed_payments=0) for i in range(1, 7)]
    ns = "{http://www.w3.org/2000/svg}"
    wide, narrow = ElementTree.fromstring(str(mrr_chart(summary(months, "EUR")))).findall(f"{ns}svg")
    for svg in (wide, narrow):
        points = [circle.find(f"{ns}title").text for circle in svg.findall(f"{ns}circle")]
        assert points == [f"2026-0{i}: {i * 10} EUR" for i in range(1, 7)]
        assert "Monthly recurring revenue" in svg.find(f"{ns}title").text
    assert "2026-01: 1000 JPY" in str(mrr_chart(summary(months[:1], "JPY")))  # no minor unit
    assert "2026-01: 1 BHD" in str(mrr_chart(summary(months[:1], "BHD")))  # three decimals
    ElementTree.fromstring(str(mrr_chart(summary([], "EUR"))))


def test_a_plan_change_does_not_rewrite_the_past(app, db_session):
    site = make_site(db_session)
    # Coffee (3.00) from March, upgraded to 8.00 on 20 May.
    patron(db_session, site, "ann@example.com", 300, Interval.MONTH, d(3), changes=[(d(5, 20), 800)])
    [summary] = revenue_summaries(db_session, now=NOW, months=4)
    assert [m.mrr for m in summary.months] == [300, 300, 800, 800]


def test_currencies_are_never_added_together(app, db_session):
    eur, jpy, uah = make_site(db_session), make_site(db_session, currency="JPY"), make_site(db_session, currency="UAH")
    patron(db_session, eur, "ann@example.com", 800, Interval.MONTH, d(3))
    patron(db_session, eur, "ben@example.com", 300, Interval.MONTH, d(4))
    patron(db_session, jpy, "ken@example.com", 1200, Interval.MONTH, d(4), currency="JPY")
    patron(db_session, uah, "oly@example.com", 12000, Interval.YEAR, d(5), currency="UAH")
    summaries = revenue_summaries(db_session, now=NOW, months=3)
    assert [(s.currency, s.mrr, s.active) for s in summaries] == [("EUR", 1100, 2), ("JPY", 1200, 1), ("UAH", 1000, 1)]
    assert [m.mrr for m in summaries[1].months] == [1200, 1200, 1200]
    assert mrr_by_currency(db_session.query(Patron).all()) == {"EUR": 1100, "JPY": 1200, "UAH": 1000}
    assert revenue_summaries(db_session, now=NOW, site_id=jpy.id)[0].currency == "JPY"


def test_the_csv_names_the_currency_and_site_on_every_row(app, db_session):
    eur, jpy = make_site(db_session, "eur-news"), make_site(db_session, "jpy-news", currency="JPY")
    patron(db_session, eur, "ann@example.com", 800, Interval.MONTH, d(3))
    patron(db_session, jpy, "ken@example.com", 1200, Interval.MONTH, d(4), currency="JPY")
    rows = list(csv.DictReader(io.StringIO(patrons_csv(db_session.query(Patron).order_by(Patron.id).all()))))
    assert [(r["site"], r["amount_minor"], r["amount"], r["currency"]) for r in rows] == [
        ("eur-news", "800", "8.00", "EUR"), ("jpy-news", "1200", "1200", "JPY")]


def test_csv_cells_that_would_be_formulas_are_quoted():
    assert [csv_safe(v) for v in ["=1+1", "+1", "-2", "@x", "\tx", "plain", 42, -5, None]] == [
        "'=1+1", "'+1", "'-2", "'@x", "'\tx", "plain", "42", "-5", ""]
