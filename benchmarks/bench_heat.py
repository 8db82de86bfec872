"""Benchmark of the heat simulator: 1,000,000 zipf keys, 1,000 partitions, 3,600 s.

Prints wall time and peak memory of the simulation and its ratio to a bare numpy pass over the
same data measured in the same run (one np.bincount of the key rates into partitions, the
partition x second grid of their load, and one np.cumsum over it). Goal (issue 4): under 1 s and
1 GiB on the 2-core machine, within 5x the bare pass. Not a test: run `python benchmarks/bench_heat.py`.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from timing import best_of

from engine.heat import ArmSpec, HeatOptions, KeyGroup, TargetSpec, simulate_specs
from engine.keyspace import popularity
from engine.model.entity import Zipf
from engine.partitions import rank_hash_unit, units_to_partitions

KEYS = 1_000_000
PARTITIONS = 1000
HORIZON_SECONDS = 3600
READ_UNITS_PER_SECOND = 750_000.0
WRITE_UNITS_PER_SECOND = 100_000.0
ZIPF_EXPONENT = 1.0


def build_data() -> tuple[np.ndarray, np.ndarray]:
    """Partition of each key (a uniform hash of its rank) and its popularity share (zipf)."""
    key_partition = units_to_partitions(rank_hash_unit(np.arange(KEYS, dtype=np.uint64), seed=2024), PARTITIONS)
    shares = popularity(Zipf(exponent=ZIPF_EXPONENT), KEYS)
    return key_partition, shares


def spec_of(key_partition: np.ndarray, shares: np.ndarray) -> TargetSpec:
    group = KeyGroup(key_partition=key_partition, splittable_units=1, label=lambda r: f"KEY#{r:07d}")
    arms = (
        ArmSpec(pattern="read", channel="read", units_per_request=1.0, requests_per_second=READ_UNITS_PER_SECOND,
                group=group, shares=shares),
        ArmSpec(pattern="write", channel="write", units_per_request=1.0,
                requests_per_second=WRITE_UNITS_PER_SECOND, group=group, shares=shares),
    )
    # 1,500,000 RCU + 500,000 WCU provisioned = 1,000 partitions by throughput.
    return TargetSpec(name="Bench", partitions=PARTITIONS, billing="provisioned",
                      read_capacity_units=1_500_000, write_capacity_units=500_000, arms=arms)


def bare_pass(key_partition: np.ndarray, shares: np.ndarray, multipliers: np.ndarray) -> float:
    """The baseline: bincount the key rates into partitions, build the P x T grid, cumsum it."""
    rates = np.bincount(key_partition, weights=shares * (READ_UNITS_PER_SECOND + WRITE_UNITS_PER_SECOND),
                        minlength=PARTITIONS)
    grid = np.multiply.outer(rates, multipliers)
    return float(np.cumsum(grid, axis=1)[:, -1].sum())


def simulate(spec: TargetSpec, seed: int):
    return simulate_specs([spec], HeatOptions(horizon_seconds=HORIZON_SECONDS), rng=np.random.default_rng(seed))


def design_of_a_million_keys():
    """The same traffic as a design (1,000,000 zipf page keys on a provisioned table)."""
    from engine.model import parse_model

    return parse_model({
        "name": "bench", "tables": [{"name": "Pages", "partition_key": {"name": "pk"}, "billing": {
            "mode": "provisioned", "read_capacity_units": 1_500_000, "write_capacity_units": 500_000}}],
        "entities": [{"name": "Page", "table": "Pages", "item_count": KEYS,
                      "keys": [{"attribute": "pk", "template": "PAGE#{page}"}],
                      "variables": [{"name": "page", "cardinality": KEYS}],
                      "key_distribution": {"kind": "zipf", "exponent": ZIPF_EXPONENT},
                      "attributes": [{"name": "body", "size_bytes": 600}]}],
        "access_patterns": [
            {"name": "read", "operation": "GetItem", "table": "Pages", "entities": ["Page"],
             "key_condition": {"partition_key": "PAGE#{page}"}, "consistency": "strong",
             "requests_per_second": READ_UNITS_PER_SECOND},
            {"name": "write", "operation": "PutItem", "table": "Pages", "entities": ["Page"],
             "key_condition": {"partition_key": "PAGE#{page}"}, "requests_per_second": WRITE_UNITS_PER_SECOND}],
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    key_partition, shares = build_data()
    setup_s = time.perf_counter() - start
    spec = spec_of(key_partition, shares)
    multipliers = np.ones(HORIZON_SECONDS)

    bare_s = best_of(lambda: bare_pass(key_partition, shares, multipliers), args.repeats)
    sim_s = best_of(lambda: simulate(spec, 0), args.repeats)

    tracemalloc.start()
    result = simulate(spec, 0)
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"keys {KEYS:,}, partitions {PARTITIONS:,}, horizon {HORIZON_SECONDS:,} s, zipf s={ZIPF_EXPONENT}")
    print(f"data (hash 1M ranks + zipf shares): {setup_s * 1000:8.1f} ms (not in the ratio)")
    print(f"bare numpy pass (bincount + P x T grid + cumsum): {bare_s * 1000:8.1f} ms")
    print(f"heat simulation: {sim_s * 1000:8.1f} ms   ratio {sim_s / bare_s:5.2f}x the bare pass "
          f"(goal <= 5x, < 1 s)")
    print(f"peak memory of the simulation (tracemalloc): {peak_bytes / 2**20:8.1f} MiB (goal < 1,024 MiB)")
    for p in result.patterns:
        print(f"  pattern {p.name}: throttled {p.throttled_fraction:.2%} {p.throttle_reasons}")
    print(f"  hottest key {result.hot_keys[0].key}: {result.hot_keys[0].demanded_units_per_second:,.0f} CTU/s "
          f"demanded, {result.hot_keys[0].consumed_units_per_second:,.0f} admitted")
    heatmap = result.heatmaps[0]
    print(f"  heatmap kept: {heatmap.consumed_read.shape[0]} partitions x {heatmap.consumed_read.shape[1]} buckets")

    from engine.evaluate import evaluate
    from engine.heat import simulate_heat

    model = design_of_a_million_keys()
    ev = evaluate(model)
    design_s = best_of(lambda: simulate_heat(model, HeatOptions(), np.random.default_rng(0), ev), 1)
    print(f"from a design (keys hashed, zipf shares, static report and simulation): {design_s * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
