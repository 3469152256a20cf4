import csv
import io
from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.models import Kind
from readerdesk.services.desk.author_desks import set_desk
from readerdesk.services.publishing import publish as publishing
from tests.factories import make_article, make_correction, make_site, make_user
from tests.helpers import sign_in


def test_the_stats_page_shows_time_to_correct_by_author_and_section_with_a_csv(client, db_session):
    editor = make_user(db_session)
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
