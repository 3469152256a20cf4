"""A reader's correction report, linked to a passage of an article revision, and its anchor history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DDL, JSON, Computed, Float, ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, scoped_session

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.article import Article, ArticleRevision
from readerdesk.models.site import BODY
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.models.user import User
from readerdesk.text.languages import N_


class Kind(enum.StrEnum):
    TYPO = N_("typo")
    FACTUAL = N_("factual")
    UNCLEAR = N_("unclear")
    OTHER = N_("other")
    GENERAL = N_("general")  # the "write to us" form, without a passage


class Status(enum.StrEnum):
    """Moderation states; the allowed transitions live in services.desk.moderation.

    The one place that says which states are open and what each is called on the desk.
    """

    NEW = "new"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SPAM = "spam"

    @classmethod
    def open(cls) -> frozenset[Status]:
        """Still the desk's business: new, in review, or accepted but not yet published. Open reports
        follow their passage into new revisions and can still be decided, merged or published."""
        return _OPEN

    @classmethod
    def undecided(cls) -> frozenset[Status]:
        """Open with no decision yet (new or in review): a new report on the passage joins these."""
        return _UNDECIDED

    @property
    def is_open(self) -> bool:
        return self in _OPEN

    @property
    def label(self) -> str:
        """What the desk calls the state, in lower case ("in review"); capitalise it to start a line."""
        return _LABELS[self]


_OPEN = frozenset({Status.NEW, Status.IN_REVIEW, Status.ACCEPTED})
_UNDECIDED = frozenset({Status.NEW, Status.IN_REVIEW})
_LABELS = {
    Status.NEW: N_("new"),
    Status.IN_REVIEW: N_("in review"),
    Status.ACCEPTED: N_("accepted"),
    Status.PUBLISHED: N_("published"),
    Status.REJECTED: N_("rejected"),
    Status.SPAM: N_("spam"),
}


class AnchorState(enum.StrEnum):
    """Where a report's passage stands, each state defined by what was observed (tested against the
    spans in tests/services/corrections/test_reanchoring.py):

    * anchored: located in the revision the report was anchored in. Whether the reader's quote is
      there word for word is ``Correction.quote_verbatim``;
    * unchanged: followed to a later revision; the text there equals the passage as reported, and
      its surroundings are in place;
    * moved: followed to a later revision; the same text, in another place of the article;
    * edited: followed to a later revision; the text there differs (``before``/``after`` say how);
    * removed, ambiguous: no span (gone; or several places fit and none is clearly it);
    * unanchored: the reader's text is not in any revision readerdesk has (yet).
    """

    ANCHORED = N_("anchored")
    UNANCHORED = N_("unanchored")
    UNCHANGED = N_("unchanged")
    MOVED = N_("moved")
    EDITED = N_("edited")
    REMOVED = N_("removed")
    AMBIGUOUS = N_("ambiguous")
    NONE = N_("none")  # a general message, no passage


# Full-text search of the quote and the comment on PostgreSQL (services.desk.queue.search_condition):
# a stored tsvector column the database computes, and a GIN index on it (migration e5c0a7b31f42). A
# stored vector is read, not computed again for every row a search looks at, and its statistics tell
# the planner how common a word is. Neither is modeled, as SQLite has no tsvector: autogenerate leaves
# them alone (readerdesk.models.include_in_autogenerate), and create_all adds them on PostgreSQL
# (FULLTEXT_DDL, below the model).
# Three more kinds of index serve the queue's tab counts of a search, each on the leads only
# (services.desk.queue.tab_counts):
# - SEARCH_COUNTS_INDEX holds the vector with the columns the usual filters name: the counts of a
#   common word walk each state's leads in it and check the word there, without the table
#   (migration b7d41e9c2a58);
# - SEARCH_DATES_INDEX, the same by state and date: a common word in a date range walks only the
#   range of each state (migration d2f6a8c4e1b7);
# - a GIN index per state (STATE_FULLTEXT_INDEXES): a word in a few per cent of the reports is
#   looked up in its state's index, a few thousand entries, where a walk would read 20,000 a state
#   (the same migration). A state added to Status needs its index added by a migration; until
#   then its counts only take the other ways.
SEARCH_VECTOR = "search_vector"
FULLTEXT_INDEX = "ix_corrections_fulltext"
SEARCH_COUNTS_INDEX = "ix_corrections_search_counts"
SEARCH_DATES_INDEX = "ix_corrections_search_dates"
STATE_FULLTEXT_INDEXES = {status: f"{FULLTEXT_INDEX}_{status.value}" for status in Status}
FULLTEXT_INDEXES = (FULLTEXT_INDEX, SEARCH_COUNTS_INDEX, SEARCH_DATES_INDEX, *STATE_FULLTEXT_INDEXES.values())
FULLTEXT_DDL = (
    f"ALTER TABLE corrections ADD COLUMN {SEARCH_VECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', exact || ' ' || comment)) STORED",
    f"CREATE INDEX {FULLTEXT_INDEX} ON corrections USING gin ({SEARCH_VECTOR})",
    f"CREATE INDEX {SEARCH_COUNTS_INDEX} ON corrections (status, kind, anchor_state, assignee_id, article_id) "
    f"INCLUDE ({SEARCH_VECTOR}) WHERE is_lead",
    f"CREATE INDEX {SEARCH_DATES_INDEX} ON corrections (status, created_at) "
    f"INCLUDE (kind, anchor_state, assignee_id, article_id, {SEARCH_VECTOR}) WHERE is_lead",
    *(f"CREATE INDEX {name} ON corrections USING gin ({SEARCH_VECTOR}) WHERE is_lead AND status = '{status.value}'"
      for status, name in STATE_FULLTEXT_INDEXES.items()),
)


# A session whose transaction changed reports (``readerdesk.queue_changes`` tells the open desk queues
# when it commits). Flushes of reports and UPDATE/DELETE statements on the table are seen by
# themselves; code writing reports with statements of its own marks the session with this.
REPORTS_CHANGED = "readerdesk.queue_changed"


def mark_reports_changed(session: Session | scoped_session) -> None:
    session.info[REPORTS_CHANGED] = True


# PostgreSQL fills the reports' pages to 70% (1.4 times the space): bench/anchoring/README.md has the
# measures (a revision's 1,000 reports on one article, stored one after the other: 67% of their
# updates in place at 70, 96% at 50, 1% at 100).
FILLFACTOR = 70


# The queue's priority order (bigger groups first) reads a group's size class from its index, not its
# size: a report joining a group then changes no indexed column of the lead's row (the size is in no
# index), and PostgreSQL writes the lead's new version in place (a HOT update) instead of an entry in
# each of the table's 25 indexes for every report: a viral passage's lead left thousands of dead
# versions in every index. WAL per report fell by 39 %; no throughput gain was measured
# (bench/api/README.md).
# Sizes up to EXACT_SIZE_CLASSES are each their own class, so the usual groups keep the index's
# order (and each of their arrivals still changes the class: written through the indexes); above,
# one class per doubling (17-32, 33-64, ...), whose few groups the queue sorts by their exact size
# (services.desk.queue._priority_page). A group of 10,000 changed class 25 times on its way, and
# updated its lead in place for the other 9,974 arrivals.
EXACT_SIZE_CLASSES = 16
_DOUBLINGS = range(EXACT_SIZE_CLASSES.bit_length(), 31)  # classes up to 2**30 reports, then one more


def size_class(group_size: int) -> int:
    """The group size's class, as the database computes it (``SIZE_CLASS_SQL``)."""
    if group_size <= EXACT_SIZE_CLASSES:
        return group_size
    return min(EXACT_SIZE_CLASSES + (group_size - 1).bit_length() - EXACT_SIZE_CLASSES.bit_length() + 1,
               EXACT_SIZE_CLASSES + len(_DOUBLINGS) + 1)


SIZE_CLASS_SQL = (f"CASE WHEN group_size <= {EXACT_SIZE_CLASSES} THEN group_size "
                  + " ".join(f"WHEN group_size <= {2 ** k} THEN {size_class(2 ** k)}" for k in _DOUBLINGS)
                  + f" ELSE {size_class(2 ** 31)} END")


class Correction(Model):
    __tablename__ = "corrections"
    __table_args__ = (
        # The desk queue: by state, newest/oldest first, keyset on (created_at, id).
        Index("ix_corrections_status_created", "status", "created_at", "id"),
        Index("ix_corrections_article_status", "article_id", "status"),
        Index("ix_corrections_assignee_status", "assignee_id", "status"),
        # A group's members in order (the detail page pages through them).
        Index("ix_corrections_group", "group_id", "id"),
        # The queue's tab counts under any mix of the usual filters, read from the index alone
        # (services.desk.queue.tab_counts).
        Index("ix_corrections_counts", "status", "is_lead", "kind", "anchor_state", "assignee_id", "article_id"),
        # The passages a new report on an article is compared with (services.corrections.duplicates):
        # the holders alone, so a viral article's thousands of members are not read for each report
        # (the planner took ix_corrections_article_status for it while the table had no statistics).
        # It matches one more of the query's terms (the part) than ix_corrections_article_status, so
        # both planners take it with no statistics too. SQLite uses a partial index only for a query
        # that has its WHERE term word for word (SQLAlchemy writes ``holds_passage = 1`` there).
        Index("ix_corrections_passages", "article_id", "part", "status", postgresql_where=text("holds_passage"),
              sqlite_where=text("holds_passage = 1")),
        # One queue row per duplicate group (its lead): by age, and by priority (group size class, then
        # age). services.queue pages through these with keyset cursors, never OFFSET. The group's size
        # itself is in no index (see size_class).
        Index("ix_corrections_queue_age", "status", "is_lead", "created_at", "id"),
        Index("ix_corrections_queue_priority", "status", "is_lead", "size_class", "created_at", "id"),
        Index("ix_corrections_lead_age", "is_lead", "created_at", "id"),
        Index("ix_corrections_lead_priority", "is_lead", "size_class", "created_at", "id"),
        # The latest change to any report: the open queues' version without Redis
        # (services.desk.live_queue.database_version) and the rows they have not seen yet.
        Index("ix_corrections_updated", "updated_at"),
        # PostgreSQL also has the full-text column and its indexes (FULLTEXT_DDL above).
        # Room on each page for a row's next version: an UPDATE that changes no indexed column's
        # value (a new revision re-anchoring reports that keep their state) is then made in place,
        # without an entry in each of the table's indexes (a HOT update; migration c4e9a1f07b3d).
        {"postgresql_with": {"fillfactor": FILLFACTOR}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque id for the reader's status link; never the sequential id.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # Client-generated; the same key again returns the same correction, if the body is the same
    # (SHA-256 of the parsed report; "" for reports stored before fingerprints).
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    body_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # The revision the report was anchored in when it arrived (None if unanchored).
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("article_revisions.id"), default=None)
    kind: Mapped[Kind] = mapped_column(string_enum(Kind, "correction_kind"), default=Kind.OTHER)

    # What the reader selected, as sent (W3C selectors), and the quote itself.
    selectors: Mapped[list[dict]] = mapped_column(JSON, default=list)
    exact: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    page_url: Mapped[str] = mapped_column(String(1000), default="")
    # Which reportable part of the page the passage is in (models.site.PART_NAMES), and whether the
    # reader's selection went on past that part (the widget then reports the first part only).
    part: Mapped[str] = mapped_column(String(20), default=BODY)
    selection_clipped: Mapped[bool] = mapped_column(default=False)
    # For a general message: text the reader had selected outside any reportable part, as context.
    selected_text: Mapped[str] = mapped_column(Text, default="")
    # Evidence recorded at capture: the article's current revision when the report arrived, and
    # whether the reader's quote was found there word for word (None: no quote, or no revision).
    # A quote found word for word only in an earlier revision is anchored there (revision_id) and
    # followed forward: the reader was looking at an older copy of the page.
    captured_revision_id: Mapped[int | None] = mapped_column(ForeignKey("article_revisions.id"), default=None)
    quote_verbatim: Mapped[bool | None] = mapped_column(default=None)
    # Resolved by the server in revision_id's text (code points), never the client's offsets.
    start: Mapped[int | None] = mapped_column(default=None)
    end: Mapped[int | None] = mapped_column(default=None)

    # The latest anchor, in anchor_revision_id (denormalised from CorrectionAnchor for the queue).
    anchor_state: Mapped[AnchorState] = mapped_column(
        string_enum(AnchorState, "anchor_state"), default=AnchorState.NONE
    )
    anchor_revision_id: Mapped[int | None] = mapped_column(ForeignKey("article_revisions.id"), default=None)
    anchor_start: Mapped[int | None] = mapped_column(default=None)
    anchor_end: Mapped[int | None] = mapped_column(default=None)
    # Float, as the migrations made it: SQLAlchemy 2.1 maps a bare ``float`` to Double.
    anchor_confidence: Mapped[float | None] = mapped_column(Float, default=None)

    # The reader's words. Plain text, escaped on output.
    suggestion: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    reader_name: Mapped[str] = mapped_column(String(200), default="")
    reader_email: Mapped[str] = mapped_column(String(320), default="")
    notify_reader: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(10), default="en")
    # HMAC of the sender's IP with the day's key (services.privacy.ip_hashing): equal for the same
    # address on the same day, never reversible once the day's key is forgotten. Emptied after
    # RETENTION_IP_DAYS.
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    # When the reader's name, email and page URL were removed, and why: "retention" (the daily
    # purge), "erasure" (an admin, on request) or "reader" (their own link). None while they are kept.
    contact_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    contact_removed_by: Mapped[str] = mapped_column(String(20), default="", server_default="")

    # Moderation.
    status: Mapped[Status] = mapped_column(string_enum(Status, "correction_status"), default=Status.NEW)
    version: Mapped[int] = mapped_column(default=1)  # optimistic concurrency, see services.moderation
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    # Duplicates share a group: the id of its lead, the earliest report (its own id when alone).
    # See services.corrections.duplicates: the lead's row stands for the group.
    group_id: Mapped[int | None] = mapped_column(default=None)
    # Whether this is the group's lead (the one row the queue shows), and on the lead only, how many
    # reports the group holds (other members keep 0: a new report updates one row, not the group).
    is_lead: Mapped[bool] = mapped_column(default=True)
    group_size: Mapped[int] = mapped_column(default=1)
    # The size's class, computed by the database: what the priority order's indexes hold (size_class).
    size_class: Mapped[int] = mapped_column(Computed(SIZE_CLASS_SQL, persisted=True))
    # Whether this report's passage draws new reports into its group: a lead's does, and so does that
    # of a lead an editor merged into another group. The passage is [passage_start, passage_end) in
    # anchor_revision_id's text: the part every report that joined through it selected, narrowed as
    # they arrive; None means the report's own anchored span (or its quote, when it is not anchored).
    holds_passage: Mapped[bool] = mapped_column(default=True)
    passage_start: Mapped[int | None] = mapped_column(default=None)
    passage_end: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the report last changed as the desk's queues show it: what their live updates look for
    # (services.desk.live_queue). A new revision moves it only for a report whose anchor state changes
    # (services.corrections.reanchoring._write_followed).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    first_decision_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    article: Mapped[Article] = relationship()
    revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[revision_id])
    anchor_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[anchor_revision_id])
    captured_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[captured_revision_id])
    anchors: Mapped[list[CorrectionAnchor]] = relationship(
        back_populates="correction", order_by="CorrectionAnchor.id", cascade="all, delete-orphan"
    )

    @property
    def reported_on_older_revision(self) -> bool:
        """The reader's quote was found word for word only in a revision older than the current one
        at the time of the report."""
        return (self.revision is not None and self.captured_revision is not None
                and self.revision.number < self.captured_revision.number)

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def __repr__(self) -> str:
        return f"<Correction {self.public_id} {self.status.value}>"


for _statement in FULLTEXT_DDL:
    event.listen(Correction.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


class CorrectionAnchor(Model):
    """Where a correction pointed in one revision: its history across article edits. Append-only."""

    __tablename__ = "correction_anchors"
    __table_args__ = (Index("ix_correction_anchors_correction", "correction_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("corrections.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("article_revisions.id", ondelete="CASCADE"))
    state: Mapped[AnchorState] = mapped_column(string_enum(AnchorState, "anchor_state"))
    start: Mapped[int | None] = mapped_column(default=None)
    end: Mapped[int | None] = mapped_column(default=None)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    # For "edited": the passage's text before and after the revision.
    before: Mapped[str | None] = mapped_column(Text, default=None)
    after: Mapped[str | None] = mapped_column(Text, default=None)
    # Set when the revision is readerdesk's own edit of the passage (a wording applied at the desk,
    # in its own text or in the CMS): the staff member it was made for.
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    correction: Mapped[Correction] = relationship(back_populates="anchors")
    revision: Mapped[ArticleRevision] = relationship()
    edited_by: Mapped[User | None] = relationship()


class DecoyReport(Model):
    """What a report that filled the honeypot gets instead of being stored: enough for its status link
    to answer exactly as a real new report's does, so a bot cannot tell. No name, email, IP or
    message is kept, and nobody is notified."""

    __tablename__ = "decoy_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    body_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(string_enum(Kind, "correction_kind"), default=Kind.OTHER)
    exact: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(20), default=None)
    anchored: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship()
    status = Status.NEW  # forever: nobody ever looks at it
    first_decision_at = None
