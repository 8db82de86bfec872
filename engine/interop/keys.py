"""Key templates read off real key values and key aliases: `USER#123`, `USER#456` -> `USER#{user_id}`."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from engine.interop.notes import _NUMBER_TEXT, unique

_VARIABLE_BAD = re.compile(r"[^A-Za-z0-9_]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_LITERAL = re.compile(r"^[A-Z][A-Z_\-]*$")
KEY_SEPARATOR = "#"
MAX_VARIABLE_VALUES = 100  # observed key values kept verbatim (so sample items reuse them); above: a count only


def snake(raw: str, fallback: str = "value") -> str:
    """A template variable name from any text: `UserId` -> `user_id`, `Straße` -> `strasse`."""
    ascii_text = unicodedata.normalize("NFKD", raw.replace("ß", "ss")).encode("ascii", "ignore").decode("ascii")
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", ascii_text)
    out = _VARIABLE_BAD.sub("_", spaced).strip("_").lower()
    out = re.sub(r"_+", "_", out)
    if not out:
        out = fallback
    if out[0].isdigit():
        out = "v_" + out
    return out[:60]


def wire_scalar_text(value: Any) -> str | None:
    """The text of a DynamoDB JSON scalar ({"S": "x"}, {"N": "1"}, {"B": "..."}), else None."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        if kind in ("S", "N", "B") and isinstance(inner, (str, int, float)) and not isinstance(inner, bool):
            return str(inner)
    return None


def value_kind(values: list[str], key_type: str = "S") -> str:
    """Variable kind from observed values: timestamp, number or id."""
    if values and all(_ISO_DATE.match(v) for v in values):
        return "timestamp"
    if values and (key_type == "N" or all(v.isdigit() for v in values)) and all(_NUMBER_TEXT.match(v) for v in values):
        return "number"
    return "id"


@dataclass
class Template:
    """An inferred key template and the values each of its variables took."""

    template: str
    values: dict[str, list[str]]
    kinds: dict[str, str]
    outliers: int = 0


def is_literal(token: str, count: int) -> bool:
    """A key token kept as literal text: an upper-case word (USER, ORDER_ITEM), or a constant lower-case
    word seen in several values."""
    if token == "":
        return True
    if _LITERAL.match(token):
        return True
    return count >= 2 and token.isalpha()


def infer_template(values: list[str], hint: str, key_type: str = "S", taken: set[str] | None = None) -> Template:
    """Key template from observed values: `USER#123`, `USER#456` -> `USER#{user_id}` with both values.

    Values are split on '#'; a position that is the same upper-case word in every value stays literal, the
    others become variables named after the literal before them (`USER` -> `user_id`) or after `hint` (the key
    alias or attribute name). Values of another shape than the most common one are counted as outliers."""
    taken = set() if taken is None else taken
    if key_type != "S" or not values:
        name = unique(snake(hint), taken)
        return Template("{" + name + "}", {name: _distinct(values)}, {name: value_kind(values, key_type)})
    parts = [v.split(KEY_SEPARATOR) for v in values]
    shape = Counter(len(p) for p in parts).most_common(1)[0][0]
    kept = [p for p in parts if len(p) == shape]
    out: list[str] = []
    var_values: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    previous_literal: str | None = None
    for i in range(shape):
        tokens = [p[i] for p in kept]
        first = tokens[0]
        if all(t == first for t in tokens) and is_literal(first, len(tokens)):
            out.append(first)
            previous_literal = first or previous_literal
            continue
        column = _distinct(tokens)
        kind = value_kind(column)
        if previous_literal:
            base = snake(previous_literal) + ("_at" if kind == "timestamp" else "_id")
        else:
            base = snake(hint) if i == 0 or shape == 1 else f"{snake(hint)}_{i}"
        name = unique(base, taken)
        out.append("{" + name + "}")
        var_values[name] = column
        kinds[name] = kind
        previous_literal = None
    return Template(KEY_SEPARATOR.join(out), var_values, kinds, outliers=len(parts) - len(kept))


_ALIAS_VAR = re.compile(r"^[<{\[(]?([^<>{}\[\]()]*)[>}\])]?$")


def template_from_alias(alias: str, taken: set[str] | None = None) -> Template:
    """Key template from a key alias written by hand: `USER#<id>` -> `USER#{id}`, `SongId` -> `{song_id}`,
    `USER#{user_id}` kept as written."""
    taken = set() if taken is None else taken
    tokens = alias.split(KEY_SEPARATOR)
    out: list[str] = []
    var_values: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    previous: str | None = None
    for i, token in enumerate(tokens):
        bracketed = bool(re.match(r"^[<{\[(].*[>}\])]$", token))
        if not bracketed and len(tokens) > 1 and is_literal(token, 1):
            out.append(token)
            previous = token or previous
            continue
        inner = _ALIAS_VAR.match(token)
        raw = inner.group(1) if inner and inner.group(1) else (previous or f"part{i}")
        base = snake(raw)
        if base in ("id", "value") and previous:
            base = snake(previous) + "_id"
        name = unique(base, taken)
        out.append("{" + name + "}")
        var_values[name] = []
        kinds[name] = "id"
        previous = None
    return Template(KEY_SEPARATOR.join(out), var_values, kinds)


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def default_size(kind: str) -> float:
    """A value size (bytes) to assume for an attribute of this type when nothing tells its size."""
    return {"S": 20.0, "N": 4.0, "B": 16.0, "BOOL": 1.0, "NULL": 1.0, "L": 40.0, "M": 60.0,
            "SS": 40.0, "NS": 12.0, "BS": 40.0}.get(kind, 20.0)
