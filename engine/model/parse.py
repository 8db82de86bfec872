"""Turn plain data (from YAML/JSON or the UI) into a DataModel, or precise messages with paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from engine.errors import DesignValidationError, Problem
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


def _message(err: dict[str, Any], locate: Locate | None) -> list[Problem]:
    from engine.model.validate import CrossReferenceProblems

    error = err.get("ctx", {}).get("error")
    if isinstance(error, CrossReferenceProblems):  # the cross-reference records carry their own paths
        return list(error.problems)
    loc = _clean_loc(tuple(err["loc"]))
    path = format_path(loc) if loc else ""
    at = {"path": path, "line": locate(loc) if locate else None}
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    if kind == "extra_forbidden":
        key, fix = f"'{loc[-1]}'", "remove it or check its spelling"
        return [Problem(**at, message=f"unknown key {key}; {fix}", value=key, fix=fix)]
    if kind == "missing":
        return [Problem(**at, message="required field is missing; add it", rule="required", fix="add it")]
    if kind == "union_tag_invalid":
        tag = repr(err.get("ctx", {}).get("tag"))
        rule = f"expected one of {err.get('ctx', {}).get('expected_tags')}"
        return [Problem(**at, message=f"{tag} is not a known kind ({rule}); use one of them", value=tag, rule=rule,
                        fix="use one of them")]
    if kind == "union_tag_not_found":
        fix = f"add `{err['ctx']['discriminator']}`"
        return [Problem(**at, message=f"says nothing about which kind it is; {fix}", fix=fix)]
    if kind == "value_error":  # a rule of ours: its message says what is wrong and the fix, no raw value needed
        return [Problem(**at, message=msg)]
    reason = BOUND_REASONS.get(str(loc[-1])) if loc and kind in BOUND_ERRORS else None
    rule = msg + (f" ({reason})" if reason else "")
    return [Problem(**at, message=f"{shown} is invalid: {rule}; fix the value", value=shown, rule=rule,
                    fix="fix the value")]


def _leaves(data: Any) -> Iterator[tuple[str, Any]]:
    """(path, value) of every key and value of plain data, depth first, without recursion."""
    stack: list[tuple[str, Any]] = [("(design)", data)]
    while stack:
        path, node = stack.pop()
        yield path, node
        if isinstance(node, dict):
            for k, v in node.items():
                child = f"{path}.{k}" if path != "(design)" else str(k)
                stack.append((child, k if isinstance(k, str) else None))
                stack.append((child, v))
        elif isinstance(node, list | tuple):
            stack += [(f"{path}[{i}]", v) for i, v in enumerate(node)]


def _unencodable_text(data: Any, limit: int = 20) -> list[str]:
    """Paths of strings (keys or values) that UTF-8 cannot encode: lone surrogates such as '\\ud800' come from JSON
    escapes and broke item sizes and key hashing after validation (every text is UTF-8 in DynamoDB)."""
    found: list[str] = []
    for path, node in _leaves(data):
        if isinstance(node, str) and not node.isascii():
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                found.append(path)
                if len(found) >= limit:
                    break
    return sorted(set(found))


_HUGE_INTEGER = ("a number has more than the 4,300 digits an integer may have here; no design figure needs more "
                 "than a few dozen (DynamoDB numbers have at most 38 digits); shorten it")
_INT_TEXT_LIMIT = 10**4300  # Python prints integers of at most 4,300 digits (sys.get_int_max_str_digits)


def _huge_integers(data: Any, limit: int = 20) -> list[str]:
    """Paths of integers too long for Python to print (built in code: a file's text cannot hold them). Refused
    before pydantic, whose error reporting cannot print them either (it wrote "Exception ignored" to stderr)."""
    found = [path for path, node in _leaves(data)
             if isinstance(node, int) and not isinstance(node, bool) and abs(node) >= _INT_TEXT_LIMIT]
    return sorted(set(found))[:limit]


def parse_model(data: Any, source: str | None = None, locate: Locate | None = None):
    """Validate plain data as a DataModel; raise DesignValidationError listing every problem."""
    from engine.model.data_model import DataModel

    if not isinstance(data, dict):
        kind, fix = type(data).__name__, "start the file with `name:` and `tables:`"
        raise DesignValidationError([Problem(path="", message=f"expected a mapping of design fields, got {kind}; {fix}",
                                             value=kind, rule="a mapping of design fields", fix=fix)], source)
    huge = _huge_integers(data)
    if huge:
        raise DesignValidationError([Problem(path=path, message=_HUGE_INTEGER, fix="shorten it") for path in huge],
                                    source)
    broken = _unencodable_text(data)
    if broken:
        raise DesignValidationError([Problem(path=path, message="text holds a lone surrogate code point, which is not "
                                             "Unicode text and cannot be stored or sized as UTF-8; retype the text",
                                             fix="retype the text") for path in broken], source)
    try:
        try:
            return DataModel.model_validate(data)
        except ValidationError as exc:
            problems: list[Problem] = []
            for err in exc.errors(include_url=False):
                problems += _message(err, locate)
            raise DesignValidationError(problems, source) from None
    except ValueError as exc:
        if "digits" not in str(exc):
            raise
        # Python refuses to turn an integer of more than 4,300 digits into text, which happens while a value is
        # reported: the design holds such a number (from data built in code, not from a file's text)
        raise DesignValidationError([Problem(path="", message=_HUGE_INTEGER, fix="shorten it")], source) from None
