"""JSON Canonicalization Scheme (RFC 8785), as used by eddsa-jcs-2022 and JSON-LD's rdf:JSON literals."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from bridgeway.vc._errors import MalformedDocument


def _number(value: int | float) -> str:
    """ECMAScript Number.prototype.toString for finite numbers (RFC 8785 section 3.2.2.3)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise MalformedDocument("integer too large for JSON interoperability (beyond 2^53)")
        return str(value)
    if not math.isfinite(value):
        raise MalformedDocument("NaN and Infinity are not JSON")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    sign = "-" if value < 0 else ""
    decimal = Decimal(repr(abs(value))).as_tuple()  # shortest round-trip digits, like ECMAScript
    digits = "".join(map(str, decimal.digits)).lstrip("0")
    assert isinstance(decimal.exponent, int)
    point = len("".join(map(str, decimal.digits))) + decimal.exponent - (len(decimal.digits) - len(digits))
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mant = digits[0] + ("." + digits[1:] if k > 1 else "")
        out = f"{mant}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + out


def _encode(value: Any, parts: list[str]) -> None:
    if value is None or value is True or value is False:
        parts.append(json.dumps(value))
    elif isinstance(value, str):
        parts.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int | float):
        parts.append(_number(value))
    elif isinstance(value, list):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _encode(item, parts)
        parts.append("]")
    elif isinstance(value, dict):
        parts.append("{")
        for index, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if index:
                parts.append(",")
            parts.append(json.dumps(key, ensure_ascii=False))
            parts.append(":")
            _encode(value[key], parts)
        parts.append("}")
    else:
        raise MalformedDocument(f"not a JSON value: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """Return the RFC 8785 canonical JSON text of a value."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)
