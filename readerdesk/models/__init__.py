"""The data model, one module per concept. Importing this package registers every table."""

from readerdesk.models.article import Article, ArticleRevision, RevisionImmutable
from readerdesk.models.correction import AnchorState, Correction, CorrectionAnchor, Kind, Status
from readerdesk.models.moderation import InternalNote, ModerationEvent
from readerdesk.models.notification import NotificationSent
from readerdesk.models.patron import (
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Pledge,
    PledgeStatus,
    PortalLinkUse,
    StripeEvent,
    WallStatus,
)
from readerdesk.models.publication import CorrectionNote, NoteType
from readerdesk.models.site import Site
from readerdesk.models.user import Role, User

__all__ = [
    "AnchorState",
    "Article",
    "ArticleRevision",
    "Correction",
    "CorrectionAnchor",
    "CorrectionNote",
    "InternalNote",
    "Interval",
    "Kind",
    "ModerationEvent",
    "NoteType",
    "NotificationSent",
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
    "User",
    "WallStatus",
]
