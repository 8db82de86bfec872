"""`ddb-workbench schema`: print the JSON Schema of design files (for editors and CI)."""

from __future__ import annotations

import argparse
import sys

HELP = "print the JSON Schema of design files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="accepted for symmetry; the output is always JSON")


def run(args: argparse.Namespace) -> int:
    from engine.io import json_schema_text

    sys.stdout.write(json_schema_text())
    return 0
