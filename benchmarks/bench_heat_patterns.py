"""Heat memory as access patterns multiply (issue 14): one table of 2,000,000 partition keys read by N GetItem
patterns with five different Zipf distributions, through the whole path a page takes (parse, evaluate,
simulate_heat). Each size runs in a fresh process so peak RSS is its own; the baseline is the same design with one
pattern in the same run. Before the fix, 103 patterns held 3.3 GiB (an arms x keys matrix); the goal is memory
that does not grow with the pattern count once the distinct distributions are built.

Run: python benchmarks/bench_heat_patterns.py [--patterns 1 25 103]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEYS = 2_000_000


def child(patterns: int) -> None:
    import numpy as np

    from engine.evaluate import evaluate
    from engine.heat import HeatOptions, simulate_heat
    from engine.io import load_sample, to_data
    from engine.model import parse_model

    data = to_data(load_sample("orders_by_customer"))
    data["entities"][0]["variables"][0]["cardinality"] = KEYS
    data["entities"][0]["item_count"] = 10 * KEYS
    base = next(p for p in data["access_patterns"] if p["operation"] == "GetItem")
    data["access_patterns"] = [{**base, "name": f"get {i}", "requests_per_second": 20.0,
                                "key_distribution": {"kind": "zipf", "exponent": 0.5 + (i % 5) * 0.1}}
                               for i in range(patterns)]
    data["screens"] = []
    started = time.perf_counter()
    model = parse_model(data)
    simulate_heat(model, HeatOptions(), np.random.default_rng(0), evaluate(model))
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"patterns": patterns, "seconds": seconds, "peak_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=int, nargs="+", default=[1, 25, 103])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    rows = []
    for n in args.patterns:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], cwd=ROOT, capture_output=True,
                             text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = rows[0]
    print(f"{KEYS:,} keys; baseline: {base['patterns']} pattern(s), {base['seconds']:.2f} s, "
          f"{base['peak_mib']:.0f} MiB peak")
    for r in rows:
        print(f"{r['patterns']:>5} patterns: {r['seconds']:6.2f} s ({r['seconds'] / base['seconds']:.1f}x), peak "
              f"{r['peak_mib']:7.0f} MiB ({r['peak_mib'] / base['peak_mib']:.2f}x)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
