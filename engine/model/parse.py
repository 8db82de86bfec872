"""Turn plain data (from YAML/JSON or the UI) into a DataModel, or precise messages with paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from engine.errors import DesignValidationError
from engine.model.base import BOUND_REASONS

Locate = Callable[[tuple[str | int, ...]], int | None]

_UNION_TAGS = {
    "GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems", "PutItem", "UpdateItem", "DeleteItem",
    "BatchWriteItem", "TransactWriteItems", "on_demand", "provisioned", "uniform", "zipf", "hot_keys",
    "sample_items", "lambda", "kinesis", "pipes", "other",
}


def format_path(loc: tuple[str | int, ...]) -> str:
    """('tables', 0, 'gsis', 1, 'name') -> 'tables[0].gsis[1].name' (union tags dropped)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_TAGS or part.startswith("function-"):
            continue
        else:
            out += f".{part}" if out else part
    return out or "(design)"


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    return tuple(p for p in loc if not (isinstance(p, str) and (p in _UNION_TAGS or p.startswith("function-"))))


BOUND_ERRORS = {"less_than", "less_than_equal", "greater_than", "greater_than_equal", "finite_number"}


def _message(err: dict[str, Any], locate: Locate | None) -> list[str]:
    loc = _clean_loc(tuple(err["loc"]))
    path = format_path(loc)
    line = locate(loc) if locate else None
    where = f"{path} (line {line})" if line else path
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "value_error" and "\n" in msg or (kind == "value_error" and not loc):
        # cross-reference problems already carry their own paths
        return [m for m in msg.split("\n") if m]
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if kind == "extra_forbidden":
        return [f"{where}: unknown key '{loc[-1]}'; remove it or check its spelling"]
    if kind == "missing":
        return [f"{where}: required field is missing; add it"]
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag")
        expected = err.get("ctx", {}).get("expected_tags")
        return [f"{where}: {tag!r} is not a known kind (expected one of {expected}); use one of them"]
    if kind == "union_tag_not_found":
        return [f"{where}: says nothing about which kind it is; add `{err['ctx']['discriminator']}`"]
    if kind == "value_error":  # a rule of ours: its message says what is wrong and the fix, no raw value needed
        return [f"{where}: {msg}"]
    reason = BOUND_REASONS.get(str(loc[-1])) if loc and kind in BOUND_ERRORS else None
    return [f"{where}: {shown} is invalid: {msg}" + (f" ({reason})" if reason else "") + "; fix the value"]


def _unencodable_text(data: Any, limit: int = 20) -> list[str]:
    """Paths of strings (keys or values) that UTF-8 cannot encode: lone surrogates such as '\\ud800' come from JSON
    escapes and broke item sizes and key hashing after validation (every text is UTF-8 in DynamoDB)."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("(design)", data)]
    while stack and len(found) < limit:
        path, node = stack.pop()
        if isinstance(node, str):
            if not node.isascii():
                try:
                    node.encode("utf-8")
                except UnicodeEncodeError:
                    found.append(path)
        elif isinstance(node, dict):
            for k, v in node.items():
                child = f"{path}.{k}" if path != "(design)" else str(k)
                stack.append((child, k if isinstance(k, str) else None))
                stack.append((child, v))
        elif isinstance(node, list | tuple):
            stack += [(f"{path}[{i}]", v) for i, v in enumerate(node)]
    return sorted(set(found))


def parse_model(data: Any, source: str | None = None, locate: Locate | None = None):
    """Validate plain data as a DataModel; raise DesignValidationError listing every problem."""
    from engine.model.data_model import DataModel

    if not isinstance(data, dict):
        raise DesignValidationError([f"(design): expected a mapping of design fields, got {type(data).__name__}; "
                                     "start the file with `name:` and `tables:`"], source)
    broken = _unencodable_text(data)
    if broken:
        raise DesignValidationError([f"{path}: text holds a lone surrogate code point, which is not Unicode text and "
                                     "cannot be stored or sized as UTF-8; retype the text" for path in broken], source)
    try:
        try:
            return DataModel.model_validate(data)
        except ValidationError as exc:
            problems: list[str] = []
            for err in exc.errors(include_url=False):
                problems += _message(err, locate)
            raise DesignValidationError(problems, source) from None
    except ValueError as exc:
        if "digits" not in str(exc):
            raise
        # Python refuses to turn an integer of more than 4,300 digits into text, which happens while a value is
        # reported: the design holds such a number (from data built in code, not from a file's text)
        raise DesignValidationError(["(design): a number has more than the 4,300 digits an integer may have here; no "
                                     "design figure needs more than a few dozen (DynamoDB numbers have at most 38 "
                                     "digits); shorten it"], source) from None
