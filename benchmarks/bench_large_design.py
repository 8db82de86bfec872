"""A 1,000-entity design through every pass (issue 14: under 5 s and 1 GiB).

The design: 10 tables (each with a GSI), 1,000 entities of 1,000..1,000,000 items with four key templates
(an id, a timestamp sort key, an enum GSI key) and four attributes (a body, a number, a string set, a flag),
and one access pattern per entity cycling GetItem, Query (10 items), PutItem and UpdateItem: 1,000 patterns.
Every pass a page or the CLI runs: parse, evaluate, partitions, heat (120 s), consistency and pattern
validation (sample items through the sandbox). It runs in a fresh process so the peak RSS is its own; the
baseline, measured in the same run, is the largest sample design through the same passes.

Run: python benchmarks/bench_large_design.py [--entities 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 5.0
GOAL_BYTES = 1 << 30


def large_design(entities: int, tables: int = 10) -> dict[str, Any]:
    out_tables = [{"name": f"table_{t}", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
                   "gsis": [{"name": "GSI1", "partition_key": {"name": "GSI1PK"}, "sort_key": {"name": "GSI1SK"}}]}
                  for t in range(tables)]
    out_entities, patterns = [], []
    for e in range(entities):
        table = f"table_{e % tables}"
        out_entities.append({
            "name": f"Entity{e}", "table": table, "item_count": 1000 * (e + 1),
            "keys": [{"attribute": "PK", "template": f"E{e}#{{id}}"}, {"attribute": "SK", "template": "V#{ts}"},
                     {"attribute": "GSI1PK", "template": "S#{status}"}, {"attribute": "GSI1SK", "template": "{ts}"}],
            "variables": [{"name": "id", "cardinality": 1000 * (e + 1)},
                          {"name": "ts", "cardinality": 100, "kind": "timestamp"},
                          {"name": "status", "cardinality": 4, "kind": "enum", "values": ["A", "B", "C", "D"]}],
            "attributes": [{"name": "body", "size_bytes": 300 + e % 50}, {"name": "count", "type": "N", "example": 12},
                           {"name": "tags", "type": "SS", "example": ["x", "yy"]},
                           {"name": "flag", "type": "BOOL", "example": True}]})
        operation = ("GetItem", "Query", "PutItem", "UpdateItem")[e % 4]
        pattern: dict[str, Any] = {"name": f"pattern {e}", "operation": operation, "table": table,
                                   "entities": [f"Entity{e}"], "key_condition": {"partition_key": f"E{e}#{{id}}"},
                                   "requests_per_second": 1 + e % 7}
        if operation == "Query":
            pattern["items_per_request"] = 10
        else:
            pattern["key_condition"]["sort_key"] = {"operator": "=", "value": "V#{ts}"}
        if operation == "UpdateItem":
            pattern["changed_attributes"] = ["count"]
        patterns.append(pattern)
    return {"name": "large_design", "tables": out_tables, "entities": out_entities, "access_patterns": patterns}


def child(which: str, entities: int) -> None:
    """Every pass on one design, timed; prints JSON (seconds per pass, peak RSS growth in bytes)."""
    import numpy as np

    from engine.consistency import analyze_consistency
    from engine.evaluate import evaluate
    from engine.heat import HeatOptions, simulate_heat
    from engine.io import iter_samples, to_data
    from engine.model import parse_model
    from engine.partitions import analyze_partitions
    from engine.patterns import validate_patterns

    if which == "large":
        data = large_design(entities)
    else:  # the largest sample: most patterns + entities
        data = to_data(max((m for _, m in iter_samples()), key=lambda m: len(m.access_patterns) + len(m.entities)))
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    times: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        started = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - started
        return out

    model = timed("parse", lambda: parse_model(data))
    evaluation = timed("evaluate", lambda: evaluate(model))
    timed("partitions", lambda: analyze_partitions(model, evaluation))
    timed("heat", lambda: simulate_heat(model, HeatOptions(horizon_seconds=120), np.random.default_rng(0), evaluation))
    timed("consistency", lambda: analyze_consistency(model, evaluation=evaluation))
    timed("patterns", lambda: validate_patterns(model, evaluation=evaluation))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start_rss
    print(json.dumps({"times": times, "peak_bytes": peak, "entities": len(model.entities),
                      "patterns": len(model.access_patterns)}))


def run(which: str, entities: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", which, "--entities", str(entities)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--child", choices=("large", "baseline"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.entities)
        return
    base = run("baseline", args.entities)
    large = run("large", args.entities)
    base_total, total = sum(base["times"].values()), sum(large["times"].values())
    print(f"baseline: largest sample ({base['entities']} entities, {base['patterns']} patterns) "
          f"{base_total:.2f} s, peak +{base['peak_bytes'] / 2**20:,.0f} MiB")
    print(f"large: {large['entities']:,} entities, {large['patterns']:,} patterns")
    for name, seconds in large["times"].items():
        print(f"  {name:<12} {seconds:6.2f} s   (baseline {base['times'][name]:.2f} s)")
    print(f"  total        {total:6.2f} s   ({total / base_total:,.0f}x the baseline; goal < {GOAL_SECONDS:.0f} s: "
          f"{'met' if total < GOAL_SECONDS else 'NOT met'})")
    print(f"  peak RSS     +{large['peak_bytes'] / 2**20:,.0f} MiB (goal < 1 GiB: "
          f"{'met' if large['peak_bytes'] < GOAL_BYTES else 'NOT met'})")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
