"""Time evaluate() on the largest sample design and on a generated 50-entity / 200-pattern design.

Prints absolute times and ratios against a bare baseline measured in the same run: validating the
same design from plain data (parse_model), i.e. what any page pays before evaluating. Not a test.
Run: python benchmarks/bench_evaluate.py
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from timing import best_of

from engine.evaluate import evaluate
from engine.io import iter_samples, to_data
from engine.model import parse_model

REPEATS = 5
OPERATIONS = ("GetItem", "Query", "PutItem", "UpdateItem")


def best_seconds(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    return best_of(fn, repeats)


def generated_design(entities: int = 50, patterns: int = 200) -> dict[str, Any]:
    """Five tables with two GSIs each; entities with ranged, sparse and example attributes."""
    tables = [{"name": f"table_{t}", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
               "gsis": [{"name": "GSI1", "partition_key": {"name": "GSI1PK"}, "sort_key": {"name": "GSI1SK"}},
                        {"name": "GSI2", "partition_key": {"name": "GSI2PK"},
                         "projection": {"type": "INCLUDE", "attributes": ["status"]}}]} for t in range(5)]
    ents = []
    for e in range(entities):
        ents.append({
            "name": f"Entity{e}", "table": f"table_{e % 5}", "item_count": 10_000 * (e + 1),
            "keys": [{"attribute": "PK", "template": f"E{e}#{{id}}"}, {"attribute": "SK", "template": "#{ts}"},
                     {"attribute": "GSI1PK", "template": "S#{status}"}, {"attribute": "GSI1SK", "template": "{ts}"}],
            "variables": [{"name": "id", "cardinality": 10_000 * (e + 1)}, {"name": "ts", "cardinality": 1000,
                                                                            "kind": "timestamp"},
                          {"name": "status", "cardinality": 4, "kind": "enum",
                           "values": ["NEW", "PAID", "SHIPPED", "CANCELLED"]}],
            "attributes": [{"name": "body", "size_bytes": 500.0 + 37 * e, "min_size_bytes": 100.0,
                            "max_size_bytes": 2000.0 + 97 * e},
                           {"name": "GSI2PK", "size_bytes": 12, "presence": 0.3},
                           {"name": "status", "example": "SHIPPED"},
                           {"name": "tags", "type": "SS", "example": ["a", "bb", "ccc"]}]})
    pats = []
    for p in range(patterns):
        e = p % entities
        op = OPERATIONS[p % len(OPERATIONS)]
        pat = {"name": f"pattern {p}", "operation": op, "table": f"table_{e % 5}", "entities": [f"Entity{e}"],
               "key_condition": {"partition_key": f"E{e}#{{id}}"}, "requests_per_second": 1.0 + p}
        if op == "Query":
            pat["items_per_request"] = 5.0 + p % 40
        else:
            pat["key_condition"]["sort_key"] = {"operator": "=", "value": "#{ts}"}
        if op == "UpdateItem":
            pat["changed_attributes"] = ["status"] if p % 8 else ["GSI1SK"]
        pats.append(pat)
    return {"name": "generated", "tables": tables, "entities": ents, "access_patterns": pats}


def report(label: str, data: dict[str, Any]) -> None:
    model = parse_model(data)
    baseline = best_seconds(lambda: parse_model(data))
    cost = best_seconds(lambda: evaluate(model))
    print(f"{label:<48} parse_model {baseline * 1e3:8.2f} ms   evaluate {cost * 1e3:8.2f} ms   "
          f"ratio {cost / baseline:6.2f}x")


def main() -> None:
    samples = list(iter_samples())
    name, largest = max(samples, key=lambda kv: len(kv[1].access_patterns) + len(kv[1].entities))
    report(f"largest sample ({name}, {len(largest.access_patterns)} patterns)", to_data(largest))
    report("generated (50 entities, 200 patterns, 10 GSIs)", generated_design())


if __name__ == "__main__":
    main()
