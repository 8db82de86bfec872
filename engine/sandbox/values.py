"""Attribute values on the wire: validation into canonical form, copying, ordering and equality.

Canonical form (what the sandbox stores and returns): DynamoDB JSON with N normalised
(engine.itemsize.normalize_number, DOMAIN.md §1), B as base64 text (bytes are accepted on
input), sets free of duplicates. Stored items are never mutated in place: writes build new dicts,
so index entries may share them.

Ordering (DG/HowItWorks.CoreComponents.html, "sort key"): S by UTF-8 bytes, B by raw bytes
(unsigned), N numerically. Comparisons <, <=, >, >= hold only between two values of one of these
scalar types; = and <> compare any two values (sets as sets).
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal
from typing import Any

from engine.errors import ItemError
from engine.model.limits import MAX_NESTING_LEVELS
from engine.sandbox.errors import validation

SCALAR_TYPES = frozenset({"S", "N", "B"})
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
ALL_TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
_TYPE_WORDS = {"S": "string", "N": "number", "B": "binary"}
MAX_NESTING_DEPTH = MAX_NESTING_LEVELS  # DG/ServiceQuotas.html (engine.model.limits)


def _normalize_number(text: Any) -> str:
    from engine.itemsize import normalize_number

    if not isinstance(text, str):
        raise validation(f"The parameter cannot be converted to a numeric value: {text!r} "
                         "(send numbers as strings, e.g. {\"N\": \"42\"})")
    try:
        return normalize_number(text)
    except (ItemError, ValueError, ArithmeticError) as exc:
        raise validation(f"The parameter cannot be converted to a numeric value: {text} ({exc})") from exc


def _canonical_binary(raw: Any) -> str:
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(raw)).decode("ascii")
    if isinstance(raw, str):
        try:
            base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise validation(f"Invalid base64 in binary value: {raw[:40]!r}") from exc
        return raw
    raise validation(f"A binary value must be base64 text or bytes, got {type(raw).__name__}")


def canonical_value(av: Any, depth: int = 0) -> dict[str, Any]:
    """Validate one attribute value and return a fresh canonical copy (ValidationException if bad)."""
    if type(av) is not dict or len(av) != 1:
        raise validation("Supplied AttributeValue has more than one datatypes set, must contain "
                         f"exactly one of the supported datatypes: {av!r}")
    (kind, raw), = av.items()
    if depth > MAX_NESTING_DEPTH:  # before the string fast path: the limit holds whatever the innermost type
        raise validation(f"Nesting Levels have exceeded supported limits ({MAX_NESTING_DEPTH})")
    if kind == "S" and type(raw) is str:  # the common case: strings pass through
        return {"S": raw}
    if kind == "S":
        raise validation(f"A string value must be text, got {type(raw).__name__}")
    if kind == "N":
        return {"N": _normalize_number(raw)}
    if kind == "B":
        return {"B": _canonical_binary(raw)}
    if kind in SET_TYPES:
        return {kind: _canonical_set(kind, raw)}
    if kind == "M":
        if not isinstance(raw, dict):
            raise validation("A map value (M) must be an object of attribute values")
        return {"M": {str(k): canonical_value(v, depth + 1) for k, v in raw.items()}}
    if kind == "L":
        if not isinstance(raw, list):
            raise validation("A list value (L) must be an array of attribute values")
        return {"L": [canonical_value(v, depth + 1) for v in raw]}
    if kind == "NULL":
        if raw is not True:
            raise validation("One or more parameter values were invalid: Null attribute value types "
                             "must have the value of true")
        return {"NULL": True}
    if kind == "BOOL":
        if not isinstance(raw, bool):
            raise validation(f"A BOOL value must be true or false, got {raw!r}")
        return {"BOOL": raw}
    raise validation(f"Supplied AttributeValue has an unknown datatype {kind!r}; expected one of "
                     f"{', '.join(sorted(ALL_TYPES))}")


def _canonical_set(kind: str, raw: Any) -> list[Any]:
    word = _TYPE_WORDS[SET_TYPES[kind]]
    if not isinstance(raw, list):
        raise validation(f"A {word} set ({kind}) must be an array")
    if not raw:
        raise validation(f"One or more parameter values were invalid: An {word} set  may not be empty")
    if kind == "SS":
        out = [s if isinstance(s, str) else _bad_element(kind, s) for s in raw]
        keys: list[Any] = out
    elif kind == "NS":
        out = [_normalize_number(s) for s in raw]
        keys = [Decimal(s) for s in out]
    else:
        out = [_canonical_binary(b) for b in raw]
        keys = [base64.b64decode(b) for b in out]
    if len(set(keys)) != len(keys):
        raise validation(f"One or more parameter values were invalid: Input collection {raw} "
                         "contains duplicates.")
    return out


def _bad_element(kind: str, element: Any) -> str:
    raise validation(f"A string set ({kind}) holds only strings, got {element!r}")


def canonical_item(item: Any) -> dict[str, dict[str, Any]]:
    """Validate a whole item (attribute name -> value) into a fresh canonical copy."""
    if not isinstance(item, dict):
        raise validation("An item must be an object mapping attribute names to values")
    out = {}
    for name, av in item.items():
        if not isinstance(name, str) or not name:
            raise validation("One or more parameter values were invalid: An attribute name must be "
                             "a non-empty string")
        out[name] = canonical_value(av)
    return out


def copy_value(av: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a canonical value (the caller may mutate what it gets back)."""
    if "M" in av:
        return {"M": {k: copy_value(v) for k, v in av["M"].items()}}
    if "L" in av:
        return {"L": [copy_value(v) for v in av["L"]]}
    for kind in ("SS", "NS", "BS"):
        if kind in av:
            return {kind: list(av[kind])}
    return dict(av)


def copy_item(item: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A deep copy of a canonical item."""
    return {name: copy_value(av) for name, av in item.items()}


def value_type(av: dict[str, Any]) -> str:
    """The type letter(s) of a value (S, N, B, SS, ..., M, L, NULL, BOOL)."""
    return next(iter(av))


def order_key(av: dict[str, Any]) -> Any:
    """The sort order of a key value: UTF-8 bytes for S, raw bytes for B, Decimal for N."""
    kind = next(iter(av))
    raw = av[kind]
    if kind == "S":
        return raw.encode("utf-8")
    if kind == "N":
        return Decimal(raw)
    if kind == "B":
        return base64.b64decode(raw)
    raise validation(f"Values of type {kind} have no order")


def comparable(av: dict[str, Any] | None) -> tuple[str, Any] | None:
    """(type, order key) for S/N/B values, None for any other (or missing) value."""
    if av is None:
        return None
    kind = next(iter(av))
    if kind not in SCALAR_TYPES:
        return None
    return kind, order_key(av)


def values_equal(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """DynamoDB equality: same type and value; sets compare as sets, numbers numerically."""
    if a is None or b is None:
        return False
    kind = next(iter(a))
    if kind not in b:
        return False
    x, y = a[kind], b[kind]
    if kind == "N":
        return Decimal(x) == Decimal(y)
    if kind == "NS":
        return {Decimal(v) for v in x} == {Decimal(v) for v in y}
    if kind in ("SS", "BS"):
        return set(x) == set(y)
    if kind == "M":
        return x.keys() == y.keys() and all(values_equal(x[k], y[k]) for k in x)
    if kind == "L":
        return len(x) == len(y) and all(values_equal(p, q) for p, q in zip(x, y, strict=True))
    return x == y


def items_equal(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Two items (or index entries) with the same attributes and equal values."""
    if a is None or b is None:
        return a is b
    return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)


def describe(av: dict[str, Any] | None) -> str:
    """A short text of a value for messages."""
    if av is None:
        return "<missing>"
    kind = next(iter(av))
    return f"{{{kind}: {av[kind]!r}}}"[:80]
