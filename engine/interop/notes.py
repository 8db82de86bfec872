"""Import notes and the lenient reading every importer shares (numbers written as text, names DynamoDB refuses).

An importer never drops a part of its input silently: whatever it skips, renames, converts or guesses is
an ImportNote naming what, where (a path into the input, e.g. `DataModel[0].TableFacets[2]`) and why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.errors import WorkbenchError

NoteKind = Literal["skipped", "guessed", "changed", "info"]

# Table and index names: 3-255 of letters, digits, '_', '-', '.' (DG/HowItWorks.NamingRulesDataTypes.html).
_NAME_BAD = re.compile(r"[^A-Za-z0-9_.-]+")
_NUMBER_TEXT = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


class ImportError_(WorkbenchError):  # noqa: N801 - `ImportError` is a builtin
    """An input file cannot be read as the format it was given as."""


InteropError = ImportError_


@dataclass(frozen=True, kw_only=True)
class ImportNote:
    """One part of the input the import skipped, changed or guessed, and why."""

    kind: NoteKind
    where: str
    what: str
    why: str

    def text(self) -> str:
        return f"{self.kind}: {self.where}: {self.what} ({self.why})"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "where": self.where, "what": self.what, "why": self.why}


@dataclass(kw_only=True)
class Notes:
    """Collects notes while an importer walks its input."""

    items: list[ImportNote] = field(default_factory=list)

    def add(self, kind: NoteKind, where: str, what: str, why: str) -> None:
        note = ImportNote(kind=kind, where=where, what=what, why=why)
        if note not in self.items:
            self.items.append(note)


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    """An imported design, its import notes, and the sample items found in the input (per table, DynamoDB JSON)."""

    model: Any  # engine.model.DataModel
    notes: tuple[ImportNote, ...]
    format: str
    items: dict[str, list[dict]] = field(default_factory=dict)


def number(value: Any, where: str, notes: Notes, *, integer: bool = False) -> float | int | None:
    """A number from a number or a numeric string (noted); None (noted) for anything else."""
    if isinstance(value, bool) or value is None:
        if value is not None:
            notes.add("skipped", where, f"value {value!r}", "expected a number")
        return None
    if isinstance(value, (int, float)):
        return int(value) if integer or float(value).is_integer() and isinstance(value, int) else value
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        notes.add("changed", where, f"number written as text {value!r} read as a number",
                  "files edited by hand often quote numbers")
        parsed = float(value)
        return int(parsed) if integer or parsed.is_integer() else parsed
    notes.add("skipped", where, f"value {value!r}", "expected a number")
    return None


def text(value: Any) -> str | None:
    """A string value, or None."""
    return value if isinstance(value, str) else None


def safe_name(raw: Any, where: str, notes: Notes, fallback: str, what: str = "table name") -> str:
    """A valid table/index name (3-255 of letters, digits, _ - .) from any text, noted when changed."""
    original = raw if isinstance(raw, str) else ""
    ascii_text = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    name = _NAME_BAD.sub("_", ascii_text.strip()).strip("_")[:255]
    if len(name) < 3:
        name = (name + "_" + fallback if name else fallback)[:255]
    if name != original:
        notes.add("changed", where, f"{what} {original!r} became '{name}'",
                  "DynamoDB names are 3-255 letters, digits, '_', '-' or '.'")
    return name


def unique_name(name: str, taken: set[str], where: str, notes: Notes, what: str = "table name") -> str:
    """unique(), noted when the name was taken already."""
    out = unique(name, taken)
    if out != name:
        notes.add("changed", where, f"second {what} '{name}' became '{out}'", f"{what}s are unique")
    return out


def unique(name: str, taken: set[str], sep: str = "_") -> str:
    """`name`, or `name_2`, `name_3`... (`sep` between) when taken; the result is added to `taken`."""
    out, i = name, 2
    while out in taken:
        out = f"{name}{sep}{i}"
        i += 1
    taken.add(out)
    return out


def listed(value: Any, where: str, notes: Notes, key: str = "") -> list:
    """A list from the input, or [] (noted when something else stands there)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    notes.add("skipped", f"{where}.{key}" if key else where, f"a {type(value).__name__} instead of a list",
              "expected a list here")
    return []


def mapping(value: Any) -> dict:
    """A mapping from the input, or {} (the caller notes what it misses)."""
    return value if isinstance(value, dict) else {}
