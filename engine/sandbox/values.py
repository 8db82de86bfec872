"""Attribute values on the wire: validation into canonical form, copying, ordering and equality.

Validation is engine.model.attribute_values' (the one validator), answered with DynamoDB's wording.
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
from decimal import Decimal
from typing import Any

from engine.model import attribute_values
from engine.model.attribute_values import SET_ELEMENT_TYPES, WIRE_TYPES, AttributeValueError
from engine.sandbox.errors import validation

SCALAR_TYPES = frozenset({"S", "N", "B"})
SET_TYPES = SET_ELEMENT_TYPES
ALL_TYPES = frozenset(WIRE_TYPES)


def canonical_value(av: Any, depth: int = 0) -> dict[str, Any]:
    """Validate one attribute value and return a fresh canonical copy (ValidationException if bad): the rules and
    DynamoDB's wording are engine.model.attribute_values'."""
    try:
        return attribute_values.canonical_value(av, depth)
    except AttributeValueError as exc:
        raise validation(exc.dynamodb_message) from exc


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
