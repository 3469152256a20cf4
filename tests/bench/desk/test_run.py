"""bench/desk/run.py: the desk's pages and tab counts on a seeded database."""

import pytest

from tests.bench.shared import flask, run_script

pytestmark = pytest.mark.slow  # a whole benchmark run, if a tiny one


def test_the_desk_benchmark_times_pages_and_counts_on_a_seeded_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    env = {"DATABASE_URL": url, "FLASK_DEBUG": "1"}
    upgraded = flask("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    seeded = flask("readerdesk", "seed-bench", "--corrections", "2000", "--articles", "20", env=env)
    assert seeded.returncode == 0 and "Seeded 2,000 reports" in seeded.stdout, seeded.stderr[-2000:]
    out = run_script("bench/desk/run.py", "--database-url", url, "--requests", "1", "--no-readme")
    assert "tab counts" in out and "first page: new, priority" in out and "rows 50" in out
