"""``make outdated``: which pins are behind, read from the real requirement files (no network)."""

from __future__ import annotations

from tools.outdated import NEWEST, REQUIREMENT_FILES, read_pins, report


def test_every_pin_of_both_files_is_read_as_written():
    pins = read_pins(REQUIREMENT_FILES)
    assert "SQLAlchemy" in pins  # runtime
    assert "psycopg" in pins  # psycopg[binary], extras dropped
    assert "pytest" in pins and "mypy" in pins  # dev
    assert all(version[0].isdigit() for version in pins.values())


def test_the_newest_release_is_read_from_pips_answer():
    answer = "nh3 (0.3.8)\nAvailable versions: 0.3.8, 0.3.7, 0.3.6\n"
    assert NEWEST.search(answer)[1] == "0.3.8"


def test_only_pins_behind_are_listed_and_unanswered_ones_are_named(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# a comment\n-r other.txt\nFlask-Limiter==4.0.0\nstripe==13.0.1\nnh3==0.3.8\nrq==3.0.0\n")
    pins = read_pins([requirements])
    newest = {"Flask-Limiter": "4.1.1", "stripe": "16.1.0", "nh3": "0.3.8", "rq": None}
    assert report(pins, newest).splitlines() == [
        "package        pinned -> newest",
        "Flask-Limiter  4.0.0 -> 4.1.1",
        "stripe         13.0.1 -> 16.1.0",
        "Could not ask the package index about: rq.",
    ]
    assert report({"nh3": "0.3.8"}, {"nh3": "0.3.8"}) == "Every pin is at its newest release."
