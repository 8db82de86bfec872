"""`ddb-workbench patterns MODEL`: run every access pattern on the sandbox and compare measured capacity."""

from __future__ import annotations

import argparse
import sys

# The most sample items per entity a run may ask for: engine.patterns.MAX_SAMPLE_ITEMS (kept here so
# parsing the command line does not import the engine; tests/test_cli.py checks they agree).
MAX_ITEMS_PER_ENTITY = 5000

HELP = ("run every access pattern against the sandbox on seeded sample data: how it is served, entity "
        "types returned, requests per screen, measured vs estimated capacity")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from engine.commands import add_json_flag, add_model_argument, add_seed_argument, int_between

    add_model_argument(parser)
    add_seed_argument(parser)
    parser.add_argument("--max-items", type=int_between(1, MAX_ITEMS_PER_ENTITY), default=None, metavar="N",
                        help="sample items per entity (default: enough for the largest Query, at least 200; "
                             f"at most {MAX_ITEMS_PER_ENTITY})")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.errors import WorkbenchError
    from engine.patterns import validate_patterns

    if args.max_items is not None and args.max_items < 1:
        raise WorkbenchError(f"--max-items {args.max_items}: give at least 1 sample item per entity")
    report = validate_patterns(load_model_arg(args.model), seed=args.seed, max_items_per_entity=args.max_items)
    if args.json:
        print_json(report.to_dict())
    else:
        _print_table(report)
    failed = [p for p in report.patterns if p.error is not None]
    for p in failed:
        print(f"error: pattern '{p.name}' could not be run: {p.error}", file=sys.stderr)
    return 1 if failed else 0


def _units(arms: dict[str, float] | None) -> str:
    if arms is None:
        return "-"
    return f"{sum(arms.values()):g}"


def _print_table(report) -> None:
    print(f"{report.design} (seed {report.seed}, up to {report.max_items_per_entity} sample items per entity)")
    print(f"{'pattern':<42} {'served by':<12} {'read/ret':>9} {'entities':<22} {'measured':>9} {'estimate':>9}  "
          "agreement")
    for p in report.patterns:
        counts = "-" if p.items_read is None else f"{p.items_read:g}/{p.items_returned or 0:g}"
        print(f"{p.name[:42]:<42} {p.served_by:<12} {counts:>9} {','.join(p.entities_returned)[:22]:<22} "
              f"{_units(p.measured):>9} {_units(p.estimate):>9}  {p.agreement}")
    for s in report.screens:
        est = "-" if s.read_units_per_view_estimate is None else f"{s.read_units_per_view_estimate:g}"
        print(f"screen '{s.name}': {s.summary}; read units per view {s.read_units_per_view_measured:g} "
              f"measured, {est} estimated")
