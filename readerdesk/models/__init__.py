"""The data model, one module per concept. Importing this package registers every table."""

from readerdesk.models.article import Article, ArticleRevision, RevisionImmutable
from readerdesk.models.correction import (
    FULLTEXT_INDEX,
    FULLTEXT_INDEXES,
    SEARCH_COUNTS_INDEX,
    SEARCH_DATES_INDEX,
    SEARCH_VECTOR,
    STATE_FULLTEXT_INDEXES,
    AnchorState,
    Correction,
    CorrectionAnchor,
    DecoyReport,
    Kind,
    Status,
)
from readerdesk.models.desk_mapping import AuthorDesk
from readerdesk.models.form_draft import FormDraft
from readerdesk.models.moderation import InternalNote, ModerationEvent
from readerdesk.models.notification import NotificationSent
from readerdesk.models.outbox import OutboxEntry, OutboxStatus
from readerdesk.models.patron import (
    Dispute,
    DisputeStatus,
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Pledge,
    PledgeStatus,
    PortalLinkUse,
    StripeEvent,
    Subscription,
    SubscriptionAmount,
    WallStatus,
)
from readerdesk.models.poll import (
    MAX_TOPICS_PER_POLL,
    MIN_TOPICS_PER_POLL,
    Eligibility,
    Poll,
    PollBallot,
    PollChoice,
    PollEvent,
    PollLinkUse,
    PollState,
    PollTopic,
    PollVoter,
    ResultsVisibility,
    SuggestionStatus,
    TopicSuggestion,
)
from readerdesk.models.privacy import AuditEntry, IpHashKey
from readerdesk.models.publication import CorrectionNote, NoteType
from readerdesk.models.site import Site
from readerdesk.models.staff_security import RecoveryCode, SecurityEvent, StaffPolicy, StaffSession
from readerdesk.models.user import Role, User


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: everything but the full-text column and its indexes, on PostgreSQL only."""
    return not ((type_ == "index" and name in FULLTEXT_INDEXES)
                or (type_ == "column" and name == SEARCH_VECTOR))


__all__ = [
    "AuthorDesk",
    "MAX_TOPICS_PER_POLL",
    "MIN_TOPICS_PER_POLL",
    "FULLTEXT_INDEX",
    "FULLTEXT_INDEXES",
    "SEARCH_COUNTS_INDEX",
    "SEARCH_DATES_INDEX",
    "STATE_FULLTEXT_INDEXES",
    "SEARCH_VECTOR",
    "AnchorState",
    "Article",
    "ArticleRevision",
    "AuditEntry",
    "Correction",
    "CorrectionAnchor",
    "CorrectionNote",
    "DecoyReport",
    "Dispute",
    "DisputeStatus",
    "Eligibility",
    "FormDraft",
    "InternalNote",
    "Interval",
    "IpHashKey",
    "Kind",
    "ModerationEvent",
    "NoteType",
    "NotificationSent",
    "OutboxEntry",
    "OutboxStatus",
    "Patron",
    "PatronStatus",
    "Payment",
    "PaymentStatus",
    "Pledge",
    "PledgeStatus",
    "Poll",
    "PollBallot",
    "PollChoice",
    "PollEvent",
    "PollLinkUse",
    "PollState",
    "PollTopic",
    "PollVoter",
    "PortalLinkUse",
    "RecoveryCode",
    "ResultsVisibility",
    "RevisionImmutable",
    "Role",
    "SecurityEvent",
    "Site",
    "StaffPolicy",
    "StaffSession",
    "Status",
    "StripeEvent",
    "Subscription",
    "SubscriptionAmount",
    "SuggestionStatus",
    "TopicSuggestion",
    "User",
    "WallStatus",
]
