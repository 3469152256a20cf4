"""Desk statistics at /desk/stats, with server-rendered SVG charts and CSV exports.

Who sees what (the issue: "authors see their own figures; only admins see everyone's"):
- admins: every figure, by author, desk and section;
- editors: the desk-wide figures, by desk and by section, but no author's own figures;
- authors: only the figures of the articles under their byline name (``User.byline``), and their
  oldest open reports as links to the articles (the queue stays closed to them).
"""

from __future__ import annotations

from babel.units import format_unit
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date, format_decimal, get_locale, gettext, ngettext
from flask_login import current_user

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.desk.correction_rates import (
    CorrectionRates,
    correction_rates,
    oldest_open_reports,
    rates_csv,
    report_outcomes,
)
from readerdesk.services.desk.stats import PERIODS, desk_stats
from readerdesk.services.desk.time_to_correct import TimeToCorrect, as_csv, time_to_correct
from readerdesk.text.charts import bar_chart, line_chart
from readerdesk.views.access import author_allowed

bp = Blueprint("desk_stats", __name__, url_prefix="/desk")
CHART_GROUPS = 15


def _human(delta) -> str:
    """A duration in the desk's language: "2 h 5 min", "2 год 5 хв", "3 days 4 h"."""
    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        parts = [(hours // 24, "duration-day"), (hours % 24, "duration-hour")]
    elif hours:
        parts = [(hours, "duration-hour"), (minutes, "duration-minute")]
    else:
        parts = [(minutes, "duration-minute")]
    return " ".join(format_unit(value, unit, length="short", locale=get_locale()) for value, unit in parts)


def _days() -> int:
    days = request.args.get("days", type=int)
    return days if days in PERIODS else PERIODS[0]


def _own_byline() -> str | None:
    """The byline name whose figures an author sees; None for editors and admins (every article)."""
    if not current_user.is_author:
        return None
    if not current_user.byline:
        abort(403, description=gettext("Your account has no byline name yet: ask an admin to set it."))
    return current_user.byline


def _scoped_time_to_correct(figures: TimeToCorrect, author: str | None) -> TimeToCorrect:
    """What the signed-in staff member may see of the time-to-correct figures."""
    if author is not None:
        own = [f for f in figures.by_author if f.name == author]
        return TimeToCorrect(overall=own[0] if own else None, by_author=own, by_section=[], by_desk=[])
    if not current_user.is_admin:
        return TimeToCorrect(overall=figures.overall, by_author=[], by_section=figures.by_section,
                             by_desk=figures.by_desk)
    return figures


def _scoped_rates(rates: CorrectionRates) -> CorrectionRates:
    if current_user.is_admin or current_user.is_author:  # an author's are already narrowed to them
        return rates
    return CorrectionRates(overall=rates.overall, by_author=[], by_desk=rates.by_desk)


def _csv(body: str, name: str) -> Response:
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/stats/time-to-correct.csv")
@author_allowed
def time_to_correct_csv():
    days, author = _days(), _own_byline()
    stats = desk_stats(db.session, now=utcnow(), days=days)
    figures = _scoped_time_to_correct(time_to_correct(db.session, since=stats.since), author)
    return _csv(as_csv(figures), f"time-to-correct-{days}-days.csv")


@bp.get("/stats/corrections.csv")
@author_allowed
def corrections_csv():
    """Corrections per 100 articles by author and desk, and the share of reports corrected."""
    days, author = _days(), _own_byline()
    since = desk_stats(db.session, now=utcnow(), days=days).since
    rates = _scoped_rates(correction_rates(db.session, since=since, author=author))
    return _csv(rates_csv(rates, report_outcomes(db.session, since=since, author=author)),
                f"corrections-{days}-days.csv")


def _rate_chart(rates, title: str):
    """A bar per group, worst first; none when no article was corrected (a row of zeros says nothing)."""
    if not any(r.corrections for r in rates):
        return None
    return bar_chart([(r.name, round(r.per_100, 1)) for r in rates[:CHART_GROUPS]], title=title)


@bp.get("/stats")
@author_allowed
def index():
    days, author, now = _days(), _own_byline(), utcnow()
    stats = desk_stats(db.session, now=now, days=days)
    correcting = _scoped_time_to_correct(time_to_correct(db.session, since=stats.since), author)
    rates = _scoped_rates(correction_rates(db.session, since=stats.since, author=author))
    outcomes = report_outcomes(db.session, since=stats.since, author=author)
    oldest = oldest_open_reports(db.session, now=now, author=author)
    charts = {
        "by_author_rate": _rate_chart(rates.by_author, gettext("Corrections per 100 articles, by author")),
        "by_desk_rate": _rate_chart(rates.by_desk, gettext("Corrections per 100 articles, by desk")),
    }
    if correcting.by_author:
        charts["by_author"] = bar_chart([(f.name, round(f.median.total_seconds() / 3600, 1))
                                         for f in correcting.by_author[:CHART_GROUPS]],
                                        title=gettext("Median hours to a published note, by author"))
    common = dict(days=days, periods=PERIODS, correcting=correcting, rates=rates, outcomes=outcomes, oldest=oldest,
                  charts=charts, human=_human, per_100=lambda rate: format_decimal(rate.per_100, "0.0"))
    if author is not None:
        return render_template("desk/stats/author.html", author=author, **common)
    charts["per_day"] = bar_chart([(format_date(d, "d MMM"), n) for d, n in stats.per_day],
                                  title=ngettext("Reports per day, last %(num)d day",
                                                 "Reports per day, last %(num)d days", days))
    charts["decisions"] = line_chart([(format_date(d, "d MMM"), n) for d, n in stats.decisions_per_day],
                                     title=ngettext("First decisions per day, last %(num)d day",
                                                    "First decisions per day, last %(num)d days", days))
    return render_template("desk/stats/stats.html", stats=stats, median=_human(stats.median_first_decision), **common)
