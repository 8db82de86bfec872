"""Expression evaluation on items: conditions and filters, projections and update actions.

Semantics follow DG/Expressions.OperatorsAndFunctions.html and DG/Expressions.UpdateExpressions.html:
a comparison with a missing attribute is false (except <>, which is true); <, <=, >, >= and
BETWEEN hold only between two S, two N or two B values; every SET operand is evaluated against
the item as it was before the update.
"""

from __future__ import annotations

import base64
from decimal import Context, Decimal
from typing import Any

from engine.sandbox.errors import validation
from engine.sandbox.expressions import (
    And,
    Arithmetic,
    Between,
    Compare,
    Function,
    IfNotExists,
    In,
    ListAppend,
    Not,
    Or,
    Path,
    Size,
    UpdatePlan,
    Value,
)
from engine.sandbox.values import (
    SET_TYPES,
    canonical_value,
    comparable,
    copy_item,
    copy_value,
    value_type,
    values_equal,
)

Item = dict[str, dict[str, Any]]
# Arithmetic runs wide and is then normalised: normalize_number rejects > 38 significant digits
# (DOMAIN.md §1), which is how DynamoDB reports an overflowing update.
_ARITHMETIC = Context(prec=80)


# ------------------------------------------------------------------------------------- reading
def resolve(item: Item | None, path: Path) -> dict[str, Any] | None:
    """The value at a document path, or None when any step is missing or of the wrong type."""
    if item is None:
        return None
    elements = path.elements
    current = item.get(elements[0])
    for el in elements[1:]:
        if current is None:
            return None
        if isinstance(el, int):
            seq = current.get("L")
            current = seq[el] if seq is not None and el < len(seq) else None
        else:
            mapping = current.get("M")
            current = mapping.get(el) if mapping is not None else None
    return current


def operand_value(item: Item | None, node: Any) -> dict[str, Any] | None:
    """The value of an operand: a path's value, a placeholder's value or size(path)."""
    if isinstance(node, Value):
        return node.value
    if isinstance(node, Path):
        return resolve(item, node)
    if isinstance(node, Size):
        return _size(resolve(item, node.path))
    raise validation(f"Unsupported operand {node!r}")


def _size(av: dict[str, Any] | None) -> dict[str, Any] | None:
    if av is None:
        return None
    kind = value_type(av)
    raw = av[kind]
    if kind == "S":
        return {"N": str(len(raw))}
    if kind == "B":
        return {"N": str(len(base64.b64decode(raw)))}
    if kind in ("SS", "NS", "BS", "L", "M"):
        return {"N": str(len(raw))}
    raise validation(f"Invalid argument type for size(): {kind} has no size "
                     "(size applies to S, B, sets, L and M)")


# ----------------------------------------------------------------------------------- conditions
def matches(node: Any, item: Item | None) -> bool:
    """Whether the item satisfies a condition/filter AST (a missing item has no attributes)."""
    if isinstance(node, And):
        return matches(node.left, item) and matches(node.right, item)
    if isinstance(node, Or):
        return matches(node.left, item) or matches(node.right, item)
    if isinstance(node, Not):
        return not matches(node.operand, item)
    if isinstance(node, Compare):
        return _compare(node.operator, operand_value(item, node.left), operand_value(item, node.right))
    if isinstance(node, Between):
        value = operand_value(item, node.operand)
        return (_compare(">=", value, operand_value(item, node.low))
                and _compare("<=", value, operand_value(item, node.high)))
    if isinstance(node, In):
        value = operand_value(item, node.operand)
        return any(values_equal(value, operand_value(item, o)) for o in node.options)
    if isinstance(node, Function):
        return _function(node, item)
    raise validation(f"Unsupported condition {node!r}")


def _compare(operator: str, left: dict[str, Any] | None, right: dict[str, Any] | None) -> bool:
    if operator == "=":
        return values_equal(left, right)
    if operator == "<>":
        return left is None or right is None or not values_equal(left, right)
    a, b = comparable(left), comparable(right)
    if a is None or b is None or a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    if operator == "<":
        return x < y
    if operator == "<=":
        return x <= y
    if operator == ">":
        return x > y
    return x >= y


def _function(node: Function, item: Item | None) -> bool:
    target = resolve(item, node.args[0])
    name = node.name
    if name == "attribute_exists":
        return target is not None
    if name == "attribute_not_exists":
        return target is None
    argument = operand_value(item, node.args[1])
    if target is None or argument is None:
        return False
    if name == "attribute_type":
        return value_type(target) == argument["S"]
    if name == "begins_with":
        a, b = comparable(target), comparable(argument)
        if a is None or b is None or a[0] != b[0] or a[0] == "N":
            return False
        return a[1].startswith(b[1])
    return _contains(target, argument)


def _contains(target: dict[str, Any], argument: dict[str, Any]) -> bool:
    kind = value_type(target)
    if kind in ("S", "B"):
        a, b = comparable(target), comparable(argument)
        return b is not None and a[0] == b[0] and b[1] in a[1]
    if kind in SET_TYPES:
        element_kind = SET_TYPES[kind]
        if value_type(argument) != element_kind:
            return False
        return any(values_equal({element_kind: e}, argument) for e in target[kind])
    if kind == "L":
        return any(values_equal(e, argument) for e in target["L"])
    return False


# ---------------------------------------------------------------------------------- projections
def project(item: Item, paths: tuple[Path, ...]) -> Item:
    """The item reduced to the projected document paths (list elements keep their order)."""
    out: dict[str, Any] = {}
    for path in paths:
        value = resolve(item, path)
        if value is not None:
            _place(out, path.elements, copy_value(value))
    return _finish_projection(out)


def _place(out: dict[str, Any], elements: tuple[Any, ...], value: dict[str, Any]) -> None:
    container: dict[Any, Any] = out
    for el, nxt in zip(elements, elements[1:], strict=False):
        kind = "L" if isinstance(nxt, int) else "M"
        holder = container.setdefault(el, {kind: {}})
        container = holder[kind]
    container[elements[-1]] = value


def _finish_projection(out: dict[str, Any]) -> Item:
    def finish(av: dict[str, Any]) -> dict[str, Any]:
        if "L" in av and isinstance(av["L"], dict):
            return {"L": [finish(av["L"][i]) for i in sorted(av["L"])]}
        if "M" in av and isinstance(av["M"], dict):
            return {"M": {k: finish(v) for k, v in av["M"].items()}}
        return av

    return {name: finish(av) for name, av in out.items()}


# ---------------------------------------------------------------------------------------- updates
def apply_update(plan: UpdatePlan, item: Item, key_names: tuple[str, ...]) -> Item:
    """A new item: `item` with SET, REMOVE, ADD and DELETE applied (the input is not mutated)."""
    for path in plan.paths():
        if path.elements[0] in key_names:
            raise validation(f"One or more parameter values were invalid: Cannot update attribute "
                             f"{path.elements[0]}. This attribute is part of the key")
    new_values = [(path, _set_value(item, value)) for path, value in plan.set_actions]
    result = copy_item(item)
    for path, value in new_values:
        _assign(result, path, value)
    for path in sorted(plan.remove_paths, key=_removal_order, reverse=True):
        _remove(result, path)
    for path, value in plan.add_actions:
        _assign(result, path, _add(resolve(result, path), value.value))
    for path, value in plan.delete_actions:
        remaining = _delete(resolve(result, path), value.value)
        if remaining is None:
            _remove(result, path)
        else:
            _assign(result, path, remaining)
    return result


def _removal_order(path: Path) -> list[tuple[int, Any]]:
    # Remove later list elements first so a[1], a[2] both refer to the original positions.
    return [(1, e) if isinstance(e, int) else (0, e) for e in path.elements]


def _set_value(item: Item, node: Any) -> dict[str, Any]:
    if isinstance(node, Arithmetic):
        left, right = _number(_set_value(item, node.left)), _number(_set_value(item, node.right))
        result = _ARITHMETIC.add(left, right) if node.operator == "+" else _ARITHMETIC.subtract(left, right)
        return canonical_value({"N": format(result, "f")})
    if isinstance(node, IfNotExists):
        existing = resolve(item, node.path)
        return copy_value(existing) if existing is not None else _set_value(item, node.fallback)
    if isinstance(node, ListAppend):
        first, second = _set_value(item, node.first), _set_value(item, node.second)
        if "L" not in first or "L" not in second:
            raise validation("Invalid UpdateExpression: Incorrect operand type for operator or "
                             "function; operator or function: list_append, operand type: "
                             f"{value_type(first if 'L' not in first else second)}")
        return {"L": [*first["L"], *second["L"]]}
    value = operand_value(item, node)
    if value is None:
        raise validation("The provided expression refers to an attribute that does not exist in "
                         f"the item: {node}")
    return copy_value(value)


def _number(av: dict[str, Any]) -> Decimal:
    if "N" not in av:
        raise validation("An operand in the update expression has an incorrect data type: "
                         f"arithmetic needs numbers, got {value_type(av)}")
    return Decimal(av["N"])


def _parent(item: Item, path: Path) -> dict[str, Any] | list[Any] | None:
    """The map or list holding the path's last element, or None when the parent does not exist."""
    if len(path.elements) == 1:
        return item
    parent = resolve(item, Path(path.elements[:-1]))
    if parent is None:
        return None
    last = path.elements[-1]
    if isinstance(last, int):
        return parent.get("L")
    return parent.get("M")


def _assign(item: Item, path: Path, value: dict[str, Any]) -> None:
    container = _parent(item, path)
    last = path.elements[-1]
    if container is None:
        raise validation("The document path provided in the update expression is invalid for "
                         f"update: {path}")
    if isinstance(last, int):
        if last < len(container):
            container[last] = value
        else:
            container.append(value)  # DynamoDB appends past the end of a list
    else:
        container[last] = value


def _remove(item: Item, path: Path) -> None:
    container = _parent(item, path)
    last = path.elements[-1]
    if container is None:
        if len(path.elements) == 1:
            return
        raise validation("The document path provided in the update expression is invalid for "
                         f"update: {path}")
    if isinstance(last, int):
        if last < len(container):
            del container[last]
    else:
        container.pop(last, None)


def _add(current: dict[str, Any] | None, value: dict[str, Any]) -> dict[str, Any]:
    kind = value_type(value)
    if kind not in ("N", *SET_TYPES):
        raise validation("Invalid UpdateExpression: Incorrect operand type for operator or "
                         f"function; operator: ADD, operand type: {kind}")
    if current is None:
        return copy_value(value)
    if value_type(current) != kind:
        raise validation("An operand in the update expression has an incorrect data type: ADD "
                         f"of {kind} to an attribute of type {value_type(current)}")
    if kind == "N":
        total = _ARITHMETIC.add(Decimal(current["N"]), Decimal(value["N"]))
        return canonical_value({"N": format(total, "f")})
    merged = list(current[kind])
    for element in value[kind]:
        if not any(values_equal({SET_TYPES[kind]: element}, {SET_TYPES[kind]: e}) for e in merged):
            merged.append(element)
    return {kind: merged}


def _delete(current: dict[str, Any] | None, value: dict[str, Any]) -> dict[str, Any] | None:
    kind = value_type(value)
    if kind not in SET_TYPES:
        raise validation("Invalid UpdateExpression: Incorrect operand type for operator or "
                         f"function; operator: DELETE, operand type: {kind}")
    if current is None:
        return None
    if value_type(current) != kind:
        raise validation("An operand in the update expression has an incorrect data type: DELETE "
                         f"of {kind} from an attribute of type {value_type(current)}")
    element_kind = SET_TYPES[kind]
    kept = [e for e in current[kind]
            if not any(values_equal({element_kind: e}, {element_kind: d}) for d in value[kind])]
    return {kind: kept} if kept else None
