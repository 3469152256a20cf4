"""Database ids from untrusted text: URL parts, query strings, form fields.

Ids are 32-bit integers in the schema (SQLite stores 64-bit). Anything else, whether a Unicode
digit like "²" (``str.isdigit`` says yes, ``int`` says no), a negative number or a number too
large for the column, is "no id" rather than a 500 from the database driver.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_ID_RE = re.compile(r"[0-9]{1,10}")


def parse_id(raw) -> int | None:
    """The id written in ``raw``, or None when it is not one."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 < raw <= MAX_ID else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not _ID_RE.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def arg_id(args, name: str) -> int | None:
    """``parse_id`` of a query-string argument (``request.args``)."""
    return parse_id(args.get(name))


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes, bounded to the id range: a larger number is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
