"""The `ddb-workbench` command line: a registry of subcommands, each in engine/commands/<name>.py.

Conventions every subcommand follows:
- a MODEL argument is a design file path or a sample design's name (`ddb-workbench samples`);
- `--json` prints machine output to stdout and nothing else there; messages go to stderr;
- exit 0 on success, 1 for any problem with the input's content, 2 only for usage errors;
- never a traceback (set DDB_WORKBENCH_DEBUG=1 to see one for an internal error);
- start-up stays light: command modules import the engine inside `run`, never streamlit/plotly.

A command module defines HELP (one line), `add_arguments(parser)` and `run(args) -> int`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Subcommand name -> module under engine.commands. Later capabilities add a line here.
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "schema": "schema",
    "samples": "samples",
    "size": "size",
    "cost": "cost",
    "heat": "heat",
    "consistency": "consistency",
    "patterns": "patterns",
    "sandbox": "sandbox",
    "serve": "serve",
    "report": "report",
    "check": "check",
    "import": "import_design",
    "export": "export_design",
    "infer": "infer",
    "analyze-export": "analyze_export",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ddb-workbench",
        description="DynamoDB Design Workbench: check a design's sizes, capacity, cost, hot keys "
        "and consistency from the command line.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"engine.commands.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"engine.commands.{module_name}":
                raise
            continue  # a capability not built yet
        sp = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sp)
        sp.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from engine.errors import WorkbenchError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for users; DDB_WORKBENCH_DEBUG shows one
        if os.environ.get("DDB_WORKBENCH_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (set DDB_WORKBENCH_DEBUG=1 for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
