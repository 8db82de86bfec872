"""Numbers with their units in reports, by the same rules as the pages (ui/format.py): money through
engine.cost.usd_text, 1 KB = 1,024 bytes, integers plain, fractions with up to two decimals."""

from __future__ import annotations

import math

from engine.cost.rates import usd_text

BYTES_PER_KB = 1024


def usd(value: float, per: str | None = "month") -> str:
    return usd_text(value, per=per)


def units(value: float, unit: str) -> str:
    """3 RCU, 0.5 RCU, 1,221 RCU."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,} {unit}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) < 0.01:
        return f"{value:.2g} {unit}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def rate(value: float) -> str:
    return units(value, "req/s")


def size(size_bytes: float) -> str:
    """912 B, 3.4 KB, 12.0 MB (1 KB = 1,024 bytes)."""
    value = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < BYTES_PER_KB or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= BYTES_PER_KB
    return f"{value:,.1f} TB"  # pragma: no cover


def count(value: float, noun: str) -> str:
    n = int(round(value))
    return f"{n:,} {noun if n == 1 else noun + 's'}"


def percent(share: float | None, digits: int = 1) -> str:
    """0.0312 -> 3.1 %; tiny non-zero shares stay visible (< 0.1 %)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    pct = share * 100
    if 0 < pct < 10 ** -digits:
        return f"< {10 ** -digits:g} %"
    return f"{pct:,.{digits}f} %"


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"
