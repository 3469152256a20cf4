"""The data model, one module per concept. Importing this package registers every table."""

from readerdesk.models.article import Article, ArticleRevision, RevisionImmutable
from readerdesk.models.correction import FULLTEXT_INDEX, AnchorState, Correction, CorrectionAnchor, Kind, Status
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
from readerdesk.models.privacy import AuditEntry, IpHashKey
from readerdesk.models.publication import CorrectionNote, NoteType
from readerdesk.models.site import Site
from readerdesk.models.user import Role, User


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: everything but the indexes a migration creates on PostgreSQL only."""
    return not (type_ == "index" and name == FULLTEXT_INDEX)


__all__ = [
    "FULLTEXT_INDEX",
    "AnchorState",
    "Article",
    "ArticleRevision",
    "AuditEntry",
    "Correction",
    "CorrectionAnchor",
    "CorrectionNote",
    "Dispute",
    "DisputeStatus",
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
    "PortalLinkUse",
    "RevisionImmutable",
    "Role",
    "Site",
    "Status",
    "StripeEvent",
    "Subscription",
    "SubscriptionAmount",
    "User",
    "WallStatus",
]
