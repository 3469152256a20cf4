"""bench/readme.py: a benchmark's figures written between its README's markers, the rest kept."""

import pytest

from bench.readme import replace_block

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def test_the_lines_replace_what_was_between_the_markers_and_nothing_else(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Bench\n\nHow to run it.\n\n{BEGIN}\nold figures\n\nmore\n{END}\n\nWhat they mean.\n")
    replace_block(readme, BEGIN, END, ["| a | b |", "", "Load 1.0."])
    assert readme.read_text() == (f"# Bench\n\nHow to run it.\n\n{BEGIN}\n| a | b |\n\nLoad 1.0.\n{END}\n\n"
                                  "What they mean.\n")
    replace_block(readme, BEGIN, END, ["second run"])  # again: the first run's lines go
    assert readme.read_text() == f"# Bench\n\nHow to run it.\n\n{BEGIN}\nsecond run\n{END}\n\nWhat they mean.\n"


def test_other_markers_in_the_same_readme_are_left_alone(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"{BEGIN}\none\n{END}\n<!-- live:begin -->\ntwo\n<!-- live:end -->\n")
    replace_block(readme, "<!-- live:begin -->", "<!-- live:end -->", ["2"])
    assert readme.read_text() == f"{BEGIN}\none\n{END}\n<!-- live:begin -->\n2\n<!-- live:end -->\n"


def test_a_first_run_adds_the_markers_under_a_heading(tmp_path):
    new = tmp_path / "new" / "README.md"
    new.parent.mkdir()
    replace_block(new, BEGIN, END, ["figures"], heading="# Desk queue benchmark")
    assert new.read_text() == f"# Desk queue benchmark\n\n{BEGIN}\nfigures\n{END}\n"
    existing = tmp_path / "README.md"
    existing.write_text("# Desk\n")
    replace_block(existing, BEGIN, END, ["figures"], heading="## The live queue's poll")
    assert existing.read_text() == f"# Desk\n\n## The live queue's poll\n\n{BEGIN}\nfigures\n{END}\n"


def test_a_begin_marker_without_its_end_is_refused_and_the_readme_kept(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"{BEGIN}\nhand-edited, end marker lost\n")
    with pytest.raises(ValueError, match="has no"):
        replace_block(readme, BEGIN, END, ["figures"])
    assert readme.read_text() == f"{BEGIN}\nhand-edited, end marker lost\n"
