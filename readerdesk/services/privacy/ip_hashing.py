"""IP addresses, hashed so that they can be compared for a day and never recovered afterwards.

A plain HMAC(SECRET_KEY, ip) is reversible by whoever holds the key: there are only 2³² IPv4
addresses to try. Here each UTC day has its own random key, stored in ``ip_hash_keys`` and deleted by
the retention purge after ``RETENTION_IP_DAYS`` (with the hashes made with it). The hash is

    HMAC-SHA256(HMAC-SHA256(SECRET_KEY, day key), ip)

so the same address gives the same hash all day (rate limits, grouping one sender's reports), a copy
of the database alone is not enough to test addresses (it also needs SECRET_KEY), and once the day's
key is deleted no one can test them, SECRET_KEY or not. Deriving the day key from SECRET_KEY and the
date (HKDF) would not do: anyone with SECRET_KEY could derive it again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readerdesk.models import IpHashKey
from readerdesk.models.types import DbSession


class KnownDayKey:
    """The latest day's key as this process last used it, so that a report's request need not ask
    the database for it again (one per process, e.g. per gunicorn worker). A day's key never
    changes, and the purge deletes only the keys of days at least ``RETENTION_IP_DAYS`` (one or more)
    past, never the current day's; a new day replaces it. A key made in a transaction that then fails
    was never stored: the caller ``forget``s it."""

    def __init__(self) -> None:
        self._known: tuple[date, str] | None = None  # replaced whole: safe between threads

    def get(self, day: date) -> str | None:
        known = self._known
        return known[1] if known is not None and known[0] == day else None

    def remember(self, day: date, key: str) -> None:
        self._known = (day, key)

    def forget(self) -> None:
        self._known = None


def day_key(session: DbSession, day: date, *, now: datetime, known: KnownDayKey | None = None) -> str:
    """The key of ``day``, made on the day's first use (flushes; the caller commits). Two requests
    making it at once: the unique day decides, and the loser reads the winner's key. With ``known``,
    a key used before costs no query, and the key found or made is remembered."""
    key = known.get(day) if known is not None else None
    if key is None:
        key = _stored_or_new_key(session, day, now=now)
        if known is not None:
            known.remember(day, key)
    return key


def _stored_or_new_key(session: DbSession, day: date, *, now: datetime) -> str:
    key = session.scalar(select(IpHashKey.key).where(IpHashKey.day == day))
    if key is not None:
        return key
    try:
        with session.begin_nested():
            session.add(IpHashKey(day=day, key=secrets.token_hex(32), created_at=now))
            session.flush()
    except IntegrityError:
        pass
    key = session.scalar(select(IpHashKey.key).where(IpHashKey.day == day))
    assert key is not None
    return key


def hash_with_key(ip: str, key: str, secret_key: str) -> str:
    day_secret = hmac.new(secret_key.encode("utf-8"), bytes.fromhex(key), hashlib.sha256).digest()
    return hmac.new(day_secret, ip.encode("utf-8"), hashlib.sha256).hexdigest()


def hash_ip(session: DbSession, ip: str | None, *, secret_key: str, now: datetime,
            known: KnownDayKey | None = None) -> str:
    """The sender's address as stored and rate-limited on: "" when there is none."""
    if not ip:
        return ""
    return hash_ip_with_key(ip, day_key(session, now.date(), now=now, known=known), secret_key)


def hash_ip_with_key(ip: str | None, key: str, secret_key: str) -> str:
    """``hash_ip`` with the day's key in hand."""
    return hash_with_key(ip, key, secret_key) if ip else ""
