"""How often articles need correcting, and what waits longest: corrections per 100 articles (by
author and by desk), the share of readers' reports that led to a correction, and the oldest open
reports. Each can be narrowed to one author (an author's own figures; see views.desk.stats).

- **Corrections per 100 articles**: over the articles published in the period (``published_at``,
  else when readerdesk first stored them), the published corrections and retractions on them
  (``ERROR_NOTE_TYPES``: an error fixed; clarifications, updates and editor's notes are not errors),
  × 100 / the number of those articles. An article counts for each of its authors, and once for
  each desk its authors are on (``services.desk.author_desks``); "—" groups what has no byline or desk.
- **Share of reports that led to a correction**: of the reports received in the period (spam
  excluded, each reader's report counted), those published: a public note, or the text fixed.
- **Oldest open reports**: open (``Status.open()``) queue rows (a duplicate group counts once, by
  its lead), oldest first, with their age at ``now``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, true

from readerdesk.models import Article, Correction, CorrectionNote, NoteType, Status
from readerdesk.models.types import DbSession
from readerdesk.services.desk.author_desks import desk_map
from readerdesk.services.desk.time_to_correct import UNKNOWN
from readerdesk.services.patrons.revenue import csv_safe

ERROR_NOTE_TYPES = (NoteType.CORRECTION, NoteType.RETRACTION)
OLDEST_OPEN = 10


@dataclass(frozen=True)
class Rate:
    name: str  # an author's name, a desk, or "All"
    articles: int
    corrections: int

    @property
    def per_100(self) -> float:
        return 100 * self.corrections / self.articles if self.articles else 0.0


@dataclass(frozen=True)
class CorrectionRates:
    overall: Rate
    by_author: list[Rate]
    by_desk: list[Rate]


@dataclass(frozen=True)
class ReportOutcomes:
    reports: int  # received in the period, spam excluded
    corrected: int  # of those, published

    @property
    def share(self) -> float | None:
        return self.corrected / self.reports if self.reports else None


@dataclass(frozen=True)
class OpenReport:
    correction_id: int
    article_title: str
    article_url: str
    status: Status
    readers: int  # the group's size
    created_at: datetime
    age: timedelta


def _has_author(article_authors: list[str] | None, author: str | None) -> bool:
    """Whether an article is ``author``'s (any article when None). The byline is a JSON list, matched
    here rather than in SQL, the same way on SQLite and PostgreSQL."""
    return author is None or author in (article_authors or [])


def correction_rates(session: DbSession, *, since: datetime, author: str | None = None) -> CorrectionRates:
    """Corrections per 100 articles published since ``since``, overall, by author and by desk (only
    ``author``'s articles and row when given)."""
    published = func.coalesce(Article.published_at, Article.created_at)
    errors = (select(CorrectionNote.article_id, func.count().label("n"))
              .where(CorrectionNote.note_type.in_(ERROR_NOTE_TYPES), CorrectionNote.awaiting_approval.is_(False))
              .group_by(CorrectionNote.article_id).subquery())
    rows = session.execute(select(Article.authors, func.coalesce(errors.c.n, 0))
                           .outerjoin(errors, errors.c.article_id == Article.id).where(published >= since)).all()
    desks = desk_map(session)
    authors: dict[str, list[int]] = {}
    by_desk: dict[str, list[int]] = {}
    total = [0, 0]
    for article_authors, corrections in rows:
        if not _has_author(article_authors, author):
            continue
        names = [author] if author is not None else (article_authors or [UNKNOWN])
        total[0] += 1
        total[1] += corrections
        for name in names:
            counts = authors.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += corrections
        for desk in {desks.get(name, UNKNOWN) for name in names}:
            counts = by_desk.setdefault(desk, [0, 0])
            counts[0] += 1
            counts[1] += corrections

    def ranked(groups: dict[str, list[int]]) -> list[Rate]:
        rates = [Rate(name, articles, corrections) for name, (articles, corrections) in groups.items()]
        return sorted(rates, key=lambda r: (-r.per_100, -r.articles, r.name))

    return CorrectionRates(overall=Rate("All", *total), by_author=ranked(authors), by_desk=ranked(by_desk))


def report_outcomes(session: DbSession, *, since: datetime, author: str | None = None) -> ReportOutcomes:
    """Reports received since ``since`` (spam excluded) and how many of them were published."""
    where = (Correction.created_at >= since, Correction.status != Status.SPAM)
    if author is None:  # one GROUP BY, however many reports a flood brought
        counts = dict(session.execute(select(Correction.status, func.count()).where(*where)
                                      .group_by(Correction.status)).all())
        return ReportOutcomes(reports=sum(counts.values()), corrected=counts.get(Status.PUBLISHED, 0))
    query = select(Correction.status, Article.authors).join(Article, Article.id == Correction.article_id).where(*where)
    rows = [status for status, authors in session.execute(query) if _has_author(authors, author)]
    return ReportOutcomes(reports=len(rows), corrected=sum(1 for s in rows if s == Status.PUBLISHED))


def oldest_open_reports(session: DbSession, *, now: datetime, author: str | None = None,
                        limit: int = OLDEST_OPEN) -> list[OpenReport]:
    """The open queue rows waiting longest, oldest first (only those on ``author``'s articles when given)."""
    query = (select(Correction, Article).join(Article, Article.id == Correction.article_id)
             .where(Correction.status.in_(Status.open()), Correction.is_lead == true())
             .order_by(Correction.created_at, Correction.id))
    found: list[OpenReport] = []
    # An author's rows are picked in Python (the byline is a JSON list); read in chunks until enough.
    for correction, article in session.execute(query.execution_options(yield_per=200)):
        if not _has_author(article.authors, author):
            continue
        found.append(OpenReport(correction.id, article.title, article.url, correction.status, correction.group_size,
                                correction.created_at, now - correction.created_at))
        if len(found) >= limit:
            break
    return found


def rates_csv(rates: CorrectionRates, outcomes: ReportOutcomes) -> str:
    """The figures as CSV: group, name, articles, corrections, per 100 (two decimals); then the share."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "name", "articles", "corrections", "corrections_per_100_articles"])
    rows = [("all", rates.overall)] + [("author", r) for r in rates.by_author] + [("desk", r) for r in rates.by_desk]
    for group, rate in rows:
        writer.writerow([group, csv_safe(rate.name), rate.articles, rate.corrections, f"{rate.per_100:.2f}"])
    writer.writerow([])
    writer.writerow(["reports", "reports_corrected", "share_corrected"])
    writer.writerow([outcomes.reports, outcomes.corrected,
                     "" if outcomes.share is None else f"{outcomes.share:.4f}"])
    return out.getvalue()
