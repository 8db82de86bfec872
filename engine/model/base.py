"""The base of every design object: frozen, unknown keys rejected, self-documenting fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

# Strict scalars: "5" is not a number and 1 is not a string (ints are accepted where floats are).
Str = Annotated[str, Strict()]
Name = Annotated[str, Strict(), Field(min_length=1, max_length=255)]
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]
Bool = Annotated[bool, Strict()]
NonNegInt = Annotated[int, Strict(), Field(ge=0)]
NonNegFloat = Annotated[float, Strict(), Field(ge=0)]
PosFloat = Annotated[float, Strict(), Field(gt=0)]
Share = Annotated[float, Strict(), Field(ge=0, le=1)]

# Upper bounds that keep a design within what DynamoDB and the engines can represent.
MAX_VALUE_BYTES = 400 * 1024
"""An attribute value cannot be larger than a whole item: 400 KB (DOMAIN.md §1, DG/ServiceQuotas)."""
MAX_COUNT = 10**15
"""Items and distinct key values: a quadrillion, beyond any real table, within float64's exact integers."""
MAX_REQUESTS_PER_SECOND = 1e9
"""A request rate far beyond DynamoDB's default 40,000-unit table quota, still finite in every sum."""
MAX_CAPACITY_UNITS = 1e9
"""Capacity or request units per second in billing settings: the same bound as request rates."""
Units = Annotated[float, Strict(), Field(gt=0, le=MAX_CAPACITY_UNITS)]
NonNegUnits = Annotated[float, Strict(), Field(ge=0, le=MAX_CAPACITY_UNITS)]
ReservedUnits = Annotated[int, Strict(), Field(ge=0, le=int(MAX_CAPACITY_UNITS))]
ValueBytes = Annotated[float, Strict(), Field(ge=0, le=MAX_VALUE_BYTES)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]
RequestRate = Annotated[float, Strict(), Field(ge=0, le=MAX_REQUESTS_PER_SECOND)]


class Frozen(BaseModel):
    """Frozen, strict design object; every field has a docstring that becomes its JSON Schema text."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_default=False,
    )
