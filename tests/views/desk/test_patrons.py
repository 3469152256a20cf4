import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus, Role, WallStatus
from tests.factories import make_site, make_user
from tests.helpers import english_left, sign_in

ROUTES = [("GET", "/desk/patrons"), ("GET", "/desk/patrons/export.csv"), ("GET", "/desk/patrons/wall"),
          ("GET", "/desk/patrons/{id}"), ("POST", "/desk/patrons/wall/{id}")]


def login(client, session, role):
    user = make_user(session, role=role)
    session.commit()
    sign_in(client, user)
    return user


def add_patron(session, site, email, *, amount=300, interval=Interval.MONTH, status=PatronStatus.ACTIVE,
               since=None, canceled=None, tier="coffee", currency="EUR", **kwargs):
    patron = Patron(site_id=site.id, email=email, name=kwargs.pop("name", ""), currency=currency, interval=interval,
                    amount=amount, status=status, tier=tier, supporter_since=since or utcnow() - timedelta(days=40),
                    canceled_at=canceled, **kwargs)
    session.add(patron)
    session.commit()
    return patron


@pytest.fixture
def patron(db_session):
    site = make_site(db_session)
    return add_patron(db_session, site, "ann@example.com", list_publicly=True, display_name="Ann")


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_patrons_route_is_for_admins_only(client, db_session, patron, method, path):
    path = path.format(id=patron.id)
    data = {"decision": "approved"}
    anonymous = client.open(path, method=method, data=data)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    login(client, db_session, Role.EDITOR)
    assert client.open(path, method=method, data=data).status_code == 403
    client.post("/auth/logout")
    login(client, db_session, Role.ADMIN)
    assert client.open(path, method=method, data=data).status_code in (200, 302)


def test_the_desk_shows_mrr_filters_and_a_chart(client, db_session):
    site = make_site(db_session)
    add_patron(db_session, site, "ann@example.com", name="Ann Lee")
    add_patron(db_session, site, "ben@example.com", amount=3000, interval=Interval.YEAR, tier="yearly")
    add_patron(db_session, site, "cat@example.com", amount=800, status=PatronStatus.PAST_DUE, tier="reader")
    add_patron(db_session, site, "dan@example.com", amount=2000, interval=Interval.ONCE, tier=None)
    add_patron(db_session, site, "eve@example.com", status=PatronStatus.CANCELED, canceled=utcnow() - timedelta(days=1))
    login(client, db_session, Role.ADMIN)
    page = client.get("/desk/patrons").get_data(as_text=True)
    row = figures_row(page, "EUR")
    assert "<strong>€13.50</strong>" in row  # 3.00 + 30.00 / 12 + 8.00 past due
    assert '<td class="active">2</td>' in row and '<td class="past-due">1</td>' in row
    assert "<svg" in page and "polyline" in page
    filtered = client.get("/desk/patrons?status=past_due").get_data(as_text=True)
    assert "cat@example.com" in filtered and "ann@example.com" not in filtered
    assert "ann@example.com" in client.get("/desk/patrons?q=ANN+lee").get_data(as_text=True)
    by_tier = client.get("/desk/patrons?tier=yearly&interval=year").get_data(as_text=True)
    assert "ben@example.com" in by_tier and "dan@example.com" not in by_tier
    assert "dan@example.com" in client.get("/desk/patrons?tier=custom").get_data(as_text=True)
    assert client.get("/desk/patrons?status=bogus&interval=x").status_code == 200


def figures_row(page: str, currency: str) -> str:
    return page.split(f'<tr id="figures-{currency}"', 1)[1].split("</tr>", 1)[0]


def test_the_desk_never_adds_currencies_together(client, db_session):
    eur, jpy, uah = make_site(db_session), make_site(db_session, currency="JPY"), make_site(db_session, currency="UAH")
    add_patron(db_session, eur, "ann@example.com", amount=800)
    add_patron(db_session, jpy, "ken@example.com", amount=1500, currency="JPY")
    add_patron(db_session, uah, "oly@example.com", amount=12000, interval=Interval.YEAR, currency="UAH")
    login(client, db_session, Role.ADMIN)
    page = client.get("/desk/patrons").get_data(as_text=True)
    assert "<strong>€8.00</strong>" in figures_row(page, "EUR")
    assert "<strong>¥1,500</strong>" in figures_row(page, "JPY")
    assert "<strong>UAH\u00a010.00</strong>" in figures_row(page, "UAH")
    assert "Monthly recurring revenue (EUR)" in page
    switched = client.get("/desk/patrons?currency=jpy").get_data(as_text=True)
    assert "Monthly recurring revenue (JPY)" in switched and '<h2 id="figures-heading">JPY</h2>' in switched
    months = switched.split('id="months"', 1)[1].split("</table>", 1)[0]
    assert "¥1,500" in months and "€" not in months and "EUR" not in months and "UAH" not in months
    only_uah = client.get(f"/desk/patrons?site={uah.name}").get_data(as_text=True)
    assert 'id="figures-UAH"' in only_uah and 'id="figures-EUR"' not in only_uah


def test_the_list_is_paginated(client, db_session, monkeypatch):
    from readerdesk.views.desk import patrons as patrons_desk

    monkeypatch.setattr(patrons_desk, "PAGE_SIZE", 2)
    site = make_site(db_session)
    for n in range(5):
        add_patron(db_session, site, f"p{n}@example.com")
    login(client, db_session, Role.ADMIN)
    seen, url = [], "/desk/patrons"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [f"p{n}@example.com" for n in reversed(range(5)) if f">p{n}@example.com<" in page]
        marker = 'href="/desk/patrons?before='
        url = ("/desk/patrons?before=" + page.split(marker, 1)[1].split('"', 1)[0]) if marker in page else None
    assert seen == [f"p{n}@example.com" for n in reversed(range(5))]


def test_the_csv_export_is_safe_from_formulas(client, db_session):
    site = make_site(db_session)
    add_patron(db_session, site, "ann@example.com", name="=HYPERLINK(\"http://evil\")")
    add_patron(db_session, site, "bo@example.com", name="@SUM(A1)", list_publicly=True, display_name="+1")
    login(client, db_session, Role.ADMIN)
    response = client.get("/desk/patrons/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {r["name"] for r in rows} == {"'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"}
    assert {r["listed_as"] for r in rows} == {"", "'+1"}
    assert {r["amount_minor"] for r in rows} == {"300"}
    assert {(r["currency"], r["site"]) for r in rows} == {("EUR", site.name)}


def test_admins_approve_wall_entries(client, db_session, patron):
    login(client, db_session, Role.ADMIN)
    assert "Ann" in client.get("/desk/patrons/wall").get_data(as_text=True)
    client.post(f"/desk/patrons/wall/{patron.id}", data={"decision": "approved"})
    db_session.refresh(patron)
    assert patron.wall_status is WallStatus.APPROVED
    assert "Ann" in client.get("/supporters").get_data(as_text=True)
    assert client.post("/desk/patrons/wall/999", data={"decision": "approved"}).status_code == 404
    assert client.post(f"/desk/patrons/wall/{patron.id}", data={"decision": "maybe"}).status_code == 400


def test_a_patron_page_lists_payments(client, db_session, patron):
    db_session.add(Payment(patron_id=patron.id, amount=300, currency="EUR", status=PaymentStatus.PAID,
                           amount_refunded=100, stripe_invoice_id="in_1", paid_at=datetime(2026, 1, 5, tzinfo=UTC)))
    db_session.commit()
    login(client, db_session, Role.ADMIN)
    page = client.get(f"/desk/patrons/{patron.id}").get_data(as_text=True)
    assert "in_1" in page and "<dd>€2.00" in page  # paid in total, net of the refund
    assert client.get("/desk/patrons/999").status_code == 404
    assert db_session.scalar(select(Payment)).refunded


def test_a_ukrainian_admin_reads_the_patrons_desk_in_ukrainian_with_hryvnias_and_dates(in_ukrainian, db_session):
    site = make_site(db_session, currency="UAH")
    since = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    ann = add_patron(db_session, site, "ann@example.com", name="Ann Lee", amount=123450, currency="UAH", since=since,
                     tier="reader", list_publicly=True, display_name="Ann", wall_status=WallStatus.PENDING)
    db_session.add(Payment(patron_id=ann.id, amount=123450, currency="UAH", status=PaymentStatus.PAID,
                           paid_at=since, stripe_invoice_id="in_1"))
    db_session.commit()
    data = ("ann@example.com", "Ann Lee", "Ann", "reader", "UAH", "in_1", site.name, "Stripe")

    index = in_ukrainian.get("/desk/patrons").get_data(as_text=True)
    assert "<h1>Патрони</h1>" in index and "Щомісячний дохід" in index
    assert "<strong>1\u00a0234,50\u00a0₴</strong>" in index  # MRR, in the locale's format
    assert "1 листопада 2026\u202fр." in index and "1\u00a0234,50\u00a0₴ / місяць" in index
    assert "Щомісячний регулярний дохід, останні 12 місяців" in index  # the chart's own title, plural
    assert english_left(index, *data) == []

    detail = in_ukrainian.get(f"/desk/patrons/{ann.id}").get_data(as_text=True)
    assert "<dt>Статус</dt><dd>активний</dd>" in detail
    assert "<dt>Сплачено загалом</dt><dd>1\u00a0234,50\u00a0₴" in detail
    assert "(чекає на схвалення)" in detail and "<td>1 листопада 2026\u202fр.</td>" in detail
    assert english_left(detail, *data) == []

    wall = in_ukrainian.get("/desk/patrons/wall").get_data(as_text=True)
    assert "Стіна прихильників: чекають на схвалення" in wall and ">Схвалити</button>" in wall
    assert english_left(wall, *data) == []
    done = in_ukrainian.post(f"/desk/patrons/wall/{ann.id}", data={"decision": "approved"}, follow_redirects=True)
    assert "Ann: схвалено." in done.get_data(as_text=True)
