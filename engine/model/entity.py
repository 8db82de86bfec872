"""Entities of a (single-table) design: attributes, key templates, cardinalities, key popularity."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, model_validator

from engine.model.base import (
    MAX_COUNT,
    Float,
    Frozen,
    ItemCount,
    Name,
    Share,
    Str,
    ValueBytes,
    ZipfExponent,
)

AttributeType = Literal["S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"]

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def template_variables(template: str) -> tuple[str, ...]:
    """Variable names in a key template, in order: `USER#{user_id}#{day}` -> (user_id, day)."""
    return tuple(_VARIABLE.findall(template))


class AttributeSpec(Frozen):
    """One attribute of an entity: its type and its average value size or an example value."""

    name: Name
    """Attribute name (its UTF-8 bytes count toward the item size)."""
    type: AttributeType = "S"
    """DynamoDB type: S, N, B, BOOL, NULL, L, M, SS, NS, BS."""
    size_bytes: ValueBytes | None = None
    """Average size of the value alone in bytes, as DynamoDB counts it (the name is added from `name`)."""
    min_size_bytes: ValueBytes | None = None
    """Smallest value size when sizes vary (with `max_size_bytes`; uniform in between)."""
    max_size_bytes: ValueBytes | None = None
    """Largest value size when sizes vary (with `min_size_bytes`; uniform in between)."""
    example: Any = None
    """An example value as plain JSON (string, number, bool, list, object); sized by DynamoDB's rules."""
    presence: Share = 1.0
    """Share of the entity's items that carry this attribute (below 1 makes an index on it sparse)."""

    @model_validator(mode="after")
    def _one_size(self) -> AttributeSpec:
        if self.size_bytes is None and self.example is None:
            raise ValueError(f"attribute '{self.name}' needs `size_bytes` (average value size) or `example`")
        if (self.min_size_bytes is None) != (self.max_size_bytes is None):
            raise ValueError(f"attribute '{self.name}': give both `min_size_bytes` and `max_size_bytes` or neither")
        if self.min_size_bytes is not None and self.max_size_bytes is not None:
            if not self.min_size_bytes <= (self.size_bytes or self.min_size_bytes) <= self.max_size_bytes:
                raise ValueError(
                    f"attribute '{self.name}': need min_size_bytes <= size_bytes <= max_size_bytes, got "
                    f"{self.min_size_bytes} / {self.size_bytes} / {self.max_size_bytes}")
        return self


class KeyTemplate(Frozen):
    """The value of a key attribute (table or index key) as a template over variables."""

    attribute: Name
    """Key attribute the template fills (e.g. `PK`, `GSI1SK`)."""
    template: Str
    """Value template: literal text with `{variable}` placeholders, e.g. `USER#{user_id}`."""


class Variable(Frozen):
    """A template variable and how many distinct values it takes."""

    name: Name
    """Variable name used in templates as `{name}`."""
    cardinality: Annotated[int, Field(ge=1, le=MAX_COUNT, strict=True)]
    """Number of distinct values."""
    kind: Literal["id", "timestamp", "enum", "number"] = "id"
    """What the values look like: ids, ISO timestamps (monotonically growing), enum words or numbers."""
    values: tuple[Str, ...] = ()
    """Explicit values (for enums); when given, their count is the cardinality."""


class Uniform(Frozen):
    """Every key equally popular."""

    kind: Literal["uniform"] = "uniform"
    """Distribution discriminator."""


class Zipf(Frozen):
    """Key popularity falls as rank^-exponent (a few keys take most traffic)."""

    kind: Literal["zipf"] = "zipf"
    """Distribution discriminator."""
    exponent: ZipfExponent = 1.0
    """Zipf exponent s: 0 < s; larger is more skewed (1.0 is classic Zipf)."""


class HotKey(Frozen):
    """One key taking a fixed share of the traffic."""

    key: Str
    """The partition key value (e.g. `STATUS#PENDING`)."""
    share: Share
    """Share of the requests (0-1) this key receives."""


class HotKeys(Frozen):
    """Explicit hot keys with their shares; the remaining share is spread uniformly over the rest."""

    kind: Literal["hot_keys"] = "hot_keys"
    """Distribution discriminator."""
    keys: tuple[HotKey, ...]
    """Hot keys and their shares (sum at most 1)."""

    @model_validator(mode="after")
    def _shares(self) -> HotKeys:
        total = sum(k.share for k in self.keys)
        if total > 1 + 1e-9:
            raise ValueError(f"hot key shares add up to {total:g}; they must add up to at most 1")
        return self


class SampleKeys(Frozen):
    """Popularity follows the keys of the generated sample items (as often as each appears)."""

    kind: Literal["sample_items"] = "sample_items"
    """Distribution discriminator."""


KeyDistribution = Annotated[Uniform | Zipf | HotKeys | SampleKeys, Field(discriminator="kind")]


class Entity(Frozen):
    """An item type stored in a table (single-table designs hold several)."""

    name: Name
    """Entity name, unique in the design (e.g. `User`, `Order`)."""
    table: Name
    """Name of the table storing it."""
    item_count: ItemCount
    """Items stored today."""
    growth_items_per_month: Annotated[float, Strict(), Field(ge=0, le=MAX_COUNT)] = 0
    """Items added per month (for storage projections)."""
    attributes: tuple[AttributeSpec, ...] = ()
    """Non-key attributes (and key attributes whose values are not templates, e.g. a `status` a GSI uses)."""
    keys: tuple[KeyTemplate, ...] = ()
    """Templates for the table key and each index key attribute the entity fills."""
    variables: tuple[Variable, ...] = ()
    """Every template variable with its cardinality."""
    key_distribution: KeyDistribution = Uniform()
    """How popular the entity's partition keys are (an access pattern may override it)."""

    def key_template(self, attribute: str) -> KeyTemplate | None:
        """The template filling `attribute`, if the entity has one."""
        for k in self.keys:
            if k.attribute == attribute:
                return k
        return None

    def attribute(self, name: str) -> AttributeSpec | None:
        """The attribute spec named `name`, if any."""
        for a in self.attributes:
            if a.name == name:
                return a
        return None

    def variable(self, name: str) -> Variable | None:
        """The variable named `name`, if any."""
        for v in self.variables:
            if v.name == name:
                return v
        return None

    def has_attribute(self, name: str) -> bool:
        """Whether items of the entity carry `name` (as a key template or an attribute)."""
        return self.key_template(name) is not None or self.attribute(name) is not None

    def cardinality(self, template: str) -> int:
        """Distinct values a template takes: the product of its variables' cardinalities."""
        count = 1
        for var in template_variables(template):
            v = self.variable(var)
            count *= len(v.values) if v is not None and v.values else (v.cardinality if v else 1)
        return min(count, MAX_COUNT)  # a product of large cardinalities stays within int64 (see MAX_COUNT)


__all__ = [
    "AttributeSpec", "AttributeType", "Entity", "Float", "HotKey", "HotKeys", "KeyDistribution",
    "KeyTemplate", "SampleKeys", "Uniform", "Variable", "Zipf", "template_variables",
]
