"""Time to correct on a fixed set of reports and a moved clock, against values computed by hand."""

from datetime import UTC, datetime, timedelta

from readerdesk.models import Kind, Status
from readerdesk.services.desk import moderation
from readerdesk.services.desk.author_desks import set_desk
from readerdesk.services.desk.time_to_correct import as_csv, past_target, percentile_90, time_to_correct
from readerdesk.services.publishing import publish as publishing
from tests.factories import make_article, make_correction, make_site, make_user

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
H = timedelta(hours=1)


def corrected(db_session, article, editor, *, hours: float, days_ago: float = 1, note_type="update"):
    """A report made ``days_ago`` before NOW whose note was published ``hours`` later."""
    reported = NOW - timedelta(days=days_ago)
    report = make_correction(db_session, article, created_at=reported)
    publishing.publish(db_session, report, note_type=note_type, body="Fixed.", actor=editor,
                       now=reported + hours * H, expected_version=1)
    return report


def test_median_and_p90_by_author_and_section_match_the_hand_computed_values(db_session):
    site, editor = make_site(db_session), make_user(db_session)
    politics = make_article(db_session, site, authors=["Olena Koval"], section="Politics")
    shared = make_article(db_session, site, authors=["Olena Koval", "Bo Chen"], section="Politics")
    culture = make_article(db_session, site, authors=["Bo Chen"], section="Culture")
    anonymous = make_article(db_session, site)
    for hours in (2, 4, 10):
        corrected(db_session, politics, editor, hours=hours)
    corrected(db_session, shared, editor, hours=30)
    for hours in (1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21):
        corrected(db_session, culture, editor, hours=hours)
    corrected(db_session, anonymous, editor, hours=6)
    corrected(db_session, culture, editor, hours=500, days_ago=60)  # published before the period
    waiting = make_correction(db_session, culture, created_at=NOW - 3 * H)  # no note: not counted
    db_session.flush()

    figures = time_to_correct(db_session, since=NOW - timedelta(days=30))
    by_author = {f.name: f for f in figures.by_author}
    by_section = {f.name: f for f in figures.by_section}
    # Olena Koval: 2, 4, 10, 30 h → median (4 + 10) / 2 = 7 h; p90 = ⌈3.6⌉ = 4th value = 30 h.
    assert (by_author["Olena Koval"].corrections, by_author["Olena Koval"].median, by_author["Olena Koval"].p90) == (
        4, 7 * H, 30 * H)
    # Bo Chen: 1, 3, ..., 21 and 30 (12 values) → median (11 + 13) / 2 = 12 h; p90 = ⌈10.8⌉ = 11th = 21 h.
    assert (by_author["Bo Chen"].corrections, by_author["Bo Chen"].median, by_author["Bo Chen"].p90) == (
        12, 12 * H, 21 * H)
    assert (by_author["—"].corrections, by_author["—"].median) == (1, 6 * H)
    # Culture: 1..21 odd (11 values) → median 11 h; p90 = ⌈9.9⌉ = 10th = 19 h. Politics: 2, 4, 10, 30.
    assert (by_section["Culture"].median, by_section["Culture"].p90) == (11 * H, 19 * H)
    assert (by_section["Politics"].median, by_section["Politics"].p90) == (7 * H, 30 * H)
    # All 16: sorted 1,2,3,4,5,6,7,9,10,11,13,15,17,19,21,30 → median (9 + 10) / 2 = 9.5 h; p90 = 15th = 21 h.
    assert (figures.overall.corrections, figures.overall.median, figures.overall.p90) == (16, 9.5 * H, 21 * H)
    assert waiting.status == Status.NEW
    assert time_to_correct(db_session, since=NOW - timedelta(days=90)).overall.corrections == 17

    lines = as_csv(figures).splitlines()
    assert lines[0] == "group,name,corrections,median_hours,p90_hours"
    assert "all,All,16,9.50,21.00" in lines and "author,Olena Koval,4,7.00,30.00" in lines
    assert "section,Culture,11,11.00,19.00" in lines


def test_percentile_90_is_the_nearest_rank():
    assert percentile_90([H * i for i in range(1, 11)]) == 9 * H
    assert percentile_90([5 * H]) == 5 * H and percentile_90([]) is None


def test_a_csv_name_that_looks_like_a_formula_is_quoted(db_session):
    site, editor = make_site(db_session), make_user(db_session)
    article = make_article(db_session, site, authors=["=HYPERLINK(1)"])
    corrected(db_session, article, editor, hours=2)
    assert "author,'=HYPERLINK(1),1,2.00,2.00" in as_csv(time_to_correct(db_session, since=NOW - 30 * 24 * H))


def test_reports_past_the_sites_targets_are_flagged_as_the_clock_moves(db_session):
    site = make_site(db_session)
    site.target_decision_hours, site.target_correction_hours = 24, 48
    article = make_article(db_session, site)
    report = make_correction(db_session, article, created_at=NOW, kind=Kind.FACTUAL)
    assert past_target(report, site, NOW + 23 * H) is None
    assert past_target(report, site, NOW + 25 * H) == "past the 24 h target for a first decision"
    moderation.accept(db_session, report, actor=make_user(db_session), now=NOW + 25 * H, expected_version=1)
    assert past_target(report, site, NOW + 47 * H) is None
    assert past_target(report, site, NOW + 49 * H) == "past the 48 h target for a published correction"
    typo = make_correction(db_session, article, created_at=NOW, kind=Kind.TYPO, status=Status.ACCEPTED)
    typo.first_decision_at = NOW + H
    assert past_target(typo, site, NOW + 100 * H) is None  # the correction target is for factual errors
    site.target_decision_hours = site.target_correction_hours = None
    assert past_target(report, site, NOW + 1000 * H) is None


def test_figures_by_desk_count_a_report_once_per_desk_of_its_authors(db_session):
    site, editor = make_site(db_session), make_user(db_session)
    set_desk(db_session, "Olena Koval", "Politics")
    set_desk(db_session, "Ivan Petrenko", "Politics")
    set_desk(db_session, "Bo Chen", "Culture")
    politics = make_article(db_session, site, authors=["Olena Koval"])
    both_politics = make_article(db_session, site, authors=["Olena Koval", "Ivan Petrenko"])
    mixed = make_article(db_session, site, authors=["Ivan Petrenko", "Bo Chen"])
    unmapped = make_article(db_session, site, authors=["Freelancer"])
    for hours in (2, 4):
        corrected(db_session, politics, editor, hours=hours)
    corrected(db_session, both_politics, editor, hours=10)  # two Politics authors: counted once
    corrected(db_session, mixed, editor, hours=20)  # Politics and Culture: once each
    corrected(db_session, unmapped, editor, hours=7)
    db_session.flush()

    figures = time_to_correct(db_session, since=NOW - timedelta(days=30))
    by_desk = {f.name: (f.corrections, f.median, f.p90) for f in figures.by_desk}
    # Politics: 2, 4, 10, 20 h → median (4 + 10) / 2 = 7 h; p90 = ⌈3.6⌉ = 4th value = 20 h.
    # Culture: 20 h alone. "—" (no desk): 7 h alone.
    assert by_desk == {"Politics": (4, 7 * H, 20 * H), "Culture": (1, 20 * H, 20 * H), "—": (1, 7 * H, 7 * H)}
    assert [f.name for f in figures.by_desk] == ["Politics", "Culture", "—"]
    lines = as_csv(figures).splitlines()
    assert "desk,Politics,4,7.00,20.00" in lines and "desk,Culture,1,20.00,20.00" in lines
