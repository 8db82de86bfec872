"""Numbers with their units: one rule per kind of figure, used by the pages (ui/format.py re-exports these)
and by reports (engine/report). Money has its own home, engine.cost.usd_text. 1 KB = 1,024 bytes (DOMAIN.md
"Units"); integers plain, fractions with up to two decimals, tiny fractions with two significant digits."""

from __future__ import annotations

import math

BYTES_PER_KB = 1024  # DOMAIN.md "Units": 1 KB = 1,024 bytes (AWS Service quotas)


_COUNTABLE = {"units": "unit", "items": "item", "requests": "request", "patterns": "pattern"}


def units(value: float, unit: str) -> str:
    """3 RCU, 0.5 RCU, 1,221 RCU, 1 unit: integers plain, fractions with up to 2 decimals."""
    if value == 1 and unit in _COUNTABLE:
        unit = _COUNTABLE[unit]
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,} {unit}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if 0 < abs(value) < 0.01:
        return f"{value:.2g} {unit}"  # 0.005 RCU stays visible instead of rounding to 0
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def rate(value: float) -> str:
    """Requests per second."""
    return units(value, "req/s")


def size(size_bytes: float) -> str:
    """912 B, 3.4 KB, 12.0 MB, 1.2 GB (1 KB = 1,024 bytes)."""
    value = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < BYTES_PER_KB or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= BYTES_PER_KB
    return f"{value:,.1f} TB"


def count(value: float, noun: str) -> str:
    """1,000,000 items; 1 item."""
    n = int(round(value))
    return f"{n:,} {_plural(noun, n)}"


def compact_count(value: float, noun: str) -> str:
    """5.0 M items, 12.5 K items, 950 items: short enough for a metric box. Billions and trillions are written out
    (a "B" read as bytes: 10^13 items showed as "10,000.0 B items")."""
    n = float(value)
    for limit, suffix in ((1e12, " trillion"), (1e9, " billion"), (1e6, " M"), (1e3, " K")):
        if abs(n) >= limit:
            return f"{n / limit:,.1f}{suffix} {_plural(noun, 2)}"
    return count(n, noun)


def _plural(noun: str, n: int) -> str:
    if n == 1 or noun.endswith("s"):
        return noun
    if noun.endswith(("ch", "sh", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def percent(share: float | None, digits: int = 1) -> str:
    """0.0312 -> 3.1 %; tiny non-zero shares stay visible (< 0.01 %)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "n/a"
    pct = share * 100
    if 0 < pct < 10 ** -digits:
        return f"< {10 ** -digits:g} %"
    return f"{pct:,.{digits}f} %"


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:,.1f} ms"


def duration(seconds: float) -> str:
    """A lag or a wait: 45 s, 2 minutes, 3.5 hours (whole numbers without a decimal)."""
    if seconds < 90:
        return f"{seconds:.1f} s".replace(".0 ", " ") if seconds < 10 else f"{seconds:,.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} minutes".replace(".0 ", " ")
    return f"{seconds / 3600:,.1f} hours".replace(".0 ", " ")
