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


class Frozen(BaseModel):
    """Frozen, strict design object; every field has a docstring that becomes its JSON Schema text."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_default=False,
    )
