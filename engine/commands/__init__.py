"""Subcommands of the `ddb-workbench` CLI and the conventions they share (MODEL argument, JSON out)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    """The MODEL argument: a design file path or a sample design's name."""
    parser.add_argument("model", metavar="MODEL",
                        help="design file (.yaml/.json), sample design name, or '-' to read the design from stdin")


def int_between(low: int, high: int | None = None):
    """An argparse type: an integer from `low` to `high` (inclusive); anything else is a usage error (exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            span = f"from {low:,} to {high:,}" if high is not None else f"{low:,} or more"
            raise argparse.ArgumentTypeError(f"{value} is out of range; give a whole number {span}")
        return value

    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number above zero (NaN, infinity, 0 and negatives are usage errors)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a finite number above zero")
    return value


def write_output(path: str, text: str, flag: str) -> None:
    """Write a command's output file; a path that cannot be written is a usage error naming the flag."""
    from engine.errors import WorkbenchError

    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise WorkbenchError(f"{flag} {path}: cannot write ({exc.strerror}); choose a writable path") from None


# A seed is whatever numpy.random.default_rng accepts: a non-negative integer.
seed_int = int_between(0)


def add_seed_argument(parser: argparse.ArgumentParser, help_text: str = "sample data seed (default 0)") -> None:
    parser.add_argument("--seed", type=seed_int, default=0, metavar="N", help=help_text)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON to stdout")


def load_model_arg(spec: str):
    """Load MODEL: '-' reads the design from stdin, else an existing path, else a sample design's name
    (raises WorkbenchError)."""
    from engine.io import load_model_or_sample

    if spec == STDIN_MODEL:
        return load_model_from_stdin()
    return load_model_or_sample(spec)


STDIN_MODEL = "-"


def read_stdin_design() -> tuple[str, str]:
    """(text, format) of a design piped to stdin: JSON when it starts with '{', else YAML; the byte cap read
    first."""
    from engine.errors import DesignFileError
    from engine.io import MAX_FILE_BYTES

    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DesignFileError(f"<stdin>: over the {MAX_FILE_BYTES:,}-byte limit for a design; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignFileError(f"<stdin>: byte {exc.start + 1} is not UTF-8; send the design as UTF-8") from None
    if not text.strip():
        raise DesignFileError("<stdin>: nothing was piped in; send a design (YAML or JSON) or name a file")
    return text, "json" if text.lstrip().startswith("{") else "yaml"


def load_model_from_stdin():
    """A design piped to stdin (see read_stdin_design)."""
    from engine.io import loads_model

    text, fmt = read_stdin_design()
    return loads_model(text, fmt, source="<stdin>")


def print_json(payload: Any) -> None:
    """Print JSON to stdout: finite floats only, stable key order, all or nothing.

    The text is built before anything is written, so a value JSON cannot carry (NaN or infinity,
    e.g. from an absurd price or rate) leaves stdout empty and is reported as a content problem.
    """
    from engine.errors import WorkbenchError

    try:
        text = json.dumps(payload, indent=2, allow_nan=False, default=_default)
    except ValueError as exc:
        raise WorkbenchError(f"a result is not a finite number ({exc}); an input (a rate, size, price or "
                             "hours per month) is too large or not a number: check the flags and the design") from None
    sys.stdout.write(text + "\n")


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
