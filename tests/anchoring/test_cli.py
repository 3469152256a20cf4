import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, lines):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    proc = subprocess.run([sys.executable, "-m", "readerdesk.anchoring", "evaluate", str(cases), str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    return proc, out


def case(id_, old, new, sub, **extra):
    s = old.index(sub)
    return json.dumps({"id": id_, "old_text": old, "new_text": new, "start": s, "end": s + len(sub), **extra})


def test_output_format(tmp_path):
    old = "First paragraph here.\n\nThe fire killed 12 people, police said.\n\nLast one."
    proc, out = run(tmp_path, [
        case("a", old, "Intro.\n\n" + old, "12 people", truth={"state": "unchanged"}),
        case("b", old, old.replace("The fire killed 12 people, police said.\n\n", ""), "12 people"),
    ])
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [set(r) for r in rows] == [{"id", "start", "end", "state", "confidence"}] * 2
    assert rows[0]["state"] == "unchanged" and rows[0]["start"] == old.index("12 people") + 8
    assert rows[1] == {"id": "b", "start": None, "end": None, "state": "removed", "confidence": 0.0}


def test_malformed_line_exits_1(tmp_path):
    proc, _ = run(tmp_path, [case("a", "abc def", "abc def", "def"), "{not json"])
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "line 2" in proc.stderr


def test_bad_offsets_exit_1(tmp_path):
    bad = json.dumps({"id": 1, "old_text": "abc", "new_text": "abc", "start": 2, "end": 9})
    proc, _ = run(tmp_path, [bad])
    assert proc.returncode == 1 and "bad offsets" in proc.stderr


def test_missing_file_exits_1(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "readerdesk.anchoring", "evaluate",
                           str(tmp_path / "nope.jsonl"), str(tmp_path / "out.jsonl")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.startswith("error:")
