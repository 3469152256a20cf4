"""W3C Web Annotation selectors (TextQuoteSelector, TextPositionSelector).

Offsets are Unicode code points, i.e. plain Python ``str`` indices.
See https://www.w3.org/TR/annotation-model/#text-quote-selector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias


class InvalidSelector(ValueError):
    """Raised when selector JSON is malformed; the message is meant for humans."""


@dataclass(frozen=True)
class TextQuoteSelector:
    exact: str
    prefix: str = ""
    suffix: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "TextQuoteSelector",
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }


@dataclass(frozen=True)
class TextPositionSelector:
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"type": "TextPositionSelector", "start": self.start, "end": self.end}


Selector: TypeAlias = TextQuoteSelector | TextPositionSelector


def _quote_from_json(index: int, d: dict[str, Any]) -> TextQuoteSelector:
    if "exact" not in d:
        raise InvalidSelector(f"selector {index}: TextQuoteSelector is missing 'exact'")
    values = {}
    for key in ("exact", "prefix", "suffix"):
        value = d.get(key, "")
        if value is None and key != "exact":
            value = ""
        if not isinstance(value, str):
            raise InvalidSelector(
                f"selector {index}: TextQuoteSelector '{key}' must be a string, "
                f"got {type(value).__name__}"
            )
        values[key] = value
    if values["exact"] == "":
        raise InvalidSelector(f"selector {index}: TextQuoteSelector 'exact' is empty")
    return TextQuoteSelector(**values)


def _position_from_json(index: int, d: dict[str, Any]) -> TextPositionSelector:
    bounds = []
    for key in ("start", "end"):
        if key not in d:
            raise InvalidSelector(f"selector {index}: TextPositionSelector is missing '{key}'")
        value = d[key]
        # bool is an int subclass; True as an offset is certainly a client bug.
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidSelector(
                f"selector {index}: TextPositionSelector '{key}' must be an integer, "
                f"got {type(value).__name__}"
            )
        if value < 0:
            raise InvalidSelector(f"selector {index}: TextPositionSelector '{key}' is negative ({value})")
        bounds.append(value)
    start, end = bounds
    if end < start:
        raise InvalidSelector(
            f"selector {index}: TextPositionSelector end ({end}) is before start ({start})"
        )
    return TextPositionSelector(start, end)


def selectors_from_json(data: Any) -> list[Selector]:
    """Parse a list of W3C selector dicts. Unknown selector types are rejected."""
    if not isinstance(data, list):
        raise InvalidSelector(f"selectors must be a list, got {type(data).__name__}")
    result: list[Selector] = []
    for index, d in enumerate(data):
        if not isinstance(d, dict):
            raise InvalidSelector(f"selector {index} must be an object, got {type(d).__name__}")
        kind = d.get("type")
        if kind == "TextQuoteSelector":
            result.append(_quote_from_json(index, d))
        elif kind == "TextPositionSelector":
            result.append(_position_from_json(index, d))
        else:
            raise InvalidSelector(f"selector {index}: unsupported type {kind!r}")
    return result


def selectors_to_json(selectors: Iterable[Selector]) -> list[dict[str, Any]]:
    return [s.to_json() for s in selectors]


def split_selectors(
    selectors: Iterable[Selector],
) -> tuple[TextQuoteSelector | None, TextPositionSelector | None]:
    """First quote selector and first position selector (either may be None)."""
    quote = position = None
    for s in selectors:
        if isinstance(s, TextQuoteSelector) and quote is None:
            quote = s
        elif isinstance(s, TextPositionSelector) and position is None:
            position = s
    return quote, position
