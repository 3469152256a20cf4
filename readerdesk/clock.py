"""The one source of "now" (UTC, timezone-aware). Services take ``now`` as an argument; callers use this."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
