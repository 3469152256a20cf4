"""Corrections per 100 articles, the share of reports corrected and the oldest open reports, on a fixed
set of articles and reports with a moved clock, against values computed by hand."""

import csv
import io
from datetime import UTC, datetime, timedelta

from readerdesk.models import Status
from readerdesk.services.desk import moderation
from readerdesk.services.desk.author_desks import set_desk
from readerdesk.services.desk.correction_rates import (
    correction_rates,
    oldest_open_reports,
    rates_csv,
    report_outcomes,
)
from readerdesk.services.publishing import publish as publishing
from tests.factories import make_article, make_correction, make_site, make_user

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=30)
H = timedelta(hours=1)
DAY = timedelta(days=1)


def published(db_session, article, editor, note_type, *, days_ago=2):
    report = make_correction(db_session, article, created_at=NOW - days_ago * DAY)
    publishing.publish(db_session, report, note_type=note_type, body="Fixed.", actor=editor,
                       now=NOW - days_ago * DAY + H, expected_version=1,
                       **({"was_wrong": "twelve", "is_right": "eleven"} if note_type in ("correction", "clarification")
                          else {}))
    return report


def newsroom(db_session):
    """Olena: 4 articles this month (one shared with Bo), 3 corrections and a retraction on them, a
    clarification (not an error); Bo: 2 articles (the shared one and his own) with one correction; an
    unsigned article; an old article of Olena's with a correction (before the period)."""
    site, editor = make_site(db_session), make_user(db_session)
    month = NOW - 10 * DAY
    olena = [make_article(db_session, site, authors=["Olena Koval"], published_at=month) for _ in range(3)]
    shared = make_article(db_session, site, authors=["Olena Koval", "Bo Chen"], published_at=month)
    bo = make_article(db_session, site, authors=["Bo Chen"], published_at=month)
    unsigned = make_article(db_session, site, published_at=month)
    old = make_article(db_session, site, authors=["Olena Koval"], published_at=NOW - 60 * DAY)
    published(db_session, olena[0], editor, "correction")
    published(db_session, olena[0], editor, "correction")
    published(db_session, olena[1], editor, "retraction")
    published(db_session, olena[2], editor, "clarification")
    published(db_session, shared, editor, "correction")
    published(db_session, old, editor, "correction")
    set_desk(db_session, "Olena Koval", "Politics")
    db_session.flush()
    return site, editor, {"olena": olena, "shared": shared, "bo": bo, "unsigned": unsigned, "old": old}


def test_corrections_per_100_articles_by_author_and_desk_match_the_hand_computed_values(db_session):
    newsroom(db_session)
    rates = correction_rates(db_session, since=SINCE)
    by_author = {r.name: r for r in rates.by_author}
    by_desk = {r.name: r for r in rates.by_desk}
    # Olena: 4 articles (3 own + shared), 2 + 1 + 1 (shared) errors = 4 → 100 per 100.
    assert (by_author["Olena Koval"].articles, by_author["Olena Koval"].corrections) == (4, 4)
    assert by_author["Olena Koval"].per_100 == 100.0
    # Bo: shared (1) + own (0) = 1 of 2 → 50 per 100. The unsigned article is "—" with none.
    bo = by_author["Bo Chen"]
    assert (bo.articles, bo.corrections, bo.per_100) == (2, 1, 50.0)
    assert (by_author["—"].articles, by_author["—"].per_100) == (1, 0.0)
    # Politics: Olena's 4 articles; "—": Bo's own and the unsigned one (the shared one is on both desks).
    assert (by_desk["Politics"].articles, by_desk["Politics"].corrections) == (4, 4)
    assert (by_desk["—"].articles, by_desk["—"].corrections) == (3, 1)
    # Overall: 6 articles this month, 4 errors → 66.67 per 100; worst first.
    assert (rates.overall.articles, rates.overall.corrections) == (6, 4)
    assert round(rates.overall.per_100, 2) == 66.67
    assert [r.name for r in rates.by_author] == ["Olena Koval", "Bo Chen", "—"]


def test_an_authors_own_rates_are_only_their_articles(db_session):
    newsroom(db_session)
    rates = correction_rates(db_session, since=SINCE, author="Bo Chen")
    assert [(r.name, r.articles, r.corrections) for r in rates.by_author] == [("Bo Chen", 2, 1)]
    assert (rates.overall.articles, rates.overall.corrections) == (2, 1)
    assert [(r.name, r.articles) for r in rates.by_desk] == [("—", 2)]
    assert correction_rates(db_session, since=SINCE, author="Nobody").overall.per_100 == 0.0


def test_the_share_of_reports_that_led_to_a_correction(db_session):
    site, editor, articles = newsroom(db_session)
    # This month: 5 published above (the 60-day-old article's report was 2 days ago too: 6), plus
    # 2 open, 1 rejected and 1 spam (not counted) → 6 of 9.
    make_correction(db_session, articles["bo"], created_at=NOW - 3 * DAY)
    make_correction(db_session, articles["unsigned"], created_at=NOW - 4 * DAY)
    rejected = make_correction(db_session, articles["bo"], created_at=NOW - 5 * DAY)
    moderation.reject(db_session, rejected, actor=editor, now=NOW - 4 * DAY, expected_version=1)
    spam = make_correction(db_session, articles["bo"], created_at=NOW - 5 * DAY)
    moderation.mark_spam(db_session, spam, actor=editor, now=NOW - 4 * DAY, expected_version=1)
    make_correction(db_session, articles["bo"], created_at=NOW - 40 * DAY)  # before the period
    db_session.flush()
    outcomes = report_outcomes(db_session, since=SINCE)
    assert (outcomes.reports, outcomes.corrected) == (9, 6)
    assert round(outcomes.share, 4) == 0.6667
    # Bo's articles: the shared one's correction (published), 1 open and 1 rejected → 1 of 3.
    bo = report_outcomes(db_session, since=SINCE, author="Bo Chen")
    assert (bo.reports, bo.corrected) == (3, 1)
    assert report_outcomes(db_session, since=NOW).share is None


def test_the_oldest_open_reports_come_first_with_their_age(db_session):
    site, editor, articles = newsroom(db_session)
    a = make_correction(db_session, articles["bo"], created_at=NOW - 50 * H)
    b = make_correction(db_session, articles["olena"][0], created_at=NOW - 70 * H)
    c = make_correction(db_session, articles["unsigned"], created_at=NOW - 2 * H)
    accepted = make_correction(db_session, articles["olena"][1], created_at=NOW - 5 * H)
    moderation.accept(db_session, accepted, actor=editor, now=NOW - 4 * H, expected_version=1)
    done = make_correction(db_session, articles["bo"], created_at=NOW - 90 * H)
    moderation.reject(db_session, done, actor=editor, now=NOW - 80 * H, expected_version=1)
    db_session.flush()
    oldest = oldest_open_reports(db_session, now=NOW)
    assert [(r.correction_id, r.age) for r in oldest] == [(b.id, 70 * H), (a.id, 50 * H), (accepted.id, 5 * H),
                                                          (c.id, 2 * H)]
    assert oldest[2].status == Status.ACCEPTED
    assert [r.correction_id for r in oldest_open_reports(db_session, now=NOW, limit=1)] == [b.id]
    assert [r.correction_id for r in oldest_open_reports(db_session, now=NOW, author="Bo Chen")] == [a.id]


def test_the_csv_has_each_group_and_the_share(db_session):
    newsroom(db_session)
    set_desk(db_session, "Bo Chen", "=cmd")
    rates = correction_rates(db_session, since=SINCE)
    rows = list(csv.reader(io.StringIO(rates_csv(rates, report_outcomes(db_session, since=SINCE)))))
    assert rows[0] == ["group", "name", "articles", "corrections", "corrections_per_100_articles"]
    assert ["all", "All", "6", "4", "66.67"] in rows
    assert ["author", "Olena Koval", "4", "4", "100.00"] in rows
    assert ["desk", "'=cmd", "2", "1", "50.00"] in rows
    assert rows[-1] == ["6", "6", "1.0000"]
