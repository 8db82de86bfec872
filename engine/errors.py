"""The workbench's error hierarchy: every unreadable input raises a WorkbenchError subclass."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base of every error the workbench raises about user input.

    The message names the path, the offending value, the rule and the fix.
    """


class DesignFileError(WorkbenchError):
    """A design file cannot be read: size, encoding, syntax, format version."""


class DesignValidationError(WorkbenchError):
    """A design's content breaks the schema or a cross-reference / DynamoDB limit rule.

    `problems` holds one message per problem, each naming path, value, rule and fix.
    """

    def __init__(self, problems: list[str] | tuple[str, ...], source: str | None = None) -> None:
        self.problems = tuple(problems)
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
