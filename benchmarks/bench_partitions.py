"""Benchmark of the static partition report (engine.partitions.analyze_partitions) on every sample.

For each sample design prints the best-of-N wall time of `analyze_partitions(model, evaluation)`
(the evaluation is computed once, outside the timing, as the Partitions page does) and its ratio
to two baselines measured in the same run over the same number of keys (every rank the report
models, summed over its tables and GSIs):
- bare: one np.bincount of that many precomputed partition numbers;
- floor: hashing that many ranks to partitions (rank_partitions) plus that bincount, which the report
  cannot avoid: a partition's key count follows from where the hash puts each key.
Goal (issue: Partitions page, 300 ms per interaction p95): under 50 ms on global_game_state.

`--ref REV` also times engine/partitions.py as of git revision REV (e.g. the commit before the
optimisation) in the same run, for a before/after table. Not a test: run
`python benchmarks/bench_partitions.py [--ref REV] [--repeats N]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import best_of

from engine.evaluate import evaluate
from engine.io import load_model_or_sample, sample_names
from engine.partitions import analyze_partitions, build_targets, rank_partitions

REPO = Path(__file__).resolve().parent.parent
BASELINE_PARTITIONS = 4
"""Partitions of the baseline bincount (a new on-demand table has 4; DOMAIN.md §4)."""


def modelled_keys(model, evaluation) -> int:
    """Ranks the report places one by one, over every table and GSI of the design."""
    targets, _ = build_targets(model, evaluation)
    return sum(space.ranks for t in targets for space in t.spaces)


def bare_pass(key_partition: np.ndarray) -> None:
    np.bincount(key_partition, minlength=BASELINE_PARTITIONS)


def floor_pass(keys: int) -> None:
    placed = rank_partitions(keys, seed=2024, partitions=BASELINE_PARTITIONS)
    np.bincount(placed, minlength=BASELINE_PARTITIONS)


def reference_module(rev: str):
    """engine/partitions.py as of git revision `rev`, imported under another name."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:engine/partitions.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "partitions_ref.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("partitions_ref", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["partitions_ref"] = module
    spec.loader.exec_module(module)
    return module


def sample_line(name: str, repeats: int, ref) -> str:
    """One row: the sample's modelled keys, both baselines, the report (and the reference) in ms."""
    model = load_model_or_sample(name)
    evaluation = evaluate(model)
    keys = modelled_keys(model, evaluation)
    key_partition = np.arange(keys, dtype=np.int64) % BASELINE_PARTITIONS
    bare_s = best_of(lambda: bare_pass(key_partition), repeats)
    floor_s = best_of(lambda: floor_pass(keys), repeats)
    report_s = best_of(lambda: analyze_partitions(model, evaluation), repeats)
    line = (f"{name:32} {keys:>10,} {bare_s * 1e3:>8.2f} {floor_s * 1e3:>9.2f} {report_s * 1e3:>10.2f} "
            f"{report_s / bare_s:>7.1f} {report_s / floor_s:>8.2f}")
    if ref:
        ref_s = best_of(lambda: ref.analyze_partitions(model, evaluation), repeats)
        line += f" {ref_s * 1e3:>8.2f} {ref_s / report_s:>8.1f}x"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ref", help="git revision whose engine/partitions.py to time as 'before'")
    args = parser.parse_args()
    ref = reference_module(args.ref) if args.ref else None

    header = f"{'sample':32} {'keys':>10} {'bare ms':>8} {'floor ms':>9} {'report ms':>10} {'x bare':>7} {'x floor':>8}"
    print(header + (f" {'ref ms':>8} {'speed-up':>9}" if ref else ""))
    for name in sample_names():
        print(sample_line(name, args.repeats, ref))
    print("goal: global_game_state under 50 ms (the Partitions page's first render after an edit)")


if __name__ == "__main__":
    main()
