"""The patrons desk (admins only): who supports the newsroom, how revenue moves, the supporters wall."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Dispute, Interval, Patron, PatronStatus, Payment, Site, WallStatus
from readerdesk.services.articles.sites import SiteNotFound, get_site, list_sites
from readerdesk.services.patrons.pledges import moderate_wall_entry, pending_wall_entries
from readerdesk.services.patrons.revenue import (
    PatronFilter,
    list_patrons,
    mrr_chart,
    patrons_csv,
    patrons_query,
    revenue_summaries,
    total_paid,
)
from readerdesk.text.ids import arg_id
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.access import admin_required
from readerdesk.views.desk.forms import WallDecisionForm
from readerdesk.views.locale import money, month

bp = Blueprint("patrons_desk", __name__, url_prefix="/desk/patrons")
PAGE_SIZE = 50


def _named_site(name: str | None) -> Site | None:
    """The site to filter by; an unknown name filters nothing, as an unknown status does."""
    try:
        return get_site(db.session, name) if name else None
    except SiteNotFound:
        return None


def _filters() -> PatronFilter:
    args = request.args
    status = args.get("status") if args.get("status") in {s.value for s in PatronStatus} else None
    interval = args.get("interval") if args.get("interval") in {i.value for i in Interval} else None
    site = _named_site(args.get("site"))
    return PatronFilter(site_id=site.id if site else None, status=status, tier=(args.get("tier") or "")[:40] or None,
                        interval=interval, search=(args.get("q") or "")[:200])


@bp.get("")
@admin_required
def index():
    filters = _filters()
    before = arg_id(request.args, "before")
    patrons = list_patrons(db.session, filters, limit=PAGE_SIZE + 1, before_id=before)
    has_more = len(patrons) > PAGE_SIZE
    patrons = patrons[:PAGE_SIZE]
    summaries = revenue_summaries(db.session, now=utcnow(), site_id=filters.site_id)
    # The chart and the month table show one currency at a time: money is never summed across them.
    wanted = (request.args.get("currency") or "").upper()
    summary = next((s for s in summaries if s.currency == wanted), summaries[0] if summaries else None)
    tiers = sorted({t for t in db.session.scalars(select(Patron.tier).distinct()) if t})
    next_args = {**request.args.to_dict(), "before": patrons[-1].id} if has_more else None
    return render_template(
        "desk/patrons/index.html", patrons=patrons, summaries=summaries, summary=summary, filters=filters,
        tiers=tiers, sites=list_sites(db.session), next_args=next_args,
        chart=_chart(summary) if summary else None, fmt=money,
        # The currency switch keeps the filters but starts the list again from the newest patron.
        switch_args={k: v for k, v in request.args.items() if k not in ("before", "currency")},
        pending_wall=len(pending_wall_entries(db.session)), statuses=list(PatronStatus), intervals=list(Interval),
    )


def _chart(summary):
    """The MRR line of one currency, its title, months and numbers in the desk's language."""
    return mrr_chart(summary, month_label=lambda m: month(m.start) or m.label,
                     title=ngettext("Monthly recurring revenue, last %(num)d month",
                                    "Monthly recurring revenue, last %(num)d months", len(summary.months)))


@bp.get("/export.csv")
@admin_required
def export_csv():
    patrons = db.session.scalars(patrons_query(_filters()).order_by(Patron.id)).all()
    return Response(patrons_csv(patrons), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=patrons-{utcnow():%Y-%m-%d}.csv"})


@bp.get("/<int:patron_id>")
@admin_required
def detail(patron_id: int):
    patron = db.get_or_404(Patron, patron_id, description=gettext("There is no such patron."))
    disputes = db.session.scalars(select(Dispute).join(Payment).where(Payment.patron_id == patron.id)
                                  .order_by(Dispute.opened_at)).all()
    return render_template("desk/patrons/detail.html", patron=patron, fmt=money,
                           totals=total_paid(db.session, patron), disputes=disputes)


@bp.get("/wall")
@admin_required
def wall():
    return render_template("desk/patrons/wall.html", patrons=pending_wall_entries(db.session), form=WallDecisionForm())


@bp.post("/wall/<int:patron_id>")
@admin_required
def wall_decide(patron_id: int):
    form = WallDecisionForm()
    if not form.validate_on_submit():
        abort(400, description=gettext("Choose approve or reject."))
    try:
        with unit_of_work(db.session):
            patron = moderate_wall_entry(db.session, patron_id, WallStatus(form.decision.data))
    except LookupError:
        abort(404, description=gettext("This supporter did not ask to be listed."))
    flash(gettext("%(name)s: %(state)s.", name=patron.display_name or patron.email,
                  state=gettext(patron.wall_status.label)), "info")
    return redirect(url_for("patrons_desk.wall"))
