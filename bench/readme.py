"""How a benchmark records its figures in its README: between two marker comments, the rest kept.

    replace_block(README, "<!-- results:begin -->", "<!-- results:end -->", lines)

Every benchmark that rewrites its README does it through here (bench/api, bench/desk, bench/chaos).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def replace_block(readme: Path, begin: str, end: str, lines: Sequence[str], *, heading: str | None = None) -> None:
    """Write ``lines`` between the markers ``begin`` and ``end`` in ``readme``, keeping the text around
    them. A README without the markers (or no README yet) gets them at its end, under ``heading`` when
    one is given: the first run of a new benchmark."""
    current = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if begin not in current:
        section = f"{heading}\n\n" if heading else ""
        current += ("\n" if current and heading else "") + f"{section}{begin}\n{end}\n"
    head, _, rest = current.partition(begin)
    _, found, tail = rest.partition(end)
    if not found:
        raise ValueError(f"{readme}: {begin} has no {end} after it")
    readme.write_text("\n".join([head + begin, *lines, end + tail]), encoding="utf-8")
