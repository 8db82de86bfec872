"""Numbers with their units in reports: the pages' rules (engine.units) and money through engine.cost.usd_text."""

from __future__ import annotations

from engine.cost.rates import usd_text
from engine.units import BYTES_PER_KB, count, ms, percent, rate, size, units  # noqa: F401


def usd(value: float, per: str | None = "month") -> str:
    return usd_text(value, per=per)
