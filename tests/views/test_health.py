import time

import pytest

from tests.conftest import UNREACHABLE_REDIS_URL


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_readyz_reports_an_unreachable_database(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from readerdesk.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_readyz_says_when_redis_is_not_used(client):
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok", "redis": "not configured"}


@pytest.mark.app_config(REDIS_URL=UNREACHABLE_REDIS_URL, REDIS_TIMEOUT=0.2)
def test_readyz_names_redis_when_it_is_unreachable_but_stays_ready(client):
    # Without Redis the app still takes reports and sign-ins, so the instance stays in the pool.
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 200 and time.monotonic() - started < 2
    assert response.get_json() == {"status": "degraded", "database": "ok", "redis": "unreachable"}
