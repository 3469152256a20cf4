"""List the pinned requirements that are behind their newest release (``make outdated``).

Asks the package index about each pin with ``pip index versions``, so it needs the network but no
venv. It is a report, never a gate: it always exits 0, and names the packages it could not ask about.

    python3 tools/outdated.py [requirements.txt requirements-dev.txt]
"""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT_FILES = (ROOT / "requirements.txt", ROOT / "requirements-dev.txt")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")
# The first line of `pip index versions NAME`: "NAME (NEWEST)".
NEWEST = re.compile(r"^\S+ \(([^)]+)\)$", re.MULTILINE)
PIP_TIMEOUT_SECONDS = 300  # a large index page on a busy machine takes a while


def read_pins(paths) -> dict[str, str]:
    """``{name as written: pinned version}`` from the ``name==version`` lines."""
    pins: dict[str, str] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            match = PIN.match(line.strip())
            if match:
                pins[match[1]] = match[2]
    return pins


def newest_release(name: str) -> str | None:
    """The index's newest release of ``name``; None when the index could not be asked."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "index", "versions", name, "--timeout", "10", "--retries", "1"],
            capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = NEWEST.search(result.stdout)
    return match[1] if match else None


def report(pins: dict[str, str], newest: dict[str, str | None]) -> str:
    behind = [(name, pinned, newest[name]) for name, pinned in pins.items()
              if newest.get(name) is not None and newest[name] != pinned]
    unknown = [name for name in pins if newest.get(name) is None]
    lines = []
    if behind:
        width = max(len(name) for name, _, _ in behind)
        lines.append(f"{'package'.ljust(width)}  pinned -> newest")
        lines += [f"{name.ljust(width)}  {pinned} -> {latest}" for name, pinned, latest in sorted(behind)]
    else:
        lines.append("Every pin is at its newest release.")
    if unknown:
        lines.append(f"Could not ask the package index about: {', '.join(unknown)}.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    pins = read_pins(argv or REQUIREMENT_FILES)
    with ThreadPoolExecutor(max_workers=4) as pool:
        newest = dict(zip(pins, pool.map(newest_release, pins), strict=True))
    print(report(pins, newest))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
