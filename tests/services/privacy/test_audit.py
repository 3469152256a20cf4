"""The privacy audit log is append-only and refuses actions it does not know."""

from __future__ import annotations

import pytest

from readerdesk.clock import utcnow
from readerdesk.models.moderation import AuditLogImmutable
from readerdesk.services.privacy.audit import Actor, record


def test_entries_cannot_be_changed_or_deleted(db_session):
    entry = record(db_session, "purge", Actor(label="cron"), {"ip_hashes": 3, "ip_keys": 0}, now=utcnow())
    db_session.commit()
    assert (entry.rows, entry.counts) == (3, {"ip_hashes": 3})
    entry.rows = 0
    with pytest.raises(AuditLogImmutable):
        db_session.flush()
    db_session.rollback()
    db_session.delete(entry)
    with pytest.raises(AuditLogImmutable):
        db_session.flush()
    db_session.rollback()


def test_an_unknown_action_is_a_bug(db_session):
    with pytest.raises(ValueError):
        record(db_session, "export-everything", Actor(label="x"), {}, now=utcnow())
