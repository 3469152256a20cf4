"""Behind the TLS proxy: TRUSTED_PROXIES=N makes rate limits count clients, not the proxy."""

from __future__ import annotations

import pytest

from tests.factories import make_user

LIMITS = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "2 per minute"}


def attempts(client, forwarded_for: str) -> list[int]:
    return [client.post("/auth/login", data={"email": "ed@example.com", "password": "guess"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(3)]


@pytest.mark.app_config(TRUSTED_PROXIES=1, **LIMITS)
def test_with_trusted_proxies_each_client_has_its_own_limit(app, client, db_session):
    make_user(db_session, "ed@example.com")
    db_session.commit()
    assert attempts(client, "203.0.113.7") == [401, 401, 429]
    assert attempts(client, "198.51.100.9") == [401, 401, 429]  # another reader is not locked out


@pytest.mark.app_config(**LIMITS)
def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(app, client, db_session):
    make_user(db_session, "ed@example.com")
    db_session.commit()
    assert attempts(client, "203.0.113.7") == [401, 401, 429]
    assert attempts(client, "198.51.100.9") == [429, 429, 429]
