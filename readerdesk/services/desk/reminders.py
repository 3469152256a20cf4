"""Reminders at a site's targets: which open reports reach a target (first decision, or published
correction for factual errors) by ``now``, and when the next one will.

A report's threshold for a target is its ``created_at`` + the site's hours; the late flag in the queue
(``time_to_correct.past_target``) is the same rule. Only a group's lead counts (the queue's one row).
A threshold passed more than ``LOOKBACK`` ago is not reminded of: the first run after a long outage,
or after a target is set on a site with old reports, does not flood the desk (the queue flags them).
Plain functions on the session and ``now``; sending is the job's (``jobs.reminders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from readerdesk.models import Article, Correction, Kind, Site
from readerdesk.models.types import DbSession
from readerdesk.services.desk.time_to_correct import OPEN_FOR_CORRECTION

DECISION = "decision"
CORRECTION = "correction"
LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class Threshold:
    correction: Correction
    target: str  # DECISION or CORRECTION
    hours: int
    due_at: datetime

    @property
    def key(self) -> str:
        """What is reminded once: this report at this target."""
        return f"{self.correction.id}:{self.target}"


def thresholds(correction: Correction, site: Site) -> list[Threshold]:
    """The targets that apply to an open report, with the moment each is reached."""
    found = []
    if site.target_decision_hours and correction.first_decision_at is None:
        hours = site.target_decision_hours
        found.append(Threshold(correction, DECISION, hours, correction.created_at + timedelta(hours=hours)))
    if (site.target_correction_hours and correction.kind == Kind.FACTUAL
            and correction.status in OPEN_FOR_CORRECTION):
        hours = site.target_correction_hours
        found.append(Threshold(correction, CORRECTION, hours, correction.created_at + timedelta(hours=hours)))
    return found


def _open_thresholds(session: DbSession, now: datetime) -> list[Threshold]:
    """Thresholds of open leads not older than ``LOOKBACK``, on each site with a target."""
    found: list[Threshold] = []
    sites = session.scalars(select(Site).where(or_(Site.target_decision_hours.is_not(None),
                                                   Site.target_correction_hours.is_not(None))))
    for site in sites:
        longest = max(site.target_decision_hours or 0, site.target_correction_hours or 0)
        reports = session.scalars(
            select(Correction).join(Article, Article.id == Correction.article_id)
            .where(Article.site_id == site.id, Correction.is_lead.is_(True),
                   Correction.status.in_(OPEN_FOR_CORRECTION),
                   Correction.created_at > now - timedelta(hours=longest) - LOOKBACK)
            .options(joinedload(Correction.article)))
        for report in reports:
            found += [t for t in thresholds(report, site) if t.due_at > now - LOOKBACK]
    return found


def due_reminders(session: DbSession, *, now: datetime) -> list[Threshold]:
    """The thresholds reached by ``now`` (within ``LOOKBACK``), oldest first."""
    return sorted((t for t in _open_thresholds(session, now) if t.due_at <= now),
                  key=lambda t: (t.due_at, t.correction.id, t.target))


def next_reminder_at(session: DbSession, *, now: datetime) -> datetime | None:
    """When the next known threshold is reached (None when no open report has one ahead)."""
    return min((t.due_at for t in _open_thresholds(session, now) if t.due_at > now), default=None)
