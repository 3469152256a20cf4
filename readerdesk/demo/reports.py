"""Sample reader reports for the demo desk, anchored at exact offsets in each article's current revision."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from readerdesk.models import AnchorState, Article, Correction, CorrectionAnchor, Kind
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.duplicates import assign_group


class DemoReportError(ValueError):
    pass


@dataclass(frozen=True)
class DemoReport:
    key: str  # stable: the demo loads idempotently
    slug: str
    exact: str
    occurrence: int  # which occurrence of ``exact`` in the current revision (1 = first)
    kind: Kind
    suggestion: str
    comment: str
    reader_name: str
    reader_email: str
    hours_ago: int


# "twelve" in paragraph 4 of the bridge article's first revision is "eleven" in revision 2; three
# readers still question that passage of the current text (a duplicate group of three).
DEMO_REPORTS = [
    DemoReport("bridge-girders-1", "bridge", "replace eleven of the bridge's cross-girders", 1, Kind.FACTUAL,
               "replace twelve of the bridge's cross-girders", "The engineers' report lists twelve girders.",
               "Mira Holt", "mira@example.org", 30),
    DemoReport("bridge-girders-2", "bridge", "eleven", 1, Kind.FACTUAL, "twelve",
               "Was it not twelve? The first version said twelve.", "Jonas Berg", "jonas@example.org", 20),
    DemoReport("bridge-girders-3", "bridge", "eleven of the bridge's", 1, Kind.UNCLEAR, "",
               "Which is it, eleven or twelve? The correction note does not say.", "", "", 6),
    DemoReport("bridge-committee", "bridge", "twelve-member budget committee", 2, Kind.FACTUAL,
               "eleven-member budget committee", "One member resigned in October; it has eleven members now.",
               "Petra Nyman", "petra@example.org", 12),
    DemoReport("bridge-mayor", "bridge", "Mayor Elin Sorvik", 1, Kind.TYPO, "Mayor Elin Sørvik",
               "Her name is spelt Sørvik.", "Ola S.", "", 3),
    DemoReport("library-percent", "library", "Around 62 percent", 1, Kind.FACTUAL, "Around 68 percent",
               "The foundation's press release says 68 percent.", "", "hist@example.org", 40),
    DemoReport("harbour-time", "harbour", "The first fire engines arrived at 04:21", 1, Kind.FACTUAL,
               "The first fire engines arrived at 04:19", "The fire service log says 04:19.", "Lena Fisk",
               "lena@example.org", 9),
    DemoReport("hromada-school", "hromada", "опорну школу", 1, Kind.TYPO, "опорну школу № 2",
               "Це друга опорна школа громади.", "Оксана", "oksana@example.org", 2),
]


def add_demo_report(session: DbSession, article: Article, report: DemoReport, *, now: datetime) -> Correction:
    """Store one sample report on the article's current revision (once: keyed by ``report.key``)."""
    key = f"demo:{report.key}"
    existing = session.scalar(select(Correction).where(Correction.idempotency_key == key))
    if existing is not None:
        return existing
    revision = article.current_revision
    if revision is None:
        raise DemoReportError(f"{article.url} has no text yet")
    start = -1
    for _ in range(report.occurrence):
        start = revision.text.find(report.exact, start + 1)
        if start < 0:
            raise DemoReportError(f"{report.exact!r} (occurrence {report.occurrence}) is not in {article.url}")
    end = start + len(report.exact)
    created = now - timedelta(hours=report.hours_ago)
    correction = Correction(
        public_id=secrets.token_urlsafe(12), idempotency_key=key, article=article, revision=revision,
        kind=report.kind, selectors=[
            {"type": "TextQuoteSelector", "exact": report.exact, "prefix": revision.text[max(0, start - 32):start],
             "suffix": revision.text[end:end + 32]},
            {"type": "TextPositionSelector", "start": start, "end": end}],
        exact=report.exact, prefix=revision.text[max(0, start - 32):start], suffix=revision.text[end:end + 32],
        page_url=article.url, start=start, end=end, anchor_state=AnchorState.ANCHORED, anchor_revision=revision,
        anchor_start=start, anchor_end=end, anchor_confidence=1.0, suggestion=report.suggestion,
        comment=report.comment, reader_name=report.reader_name, reader_email=report.reader_email,
        notify_reader=bool(report.reader_email), language=article.site.language,
        ip_hash=hashlib.sha256(f"demo-{report.key}".encode()).hexdigest(), created_at=created, updated_at=created,
    )
    session.add(correction)
    session.flush()
    session.add(CorrectionAnchor(correction=correction, revision=revision, state=AnchorState.ANCHORED, start=start,
                                 end=end, confidence=1.0, created_at=created))
    assign_group(session, correction)
    return correction
