"""JSON input with limits: size, nesting, number of values, no duplicate keys, no NaN."""

from __future__ import annotations

import json
from typing import Any

from bridgeway.vc._errors import MalformedDocument

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_VALUES = 20_000


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedDocument(f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def parse_json(data: str | bytes, *, max_bytes: int = MAX_BYTES) -> Any:
    """Parse JSON text, refusing oversized input, duplicate keys and excessive nesting."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise MalformedDocument(f"the document is too large ({size} bytes; the limit is {max_bytes})")
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedDocument("the document is nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDocument(f"not valid JSON: {exc}") from None
    check_limits(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise MalformedDocument(f"{name} is not valid JSON")


def check_limits(value: Any, *, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse documents nested deeper than max_depth or holding more than max_values JSON values."""
    if isinstance(value, _CONTAINERS) and _count(value, max_depth) > max_values:
        raise MalformedDocument(f"the document holds more than {max_values} JSON values")


_CONTAINERS = (dict, list)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _count(value: Any, depth: int) -> int:
    if depth <= 0:
        raise MalformedDocument(f"the document is nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        if not all(type(key) is str for key in value):
            raise MalformedDocument("JSON object keys must be strings")
        items = value.values()
    else:
        items = value
    total = 1 + len(items)
    for item in items:
        if type(item) in _CONTAINERS or (type(item) not in _SCALARS and isinstance(item, _CONTAINERS)):
            total += _count(item, depth - 1) - 1
    return total
