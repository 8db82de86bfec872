"""The design as a whole: tables, entities, access patterns and screens, with its lesson.

Precedence (stated once, used everywhere): an access pattern's `key_distribution` overrides its
entity's; the design's `hours_per_month` overrides the price catalog's; a CLI flag overrides the design.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict, field_validator, model_validator

from engine.model.access_pattern import AccessPattern
from engine.model.base import Frozen, HoursPerMonth, Name, Str
from engine.model.entity import Entity
from engine.model.table import Table


class Lesson(Frozen):
    """What a design teaches, for design reviews and workshops."""

    look_at: Str
    """What to look at first in the workbench."""
    teaches: Str
    """What the design demonstrates."""
    try_this: Str = ""
    """Workshop exercise: what to change and what to watch."""


class Screen(Frozen):
    """One page view of the application and the access patterns it needs (requests per screen)."""

    name: Name
    """Screen name, e.g. `repository page`."""
    access_patterns: tuple[Name, ...]
    """Access patterns one view issues; a pattern listed twice runs twice."""
    repeat: tuple[tuple[Name, int], ...] = ()
    """Patterns issued once per listed item (N+1): (pattern name, times per view)."""
    description: Str = ""
    """What the user sees."""


class Suppression(Frozen):
    """A finding rule the design's authors accept on purpose (`ddb-workbench check` lists it as suppressed)."""

    id: Annotated[str, Strict(), Field(pattern=r"^DDB-[A-Z][0-9]{3}$")]
    """Rule id from docs/rules.md, e.g. `DDB-C102`."""
    reason: Annotated[str, Strict(), Field(min_length=1, max_length=1000)]
    """Why the finding is accepted (required: a reviewer reads it)."""

    @field_validator("id")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        from engine.findings.catalog import RULES

        if value not in RULES:
            raise ValueError(f"'{value}' is not a known rule id; see docs/rules.md (`ddb-workbench check` lists ids)")
        return value


class DataModel(Frozen):
    """A DynamoDB design: tables, entities and the access patterns the application needs.

    Precedence: an access pattern's `key_distribution` overrides its entity's; the design's
    `hours_per_month` overrides the price catalog's; a CLI flag overrides the design.
    """

    name: Name
    """Design name."""
    description: Str = ""
    """What the application is and what the design is for."""
    lesson: Lesson | None = None
    """What to look at and what the design teaches (sample designs have one)."""
    region: Name = "us-east-1"
    """Home region (prices are looked up here)."""
    price_catalog: Name = "aws-2024-11"
    """Price catalog id: aws-2024-11 (current), aws-2023 (before 2024-11-01) or custom."""
    hours_per_month: HoursPerMonth | None = None
    """Hours per month for hourly prices; overrides the catalog's (730 by default)."""
    tables: tuple[Table, ...]
    """Tables of the design (at least one)."""
    entities: tuple[Entity, ...] = ()
    """Item types stored in the tables."""
    access_patterns: tuple[AccessPattern, ...] = ()
    """Requests the application makes, with their rates."""
    screens: tuple[Screen, ...] = ()
    """Page views of the application, to count requests per screen."""
    ignore: tuple[Suppression, ...] = ()
    """Finding rules accepted on purpose, each with its reason (`ddb-workbench check` honours and lists them)."""

    @model_validator(mode="after")
    def _cross_references(self) -> DataModel:
        from engine.model.validate import CrossReferenceProblems, cross_reference_problems

        problems = cross_reference_problems(self)
        if problems:
            raise CrossReferenceProblems(problems)
        return self

    def table(self, name: str) -> Table:
        """The table named `name` (KeyError if absent)."""
        return _names(self)[0][name]

    def entity(self, name: str) -> Entity:
        """The entity named `name` (KeyError if absent)."""
        return _names(self)[1][name]

    def access_pattern(self, name: str) -> AccessPattern:
        """The access pattern named `name` (KeyError if absent)."""
        return _names(self)[2][name]

    def entities_of(self, table: str) -> tuple[Entity, ...]:
        """Entities stored in `table`."""
        return tuple(e for e in self.entities if e.table == table)


# Lookups by name, built once per design object (the engine asks for entities by name hundreds of thousands of
# times on a 1,000-entity design: a scan each time took 5 s of pattern validation). A design is immutable, so an
# entry stays right; it holds its design, so the id cannot be reused while the entry lives. Names are unique
# (validation refuses duplicates); the first of a name wins, as the scans did.
_NAME_CACHE: dict[int, tuple[DataModel, tuple[dict[str, Table], dict[str, Entity], dict[str, AccessPattern]]]] = {}
_NAME_CACHE_SIZE = 64


def _names(model: DataModel) -> tuple[dict[str, Table], dict[str, Entity], dict[str, AccessPattern]]:
    cached = _NAME_CACHE.get(id(model))
    if cached is not None and cached[0] is model:
        return cached[1]
    maps = tuple({x.name: x for x in reversed(items)}
                 for items in (model.tables, model.entities, model.access_patterns))
    if len(_NAME_CACHE) >= _NAME_CACHE_SIZE:
        del _NAME_CACHE[next(iter(_NAME_CACHE))]
    _NAME_CACHE[id(model)] = (model, maps)  # type: ignore[assignment]
    return maps  # type: ignore[return-value]
