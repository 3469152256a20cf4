"""IP hashes: equal for one address within a day, different across days, and impossible to test an
address against once the day's key is gone, even with SECRET_KEY and the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from readerdesk.models import IpHashKey
from readerdesk.services.privacy.ip_hashing import KnownDayKey, day_key, hash_ip, hash_with_key
from tests.helpers import recorded_statements

SECRET = "test-secret-key-not-for-production"
MORNING = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_one_address_hashes_the_same_all_day_and_differently_the_next(db_session):
    first = hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING)
    assert first == hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING + timedelta(hours=15))
    assert first != hash_ip(db_session, "203.0.113.10", secret_key=SECRET, now=MORNING)
    assert first != hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING + timedelta(days=1))
    assert "203.0.113.9" not in first and len(first) == 64
    assert db_session.scalar(select(func.count()).select_from(IpHashKey)) == 2  # one key a day
    assert hash_ip(db_session, None, secret_key=SECRET, now=MORNING) == ""


def test_a_process_keeps_the_days_key_so_a_report_asks_the_database_once_a_day(db_session):
    known = KnownDayKey()
    first = hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING, known=known)
    db_session.commit()
    with recorded_statements(db_session) as statements:
        later = hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING + timedelta(hours=9), known=known)
    assert later == first and statements == []
    # The next day's key replaces it; the old day's is not used again.
    next_day = hash_ip(db_session, "203.0.113.9", secret_key=SECRET, now=MORNING + timedelta(days=1), known=known)
    assert next_day != first and known.get(MORNING.date()) is None
    known.forget()  # what the API does when the transaction that made a key fails
    assert known.get((MORNING + timedelta(days=1)).date()) is None


def test_the_hash_needs_both_the_days_key_and_the_secret_key(db_session):
    stored = hash_ip(db_session, "198.51.100.7", secret_key=SECRET, now=MORNING)
    key = day_key(db_session, MORNING.date(), now=MORNING)
    assert hash_with_key("198.51.100.7", key, SECRET) == stored
    assert hash_with_key("198.51.100.7", key, "another-secret-key-entirely") != stored


def test_once_the_days_key_is_deleted_no_address_can_be_matched_to_its_hashes(db_session):
    stored = hash_ip(db_session, "192.0.2.44", secret_key=SECRET, now=MORNING)
    db_session.execute(delete(IpHashKey))
    db_session.commit()
    # Whoever has SECRET_KEY and the database now gets a fresh key for that day, not the old one.
    assert hash_ip(db_session, "192.0.2.44", secret_key=SECRET, now=MORNING) != stored


class FirstLookMisses:
    """A session whose first lookup comes back empty: as if another request made the key just after it."""

    def __init__(self, session):
        self.session, self.looked = session, False

    def scalar(self, statement):
        if not self.looked:
            self.looked = True
            return None
        return self.session.scalar(statement)

    def __getattr__(self, name):
        return getattr(self.session, name)


def test_two_requests_making_the_days_key_at_once_share_the_winners(db_session):
    db_session.add(IpHashKey(day=MORNING.date(), key="ab" * 32))
    db_session.commit()
    assert day_key(FirstLookMisses(db_session), MORNING.date(), now=MORNING) == "ab" * 32
    assert db_session.scalar(select(func.count()).select_from(IpHashKey)) == 1
