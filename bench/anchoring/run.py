"""Re-anchoring benchmark: readerdesk vs two baselines, plus scaling.

Run from the repository root:  .venv/bin/python bench/anchoring/run.py
Exits non-zero (naming the missed target) if a target is missed:
  * 0 wrong anchors in every scenario (readerdesk);
  * >= 99% correct overall excluding heavy rewrites (readerdesk);
  * 1,000 corrections on a 50,000-char article across one revision < 1 s of CPU.
The goal of 0.1 ms of CPU per anchor (issue 16) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import make_cases  # noqa: E402
from baselines import exact_first, hypothesis_style  # noqa: E402

from readerdesk.anchoring import RevisionDiff  # noqa: E402

OUT = HERE / "out"


def classify(case: dict, span) -> str:
    """"correct", "wrong" or "false_removed" for a returned span (or None).

    Correct: truth says removed and no span was returned, or the returned
    span is exactly the truth span (same start and end in new_text). For heavy
    rewrites, and for an edited original with a verbatim copy of its old
    wording elsewhere (copy_elsewhere_edited: "ambiguous" is an honest answer),
    no span is also correct. Wrong: any other returned span.
    False removed: no span (removed/ambiguous/not_found) although the truth
    is unchanged/edited (heavy rewrites excepted).
    """
    truth = case["truth"]
    if span is None:
        return "correct" if {"removed", "ambiguous"} & set(truth["accept"]) else "false_removed"
    if truth["state"] != "removed" and tuple(span) == (truth["start"], truth["end"]):
        return "correct"
    return "wrong"


def run_readerdesk(cases_path: Path) -> dict[str, dict]:
    OUT.mkdir(exist_ok=True)
    results = OUT / "readerdesk.jsonl"
    cmd = [sys.executable, "-m", "readerdesk.anchoring", "evaluate", str(cases_path), str(results), "--timings"]
    subprocess.run(cmd, check=True, cwd=ROOT)
    out = {}
    for line in results.open(encoding="utf-8"):
        r = json.loads(line)
        out[r["id"]] = r
    return out


def time_baseline(fn, case):
    t0 = time.perf_counter()
    span = fn(case["old_text"], case["new_text"], case["start"], case["end"])
    return span, (time.perf_counter() - t0) * 1e6


def scenario_table(cases: list[dict], rd: dict[str, dict]) -> tuple[str, dict]:
    engines = ["readerdesk", "hypothesis-style", "exact"]
    stats: dict = defaultdict(lambda: defaultdict(lambda: {"n": 0, "correct": 0, "wrong": 0,
                                                          "false_removed": 0, "us": []}))
    wrong_ids = []
    for case in cases:
        r = rd[case["id"]]
        outcomes = {
            "readerdesk": ((r["start"], r["end"]) if r["start"] is not None else None, r["elapsed_us"]),
            "hypothesis-style": time_baseline(hypothesis_style, case),
            "exact": time_baseline(exact_first, case),
        }
        for eng, (span, us) in outcomes.items():
            for key in (case["scenario"], "ALL"):
                st = stats[eng][key]
                verdict = classify(case, span)
                st["n"] += 1
                st[verdict] += 1
                st["us"].append(us)
            if eng == "readerdesk" and classify(case, span) != "correct":
                wrong_ids.append((case["id"], classify(case, span), r["state"], case["truth"]))
    scen = make_cases.ALL_SCENARIOS + ["ALL"]
    lines = ["| scenario | n | " + " | ".join(f"{e} correct / wrong / false removed / µs" for e in engines) + " |",
             "|---|---:|" + "---|" * len(engines)]
    for sc in scen:
        row = [sc, str(stats["readerdesk"][sc]["n"])]
        for e in engines:
            st = stats[e][sc]
            n = st["n"] or 1
            row.append(f"{100 * st['correct'] / n:.1f}% / {100 * st['wrong'] / n:.1f}% / "
                       f"{100 * st['false_removed'] / n:.1f}% / {statistics.median(st['us']):.0f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines), {"stats": stats, "not_correct": wrong_ids}


SCALING_SIZES = (5_000, 20_000, 50_000, 200_000)


def scaling_cases():
    """(size, old, new, 1,000 spans of old) for each of SCALING_SIZES, always the same."""
    texts = make_cases.load_texts()
    rng = random.Random(7)
    body = "\n\n".join(make_cases.vary(t, k) for k in range(1, 80) for t in texts.values())
    for size in SCALING_SIZES:
        old = body[:size]
        old = old[:old.rfind("\n") + 1].rstrip() if "\n" in old else old
        # One revision: a number fixed, a sentence deleted, a paragraph moved,
        # a paragraph added, punctuation normalised.
        new, _ = make_cases.normalise_punctuation(rng, old, (0, 0), "en")
        paras = make_cases.paragraphs(new)
        mid = paras[len(paras) // 2]
        new = new[:mid[0]] + new[mid[1]:] + "\n\n" + new[mid[0]:mid[1]]
        new = new.replace("12", "13", 3)
        new = new[:paras[2][0]] + "A new paragraph was added here by the editors.\n\n" + new[paras[2][0]:]
        spans = []
        while len(spans) < 1000:
            a = rng.randrange(0, len(old) - 1)
            spans.append((a, min(len(old), a + rng.randint(5, 200))))
        yield size, old, new, spans


def scaling(repeats: int) -> tuple[str, dict]:
    lines = ["| article chars | N=10 | N=100 | N=1000 | N=1000, CPU | CPU per anchor |",
             "|---:|---:|---:|---:|---:|---:|"]
    results = {}
    for size, old, new, spans in scaling_cases():
        row = [f"{len(old):,}"]
        for n in (10, 100, 1000):
            times, cpu = [], []
            for _ in range(repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                rev = RevisionDiff(old, new)
                for sp in spans[:n]:
                    rev.reanchor(sp)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            med = statistics.median(times)
            results[(size, n)] = med
            results[(size, n, "cpu")] = statistics.median(cpu)
            row.append(f"{med * 1000:.1f} ms")
        # CPU time (this process only) is what the machine's load cannot inflate much.
        row.append(f"{statistics.median(cpu) * 1000:.1f} ms")
        row.append(f"{statistics.median(cpu) / 1000 * 1000:.3f} ms")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines), results


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5, help="scaling runs per cell (median)")
    args = ap.parse_args()
    cases_path = HERE / "cases.jsonl"
    make_cases.main(str(cases_path))  # deterministic, so always regenerate
    cases = [json.loads(line) for line in cases_path.open(encoding="utf-8")]
    rd = run_readerdesk(cases_path)
    table, info = scenario_table(cases, rd)
    print("\n## Per scenario (correct / wrong / false removed / median µs per anchor)\n")
    print(table)
    load_before = os.getloadavg()
    sc_table, scale = scaling(args.repeats)
    print("\n## Scaling: diff once + re-anchor N spans, one revision, median of", args.repeats, "runs\n")
    print("load average (1, 5, 15 min) before:", " ".join(f"{x:.2f}" for x in load_before),
          "after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(sc_table)
    OUT.mkdir(exist_ok=True)
    (OUT / "report.md").write_text(table + "\n\n" + sc_table + "\n", encoding="utf-8")
    failures = []
    stats = info["stats"]["readerdesk"]
    for sc in make_cases.ALL_SCENARIOS:
        if stats[sc]["wrong"]:
            failures.append(f"{stats[sc]['wrong']} wrong anchor(s) in scenario {sc}")
    n = sum(stats[sc]["n"] for sc in make_cases.ALL_SCENARIOS if sc != "heavy_rewrite")
    ok = sum(stats[sc]["correct"] for sc in make_cases.ALL_SCENARIOS if sc != "heavy_rewrite")
    if ok < 0.99 * n:
        failures.append(f"only {100 * ok / n:.2f}% correct excluding heavy rewrites (target 99%)")
    # CPU time, not wall time: on a shared machine the wall clock measures the neighbours.
    if scale[(50_000, 1000, "cpu")] >= 1.0:
        failures.append(f"1,000 corrections on 50k chars took {scale[(50_000, 1000, 'cpu')]:.2f} s of CPU "
                        "(target < 1 s)")
    for size in (5_000, 50_000):
        per_anchor = scale[(size, 1000, "cpu")]
        # The goal of issue 16: 0.1 ms of CPU per anchor. Reported, not enforced: CPU time too grows
        # with the machine's load (caches, clock), and this machine is shared.
        verdict = "goal met" if per_anchor <= 0.1 else "goal not met"
        print(f"{verdict}: {per_anchor:.3f} ms of CPU per anchor at {size:,} chars (goal 0.1 ms)")
    if info["not_correct"]:
        print("\nreaderdesk cases not correct:")
        for item in info["not_correct"]:
            print("  ", *item)
    for f in failures:
        print("TARGET MISSED:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
