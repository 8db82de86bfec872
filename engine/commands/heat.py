"""`ddb-workbench heat MODEL`: partitions, hot keys and simulated throttling over a traffic horizon."""

from __future__ import annotations

import argparse

HELP = "partitions, hot keys and a second-by-second throttling simulation (burst, adaptive, splits, GSIs)"
PROFILE_KINDS = ("steady", "diurnal", "spike", "ramp")
MAX_HORIZON_SECONDS = 24 * 3600  # a day at one-second resolution keeps per-pattern series small


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_json_flag, add_model_argument, int_between, seed_int

    add_model_argument(parser)
    parser.add_argument("--horizon", type=int_between(1, MAX_HORIZON_SECONDS), default=3600, metavar="SECONDS",
                        help=f"simulated time in seconds, 1 to {MAX_HORIZON_SECONDS} (default 3600)")
    parser.add_argument("--seed", type=seed_int, default=0, metavar="N",
                        help="random seed of the simulated arrivals (same seed, same result; default 0)")
    parser.add_argument("--profile", choices=PROFILE_KINDS, default="steady",
                        help="traffic profile of every pattern: steady (average rate), spike or ramp to its "
                             "peak rate at 600 s, diurnal (default steady)")
    parser.add_argument("--no-noise", action="store_true", help="exact rates instead of Poisson arrivals")
    add_json_flag(parser)


def _options(args: argparse.Namespace):
    from engine.errors import WorkbenchError
    from engine.heat import HeatOptions, TrafficProfile

    if not 1 <= args.horizon <= MAX_HORIZON_SECONDS:
        raise WorkbenchError(f"--horizon {args.horizon}: give a number of seconds from 1 to "
                             f"{MAX_HORIZON_SECONDS} (e.g. 3600 for one hour)")
    return HeatOptions(horizon_seconds=args.horizon, default_profile=TrafficProfile(kind=args.profile),
                       request_noise=not args.no_noise)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from engine.commands import load_model_arg, print_json
    from engine.heat import simulate_heat

    options = _options(args)
    model = load_model_arg(args.model)
    result = simulate_heat(model, options, rng=np.random.default_rng(args.seed))
    if args.json:
        print_json(result.to_json())
    else:
        _print_text(result)
    return 0


def _print_text(result) -> None:
    data = result.to_json()
    print(f"Simulated {result.horizon_seconds:,} s")
    print("\nPartitions")
    for p in data["partitions"]:
        print(f"  {p['target']}: {p['count']} ({p['driver']}), {p['count_at_end']} at the end; "
              f"hottest partition {p['hottest_partition_share']:.1%} of the load, headroom {p['headroom']:.0%}")
    print("\nAccess patterns")
    width = max([len(p["name"]) for p in data["patterns"]] + [7])
    for p in data["patterns"]:
        reasons = ", ".join(f"{k} {v:,.0f}" for k, v in p["throttle_reasons"].items()) or "-"
        print(f"  {p['name']:<{width}}  throttled {p['throttled_fraction']:7.2%}  {reasons}")
    print("\nHot keys (ConsumedThroughputUnits = 3 x WCU + RCU per second, admitted / demanded)")
    for k in data["hot_keys"]:
        print(f"  {k['target']}  {k['key']}  {units_per_second_text(k['consumed_units_per_second'])} / "
              f"{units_per_second_text(k['demanded_units_per_second'])}")
    if data["findings"]:
        print("\nFindings")
        for f in data["findings"]:
            print(f"  [{f['severity']}] {f['message']}\n      fix: {f['fix']}")
    if data["assumptions"]:
        print("\nAssumptions (what the simulation takes for granted; JSON: assumptions)")
        for line in data["assumptions"]:
            print(f"  - {line}")


def units_per_second_text(value: float) -> str:
    """A key's units per second: 3,000.0 for a hot key, 0.00045 (three significant digits) for one of millions of
    keys in a uniform space, 0 for none (a fixed one decimal printed those as 0.0)."""
    if value == 0:
        return "0"
    if abs(value) >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"
