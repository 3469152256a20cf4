"""Database ids from untrusted text: URL parts, query strings, form fields, Stripe metadata.

Every id that comes from outside goes through :func:`parse_id` (or :func:`parse_id_list` for a
list an editor typed, and ``IdConverter`` for ``<int:...>`` in routes).

Ids are 32-bit integers in the schema (SQLite stores 64-bit). Anything else, whether a Unicode
digit like "²" (``str.isdigit`` says yes, ``int`` says no), a negative number or a number too
large for the column, is "no id" rather than a 500 from the database driver.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_ID_RE = re.compile(r"[0-9]{1,10}")
# Between the ids of a typed list: "12, 15", "#12 #15", "12; 15".
_LIST_SEPARATOR_RE = re.compile(r"[\s,;#]+")


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


def parse_id_list(raw) -> list[int] | None:
    """The ids in a list a person typed ("12, 15", "#12 #15"), in order, without repeats; None when
    any item is not an id, or when there is none."""
    if not isinstance(raw, str):
        return None
    ids: list[int] = []
    for item in _LIST_SEPARATOR_RE.split(raw):
        if not item:
            continue
        value = parse_id(item)
        if value is None:
            return None
        if value not in ids:
            ids.append(value)
    return ids or None


def arg_id(args, name: str) -> int | None:
    """``parse_id`` of a query-string argument (``request.args``)."""
    return parse_id(args.get(name))


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes, bounded to the id range: a larger number is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
