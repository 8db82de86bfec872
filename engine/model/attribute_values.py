"""DynamoDB attribute values (DynamoDB JSON such as {"N": "1.5"}): the one validator (DOMAIN.md §1).

`canonical_value` checks one value by DynamoDB's rules and returns a fresh canonical copy: exactly one type key of
WIRE_TYPES; S text; N a number DynamoDB accepts (at most 38 significant digits, magnitude within 1E-130 ..
9.99E+125), normalised by engine.itemsize.normalize_number; B base64 text (bytes accepted, returned as base64);
BOOL true or false; NULL true; SS/NS/BS non-empty lists of valid elements without duplicates (compared after
normalising); L and M at most MAX_NESTING_LEVELS deep (DG/ServiceQuotas.html).

A bad value raises AttributeValueError carrying two wordings of one rule: `dynamodb_message`, DynamoDB's own
ValidationException text (what the sandbox answers), and str(), the workbench's wording with the fix (what an
item import shows), plus `path`, where inside the value the problem is ("[2].name"). engine.sandbox.values and
engine.samples both validate through it.
"""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from typing import Any

from engine.errors import ItemError
from engine.itemsize import normalize_number
from engine.model.limits import MAX_NESTING_LEVELS

WIRE_TYPES = ("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS")
SET_ELEMENT_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
_TYPE_WORDS = {"S": "string", "N": "number", "B": "binary"}
_SHOWN_CHARS = 80  # a value quoted in a workbench message is cut to this many characters


class AttributeValueError(ItemError):
    """An attribute value DynamoDB rejects: str() is the workbench's wording, `dynamodb_message` DynamoDB's."""

    def __init__(self, message: str, dynamodb_message: str) -> None:
        super().__init__(message)
        self.dynamodb_message = dynamodb_message
        self.path = ""
        """Where inside the checked value: "" for the value itself, "[2]" for a list element, ".name" in a map."""


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text[:_SHOWN_CHARS]


def _bad(kind: str, raw: Any, problem: str, dynamodb_message: str) -> AttributeValueError:
    return AttributeValueError(f"{kind} value {_shown(raw)} {problem}", dynamodb_message)


def canonical_value(av: Any, depth: int = 0) -> dict[str, Any]:  # noqa: C901 - one rule per type
    """Validate one attribute value (`depth` levels inside another) and return a fresh canonical copy."""
    if not isinstance(av, dict) or len(av) != 1:
        raise AttributeValueError(
            f"{_shown(av)} is not a DynamoDB JSON value; write it as one type key and its value, e.g. "
            f"{{\"S\": \"text\"}} (types: {', '.join(WIRE_TYPES)})",
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            f"datatypes: {av!r}")
    (kind, raw), = av.items()
    if depth > MAX_NESTING_LEVELS:  # before the string fast path: the limit holds whatever the innermost type
        raise AttributeValueError(f"nested more than {MAX_NESTING_LEVELS} levels; DynamoDB allows {MAX_NESTING_LEVELS}",
                                  f"Nesting Levels have exceeded supported limits ({MAX_NESTING_LEVELS})")
    if kind == "S":
        if type(raw) is str:  # the common case: strings pass through
            return {"S": raw}
        raise _bad("S", raw, "must be a JSON string", f"A string value must be text, got {type(raw).__name__}")
    if kind == "N":
        return {"N": _number(raw)}
    if kind == "B":
        return {"B": _binary(raw)}
    if kind in SET_ELEMENT_TYPES:
        return {kind: _set(kind, raw)}
    if kind == "M":
        if not isinstance(raw, dict):
            raise _bad("M", raw, "must be a JSON object of DynamoDB JSON values",
                       "A map value (M) must be an object of attribute values")
        return {"M": {str(k): _inside(v, depth, f".{k}") for k, v in raw.items()}}
    if kind == "L":
        if not isinstance(raw, list):
            raise _bad("L", raw, "must be a JSON list of DynamoDB JSON values",
                       "A list value (L) must be an array of attribute values")
        return {"L": [_inside(v, depth, f"[{i}]") for i, v in enumerate(raw)]}
    if kind == "NULL":
        if raw is not True:
            raise _bad("NULL", raw, "must be true", "One or more parameter values were invalid: Null attribute "
                       "value types must have the value of true")
        return {"NULL": True}
    if kind == "BOOL":
        if not isinstance(raw, bool):
            raise _bad("BOOL", raw, "must be true or false", f"A BOOL value must be true or false, got {raw!r}")
        return {"BOOL": raw}
    raise AttributeValueError(
        f"{_shown(av)} is not a DynamoDB JSON value: unknown type {kind!r} (types: {', '.join(WIRE_TYPES)})",
        f"Supplied AttributeValue has an unknown datatype {kind!r}; expected one of {', '.join(sorted(WIRE_TYPES))}")


def _inside(av: Any, depth: int, step: str) -> dict[str, Any]:
    """An element of a list or map, its path step put in front of any error's path."""
    try:
        return canonical_value(av, depth + 1)
    except AttributeValueError as exc:
        exc.path = step + exc.path
        raise


def _number(raw: Any) -> str:
    if not isinstance(raw, str):
        raise _bad("N", raw, "must be a number written as a string, e.g. {\"N\": \"42\"}",
                   f"The parameter cannot be converted to a numeric value: {raw!r} "
                   "(send numbers as strings, e.g. {\"N\": \"42\"})")
    try:
        return normalize_number(raw)
    except (ItemError, ValueError, ArithmeticError) as exc:  # syntax, 38 digits, magnitude (engine.itemsize)
        raise AttributeValueError(str(exc), f"The parameter cannot be converted to a numeric value: {raw} ({exc})") \
            from exc


def _binary(raw: Any) -> str:
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(raw)).decode("ascii")
    if not isinstance(raw, str):
        raise _bad("B", raw, "must be base64 text", f"A binary value must be base64 text or bytes, got "
                   f"{type(raw).__name__}")
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _bad("B", raw, "must be base64 text", f"Invalid base64 in binary value: {raw[:40]!r}") from exc
    return raw


def _set(kind: str, raw: Any) -> list[Any]:
    word = _TYPE_WORDS[SET_ELEMENT_TYPES[kind]]
    if not isinstance(raw, list) or not raw:
        raise _bad(kind, raw, "must be a non-empty JSON list (DynamoDB has no empty sets)",
                   f"A {word} set ({kind}) must be an array" if not isinstance(raw, list) else
                   f"One or more parameter values were invalid: An {word} set  may not be empty")
    keys: list[Any]
    if kind == "SS":
        for i, element in enumerate(raw):
            if not isinstance(element, str):
                error = _bad("S", element, "must be a JSON string", f"A string set ({kind}) holds only strings, "
                             f"got {element!r}")
                error.path = f"[{i}]"
                raise error
        out = keys = list(raw)
    elif kind == "NS":
        out = [_element(_number, element, i) for i, element in enumerate(raw)]
        keys = [Decimal(s) for s in out]
    else:
        out = [_element(_binary, element, i) for i, element in enumerate(raw)]
        keys = [base64.b64decode(b) for b in out]
    if len(set(keys)) != len(keys):
        raise _bad(kind, raw, "has duplicate elements; a set holds each element once",
                   f"One or more parameter values were invalid: Input collection {raw} contains duplicates.")
    return out


def _element(check: Any, element: Any, i: int) -> Any:
    try:
        return check(element)
    except AttributeValueError as exc:
        exc.path = f"[{i}]" + exc.path
        raise


__all__ = ["SET_ELEMENT_TYPES", "WIRE_TYPES", "AttributeValueError", "canonical_value", "shown_example", "typed_example"]


# ----------------------------------------------------------------------------- examples
def typed_example(example: Any, kind: str) -> dict[str, Any]:
    """An attribute's `example` (plain JSON) as DynamoDB JSON of its declared type, checked by canonical_value: S
    verbatim (other JSON as its text), N from a number or its text, B from base64 text or bytes, sets from
    non-empty lists (duplicates dropped), L/M from lists/objects. The design's validation and the sample items
    both read examples through it. Raises AttributeValueError, TypeError or ValueError (engine.errors.ItemError
    for a value plain JSON cannot hold)."""
    value = _typed_example(example, kind)
    canonical_value(value)  # DynamoDB's rules: 38 digits and the range of N, set duplicates, nesting...
    return value


def shown_example(example: Any) -> str:
    """An example as a message quotes it: its repr, cut to _SHOWN_CHARS (an integer too long to print named)."""
    try:
        text = repr(example)
    except ValueError:  # Python will not print an integer of more than 4,300 digits
        return "(a number of more than 4,300 digits)"
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "..."


def _typed_example(example: Any, kind: str) -> dict[str, Any]:
    from engine.itemsize import to_dynamodb_value

    if kind == "S":
        return {"S": example if isinstance(example, str) else json.dumps(example)}
    if kind == "N":
        return {"N": _number_text(example)}
    if kind == "B":
        return {"B": example if isinstance(example, str) else base64.b64encode(bytes(example)).decode("ascii")}
    if kind == "BOOL":
        if not isinstance(example, bool):
            raise TypeError("a BOOL example is true or false")
        return {"BOOL": example}
    if kind == "NULL":
        return {"NULL": True}
    if kind in SET_ELEMENT_TYPES:
        if not isinstance(example, list) or not example:
            raise TypeError("a set example is a non-empty list")
        convert = _number_text if kind == "NS" else str
        return {kind: list(dict.fromkeys(convert(e) for e in example))}
    if kind in ("L", "M"):
        value = to_dynamodb_value(example)
        if kind not in value:
            raise TypeError(f"a {kind} example is a {'list' if kind == 'L' else 'JSON object'}")
        return value
    raise ValueError(f"unknown type '{kind}'")


def _number_text(value: Any) -> str:
    """A number's text: ints and strings as written; floats by repr (never Decimal(float), DOMAIN.md §1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError("not a number")
    return str(value).strip()  # canonical_value then checks it is a number DynamoDB accepts
