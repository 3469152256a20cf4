"""What the benchmark tests share: running a benchmark as an operator does, as a script.

Every benchmark under bench/ runs once at a tiny size, so that it keeps working as the code changes.
The figures it prints are not checked (speed targets live in each benchmark's README), only that it
runs and measures what it claims to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_script(*args: str, env: dict | None = None, timeout: int = 600) -> str:
    """``python <args>`` from the repository's root; its output, once it has exited 0."""
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def flask(*args: str, env: dict) -> subprocess.CompletedProcess:
    """``flask --app app <args>`` from the repository's root, with ``env`` added to the environment."""
    return subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "app", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True)
