"""Designs mutated from the samples, and every engine pass run on one (issue 14: "whatever `validate` accepts,
every command handles"). Shared by tests/engine/test_design_fuzz.py (a bounded hypothesis run) and
benchmarks/fuzz_designs.py (10,000 designs, with time and memory per design).

Mutations: a leaf replaced by an extreme or wrongly typed value, a key dropped, a number made huge, a list
(tables, entities, attributes, access patterns, variables) multiplied with renamed copies.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

EXTREMES: tuple[Any, ...] = (0, -1, 1, 0.5, 1e-300, 5e-324, 1e15, 10**15, 10**16, 2**63, float("inf"), float("nan"),
                             -float("inf"), "", "x" * 300, "ü" * 50, "\ud800", None, True, False, [], {}, "12",
                             1.7976931348623157e308, 10**4400, "{x}", "A#{a}#{b}#{c}", [1, 2, 3], {"kind": "zipf"})
MULTIPLIED = ("tables", "entities", "access_patterns", "attributes", "variables", "keys", "gsis")
HEAT_HORIZON_S = 120  # a short horizon: the fuzz is about crashes, stalls and memory, not the figures


def _containers(node: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    out = [(path, node)] if isinstance(node, dict | list) else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _containers(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _containers(v, (*path, i))
    return out


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))]
    return [path]


def _set(data: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _renamed(item: Any, n: int) -> Any:
    clone = copy.deepcopy(item)
    if isinstance(clone, dict) and isinstance(clone.get("name"), str):
        clone["name"] = f"{clone['name']}_{n}"
    return clone


def mutate(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A copy of a design's plain data with 1-3 mutations."""
    out = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.45:
            leaves = _leaves(out)
            if leaves:
                path = rng.choice(leaves)
                current = _value_at(out, path)
                pool = EXTREMES
                if rng.random() < 0.6:  # most replacements keep the type, so validation lets more through
                    same = [v for v in EXTREMES if type(v) is type(current)]
                    pool = tuple(same) or EXTREMES
                _set(out, path, rng.choice(pool))
        elif kind < 0.6:
            dicts = [(p, c) for p, c in _containers(out) if isinstance(c, dict) and c]
            if dicts:
                _, target = rng.choice(dicts)
                del target[rng.choice(list(target))]
        elif kind < 0.8:
            numbers = [p for p in _leaves(out) if _number_at(out, p)]
            if numbers:
                _set(out, rng.choice(numbers), rng.choice((10 ** rng.randint(6, 16), 10.0 ** rng.randint(6, 16),
                                                            rng.random() * 1e-9)))
        else:
            lists = [(p, c) for p, c in _containers(out) if isinstance(c, list) and c and p and p[-1] in MULTIPLIED]
            if lists:
                _, target = rng.choice(lists)
                copies = rng.choice((10, 50, 200))
                target += [_renamed(target[i % len(target)], n) for n, i in enumerate(range(copies))]
    return out


def _value_at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def _number_at(data: Any, path: tuple) -> bool:
    value = _value_at(data, path)
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class Outcome:
    """What the passes did on one design: rejected by validation, passed, refused later, or crashed."""

    status: str  # rejected | ok | refused | crashed
    stage: str = ""
    error: str = ""


def run_passes(data: dict[str, Any], patterns_items: int = 20) -> Outcome:
    """parse, evaluate, partitions, heat, consistency and patterns on one design's plain data."""
    import numpy as np

    from engine.errors import WorkbenchError
    from engine.model import parse_model

    try:
        model = parse_model(data, source="fuzz")
    except WorkbenchError:
        return Outcome("rejected")
    except Exception as exc:  # noqa: BLE001 - a crash of validation itself is the finding
        return Outcome("crashed", "parse", f"{type(exc).__name__}: {exc}"[:300])
    stage = "evaluate"
    try:
        from engine.consistency import analyze_consistency
        from engine.evaluate import evaluate
        from engine.heat import HeatOptions, simulate_heat
        from engine.partitions import analyze_partitions
        from engine.patterns import validate_patterns

        evaluation = evaluate(model)
        stage = "partitions"
        analyze_partitions(model, evaluation)
        stage = "heat"
        simulate_heat(model, HeatOptions(horizon_seconds=HEAT_HORIZON_S), np.random.default_rng(0), evaluation)
        stage = "consistency"
        analyze_consistency(model, evaluation=evaluation)
        stage = "patterns"
        validate_patterns(model, max_items_per_entity=patterns_items, evaluation=evaluation)
    except WorkbenchError as exc:
        return Outcome("refused", stage, str(exc)[:300])
    except Exception as exc:  # noqa: BLE001 - what the fuzz is looking for
        return Outcome("crashed", stage, f"{type(exc).__name__}: {exc}"[:300])
    return Outcome("ok")
