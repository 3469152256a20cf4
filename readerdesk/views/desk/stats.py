"""Desk statistics at /desk/stats (staff only), with server-rendered SVG charts."""

from __future__ import annotations

from babel.units import format_unit
from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, get_locale, gettext, ngettext

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.desk.stats import PERIODS, desk_stats
from readerdesk.services.desk.time_to_correct import as_csv, time_to_correct
from readerdesk.text.charts import bar_chart, line_chart
from readerdesk.views.access import staff_required

bp = Blueprint("desk_stats", __name__, url_prefix="/desk")


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


@bp.get("/stats/time-to-correct.csv")
@staff_required
def time_to_correct_csv():
    days = _days()
    stats = desk_stats(db.session, now=utcnow(), days=days)
    body = as_csv(time_to_correct(db.session, since=stats.since))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="time-to-correct-{days}-days.csv"'})


@bp.get("/stats")
@staff_required
def index():
    days = _days()
    stats = desk_stats(db.session, now=utcnow(), days=days)
    correcting = time_to_correct(db.session, since=stats.since)
    charts = {
        "per_day": bar_chart([(format_date(d, "d MMM"), n) for d, n in stats.per_day],
                             title=ngettext("Reports per day, last %(num)d day", "Reports per day, last %(num)d days",
                                            days)),
        "decisions": line_chart([(format_date(d, "d MMM"), n) for d, n in stats.decisions_per_day],
                                title=ngettext("First decisions per day, last %(num)d day",
                                               "First decisions per day, last %(num)d days", days)),
    }
    if correcting.by_author:
        charts["by_author"] = bar_chart([(f.name, round(f.median.total_seconds() / 3600, 1))
                                         for f in correcting.by_author[:15]],
                                        title=gettext("Median hours to a published note, by author"))
    return render_template("desk/stats/stats.html", stats=stats, charts=charts, periods=PERIODS,
                           median=_human(stats.median_first_decision), correcting=correcting, human=_human)
