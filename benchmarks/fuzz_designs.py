"""Fuzz the engine with designs mutated from the samples (issue 14): wrong types, extremes, huge counts, many
entities/attributes/patterns. Each design runs parse, evaluate, partitions, heat (120 s horizon), consistency and
patterns in a forked child with a memory cap; the run prints how many were rejected by validation, passed, refused
later with a message, crashed, took over 10 s, or needed over 1 GiB, and the first examples of each problem.
The baseline measured in the same run is the unmutated samples through the same passes (time per design).

Goal: 0 crashed, 0 over 10 s, 0 over 1 GiB for 10,000 designs.
Run: python benchmarks/fuzz_designs.py [--designs 10000] [--seed 0] [--workers 2]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import pickle
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from design_fuzz import mutate, run_passes  # noqa: E402

SLOW_S = 10.0
KILL_S = 60.0  # a design still running after this is stopped and counted as over 10 s
MEMORY_CAP_BYTES = 1 << 30  # 1 GiB of address space growth over the worker's start: a MemoryError past it


def _child(data: dict, out: mp.Queue) -> None:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    soft = base + MEMORY_CAP_BYTES + (512 << 20)  # the interpreter and numpy already map ~0.5 GiB of address space
    resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
    started = time.perf_counter()
    try:
        outcome = run_passes(data)
        status, stage, error = outcome.status, outcome.stage, outcome.error
    except MemoryError:
        status, stage, error = "over_memory", "", "MemoryError"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
    out.put({"status": status, "stage": stage, "error": error, "seconds": time.perf_counter() - started,
             "peak_bytes": peak})


def run_one(data: dict) -> dict:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(data, queue))
    proc.start()
    proc.join(KILL_S)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"status": "over_time", "stage": "", "error": f"still running after {KILL_S:.0f} s", "seconds": KILL_S,
                "peak_bytes": 0}
    if queue.empty():
        return {"status": "crashed", "stage": "", "error": f"child died (exit {proc.exitcode})", "seconds": 0.0,
                "peak_bytes": 0}
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=5, help="examples printed per problem kind")
    parser.add_argument("--save", metavar="DIR", help="write each crashed / slow / over-memory design here (pickle)")
    args = parser.parse_args()

    import engine.consistency  # noqa: F401 - imported before forking, so children start warm
    import engine.heat  # noqa: F401
    import engine.patterns  # noqa: F401
    from engine.io import iter_samples, to_data

    samples = [to_data(model) for _, model in iter_samples()]
    started = time.perf_counter()
    baseline = [run_one(s) for s in samples]
    base_s = (time.perf_counter() - started) / len(samples)
    rng = random.Random(args.seed)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    slow = over_mem = 0
    worst_s = worst_mb = 0.0
    save = Path(args.save) if args.save else None
    if save:
        save.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for n in range(args.designs):
        data = mutate(rng.choice(samples), rng)
        result = run_one(data)
        status = result["status"]
        if result["seconds"] > SLOW_S and status != "over_time":
            slow += 1
            status = "over_time"
        if result["peak_bytes"] > MEMORY_CAP_BYTES:
            over_mem += 1
        counts[status] += 1
        worst_s = max(worst_s, result["seconds"])
        worst_mb = max(worst_mb, result["peak_bytes"] / 2**20)
        if status in ("crashed", "over_time", "over_memory", "refused"):  # refused: validate accepted it
            examples.setdefault(status, [])
            if len(examples[status]) < args.show:
                examples[status].append(f"#{n} {result['stage']}: {result['error']}")
            if save and status != "refused":
                (save / f"{status}-{n}.pickle").write_bytes(pickle.dumps(data))  # keeps inf, nan and huge ints
        if (n + 1) % 500 == 0:
            print(f"  {n + 1:,} designs, {time.perf_counter() - started:,.0f} s: {dict(counts)}", flush=True)
    total_s = time.perf_counter() - started
    print(f"baseline: the {len(samples)} samples unmutated, {base_s:.2f} s per design "
          f"(statuses {Counter(b['status'] for b in baseline)})")
    print(f"{args.designs:,} mutated designs in {total_s:,.0f} s ({total_s / max(1, args.designs) / base_s:.2f}x the "
          f"baseline per design): rejected {counts['rejected']:,}, passed {counts['ok']:,}, refused later "
          f"{counts['refused']:,}, crashed {counts['crashed']:,}, over {SLOW_S:.0f} s {counts['over_time']:,}, "
          f"over 1 GiB {over_mem + counts['over_memory']:,}; slowest {worst_s:.1f} s, most memory {worst_mb:,.0f} MiB")
    for status, lines in examples.items():
        print(f"{status}:")
        for line in lines:
            print(f"  {line}")


if __name__ == "__main__":
    main()
