"""bench/flood/grouping.py: the grouping rules compared on the realistic report sets."""

import pytest

from tests.bench.shared import run_script

pytestmark = pytest.mark.slow  # a whole benchmark run, if a tiny one


def test_the_grouping_rules_are_compared_on_the_report_sets():
    out = run_script("bench/flood/grouping.py", "--tiny")
    assert "readerdesk (duplicates.passage_overlap)" in out and "en_council: neighbouring sentences" in out
