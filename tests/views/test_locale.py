"""The desk's language and dates (readerdesk/views/locale.py): a staff member's choice, else the
browser's; Ukrainian plurals; dates in the desk's time zone."""

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from readerdesk.extensions import TRANSLATOR
from readerdesk.models import Status
from readerdesk.services.patrons.site_settings import SupportSettingsError
from readerdesk.text.languages import N_
from readerdesk.text.money import Amount, AmountError
from readerdesk.text.translatable import Phrase
from readerdesk.views.locale import counted_records, explain, money, phrase
from tests.factories import make_article, make_correction, make_user
from tests.helpers import sign_in


@pytest.fixture
def ukrainian_editor(db_session):
    user = make_user(db_session, "redaktorka@example.com")
    user.language = "uk"
    db_session.commit()
    return user


def test_sign_in_page_follows_the_browser(client):
    page = client.get("/auth/login", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert "Вхід до панелі редакції" in page and "Не виходити з облікового запису" in page
    english = client.get("/auth/login", headers={"Accept-Language": "de-DE,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in to the desk" in english
    assert "Sign in to the desk" in client.get("/auth/login").get_data(as_text=True)  # no header: English


def test_form_errors_in_the_browsers_language(client):
    """WTForms' own messages (through Flask-WTF) and readerdesk's follow the same choice."""
    page = client.post("/auth/login", data={"email": "", "password": ""},
                       headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert page.count("Це поле є обов&#39;язковим.") == 2
    page = client.post("/auth/login", data={"email": "nobody@example.com", "password": "wrong password"},
                       headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "Неправильний email або пароль." in page


@pytest.mark.app_config(DESK_TIMEZONE="Europe/Kyiv")
def test_queue_in_the_editors_language_with_dates_in_the_desk_time_zone(client, db_session, ukrainian_editor):
    article = make_article(db_session)
    make_correction(db_session, article, created_at=datetime(2026, 12, 1, 22, 30, tzinfo=UTC))
    db_session.commit()
    sign_in(client, ukrainian_editor)
    # The browser asks for English: the editor's own choice wins.
    page = client.get("/desk/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert "<h1>Виправлення</h1>" in page
    assert ">Нове" in page and ">На розгляді" in page  # the tabs, capitalised in Ukrainian
    assert "2 груд. 2026\u202fр., 00:30" in page  # 22:30 UTC is past midnight in Kyiv (CLDR: a narrow space)
    assert "Sign out" not in page and "Received" not in page


@pytest.mark.parametrize(("count", "message"), [
    (1, "Прийнято 1 звернення."), (2, "Прийнято 2 звернення."), (5, "Прийнято 5 звернень."),
    (11, "Прийнято 11 звернень."), (21, "Прийнято 21 звернення."),
])
def test_bulk_decision_counts_in_ukrainian_plurals(client, db_session, ukrainian_editor, count, message):
    article = make_article(db_session)
    reports = [make_correction(db_session, article, exact=None) for _ in range(count)]
    db_session.commit()
    sign_in(client, ukrainian_editor)
    client.get("/desk/")
    response = client.post("/desk/bulk", data={
        "action": "accept", "item": [f"{c.id}:{c.version}" for c in reports],
        "csrf_token": _csrf(client)}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    db_session.expire_all()
    assert {c.status for c in reports} == {Status.ACCEPTED}


def test_the_skip_link_speaks_the_pages_language(client):
    english = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    ukrainian = client.get("/auth/login", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert '<a class="skip-link" href="#main">Skip to content</a>' in english
    assert '<a class="skip-link" href="#main">Перейти до вмісту</a>' in ukrainian


def test_a_staff_member_chooses_the_desk_language(client, db_session):
    user = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, user)
    response = client.post("/desk/account/language", data={"language": "uk", "csrf_token": _csrf(client)},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Панель редакції тепер вашою мовою." in page and "Мова панелі редакції" in page
    assert user.language == "uk"

    refused = client.post("/desk/account/language", data={"language": "de", "csrf_token": _csrf(client)})
    assert refused.status_code == 400
    assert user.language == "uk"

    client.post("/desk/account/language", data={"language": "", "csrf_token": _csrf(client)})
    assert user.language is None
    assert "Your account" in client.get("/desk/account/").get_data(as_text=True)



@pytest.mark.parametrize("language, minor, currency, written", [
    ("uk", 123450, "UAH", "1\u00a0234,50\u00a0₴"), ("en", 123450, "EUR", "€1,234.50"),
    ("uk", 300, "JPY", "300\u00a0¥"),  # no minor unit
    ("uk", 1250, "BHD", "1,250\u00a0BHD"),  # three decimals, as Stripe counts them
    ("en", 5, "EUR", "€0.05"),
])
def test_money_in_the_pages_language_with_the_currencys_decimals(app, language, minor, currency, written):
    with app.test_request_context(), force_locale(language):
        assert money(minor, currency) == written


def test_the_day_and_money_filters_write_what_a_services_sentences_write(app):
    """A page and an email (a service's sentence through TRANSLATOR) write a day and an amount alike:
    the day counted in the desk's time zone, the money in the page's language."""
    app.config["DESK_TIMEZONE"] = "Europe/Kyiv"
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # already 2 December in Kyiv
    page = "{{ late | day }} | {{ none | day }} | {{ 123450 | money('UAH') }}"
    with app.test_request_context(), force_locale("uk"):
        day, amount = "2 грудня 2026\u202fр.", "1\u00a0234,50\u00a0₴"
        assert render_template_string(page, late=late, none=None) == f"{day} |  | {amount}"
        assert (TRANSLATOR.day(late), TRANSLATOR.money(123450, "UAH")) == (day, amount)


@pytest.mark.parametrize("count, words", [(1, "1 звернення"), (2, "2 звернення"), (5, "5 звернень"),
                                          (21, "21 звернення"), (12, "12 звернень")])
def test_counted_records_take_the_three_ukrainian_plural_forms(app, count, words):
    with app.test_request_context(), force_locale("uk"):
        assert counted_records({"reports": count, "payments": 0}) == words
        assert counted_records({"reports": 1, "payments": 2}) == "1 звернення, 2 платежі"


def test_a_services_error_is_explained_in_the_desks_language_values_and_all(app):
    error = SupportSettingsError(N_("%(field)s: %(why)s"), field=Phrase(N_("Smallest custom amount")),
                                 why=AmountError(N_("The smallest amount we can accept is %(amount)s."),
                                                 amount=Amount(2500, "UAH")))
    assert str(error) == "Smallest custom amount: The smallest amount we can accept is 25.00 UAH."  # the CLI's
    with app.test_request_context(), force_locale("uk"):
        assert explain(error) == "Найменша довільна сума: Найменша сума, яку ми можемо прийняти, — 25,00\u00a0₴."
        assert explain(ValueError("plain")) == "plain"
        assert phrase("<b>under_review</b>") == "<b>under_review</b>"  # plain text: the template escapes it

def _csrf(client) -> str:
    page = client.get("/desk/account/").get_data(as_text=True)
    return page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
