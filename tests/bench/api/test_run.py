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
                     os.environ["TEST_REDIS_URL"], "--schema", "api_bench_test", "--workers", "2", "--floor")
    phases = [line for line in out.splitlines() if line.startswith(("round", "fixed rate"))]
    assert [line.split()[3:5] for line in phases if line.startswith("round")] == [
        ["GET", "/healthz"], ["POST", "/api/v1/corrections"], ["POST", "/bench/floor"]] * 2  # c=10, c=50
    assert all("errors 0" in line for line in phases), out  # the floor's route (bench/api/floor.py) answers too
