"""The base of every design object: frozen, unknown keys rejected, self-documenting fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from engine.model.limits import MAX_ITEM_BYTES

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
MAX_VALUE_BYTES = MAX_ITEM_BYTES
"""An attribute value cannot be larger than a whole item: 400 KB (DOMAIN.md §1, DG/ServiceQuotas)."""
MAX_COUNT = 10**15
"""Items and distinct key values: a quadrillion, beyond any real table, within float64's exact integers."""
MAX_REQUESTS_PER_SECOND = 1e9
"""A request rate far beyond DynamoDB's default 40,000-unit table quota, still finite in every sum."""
MAX_CAPACITY_UNITS = 1e9
"""Capacity or request units per second in billing settings: the same bound as request rates."""
MAX_ITEMS_PER_ENTITY = 10**13
"""Items of one entity: ten trillion (about a petabyte at 100 B each). The partition analysis and the heat
simulator hold arrays sized by partitions; this bound keeps one design's analysis within ~100 MB."""
MAX_HOURS_PER_MONTH = 744.0
"""A month has at most 31 x 24 = 744 hours (AWS prices use 730); at least 1 hour keeps every rate finite."""
MAX_ZIPF_EXPONENT = 20.0
"""Beyond ~20 a Zipf distribution puts all traffic on its first key; larger values change no figure."""
MAX_DELAY_MS = 3_600_000.0
"""An hour: DynamoDB documents replication and index lags of seconds; longer delays are mistakes."""
BOUND_REASONS = {
    "hours_per_month": "a month has 1 to 744 hours (31 days x 24 h); AWS prices use 730",
    "item_count": "the workbench models up to 10^13 items per entity (about a petabyte)",
    "exponent": "beyond 20 a Zipf distribution already puts all traffic on its first key",
    "requests_per_second": "far beyond DynamoDB's default 40,000-unit table quota",
    "peak_requests_per_second": "far beyond DynamoDB's default 40,000-unit table quota",
    "size_bytes": "a value cannot be larger than a whole item (400 KB)",
    "min_size_bytes": "a value cannot be larger than a whole item (400 KB)",
    "max_size_bytes": "a value cannot be larger than a whole item (400 KB)",
    "read_after_write_ms": "an hour at most; DynamoDB's lags are seconds",
    "items_per_request": "a request reads at most 10^15 items",
    "max_items_per_request": "a request reads at most 10^15 items",
    "cardinality": "distinct values stay within 10^15 (float64's exact integers)",
    "growth_items_per_month": "the workbench models up to 10^15 new items a month",
}
"""Why a number has the bound it has, added to the message that refuses it (engine.model.parse)."""
Units = Annotated[float, Strict(), Field(gt=0, le=MAX_CAPACITY_UNITS)]
NonNegUnits = Annotated[float, Strict(), Field(ge=0, le=MAX_CAPACITY_UNITS)]
ReservedUnits = Annotated[int, Strict(), Field(ge=0, le=int(MAX_CAPACITY_UNITS))]
ValueBytes = Annotated[float, Strict(), Field(ge=0, le=MAX_VALUE_BYTES)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT)]
RequestRate = Annotated[float, Strict(), Field(ge=0, le=MAX_REQUESTS_PER_SECOND)]
ItemCount = Annotated[int, Strict(), Field(ge=0, le=MAX_ITEMS_PER_ENTITY)]
HoursPerMonth = Annotated[float, Strict(), Field(ge=1, le=MAX_HOURS_PER_MONTH)]
ZipfExponent = Annotated[float, Strict(), Field(gt=0, le=MAX_ZIPF_EXPONENT)]
DelayMs = Annotated[float, Strict(), Field(ge=0, le=MAX_DELAY_MS)]
ItemsPerRequest = Annotated[float, Strict(), Field(gt=0, le=MAX_COUNT)]


class Frozen(BaseModel):
    """Frozen, strict design object; every field has a docstring that becomes its JSON Schema text."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_default=False,
    )
