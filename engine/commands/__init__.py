"""Subcommands of the `ddb-workbench` CLI and the conventions they share (MODEL argument, JSON out)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    """The MODEL argument: a design file path or a sample design's name."""
    parser.add_argument("model", metavar="MODEL", help="design file (.yaml/.json) or sample design name")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON to stdout")


def load_model_arg(spec: str):
    """Load MODEL: an existing path, else a sample design's name (raises WorkbenchError)."""
    from engine.io import load_model_or_sample

    return load_model_or_sample(spec)


def print_json(payload: Any) -> None:
    """Print JSON to stdout: finite floats only, stable key order."""
    json.dump(payload, sys.stdout, indent=2, allow_nan=False, default=_default)
    sys.stdout.write("\n")


def _default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
