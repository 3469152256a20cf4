import csv
import io
from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.models import Kind, Role
from readerdesk.services.desk.author_desks import set_desk
from readerdesk.services.publishing import publish as publishing
from tests.factories import make_article, make_correction, make_site, make_user
from tests.helpers import sign_in


def test_the_stats_page_shows_time_to_correct_by_author_and_section_with_a_csv(client, db_session):
    editor = make_user(db_session, role=Role.ADMIN)
    set_desk(db_session, "Olena <Koval>", "Investigations")
    article = make_article(db_session, authors=["Olena <Koval>"], section="Politics")
    for hours in (2, 6):
        report = make_correction(db_session, article, created_at=utcnow() - timedelta(days=1))
        publishing.publish(db_session, report, note_type="update", body="Fixed.", actor=editor,
                           now=report.created_at + timedelta(hours=hours), expected_version=1)
    db_session.commit()
    assert client.get("/desk/stats/time-to-correct.csv").status_code in (302, 401, 403)
    sign_in(client, editor)
    page = client.get("/desk/stats").text
    assert "Median 4 hr 0 min, 90th percentile 6 hr 0 min (2 notes)" in page
    assert "<td>Olena &lt;Koval&gt;</td><td>2</td><td>4 hr 0 min</td><td>6 hr 0 min</td>" in page
    assert "<td>Politics</td><td>2</td>" in page and "<svg" in page
    assert "<td>Investigations</td><td>2</td><td>4 hr 0 min</td>" in page
    response = client.get("/desk/stats/time-to-correct.csv?days=90")
    assert response.mimetype == "text/csv" and "time-to-correct-90-days.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert ["author", "Olena <Koval>", "2", "4.00", "6.00"] in rows
    assert ["desk", "Investigations", "2", "4.00", "6.00"] in rows


def test_the_queue_flags_reports_past_the_sites_target(client, db_session):
    site = make_site(db_session)
    site.target_decision_hours = 24
    article = make_article(db_session, site)
    late = make_correction(db_session, article, created_at=utcnow() - timedelta(hours=30), kind=Kind.FACTUAL)
    fresh = make_correction(db_session, article, created_at=utcnow() - timedelta(hours=2))
    editor = make_user(db_session)
    db_session.commit()
    sign_in(client, editor)
    page = client.get("/desk/").text
    assert page.count('class="badge past-target"') == 1
    row = page[page.index(f'value="{late.id}:'):]
    assert "past the 24 h target for a first decision" in row[:row.index("</tr>")]
    assert fresh.id != late.id


def _newsroom(db_session):
    """Olena Koval: two articles this month, one corrected (reported 3 days ago, published an hour later);
    Bo Chen: one article, an open report waiting 50 hours."""
    editor = make_user(db_session)
    site = make_site(db_session)
    month = utcnow() - timedelta(days=5)
    olena = [make_article(db_session, site, authors=["Olena Koval"], published_at=month, title=f"Olena {i}")
             for i in range(2)]
    bo = make_article(db_session, site, authors=["Bo Chen"], published_at=month, title="Bo's story")
    report = make_correction(db_session, olena[0], created_at=utcnow() - timedelta(days=3))
    publishing.publish(db_session, report, note_type="correction", body="Fixed.", actor=editor,
                       now=report.created_at + timedelta(hours=1), expected_version=1, was_wrong="12", is_right="11")
    waiting = make_correction(db_session, bo, created_at=utcnow() - timedelta(hours=50))
    set_desk(db_session, "Olena Koval", "Politics")
    return editor, waiting


def test_admins_see_every_authors_rate_and_the_oldest_open_reports(client, db_session):
    _, waiting = _newsroom(db_session)
    admin = make_user(db_session, role=Role.ADMIN)
    db_session.commit()
    sign_in(client, admin)
    page = client.get("/desk/stats").text
    assert "<td>Olena Koval</td><td>2</td><td>1</td><td>50.0</td>" in page
    assert "<td>Bo Chen</td><td>1</td><td>0</td><td>0.0</td>" in page
    assert "<td>Politics</td><td>2</td><td>1</td><td>50.0</td>" in page
    assert "Corrections per 100 articles, by author" in page and "Corrections per 100 articles, by desk" in page
    assert "33.3 per 100 articles (1 correction, 3 articles)" in page
    assert "50%" in page and "1 published of 2 reports" in page
    oldest = page[page.index('class="oldest-open"'):]
    assert f'href="/desk/corrections/{waiting.id}">#{waiting.id}</a>' in oldest and "Bo&#39;s story" in oldest
    assert "2 days 2 hr" in oldest
    rows = list(csv.reader(io.StringIO(client.get("/desk/stats/corrections.csv").text)))
    assert ["author", "Olena Koval", "2", "1", "50.00"] in rows and ["desk", "Politics", "2", "1", "50.00"] in rows


def test_editors_see_the_desks_figures_but_no_authors(client, db_session):
    editor, _ = _newsroom(db_session)
    db_session.commit()
    sign_in(client, editor)
    page = client.get("/desk/stats").text
    assert "<td>Politics</td><td>2</td><td>1</td><td>50.0</td>" in page
    assert "Olena Koval" not in page and "Bo Chen" not in page
    assert "Olena Koval" not in client.get("/desk/stats/corrections.csv").text
    assert "Olena Koval" not in client.get("/desk/stats/time-to-correct.csv").text


def test_an_author_sees_only_their_own_figures_and_no_queue(client, db_session):
    _, waiting = _newsroom(db_session)
    author = make_user(db_session, role=Role.AUTHOR, byline="Bo Chen")
    db_session.commit()
    response = sign_in(client, author)
    assert response.headers["Location"] == "/desk/stats"
    page = client.get("/desk/stats").text
    assert "Your statistics" in page and "<td>Bo Chen</td><td>1</td><td>0</td><td>0.0</td>" in page
    assert "Olena" not in page and "Politics" not in page and "Reports per day" not in page
    oldest = page[page.index('class="oldest-open"'):]
    assert f"#{waiting.id}" in oldest and "/desk/corrections/" not in oldest  # the article, not the queue
    assert 'href="/desk/"' not in page  # no link to the queue in the menu
    rows = list(csv.reader(io.StringIO(client.get("/desk/stats/corrections.csv").text)))
    assert [r[1] for r in rows[1:] if r and r[0] == "author"] == ["Bo Chen"]
    assert client.get("/desk/").status_code == 403
    assert client.get(f"/desk/corrections/{waiting.id}").status_code == 403
    assert client.get("/desk/account/").status_code == 200
