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


def day_key(session: DbSession, day: date, *, now: datetime) -> str:
    """The key of ``day``, made on the day's first use (flushes; the caller commits). Two requests
    making it at once: the unique day decides, and the loser reads the winner's key."""
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


def hash_ip(session: DbSession, ip: str | None, *, secret_key: str, now: datetime) -> str:
    """The sender's address as stored and rate-limited on: "" when there is none."""
    if not ip:
        return ""
    return hash_with_key(ip, day_key(session, now.date(), now=now), secret_key)
