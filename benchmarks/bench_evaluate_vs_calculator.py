"""evaluate() against a plain capacity-and-cost calculator on the same workload (issue 14).

The workload: N tables (50 by default), each with two GSIs and one 1,000,000-item entity of about 2,000 bytes,
and four access patterns per table: GetItem 100/s, a Query on GSI1 of 20 items 50/s, PutItem 20/s (written to
both GSIs), UpdateItem 10/s moving the GSI1 key: 200 patterns for 50 tables.

The baseline, measured in the same run: `calculate_cost` of the AWS Labs DynamoDB MCP server's cost calculator
(pip `awslabs-dynamodb-mcp-server==2.1.8`), given the same tables, sizes, rates and GSIs. It needs other
versions of pydantic and boto3 than the workbench, so it runs in its own virtualenv
(`benchmarks/.venv-calculator`, created on the first run; or set CALCULATOR_PYTHON to an interpreter that has
it) and reports its best time as JSON. Both sides are timed as the best of several calls after a warm-up,
interleaved (calculator, workbench, calculator) so a burst of other load hits both.

Goals: evaluate at most 15x the calculator; evaluate's time per pattern flat (linear total) up to 2,000 patterns.
The calculator does much less (no item-size distributions, no provisioned/auto-scaling comparison, no table
classes, no findings); the ratio says what the workbench's extra answers cost, not who is right. The units per
request of both are printed side by side for the first table as a cross-check.

Run: python benchmarks/bench_evaluate_vs_calculator.py [--tables 50] [--scale 200 500 1000 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from timing import best_of

ROOT = Path(__file__).resolve().parents[1]
CALCULATOR = "awslabs-dynamodb-mcp-server==2.1.8"
CALCULATOR_VENV = ROOT / "benchmarks" / ".venv-calculator"
GOAL_RATIO = 15.0
ITEM_BYTES = 2000
ITEMS = 1_000_000
RATES = {"get": 100.0, "query": 50.0, "put": 20.0, "update": 10.0}
QUERY_ITEMS = 20


def workbench_design(tables: int) -> dict[str, Any]:
    """The workload as a workbench design (keys rendered from templates; body sized so items are ~2,000 B)."""
    out_tables, entities, patterns = [], [], []
    for t in range(tables):
        name = f"table_{t:04d}"
        out_tables.append({
            "name": name, "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
            "gsis": [{"name": "GSI1", "partition_key": {"name": "GSI1PK"}, "sort_key": {"name": "GSI1SK"}},
                     {"name": "GSI2", "partition_key": {"name": "GSI2PK"}, "sort_key": {"name": "GSI2SK"}}]})
        entities.append({
            "name": f"Item{t}", "table": name, "item_count": ITEMS,
            "keys": [{"attribute": "PK", "template": "ITEM#{id}"}, {"attribute": "SK", "template": "META"},
                     {"attribute": "GSI1PK", "template": "STATUS#{status}"}, {"attribute": "GSI1SK", "template": "{id}"},
                     {"attribute": "GSI2PK", "template": "OWNER#{owner}"}, {"attribute": "GSI2SK", "template": "{id}"}],
            "variables": [{"name": "id", "cardinality": ITEMS}, {"name": "status", "cardinality": 4},
                          {"name": "owner", "cardinality": 10_000}],
            # keys and names take ~110 bytes: the body brings the item to about ITEM_BYTES
            "attributes": [{"name": "body", "size_bytes": ITEM_BYTES - 110}]})
        entity = [f"Item{t}"]
        key = {"partition_key": "ITEM#{id}", "sort_key": {"operator": "=", "value": "META"}}
        patterns += [
            {"name": f"get {t}", "operation": "GetItem", "table": name, "entities": entity, "key_condition": key,
             "requests_per_second": RATES["get"]},
            {"name": f"query {t}", "operation": "Query", "table": name, "index": "GSI1", "entities": entity,
             "key_condition": {"partition_key": "STATUS#{status}"}, "items_per_request": QUERY_ITEMS,
             "requests_per_second": RATES["query"]},
            {"name": f"put {t}", "operation": "PutItem", "table": name, "entities": entity, "key_condition": key,
             "requests_per_second": RATES["put"]},
            {"name": f"update {t}", "operation": "UpdateItem", "table": name, "entities": entity,
             "key_condition": key, "changed_attributes": ["GSI1PK"], "requests_per_second": RATES["update"]},
        ]
    return {"name": "calculator_workload", "tables": out_tables, "entities": entities, "access_patterns": patterns}


def calculator_input(tables: int) -> dict[str, Any]:
    """The same workload in the calculator's input model (sizes given directly)."""
    table_list, patterns = [], []
    for t in range(tables):
        name = f"table_{t:04d}"
        gsi = {"item_size_bytes": ITEM_BYTES, "item_count": ITEMS}
        table_list.append({"name": name, "item_size_bytes": ITEM_BYTES, "item_count": ITEMS,
                           "gsi_list": [{"name": "GSI1", **gsi}, {"name": "GSI2", **gsi}]})
        common = {"description": "workload", "table": name, "item_size_bytes": ITEM_BYTES}
        patterns += [
            {"operation": "GetItem", "pattern": f"get {t}", "rps": RATES["get"], **common},
            {"operation": "Query", "pattern": f"query {t}", "gsi": "GSI1", "item_count": QUERY_ITEMS,
             "rps": RATES["query"], **common},
            {"operation": "PutItem", "pattern": f"put {t}", "gsi_list": ["GSI1", "GSI2"], "rps": RATES["put"], **common},
            {"operation": "UpdateItem", "pattern": f"update {t}", "gsi_list": ["GSI1"], "rps": RATES["update"],
             **common},
        ]
    return {"table_list": table_list, "access_pattern_list": patterns}


# Runs inside the calculator's interpreter: reads the input on stdin, prints the best time and the first
# table's units per request.
_CALCULATOR_SCRIPT = """
import json, sys, time
from awslabs.dynamodb_mcp_server.cost_performance_calculator.cost_calculator import calculate_cost
from awslabs.dynamodb_mcp_server.cost_performance_calculator.data_model import DataModel
data = json.load(sys.stdin)
model = DataModel.model_validate(data["input"])
calculate_cost(model)
best = float("inf")
for _ in range(data["repeats"]):
    start = time.perf_counter()
    result = calculate_cost(model)
    best = min(best, time.perf_counter() - start)
units = {p.pattern: p.rcus + p.wcus + sum(g.wcus for g in p.gsi_write_amplification)
         for p in result.access_patterns[:4]}
print(json.dumps({"seconds": best, "units": units}))
"""


def calculator_python() -> str | None:
    """An interpreter with the calculator: CALCULATOR_PYTHON, else benchmarks/.venv-calculator (made once)."""
    given = os.environ.get("CALCULATOR_PYTHON")
    if given:
        return given
    python = CALCULATOR_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {CALCULATOR_VENV} with {CALCULATOR} (once)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(CALCULATOR_VENV)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", CALCULATOR], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"could not install {CALCULATOR}: {done.stderr.strip()[-400:]}")
            return None
    return str(python)


def time_calculator(python: str, tables: int, repeats: int) -> dict[str, Any]:
    done = subprocess.run([python, "-c", _CALCULATOR_SCRIPT], input=json.dumps(
        {"input": calculator_input(tables), "repeats": repeats}), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def time_evaluate(tables: int, repeats: int) -> tuple[float, Any]:
    """Best time of evaluate, each call on a design object of its own (parsed beforehand, not timed), so no
    call finds the key sizes the engine keeps per design object: what a page pays for a changed design."""
    from engine.evaluate import evaluate
    from engine.model import parse_model

    data = workbench_design(tables)
    evaluation = evaluate(parse_model(data))  # warm-up (imports, price catalog)
    models = iter([parse_model(data) for _ in range(repeats)])
    return best_of(lambda: evaluate(next(models)), repeats), evaluation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=int, nargs="*", default=[200, 500, 1000, 2000],
                        help="pattern counts for the linearity check (4 patterns per table)")
    args = parser.parse_args()

    python = calculator_python()
    patterns = 4 * args.tables
    ours, evaluation = time_evaluate(args.tables, args.repeats)
    if python is None:
        print(f"evaluate, {args.tables} tables / {patterns} patterns: {ours * 1e3:.1f} ms (no calculator baseline)")
    else:
        first = time_calculator(python, args.tables, args.repeats * 3)
        ours = min(ours, time_evaluate(args.tables, args.repeats)[0])
        second = time_calculator(python, args.tables, args.repeats * 3)
        base = min(first["seconds"], second["seconds"])
        ratio = ours / base
        print(f"workload: {args.tables} tables x 2 GSIs, {patterns} patterns")
        print(f"  calculator ({CALCULATOR}) calculate_cost  {base * 1e3:8.2f} ms")
        print(f"  workbench evaluate                          {ours * 1e3:8.2f} ms   "
              f"ratio {ratio:5.1f}x (goal <= {GOAL_RATIO:.0f}x: {'met' if ratio <= GOAL_RATIO else 'NOT met'})")
        print("  units per request, first table (calculator vs workbench; the workbench sizes keys from their "
              "templates and counts a moved GSI key as a delete and a put, DG/GSI.html):")
        for p in evaluation.patterns[:4]:
            theirs = first["units"].get(p.name)
            mine = p.read_units_per_request + p.write_units_per_request  # index writes included
            print(f"    {p.name:<10} {theirs:>6} vs {mine:>6.2f}")
    print("linearity (evaluate, best of", args.repeats, "):")
    first_per = None
    for count in args.scale:
        seconds, _ = time_evaluate(max(1, count // 4), args.repeats)
        per = seconds / count
        first_per = first_per or per
        print(f"  {count:>5} patterns  {seconds * 1e3:9.1f} ms   {per * 1e6:7.1f} us/pattern   "
              f"x{per / first_per:4.2f} of the smallest")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
