"""bench/flood/run.py: one new report on a flooded passage, the detail page, the report sets."""

import pytest

from tests.bench.shared import run_script

pytestmark = pytest.mark.slow  # a whole benchmark run, if a tiny one


def test_the_flood_benchmark_measures_a_report_and_the_groups(tmp_path):
    out = run_script("bench/flood/run.py", "--tiny", "--database-url", f"sqlite:///{tmp_path / 'flood.sqlite3'}")
    # Every report the benchmark sent was stored in six statements, updating one row.
    assert out.count("statements [6], rows updated [1]") == 2, out
    assert "detail page, group of" in out and "uk_budget: the whole article" in out
