"""Measure `analyze-export` on a large generated export against a bare DuckDB scan of the same files (one run).

Steps: write an export of N items (benchmarks/make_export.py, default 10 million; fewer when the disk is short, and
then it says so), scan it bare with DuckDB (count the items and sum their line lengths: the least any reader of the
files does), analyse it with `ddb-workbench analyze-export --json` in a child process (peak RSS of that process from
the kernel), print the rates and their ratio (goal: analysis >= 20% of the bare scan's rate, in < 2 GiB), then the
Spark engine's local rate on a smaller export (`--spark-items`, Spark being far slower) and whether both engines'
JSON are identical on it. The bare scan runs before and after the analysis; the faster of the two is the baseline
(the least disturbed by other load on the machine). Not a test.

Run: python benchmarks/bench_export.py [--items N] [--design NAME] [--spark-items M] [--dir FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_export import make_export  # noqa: E402
from engine.io import load_model_or_sample  # noqa: E402

DEFAULT_ITEMS = 10_000_000
MEMORY_GOAL_BYTES = 2 * 1024**3
RATE_GOAL = 0.2
SPILL_FACTOR = 2.0  # DuckDB's database file and spill folder next to the export, generously


BARE_SCAN = """
import duckdb, json, sys, time
files = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute("SET threads = {threads}; SET memory_limit = '{memory}'; SET preserve_insertion_order = false; SET enable_progress_bar = false")
start = time.perf_counter()
n, length = con.execute("SELECT count(*), sum(strlen(CAST(j AS VARCHAR))) FROM read_json($files, "
                        "format = 'newline_delimited', records = false, columns = {{'j': 'JSON'}}, "
                        "compression = 'gzip')", {{"files": files}}).fetchone()
print(json.dumps({{"items": n, "bytes": int(length), "seconds": time.perf_counter() - start}}))
"""


def peak_rss_of(argv: list[str]) -> tuple[str, float, int]:
    """Like child(), with the peak RSS of that one process (os.wait4 gives its own rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, cwd=ROOT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{argv[:4]} failed with exit {proc.returncode}")
    return out, seconds, usage.ru_maxrss * 1024


def bare_scan(files: list[str], threads: int, memory: str) -> dict:
    code = BARE_SCAN.format(threads=threads, memory=memory)
    out, wall, rss = peak_rss_of([sys.executable, "-c", code, json.dumps(files)])
    result = json.loads(out)
    result["wall"] = wall
    result["rss"] = rss
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS)
    parser.add_argument("--design", default="github_single_table")
    parser.add_argument("--spark-items", type=int, default=200_000, help="items of the export Spark analyses (0: none)")
    parser.add_argument("--dir", default=None, help="work folder (default: a temporary folder, removed after)")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--keep", action="store_true", help="keep the generated exports")
    args = parser.parse_args()
    threads = os.cpu_count() or 1
    design = load_model_or_sample(args.design)
    work = Path(args.dir or tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    items = args.items
    probe = make_export(design, work / "probe", 20_000, files=2)
    per_item = probe.bytes_compressed / probe.items
    free = shutil.disk_usage(work).free
    fits = int(free / (per_item * (1 + SPILL_FACTOR)))
    if fits < items:
        print(f"disk is short: {free / 2**30:,.1f} GiB free fits about {fits:,} items of {per_item:,.0f} B "
              f"(gzip) with room to spill; measuring {fits:,} instead of {items:,}")
        items = fits
    shutil.rmtree(probe.path)
    print(f"writing an export of {items:,} items of {args.design} ({per_item:,.0f} B gzip per item) under {work}")
    start = time.perf_counter()
    written = make_export(design, work / "export", items, files=max(8, items // 250_000), quiet=True)
    print(f"  written in {time.perf_counter() - start:,.0f} s: {written.bytes_compressed / 2**30:,.2f} GiB gzip, "
          f"{written.bytes_uncompressed / 2**30:,.2f} GiB of JSON lines in {len(written.files)} files")
    files = [str(p) for p in written.files]

    first = bare_scan(files, threads, args.memory_limit)
    print(f"bare DuckDB scan: {first['items']:,} items in {first['wall']:.1f} s")
    cli = [sys.executable, "-m", "engine.cli", "analyze-export", str(written.path), "--json",
           "--memory-limit", args.memory_limit]
    out, wall, rss = peak_rss_of(cli)
    result = json.loads(out)
    assert result["items"] == items, (result["items"], items)
    second = bare_scan(files, threads, args.memory_limit)
    print(f"bare DuckDB scan again: {second['wall']:.1f} s")
    bare = min(first["wall"], second["wall"])
    bare_rate, rate = items / bare, items / wall
    print(f"\nitems {items:,} ({args.design}, {written.bytes_compressed / 2**30:,.2f} GiB gzip)")
    print(f"bare DuckDB scan (count + sum of line lengths): {bare_rate:,.0f} items/s ({bare:.1f} s, best of 2)")
    print(f"analyze-export (DuckDB, {threads} threads, memory_limit {args.memory_limit}): {rate:,.0f} items/s "
          f"({wall:.1f} s, whole command: manifests, MD5 of every file, scan, aggregation)")
    print(f"ratio: {rate / bare_rate:.1%} of the bare scan's rate (goal >= {RATE_GOAL:.0%}: "
          f"{'met' if rate / bare_rate >= RATE_GOAL else 'NOT met'})")
    print(f"peak RSS of the analysis process: {rss / 2**20:,.0f} MiB (goal < {MEMORY_GOAL_BYTES / 2**30:.0f} GiB: "
          f"{'met' if rss < MEMORY_GOAL_BYTES else 'NOT met'}); bare scan {max(first['rss'], second['rss']) / 2**20:,.0f} MiB")

    if args.spark_items:
        n = min(args.spark_items, items)
        small = make_export(design, work / "spark", n, files=8)
        spark_out, spark_wall, spark_rss = peak_rss_of(cli[:4] + [str(small.path), "--json", "--engine", "spark"])
        duck_out, duck_wall, _ = peak_rss_of(cli[:4] + [str(small.path), "--json"])
        print(f"Spark local[*] on {n:,} items: {n / spark_wall:,.0f} items/s ({spark_wall:.1f} s including the JVM "
              f"start; DuckDB {n / duck_wall:,.0f} items/s on the same export); peak RSS of the driver's Python "
              f"process {spark_rss / 2**20:,.0f} MiB (the JVM is a child)")
        print(f"Spark and DuckDB JSON identical: {'yes' if json.loads(spark_out) == json.loads(duck_out) else 'NO'}")
    if not args.keep and not args.dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
