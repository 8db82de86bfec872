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
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''} in the design:\n{lines}")


class InputFileError(WorkbenchError):
    """An input file (item, request, items to import) cannot be read: path, size or encoding."""


class ItemError(WorkbenchError):
    """An item (DynamoDB JSON or plain values) breaks DynamoDB's item rules."""


class PricingError(WorkbenchError):
    """A price catalog is unknown or malformed."""
