"""`ddb-workbench validate FILE...`: check design files against the schema and DynamoDB's limits."""

from __future__ import annotations

import argparse
import sys

HELP = "check design files (YAML/JSON) and report every problem with its path and fix"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", metavar="FILE", nargs="+",
                        help="design file (.yaml/.json), sample name, or '-' for a design on stdin")
    parser.add_argument("--json", action="store_true",
                        help="print {file: {valid, problems, problem_records}} as JSON (problem_records: path, line, "
                             "message, value, rule, fix of each problem)")


def run(args: argparse.Namespace) -> int:
    from engine.commands import load_model_arg, print_json
    from engine.errors import DesignValidationError, WorkbenchError

    results: dict[str, dict] = {}
    for spec in args.files:
        try:
            model = load_model_arg(spec)
        except DesignValidationError as exc:
            results[spec] = {"valid": False, "problems": list(exc.problems),
                             "problem_records": [p.as_json() for p in exc.records]}
        except WorkbenchError as exc:
            results[spec] = {"valid": False, "problems": [str(exc)]}
        else:
            results[spec] = {"valid": True, "problems": [], "name": model.name}
    for spec, result in results.items():
        if result["valid"]:
            print(f"{spec}: valid ({result['name']})", file=sys.stderr)
        else:
            print(f"{spec}: invalid", file=sys.stderr)
            from engine.errors import MAX_PROBLEMS_SHOWN, shortened

            problems = result["problems"]
            for problem in problems[:MAX_PROBLEMS_SHOWN]:  # bounded output; --json carries every problem
                print(f"  - {shortened(problem)}", file=sys.stderr)
            if len(problems) > MAX_PROBLEMS_SHOWN:
                print(f"  - ... and {len(problems) - MAX_PROBLEMS_SHOWN:,} more (--json lists all)", file=sys.stderr)
    if args.json:
        print_json(results)
    return 0 if all(r["valid"] for r in results.values()) else 1
