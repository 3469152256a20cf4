"""bench/anchoring/app_reanchor.py: the app's re-anchoring against the engine's own time."""

import pytest

from tests.bench.shared import run_script

pytestmark = pytest.mark.slow  # a whole benchmark run, if a tiny one


@pytest.mark.parametrize("revision", ["1", "2"])
def test_the_reanchoring_benchmark_compares_the_app_with_the_engine(revision):
    out = run_script("bench/anchoring/app_reanchor.py", "--corrections", "20", "--size", "5000", "--repeats", "1",
                     "--revision", revision)
    assert "re-anchoring / engine" in out and f"revision {revision}," in out
