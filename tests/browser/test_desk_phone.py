"""A Ukrainian editor triages a report on a phone (390 × 844, touch): the desk is in Ukrainian, no page
scrolls sideways, and the controls are big enough for a thumb."""

from datetime import timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import Interval, Patron, PatronStatus, Role, Status
from tests.factories import PASSWORD, make_article, make_correction, make_site, make_user, paragraphs
from tests.helpers import next_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "locale": "uk-UA"}
THUMB = 44  # CSS px: WCAG 2.5.5's target size, more than 2.5.8's minimum of 24


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def widths(page) -> tuple[int, int]:
    return page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")


def wider_than_the_screen(page, width: int) -> list[str]:
    """The elements reaching past the right edge (outside any box that scrolls on its own)."""
    return page.evaluate("""width => [...document.querySelectorAll('body *')].filter(e => {
        for (let p = e.parentElement; p; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
        }
        return e.getBoundingClientRect().right > width + 0.5;
    }).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`)""", width)


def too_small(page, selector: str) -> list[str]:
    """The visible controls matching ``selector`` smaller than a thumb, as "text: w×h"."""
    return page.locator(selector).evaluate_all(f"""els => els.filter(e => e.offsetParent !== null).map(e => {{
        const r = e.getBoundingClientRect();
        return r.height < {THUMB} || r.width < {THUMB} ? `${{e.textContent.trim()}}: ${{r.width}}×${{r.height}}` : null;
    }}).filter(Boolean)""")


def test_a_ukrainian_editor_triages_a_report_on_a_phone(app, db_session, live_server, phone):
    page = phone
    editor = make_user(db_session, "redaktorka.z.dovgoyu.adresoyu@example.com")
    editor.language = "uk"
    article = make_article(db_session, title="Дуже довгий заголовок статті, який на вузькому екрані має переноситися",
                           html=paragraphs("Київ отримав 1234 нові автобуси минулого тижня."))
    report = make_correction(db_session, article, exact="1234 нові автобуси",
                             comment="Насправді їх було 123, див. рішення міськради" * 3)
    db_session.commit()

    page.goto(f"{live_server}/desk/")
    assert page.locator("h1").inner_text() == "Вхід до панелі редакції"  # the phone's language, before sign-in
    assert widths(page)[1] <= widths(page)[0] == 390
    page.fill("#email", editor.email)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{live_server}/desk/")

    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text() == "Виправлення"
    assert page.locator(".tab.current").inner_text().startswith("Нове")
    inner, scroll = widths(page)
    assert inner == 390 and scroll <= inner, wider_than_the_screen(page, 390)  # innerWidth grows with what overflows
    row = page.locator("tr.queue-row")
    assert row.locator("td.state").inner_text() == "нове"
    assert row.bounding_box()["width"] <= 390  # a card, not a table row wider than the screen
    assert too_small(page, "#queue .open-link, .bulk-actions button, .filters button") == []

    with page.expect_navigation():
        row.locator(".open-link").tap()
    assert page.locator("h1").inner_text().startswith(f"Звернення №{report.id}")
    inner, scroll = widths(page)
    assert inner == 390 and scroll <= inner
    buttons = page.locator("#decision-form .buttons button")
    assert buttons.all_inner_texts() == ["Взяти собі", "Прийняти", "Відхилити", "Спам"]
    assert too_small(page, "#decision-form .buttons button") == []
    # The decision buttons stay within a thumb's reach: in the lower part of the screen.
    assert buttons.first.bounding_box()["y"] > 844 / 2

    with page.expect_navigation():
        page.get_by_role("button", name="Прийняти").tap()
    assert page.locator(".flash").first.inner_text() == f"Прийнято звернення №{report.id}."
    assert page.locator("h1 .state").inner_text() == "прийнято"
    inner, scroll = widths(page)
    assert inner == 390 and scroll <= inner
    db_session.expire_all()
    assert db_session.get(type(report), report.id).status == Status.ACCEPTED

    # The smallest phones the desk is laid out for.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/desk/?tab=all", f"/desk/corrections/{report.id}", "/desk/account/", "/desk/stats"):
        page.goto(f"{live_server}{path}")
        inner, scroll = widths(page)
        assert inner == 360 and scroll <= inner, (path, wider_than_the_screen(page, 360))
        assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text() == "Статистика"
    assert page.locator("svg.chart:visible").first.bounding_box()["width"] <= 360  # the charts scale down


# Scrolls the page so that the i-th control (outside the sticky decision buttons) sits just under them,
# and gives focus, without scrolling, to the one before it: the next Tab lands on a control the
# buttons cover, unless the page scrolls it clear. Returns how many controls there are.
UNDER_THE_BUTTONS = """(i) => {
  const bar = document.querySelector('.decide .buttons');
  const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
    .filter((e) => e.offsetParent !== null && !bar.contains(e));
  const b = bar.getBoundingClientRect();
  window.scrollBy(0, controls[i].getBoundingClientRect().top - (b.top + 4));
  controls[i - 1].focus({ preventScroll: true });
  return controls.length;
}"""
# The focused control when the sticky decision buttons hide it entirely, else null.
HIDDEN_BY_THE_BUTTONS = """() => {
  const a = document.activeElement, bar = document.querySelector('.decide .buttons');
  if (!a || a === document.body || bar.contains(a)) return null;
  const r = a.getBoundingClientRect(), b = bar.getBoundingClientRect();
  return r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5 ? a.outerHTML.slice(0, 100) : null;
}"""


def test_keyboard_focus_is_never_hidden_behind_the_decision_buttons(db_session, live_server, phone):
    """WCAG 2.4.11: on a phone, a control that gets keyboard focus scrolls clear of the decision
    buttons kept at the bottom of the screen, wherever the page was scrolled."""
    page = phone
    editor = make_user(db_session, "ed@example.com")
    article = make_article(db_session, html=paragraphs("The bridge cost twelve million euros."))
    report = make_correction(db_session, article, exact="twelve million", comment="It was eleven. " * 40)
    db_session.commit()
    page.goto(f"{live_server}/desk/corrections/{report.id}")
    page.fill("#email", editor.email)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{live_server}/desk/corrections/{report.id}")
    hidden, i, count = [], 1, 2
    while i < count:
        count = page.evaluate(UNDER_THE_BUTTONS, i)
        page.keyboard.press("Tab")
        hidden.append(page.evaluate(HIDDEN_BY_THE_BUTTONS))
        i += 1
    assert count > 10 and [h for h in hidden if h] == []


# Each chart shown (of its wide and narrow drawings, the one the stylesheet shows): its layout, its width
# against its container's, its labels that reach outside its box, and the size its axis labels are drawn
# at on the screen (their font size, scaled as the chart is from its viewBox) in CSS px.
CHARTS = """() => [...document.querySelectorAll('svg.chart')].filter(svg => svg.getClientRects().length).map(svg => {
  const box = svg.getBoundingClientRect(), container = svg.parentElement.getBoundingClientRect();
  const outside = [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5;
  }).map(t => t.textContent);
  const label = svg.querySelector('text[font-size="11"]');
  const scale = box.width / svg.viewBox.baseVal.width;
  return {layout: svg.classList[1], width: box.width, container: container.width, height: box.height, outside,
          label: parseFloat(getComputedStyle(label).fontSize) * scale, glyphs: label.getBoundingClientRect().height};
})"""
LEGIBLE = 11  # CSS px: the smallest a chart's labels are drawn, on a phone as on a desktop


def test_the_charts_scale_to_a_phone_screen_with_every_label_inside(db_session, live_server, phone):
    """Stats and patrons, with data, at 390 and 360 px: each chart as wide as its container at most,
    its labels legible (at least 11 px: the narrow drawing), none cut off, no sideways scroll. On a
    desktop the wide drawing, as large as before."""
    page = phone
    admin = make_user(db_session, "boss@example.com", Role.ADMIN)
    article = make_article(db_session, html=paragraphs("Київ отримав 1234 нові автобуси минулого тижня."))
    now = utcnow()
    for day in range(0, 30, 2):
        make_correction(db_session, article, exact="1234 нові автобуси", created_at=now - timedelta(days=day, hours=1),
                        status=Status.ACCEPTED if day % 4 else Status.NEW)
    site = make_site(db_session, name="kyiv-daily")
    for i in range(40):
        db_session.add(Patron(site_id=site.id, email=f"p{i}@example.com", name="", currency="UAH",
                              interval=Interval.MONTH, amount=1_250_000 + i * 10_000, status=PatronStatus.ACTIVE,
                              tier="coffee", supporter_since=now - timedelta(days=30 * (i % 12) + 5)))
    db_session.commit()

    page.goto(f"{live_server}/desk/stats?days=30")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url("**/auth/two-factor")
    page.fill("#code", next_totp_code(admin))
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{live_server}/desk/stats?days=30")

    for width in (390, 360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for path, count in (("/desk/stats?days=30", 2), ("/desk/patrons", 1)):
            page.goto(f"{live_server}{path}")
            inner, scroll = widths(page)
            assert inner == width and scroll <= inner, (path, wider_than_the_screen(page, width))
            charts = page.evaluate(CHARTS)
            assert len(charts) >= count, path
            for chart in charts:
                assert chart["width"] <= chart["container"] + 0.5 and chart["width"] <= width, (path, chart)
                assert chart["height"] > chart["width"] / 3, (path, chart)  # the proportions kept, not squashed
                assert chart["outside"] == [], (path, width, chart["outside"])
                assert chart["label"] >= LEGIBLE and chart["glyphs"] >= LEGIBLE, (path, width, chart)
                assert chart["layout"] == ("chart-wide" if width > 640 else "chart-narrow"), (path, width, chart)
