from datetime import UTC, datetime
from xml.etree import ElementTree

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus
from readerdesk.services.patrons.revenue import MonthFigures, csv_safe, mrr_chart, revenue_summary
from tests.factories import make_site

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def d(month, day=10):
    return datetime(2026, month, day, tzinfo=UTC)


def test_mrr_new_churned_and_failed_per_month(app, db_session):
    site = make_site(db_session)

    def patron(email, amount, interval, since, canceled=None, status=PatronStatus.ACTIVE):
        p = Patron(site_id=site.id, email=email, currency="EUR", amount=amount, interval=interval,
                   supporter_since=since, canceled_at=canceled,
                   status=status if not canceled else PatronStatus.CANCELED)
        db_session.add(p)
        db_session.flush()
        return p

    ann = patron("ann@example.com", 300, Interval.MONTH, d(3))
    patron("ben@example.com", 3000, Interval.YEAR, d(4))  # 250 a month
    patron("cat@example.com", 1000, Interval.MONTH, d(4), canceled=d(5))
    patron("dan@example.com", 5000, Interval.ONCE, d(5))  # gifts are not MRR
    patron("eve@example.com", 700, Interval.YEAR, d(6), status=PatronStatus.PAST_DUE)  # 58 a month, past due
    db_session.add(Payment(patron_id=ann.id, amount=300, currency="EUR", status=PaymentStatus.FAILED,
                           failed_at=d(5, 2)))
    db_session.flush()
    summary = revenue_summary(db_session, now=NOW, months=4)
    # Past due still counts in MRR (Stripe retries the card); it is shown apart as well.
    assert summary.mrr == 608 and summary.active == 2 and summary.past_due == 1 and summary.currency == "EUR"
    assert [(m.label, m.mrr, m.new, m.churned, m.failed_payments) for m in summary.months] == [
        ("2026-03", 300, 1, 0, 0),
        ("2026-04", 1550, 2, 0, 0),
        ("2026-05", 550, 0, 1, 1),
        ("2026-06", 608, 1, 0, 0),  # this month's figure is the headline MRR
    ]


def test_the_chart_is_well_formed_svg_with_one_point_per_month_in_major_units():
    months = [MonthFigures(f"2026-0{i}", mrr=i * 1000, new=0, churned=0, failed_payments=0) for i in range(1, 7)]
    svg = ElementTree.fromstring(str(mrr_chart(months, currency="EUR", exponent=2)))
    ns = "{http://www.w3.org/2000/svg}"
    points = [circle.find(f"{ns}title").text for circle in svg.findall(f"{ns}circle")]
    assert points == [f"2026-0{i}: {i * 10} EUR" for i in range(1, 7)]
    assert "Monthly recurring revenue" in svg.find(f"{ns}title").text
    assert "2026-01: 1000 JPY" in str(mrr_chart(months[:1], currency="JPY", exponent=0))  # no minor unit
    ElementTree.fromstring(str(mrr_chart([], currency="EUR")))


def test_csv_cells_that_would_be_formulas_are_quoted():
    assert [csv_safe(v) for v in ["=1+1", "+1", "-2", "@x", "\tx", "plain", 42, -5, None]] == [
        "'=1+1", "'+1", "'-2", "'@x", "'\tx", "plain", "42", "-5", ""]
