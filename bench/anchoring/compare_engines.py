"""CPU time of the scaling run (diff once + re-anchor 1,000 spans) for this engine and the engine at
other commits, interleaved in one process, so that every engine runs under the same load.

Run from the repository root:

    .venv/bin/python bench/anchoring/compare_engines.py COMMIT [COMMIT ...] [--repeats 15]

Each COMMIT's readerdesk/anchoring (which imports nothing else from readerdesk) is unpacked with
`git archive` into a temporary folder and imported under its own name. The spans and revisions are
run.py's, so the figures compare with its "CPU per anchor" column.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import SCALING_SIZES, scaling_cases  # noqa: E402

from readerdesk.anchoring import RevisionDiff  # noqa: E402


def engine_at(commit: str, folder: Path):
    """RevisionDiff of readerdesk/anchoring at ``commit``, imported as engine_<commit>."""
    archive = subprocess.run(["git", "archive", commit, "readerdesk/anchoring"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    name = f"engine_{commit.replace('-', '_').replace('.', '_')}"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder / "unpacked" / name, filter="data")
    (folder / "unpacked" / name / "readerdesk" / "anchoring").rename(folder / name)
    return importlib.import_module(name).RevisionDiff


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("commits", nargs="+", help="commits whose engine to compare with the working tree's")
    ap.add_argument("--repeats", type=int, default=15, help="runs per engine and size (median)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000], choices=SCALING_SIZES)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, tmp)
        engines = {commit: engine_at(commit, Path(tmp)) for commit in args.commits}
        engines["working tree"] = RevisionDiff
        print("load average (1, 5, 15 min) before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print("| article chars | " + " | ".join(engines) + " |")
        print("|---:|" + "---:|" * len(engines))
        for size, old, new, spans in scaling_cases():
            if size not in args.sizes:
                continue
            cpu: dict[str, list[float]] = {name: [] for name in engines}
            for _ in range(args.repeats):
                for name, engine in engines.items():
                    c0 = time.process_time()
                    rev = engine(old, new)
                    for span in spans:
                        rev.reanchor(span)
                    cpu[name].append(time.process_time() - c0)
            cells = [f"{statistics.median(xs) * 1000:.1f} ms (min {min(xs) * 1000:.1f})" for xs in cpu.values()]
            print(f"| {len(old):,} | " + " | ".join(cells) + " |")
        print("load average (1, 5, 15 min) after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
