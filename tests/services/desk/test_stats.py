from datetime import UTC, datetime, timedelta

from readerdesk.models import Status
from readerdesk.services.desk.stats import desk_stats, median_time_to_first_decision
from readerdesk.text.charts import bar_chart, line_chart, nice_ceiling
from tests.factories import make_article, make_correction

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


def report(db_session, article, *, days_ago: float, decided_after: timedelta | None = None, status=Status.NEW):
    created = NOW - timedelta(days=days_ago)
    correction = make_correction(db_session, article, created_at=created, status=status)
    if decided_after is not None:
        correction.first_decision_at = created + decided_after
    return correction


def test_reports_per_day_median_decision_time_acceptance_and_top_articles(db_session):
    busy = make_article(db_session, title="Busy story")
    quiet = make_article(db_session, title="Quiet story")
    report(db_session, busy, days_ago=0, decided_after=timedelta(hours=1), status=Status.ACCEPTED)
    report(db_session, busy, days_ago=0, decided_after=timedelta(hours=3), status=Status.PUBLISHED)
    report(db_session, busy, days_ago=2, decided_after=timedelta(hours=5), status=Status.REJECTED)
    report(db_session, busy, days_ago=2, decided_after=timedelta(hours=9), status=Status.SPAM)
    report(db_session, quiet, days_ago=2)
    report(db_session, quiet, days_ago=45, decided_after=timedelta(hours=100), status=Status.ACCEPTED)
    db_session.flush()

    stats = desk_stats(db_session, now=NOW, days=30)
    assert len(stats.per_day) == 30 and stats.per_day[-1] == (NOW.date(), 2)
    assert dict(stats.per_day)[NOW.date() - timedelta(days=2)] == 3
    assert stats.total == 5
    assert stats.median_first_decision == timedelta(hours=4)  # of 1, 3, 5, 9 hours
    assert (stats.accepted, stats.decided, stats.acceptance_rate) == (2, 4, 0.5)
    assert [(a.title, a.reports) for a in stats.top_articles] == [("Busy story", 4), ("Quiet story", 1)]
    assert sum(n for _, n in stats.decisions_per_day) == 4

    longer = desk_stats(db_session, now=NOW, days=90)
    assert longer.total == 6 and longer.median_first_decision == timedelta(hours=5)  # of 1, 3, 5, 9, 100


def test_no_decisions_means_no_median(db_session):
    assert median_time_to_first_decision(db_session, NOW - timedelta(days=30)) is None
    assert desk_stats(db_session, now=NOW).acceptance_rate is None


def test_charts_are_svg_with_axes_labels_and_escaped_text():
    svg = str(bar_chart([("<Mon>", 3), ("Tue & Wed", 7)], title="Reports <per> day"))
    assert svg.startswith('<div class="chart-layouts"><svg') and svg.endswith("</svg></div>")  # wide and narrow
    assert "&lt;Mon&gt;" in svg and "Tue &amp; Wed" in svg and "Reports &lt;per&gt; day" in svg
    assert "<Mon>" not in svg
    assert svg.count("<rect") == 2 * 2 and ">10<" in svg  # y axis up to the next round number
    line = str(line_chart([("a", 1), ("b", None), ("c", 2), ("d", 4)], title="Line"))
    assert line.count("<circle") == 3 * 2 and line.count("<polyline") == 1 * 2  # the gap breaks the line
    assert nice_ceiling(0) == 1 and nice_ceiling(7) == 10 and nice_ceiling(23) == 50


def test_rejections_are_counted_by_reason_code(db_session):
    from readerdesk.models.moderation import RejectionCode
    from readerdesk.services.desk import moderation
    from tests.factories import make_user

    editor, article = make_user(db_session), make_article(db_session)
    codes = ["opinion", "opinion", "duplicate", None]
    for code in codes:
        correction = make_correction(db_session, article, created_at=NOW - timedelta(days=1))
        moderation.reject(db_session, correction, actor=editor, now=NOW - timedelta(hours=2), expected_version=1,
                          code=code)
    old = make_correction(db_session, article, created_at=NOW - timedelta(days=60))
    moderation.reject(db_session, old, actor=editor, now=NOW - timedelta(days=59), expected_version=1,
                      code="out_of_scope")
    stats = desk_stats(db_session, now=NOW, days=30)
    assert stats.rejections_by_code == {RejectionCode.OPINION: 2, RejectionCode.DUPLICATE: 1, None: 1}
    assert desk_stats(db_session, now=NOW, days=90).rejections_by_code[RejectionCode.OUT_OF_SCOPE] == 1
