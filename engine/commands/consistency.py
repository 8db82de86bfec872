"""`ddb-workbench consistency MODEL`: stale-read risk per read pattern, global-table conflicts, MRSC checks."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.commands import (
    add_json_flag,
    add_model_argument,
    int_between,
    load_model_arg,
    print_json,
    seed_int,
)

HELP = "stale-read risk per read pattern, what strong reads cost, global-table conflicts and MRSC checks"
DEFAULT_MONTE_CARLO_WRITES = 200_000
# Each simulated write holds a few float64 arrays; 10 million keeps a check well under 1 GiB.
MAX_MONTE_CARLO_WRITES = 10_000_000
NEGLIGIBLE_SHARE = 1e-9  # shown as "~0" in the table (the JSON keeps the exact value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model_argument(parser)
    add_json_flag(parser)
    parser.add_argument("--seed", type=seed_int, default=None,
                        help="run the Monte Carlo checks with this seed (same seed, same figures)")
    parser.add_argument("--monte-carlo", action="store_true", help="run the Monte Carlo checks (seed 0 unless --seed)")
    parser.add_argument("--writes", type=int_between(1, MAX_MONTE_CARLO_WRITES), default=DEFAULT_MONTE_CARLO_WRITES,
                        metavar="N", help=f"simulated writes per Monte Carlo check (default "
                                          f"{DEFAULT_MONTE_CARLO_WRITES:,}, at most {MAX_MONTE_CARLO_WRITES:,})")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="overrides",
                        help="override a consistency assumption (JSON value), e.g. gsi_throttled_lag_multiplier=5")
    parser.add_argument("--gsi-throttled", action="append", default=[], metavar="TABLE#INDEX=SHARE",
                        help="share of time a GSI is throttled (0-1), e.g. Orders#ByStatus=0.2")
    parser.add_argument("--from-heat", action="store_true",
                        help="take each GSI's throttled share from a one-hour heat simulation (seed --seed or 0); "
                             "--gsi-throttled values win over it")


def _parse_pairs(items: list[str], flag: str, convert) -> dict[str, Any]:
    from engine.errors import WorkbenchError

    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise WorkbenchError(f"{flag} '{item}' is not NAME=VALUE; write e.g. {flag} name=1.5")
        try:
            out[name.strip()] = convert(value)
        except ValueError as exc:
            raise WorkbenchError(f"{flag} '{item}': value '{value}' is not valid ({exc}); give a number or JSON value") from None
    return out


def _share(text: str) -> float:
    """A share of time from 0 to 1 (NaN and values outside are rejected)."""
    value = float(text)
    if not 0.0 <= value <= 1.0:  # also False for NaN
        raise ValueError("a share of time is a number from 0 to 1")
    return value


def _check_gsi_names(model, shares: dict[str, float]) -> None:
    """Every --gsi-throttled name is TABLE#INDEX of one of the design's GSIs."""
    from engine.capacity import target_name
    from engine.errors import WorkbenchError

    known = [target_name(t.name, g.name) for t in model.tables for g in t.gsis]
    for name in shares:
        if name not in known:
            raise WorkbenchError(f"--gsi-throttled {name}: not a GSI of the design (known: "
                                 f"{', '.join(known) or 'none; the design has no GSI'}); write TABLE#INDEX=SHARE")


def _heat_shares(model, seed: int) -> dict[str, float]:
    """Each GSI's share of simulated time with throttled writes (engine.heat, default options)."""
    import numpy as np

    from engine.consistency import gsi_throttled_shares_from_heat
    from engine.heat import simulate_heat

    return gsi_throttled_shares_from_heat(simulate_heat(model, rng=np.random.default_rng(seed)))


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _assumptions(overrides: dict[str, Any]):
    from pydantic import ValidationError

    from engine.consistency import ConsistencyAssumptions
    from engine.errors import WorkbenchError

    unknown = sorted(set(overrides) - set(ConsistencyAssumptions.model_fields))
    if unknown:
        known = ", ".join(ConsistencyAssumptions.model_fields)
        raise WorkbenchError(f"--set {unknown[0]}: not a consistency assumption (known: {known})")
    try:
        return ConsistencyAssumptions(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'assumptions'}: {e['msg']}" for e in exc.errors())
        raise WorkbenchError(f"--set: {problems}") from None


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from engine.consistency import analyze_consistency

    model = load_model_arg(args.model)
    assumptions = _assumptions(_parse_pairs(args.overrides, "--set", _json_value))
    throttled = _parse_pairs(args.gsi_throttled, "--gsi-throttled", _share)
    _check_gsi_names(model, throttled)
    if args.from_heat:
        throttled = {**_heat_shares(model, args.seed or 0), **throttled}
    simulate = args.seed is not None or args.monte_carlo
    seed = args.seed or 0
    report = analyze_consistency(model, assumptions, rng=np.random.default_rng(seed) if simulate else None,
                                 gsi_throttled_shares=throttled or None,
                                 monte_carlo_writes=args.writes if simulate else 0)
    payload = report.to_json()
    if simulate:
        payload["monte_carlo"]["seed"] = seed
    if args.json:
        print_json(payload)
    else:
        _print_table(report, payload.get("monte_carlo"), _catalog(model))
    return 0


def _catalog(model: Any) -> Any:
    """The price catalog the strong-read costs come from (the design's), or None when it does not load."""
    from engine.errors import PricingError
    from engine.pricing import load_catalog

    try:
        return load_catalog(model.price_catalog if model.price_catalog != "custom" else None)
    except PricingError:
        return None


def _pct(value: float | None) -> str:
    if value is None:
        return "-"
    if 0 < value < NEGLIGIBLE_SHARE:
        return "~0"
    return f"{value:.2%}" if value >= 0.0001 or value == 0 else f"{value:.1e}"


def _print_table(report, monte_carlo: dict[str, Any] | None, catalog: Any = None) -> None:
    out = sys.stdout
    head = ("pattern", "path", "read", "after ms", "stale@0", "@10ms", "@100ms", "@1s", "at delay", "if strong",
            "strong $/mo", "+ms")
    rows = [head]
    for p in report.patterns:
        at = p.stale_probability_at_ms
        usd = "n/a (GSI)" if not p.can_be_strong else (
            "-" if p.strong_read_extra_monthly_usd is None else f"{p.strong_read_extra_monthly_usd:,.2f}")
        added = "-" if p.strong_read_added_latency_ms is None else f"{p.strong_read_added_latency_ms:g}"
        rows.append((p.name, p.read_path, p.consistency, f"{p.read_after_write_ms:g}", _pct(at["0"]), _pct(at["10"]),
                     _pct(at["100"]), _pct(at["1000"]), _pct(p.expected_stale_at_read_after_write),
                     _pct(p.stale_at_read_after_write_if_strong), usd, added))
    if len(rows) > 1:
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
        for row in rows:
            out.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    else:
        out.write("no read access patterns\n")
    for p in report.patterns:
        if p.gsi_throttle_reason:
            out.write(f"! {p.name}: {p.gsi_throttle_reason}\n")
    for p in report.patterns:
        if p.expected_stale_at_read_after_write > 0 and p.recommendation:
            out.write(f"> {p.name}: {p.recommendation}\n")
    for g in report.global_tables:
        out.write(f"\nglobal table {g.table} ({g.mode}, regions {', '.join(g.regions)}"
                  f"{', witness ' + g.witness_region if g.witness_region else ''})\n")
        if g.mode == "MRSC":
            out.write(f"  writes rejected with ReplicatedWriteConflictException per day: "
                      f"{g.replicated_write_conflicts_per_day:,.1f}\n")
        else:
            out.write(f"  writes lost to last writer wins per day: {g.lost_updates_per_day:,.1f}\n")
        out.write(f"  overlapping write pairs per day (linear count): {g.conflicting_pairs_per_day:,.1f}\n")
        lat = ", ".join(f"{r} {ms:g} ms" for r, ms in g.write_latency_ms.items())
        out.write(f"  write latency: {lat}\n")
        for c in g.constraints:
            out.write(f"  [{'ok' if c.ok else 'FAIL'}] {c.message}\n")
    if monte_carlo:
        out.write(f"\nMonte Carlo (seed {monte_carlo['seed']}, {monte_carlo['writes_per_check']:,} writes per check)\n")
        for s in monte_carlo["stale"]:
            z = "-" if s["max_z"] is None else f"{s['max_z']:.2f}"
            out.write(f"  {s['name']}: simulated {', '.join(_pct(v) for v in s['simulated'])} vs analytic "
                      f"{', '.join(_pct(v) for v in s['analytic'])} (max |z| {z})\n")
        for c in monte_carlo["conflicts"]:
            out.write(f"  {c['table']}: {c['conflicts_per_day']:,.1f} lost/rejected writes/day simulated vs "
                      f"{c['analytic_per_day']:,.1f} "
                      f"analytic (SE {c['standard_error_per_day']:,.1f})\n")
    out.write(f"\ncost of strong reads: {report.cost_source}\n")
    if catalog is not None:
        out.write(f"prices ($/mo): {catalog.name} (catalog {catalog.id}, region {catalog.region}, since {catalog.date})\n")
    payload = report.to_json()
    out.write("\nassumptions (change one with --set NAME=VALUE):\n")
    for name, value in payload["assumptions"].items():
        out.write(f"  {name} = {json.dumps(value)}\n")
    for note in payload["notes"]:
        out.write(f"note: {note}\n")
