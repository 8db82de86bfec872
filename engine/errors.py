"""The workbench's error hierarchy: every unreadable input raises a WorkbenchError subclass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class WorkbenchError(Exception):
    """Base of every error the workbench raises about user input.

    The message names the path, the offending value, the rule and the fix.
    """


class DesignFileError(WorkbenchError):
    """A design file cannot be read: size, encoding, syntax, format version."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One validation problem of a design: the path it is about, the message, and the value, rule and fix where
    the message has them as separable parts. `str(problem)` is the one-line text the CLI prints (path, then message).
    """

    path: str
    """The design path (`tables[0].gsis[1].name`); "" for the design as a whole. A missing field's path names the
    field to add (its parent exists)."""
    message: str
    """The text after the path: what is wrong and the fix, without the path."""
    value: str | None = None
    """The offending value as the message shows it (a substring of `message`), None when it quotes none."""
    rule: str = ""
    """The rule or bound broken, "" when the message has no separable rule."""
    fix: str = ""
    """What to do (the end of `message`), "" when the message has no separable fix."""
    line: int | None = None
    """The design file's line of `path`, when the design was read from text and the line is known."""
    joiner: str = ": "
    """What the text puts between the path and the message: ": ", or " " before a value or a verb."""

    @property
    def where(self) -> str:
        """The path as the text shows it: "(design)" for the design as a whole, with its line when known."""
        place = self.path or "(design)"
        return f"{place} (line {self.line})" if self.line else place

    def __str__(self) -> str:
        return f"{self.where}{self.joiner}{self.message}"

    def as_json(self) -> dict[str, Any]:
        """The record as plain data (`validate --json`, `check --format json`)."""
        return {"path": self.path, "line": self.line, "message": self.message, "value": self.value,
                "rule": self.rule, "fix": self.fix}


class DesignValidationError(WorkbenchError):
    """A design's content breaks the schema or a cross-reference / DynamoDB limit rule.

    `records` holds one Problem per problem (path, message, value, rule, fix); `problems` the same as text, each
    naming path, value, rule and fix (what the CLI prints).
    """

    def __init__(self, records: Sequence[Problem], source: str | None = None) -> None:
        self.records = tuple(records)
        self.problems = tuple(str(r) for r in self.records)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        shown = [shortened(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if count > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {count - MAX_PROBLEMS_SHOWN:,} more (fix these first; `validate --json` lists all)")
        lines = "\n".join(f"  - {p}" for p in shown)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''} in the design:\n{lines}")


MAX_PROBLEMS_SHOWN = 50  # an error message lists at most this many problems (the exception keeps them all)
MAX_PROBLEM_CHARS = 500  # and shortens each to this many characters (a 4 MB value must not flood a terminal)


def shortened(problem: str) -> str:
    """A problem message cut in the middle to MAX_PROBLEM_CHARS."""
    if len(problem) <= MAX_PROBLEM_CHARS:
        return problem
    half = MAX_PROBLEM_CHARS // 2 - 3
    return f"{problem[:half]} ... {problem[-half:]}"


class InputFileError(WorkbenchError):
    """An input file (item, request, items to import) cannot be read: path, size or encoding."""


class ItemError(WorkbenchError):
    """An item (DynamoDB JSON or plain values) breaks DynamoDB's item rules."""


class PricingError(WorkbenchError):
    """A price catalog is unknown or malformed."""
