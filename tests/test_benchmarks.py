"""Every benchmark under bench/ runs once at a tiny size, so that it keeps working as the code changes.

They run as an operator runs them, as scripts; the figures they print are not checked here (speed
targets live in each benchmark's README), only that they run and measure what they claim to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, is_postgres

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict | None = None, timeout: int = 600) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def test_the_grouping_rules_are_compared_on_the_report_sets():
    out = run("bench/flood/grouping.py", "--tiny")
    assert "readerdesk (duplicates.passage_overlap)" in out and "en_council: neighbouring sentences" in out


def test_the_flood_benchmark_measures_a_report_and_the_groups(tmp_path):
    out = run("bench/flood/run.py", "--tiny", "--database-url", f"sqlite:///{tmp_path / 'flood.sqlite3'}")
    # Every report the benchmark sent was stored in six statements, updating one row.
    assert out.count("statements [6], rows updated [1]") == 2, out
    assert "detail page, group of" in out and "uk_budget: the whole article" in out


def test_the_desk_benchmark_times_pages_and_counts_on_a_seeded_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    env = {"DATABASE_URL": url, "FLASK_DEBUG": "1"}
    subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    seeded = subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "app", "readerdesk", "seed-bench",
                             "--corrections", "2000", "--articles", "20"], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True)
    assert seeded.returncode == 0 and "Seeded 2,000 reports" in seeded.stdout, seeded.stderr[-2000:]
    out = run("bench/desk/run.py", "--database-url", url, "--requests", "1", "--no-readme")
    assert "tab counts" in out and "first page: new, priority" in out and "rows 50" in out


def test_the_reanchoring_benchmark_compares_the_app_with_the_engine():
    out = run("bench/anchoring/app_reanchor.py", "--corrections", "20", "--size", "5000", "--repeats", "1")
    assert "re-anchoring / engine" in out


@pytest.mark.skipif(not (is_postgres() and os.environ.get("TEST_REDIS_URL")),
                    reason="needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL")
def test_the_api_benchmark_loads_gunicorn_with_reports_and_health_checks():
    out = run("bench/api/run.py", "--tiny", "--database-url", TEST_DATABASE_URL, "--redis-url",
              os.environ["TEST_REDIS_URL"], "--schema", "api_bench_test", "--workers", "2")
    assert "POST /api/v1/corrections" in out and "GET /healthz" in out and "errors 0" in out
