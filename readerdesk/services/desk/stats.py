"""Desk statistics: reports per day, time to first decision, acceptance rate, most-reported articles.

Each figure is one GROUP BY (or ordered) query over indexed columns (corrections.created_at,
first_decision_at, status); days are UTC. SQL that differs between SQLite and PostgreSQL lives
in :func:`sql_dialect` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, extract, func, select

from readerdesk.models import Article, Correction, Status
from readerdesk.models.moderation import ModerationEvent, RejectionCode
from readerdesk.models.types import DbSession

DECIDED = tuple(s for s in Status if s not in Status.undecided())
ACCEPTED = (Status.ACCEPTED, Status.PUBLISHED)
PERIODS = (30, 90)
TOP_ARTICLES = 10


@dataclass(frozen=True)
class SqlDialect:
    day: Callable[[SQLColumnExpression[Any]], ColumnElement[Any]]  # a timestamp's UTC day
    # later − earlier, in seconds
    seconds_between: Callable[[SQLColumnExpression[Any], SQLColumnExpression[Any]], ColumnElement[Any]]


def sql_dialect(session: DbSession) -> SqlDialect:
    """The one place that knows SQLite from PostgreSQL. Timestamps are stored as naive UTC."""
    if session.get_bind().dialect.name == "postgresql":
        return SqlDialect(day=lambda c: func.date(c), seconds_between=lambda a, b: extract("epoch", a - b))
    # SQLite: date() gives 'YYYY-MM-DD'; julianday() counts days as a float.
    return SqlDialect(day=lambda c: func.date(c),
                      seconds_between=lambda a, b: (func.julianday(a) - func.julianday(b)) * 86400.0)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class TopArticle:
    article_id: int
    title: str
    url: str
    reports: int


@dataclass(frozen=True)
class DeskStats:
    days: int
    since: datetime
    per_day: list[tuple[date, int]]  # every day of the period, zeros included
    decisions_per_day: list[tuple[date, int]]
    median_first_decision: timedelta | None
    by_status: dict[Status, int]
    top_articles: list[TopArticle]
    # Rejections decided in the period, by reason code (None: rejected without one).
    rejections_by_code: dict[RejectionCode | None, int]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_day)

    @property
    def decided(self) -> int:
        return sum(self.by_status.get(s, 0) for s in DECIDED)

    @property
    def accepted(self) -> int:
        return sum(self.by_status.get(s, 0) for s in ACCEPTED)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted or published, over every decided report (spam included), of this period's reports."""
        return self.accepted / self.decided if self.decided else None


def _daily(session: DbSession, dialect: SqlDialect, column, since: datetime, today: date,
           days: int) -> list[tuple[date, int]]:
    day = dialect.day(column).label("day")
    rows = session.execute(select(day, func.count()).where(column >= since).group_by(day)).all()
    counts = {_as_date(d): n for d, n in rows if d is not None}
    first = today - timedelta(days=days - 1)
    return [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]


def median_time_to_first_decision(session: DbSession, since: datetime) -> timedelta | None:
    """Median of first_decision_at − created_at over reports received since ``since`` and decided."""
    seconds = sql_dialect(session).seconds_between(Correction.first_decision_at, Correction.created_at)
    where = (Correction.created_at >= since, Correction.first_decision_at.is_not(None))
    n = session.scalar(select(func.count()).select_from(Correction).where(*where)) or 0
    if n == 0:
        return None
    # The middle one or two values, found by the database (portable: no percentile_cont in SQLite).
    middle = session.scalars(select(seconds).where(*where).order_by(seconds)
                             .offset((n - 1) // 2).limit(2 - n % 2)).all()
    # Whole seconds: julianday() arithmetic in SQLite carries float noise of a few microseconds.
    return timedelta(seconds=round(float(sum(middle)) / len(middle)))


def desk_stats(session: DbSession, *, now: datetime, days: int = 30) -> DeskStats:
    today = now.date()
    since = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tzinfo=now.tzinfo)
    dialect = sql_dialect(session)
    by_status = dict(session.execute(
        select(Correction.status, func.count()).where(Correction.created_at >= since).group_by(Correction.status)
    ).all())
    reports = func.count(Correction.id).label("reports")
    top = (select(Correction.article_id, reports).where(Correction.created_at >= since)
           .group_by(Correction.article_id).order_by(reports.desc(), Correction.article_id).limit(TOP_ARTICLES)
           .subquery())
    top_articles = [TopArticle(article_id, title, url, n) for article_id, title, url, n in session.execute(
        select(Article.id, Article.title, Article.url, top.c.reports).join(top, top.c.article_id == Article.id)
        .order_by(top.c.reports.desc(), Article.id)
    )]
    rejections = dict(session.execute(
        select(ModerationEvent.rejection_code, func.count())
        .where(ModerationEvent.action == "reject", ModerationEvent.created_at >= since)
        .group_by(ModerationEvent.rejection_code)
    ).all())
    return DeskStats(
        days=days, since=since,
        per_day=_daily(session, dialect, Correction.created_at, since, today, days),
        decisions_per_day=_daily(session, dialect, Correction.first_decision_at, since, today, days),
        median_first_decision=median_time_to_first_decision(session, since),
        by_status=by_status, top_articles=top_articles, rejections_by_code=rejections,
    )
