"""Batch re-anchoring of JSONL cases (used by the CLI and the benchmark)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from .reanchor import RevisionDiff


class CaseError(ValueError):
    """A case line is unusable; the message names the line."""


@dataclass(frozen=True)
class Case:
    id: Any
    old_text: str
    new_text: str
    start: int
    end: int


def parse_case(line: str, lineno: int) -> Case:
    try:
        d = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CaseError(f"line {lineno}: malformed JSON ({exc.msg})") from None
    if not isinstance(d, dict):
        raise CaseError(f"line {lineno}: expected a JSON object")
    for key in ("id", "old_text", "new_text", "start", "end"):
        if key not in d:
            raise CaseError(f"line {lineno}: missing field '{key}'")
    old, new, s, e = d["old_text"], d["new_text"], d["start"], d["end"]
    if not isinstance(old, str) or not isinstance(new, str):
        raise CaseError(f"line {lineno}: old_text and new_text must be strings")
    if any(isinstance(x, bool) or not isinstance(x, int) for x in (s, e)):
        raise CaseError(f"line {lineno}: start and end must be integers")
    if not 0 <= s <= e <= len(old):
        raise CaseError(f"line {lineno}: bad offsets [{s}, {e}) for old_text of length {len(old)}")
    return Case(d["id"], old, new, s, e)


def read_cases(stream: IO[str]) -> Iterator[Case]:
    for lineno, line in enumerate(stream, 1):
        if line.strip():
            yield parse_case(line, lineno)


def evaluate_case(case: Case) -> dict[str, Any]:
    r = RevisionDiff(case.old_text, case.new_text).reanchor((case.start, case.end))
    return {"id": case.id, "start": r.start, "end": r.end, "state": r.state,
            "confidence": r.confidence}


def evaluate_file(cases_path: str, results_path: str, timings: bool = False) -> int:
    """Evaluate every case; returns the number of cases.

    All cases are validated before anything is written, so a bad line leaves
    no half-written results file. With ``timings`` each result also gets
    ``elapsed_us`` (diff + re-anchoring of that case), used by the benchmark.
    """
    with open(cases_path, encoding="utf-8") as f:
        cases = list(read_cases(f))
    with open(results_path, "w", encoding="utf-8") as out:
        for case in cases:
            t0 = time.perf_counter()
            result = evaluate_case(case)
            if timings:
                result["elapsed_us"] = round((time.perf_counter() - t0) * 1e6, 1)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return len(cases)
