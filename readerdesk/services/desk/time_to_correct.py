"""Time to correct: how long a reader's report waited for its published note, by author, desk and
section, and the reports past their site's targets (first decision, published correction).

The time to correct of a report is its note's ``published_at`` − the report's ``created_at``, over
the reports whose note was published in the period (awaiting-approval notes are not published yet).
The median is the middle value (the mean of the middle two for an even count); the 90th percentile
is the nearest-rank one: the ⌈0.9·n⌉-th smallest value. An article with several authors counts for
each of them, and once for each desk its authors are on (``services.desk.author_desks``); one without
a byline or a section, or by an author on no desk, is grouped under "—".
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from readerdesk.models import Article, Correction, CorrectionNote, Kind, Site, Status
from readerdesk.models.publication import PUBLIC_NOTE_TYPES
from readerdesk.models.types import DbSession
from readerdesk.services.desk.author_desks import desk_map
from readerdesk.services.patrons.revenue import csv_safe

UNKNOWN = "—"
OPEN_FOR_CORRECTION = (Status.NEW, Status.IN_REVIEW, Status.ACCEPTED)


def median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile_90(values: list[timedelta]) -> timedelta | None:
    """Nearest rank: the ⌈0.9·n⌉-th smallest value."""
    if not values:
        return None
    return sorted(values)[math.ceil(0.9 * len(values)) - 1]


@dataclass(frozen=True)
class GroupFigure:
    name: str  # an author's name, or a section
    corrections: int
    median: timedelta
    p90: timedelta


@dataclass(frozen=True)
class TimeToCorrect:
    overall: GroupFigure | None
    by_author: list[GroupFigure]
    by_section: list[GroupFigure]
    by_desk: list[GroupFigure]


def _figures(groups: dict[str, list[timedelta]]) -> list[GroupFigure]:
    figures = [GroupFigure(name, len(values), median(values), percentile_90(values))  # type: ignore[arg-type]
               for name, values in groups.items()]
    return sorted(figures, key=lambda f: (-f.corrections, f.name))


def time_to_correct(session: DbSession, *, since: datetime, site: Site | None = None) -> TimeToCorrect:
    """The figures over the reports whose note was published since ``since``."""
    query = (select(CorrectionNote, Correction.created_at)
             .join(Correction, Correction.id == CorrectionNote.correction_id)
             .where(CorrectionNote.note_type.in_(PUBLIC_NOTE_TYPES), CorrectionNote.awaiting_approval.is_(False),
                    CorrectionNote.published_at >= since)
             .options(joinedload(CorrectionNote.article)))
    if site is not None:
        query = query.where(CorrectionNote.site_id == site.id)
    desks = desk_map(session)
    every: list[timedelta] = []
    by_author: dict[str, list[timedelta]] = {}
    by_desk: dict[str, list[timedelta]] = {}
    by_section: dict[str, list[timedelta]] = {}
    for note, reported_at in session.execute(query).all():
        waited = note.published_at - reported_at
        article: Article = note.article
        every.append(waited)
        for author in article.authors or [UNKNOWN]:
            by_author.setdefault(author, []).append(waited)
        by_section.setdefault(article.section or UNKNOWN, []).append(waited)
        for desk in {desks.get(author, UNKNOWN) for author in article.authors or [UNKNOWN]}:
            by_desk.setdefault(desk, []).append(waited)
    overall = GroupFigure("All", len(every), median(every), percentile_90(every)) if every else None  # type: ignore[arg-type]
    return TimeToCorrect(overall=overall, by_author=_figures(by_author), by_section=_figures(by_section),
                         by_desk=_figures(by_desk))


def as_csv(figures: TimeToCorrect) -> str:
    """The figures as CSV: group, name, corrections, median and p90 in hours (two decimals)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "name", "corrections", "median_hours", "p90_hours"])
    rows = ([("all", figures.overall)] if figures.overall else []) + [
        ("author", f) for f in figures.by_author] + [("desk", f) for f in figures.by_desk] + [
        ("section", f) for f in figures.by_section]
    for group, figure in rows:
        writer.writerow([group, csv_safe(figure.name), figure.corrections,
                         f"{figure.median.total_seconds() / 3600:.2f}",
                         f"{figure.p90.total_seconds() / 3600:.2f}"])
    return out.getvalue()


def past_target(correction: Correction, site: Site, now: datetime) -> str | None:
    """Which of the site's targets an open report is past, in words; None when none is.

    The first-decision target applies to every undecided report; the correction target to factual
    errors not yet published (accepted ones included)."""
    age = now - correction.created_at
    if (site.target_decision_hours and correction.first_decision_at is None
            and age > timedelta(hours=site.target_decision_hours)):
        return f"past the {site.target_decision_hours} h target for a first decision"
    if (site.target_correction_hours and correction.kind == Kind.FACTUAL and correction.status in OPEN_FOR_CORRECTION
            and age > timedelta(hours=site.target_correction_hours)):
        return f"past the {site.target_correction_hours} h target for a published correction"
    return None
