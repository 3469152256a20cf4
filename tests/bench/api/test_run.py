"""bench/api/run.py: gunicorn on PostgreSQL and Redis, reports against health checks."""

import os

import pytest

from tests.bench.shared import run_script
from tests.conftest import TEST_DATABASE_URL, is_postgres


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.skipif(not (is_postgres() and os.environ.get("TEST_REDIS_URL")),
                    reason="needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL")
def test_the_api_benchmark_loads_gunicorn_with_reports_and_health_checks():
    assert TEST_DATABASE_URL is not None
    out = run_script("bench/api/run.py", "--tiny", "--database-url", TEST_DATABASE_URL, "--redis-url",
                     os.environ["TEST_REDIS_URL"], "--schema", "api_bench_test", "--workers", "2")
    assert "POST /api/v1/corrections" in out and "GET /healthz" in out and "errors 0" in out
