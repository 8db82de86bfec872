"""Key spaces: the values a key template takes and how popular each key is.

Variable values are deterministic functions of their rank, so the partition report, the sample
items and the simulator all name the same keys (`USER#user-000017`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from engine.model.base import MAX_COUNT
from engine.model.entity import (
    Entity,
    HotKeys,
    KeyDistribution,
    SampleKeys,
    Uniform,
    Variable,
    Zipf,
    template_variables,
)

# How many keys of one space an engine models one by one. Two budgets, not one rule: each bounds its engine's work
# per key, and what stands in for the keys past it differs (both use `popularity` for the keys they model).
MAX_EXACT_KEYS = 100_000
"""engine.consistency (write conflicts): spaces up to this size get every key's share (hot keys matched against the
rendered key labels); larger ones keep a head of explicit ranks and an analytic power-law tail. A key's chance of
losing a write is not linear in its rate, so the tail's shape is integrated, not summed up as one share; each
modelled key costs a pass over every pair of regions and a rendered label."""
MAX_RANKS_PER_SPACE = 2_000_000
"""engine.partitions (layout and heat): the top ranks modelled one by one, each hashed to a partition; the rest of a
bigger space (its least popular keys) is spread evenly over the partitions, which is where a uniform hash puts it
on average, so only the tail's total share matters. Bounded by the cost of hashing ranks."""

# Timestamps start here and advance one minute per rank (monotonically growing sort keys); a variable with more
# values than minutes left before the year 9999 (about 4.2 billion) steps by seconds, milliseconds or microseconds
# instead, so every rank still renders as a distinct, ordered timestamp.
TIMESTAMP_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
TIMESTAMP_STEP = timedelta(minutes=1)
_TIMESTAMP_END = datetime(9999, 12, 31, tzinfo=UTC)
_TIMESTAMP_STEPS = ((TIMESTAMP_STEP, "%Y-%m-%dT%H:%M:%SZ"), (timedelta(seconds=1), "%Y-%m-%dT%H:%M:%SZ"),
                    (timedelta(milliseconds=1), "%Y-%m-%dT%H:%M:%S.%f"), (timedelta(microseconds=1),
                                                                           "%Y-%m-%dT%H:%M:%S.%f"))


def timestamp_value(rank: int, cardinality: int) -> str:
    """The rank-th of `cardinality` ordered timestamps, at the coarsest step that fits them all."""
    span_us = (_TIMESTAMP_END - TIMESTAMP_EPOCH) // timedelta(microseconds=1)
    for step, fmt in _TIMESTAMP_STEPS:
        if max(cardinality - 1, rank) * (step // timedelta(microseconds=1)) <= span_us:
            text = (TIMESTAMP_EPOCH + rank * step).strftime(fmt)
            return text[:-3] + "Z" if step == timedelta(milliseconds=1) else (text + "Z" if fmt.endswith("%f") else text)
    return f"{TIMESTAMP_EPOCH:%Y-%m-%d}+{rank}"  # beyond microseconds (more than 10^17 values): still distinct


def variable_value(variable: Variable | None, rank: int, name: str = "") -> str:
    """The rank-th value (0-based) of a template variable, as text."""
    if variable is None:
        return f"{name}-{rank}"
    if variable.values:
        return variable.values[rank % len(variable.values)]
    if variable.kind == "timestamp":
        return timestamp_value(rank, variable.cardinality)
    if variable.kind == "number":
        return str(rank)
    width = max(6, len(str(max(variable.cardinality - 1, 0))))
    return f"{variable.name}-{rank:0{width}d}"


def variable_value_bytes(variable: Variable | None, ranks: Sequence[int], name: str = "") -> list[int]:
    """UTF-8 bytes of variable_value at each rank, without rendering the common `name-000017` kind: its name, a
    dash and the rank's digits zero-padded to the width of the largest rank (at least 6)."""
    if variable is not None and not variable.values and variable.kind not in ("timestamp", "number"):
        width = max(6, len(str(max(variable.cardinality - 1, 0))))
        prefix = len(variable.name.encode("utf-8")) + 1
        if all(0 <= rank < variable.cardinality for rank in ranks):  # never wider than the largest rank
            return [prefix + width] * len(ranks)
        return [prefix + max(width, len(str(rank))) for rank in ranks]
    return [len(variable_value(variable, rank, name).encode("utf-8")) for rank in ranks]


def variable_cardinality(variable: Variable | None) -> int:
    """Distinct values of a variable (an undeclared one counts as a single value)."""
    if variable is None:
        return 1
    return len(variable.values) if variable.values else variable.cardinality


def render_template(template: str, entity: Entity, ranks: Mapping[str, int]) -> str:
    """Fill `{variable}` placeholders with the values of the given ranks (missing ranks -> 0)."""
    out = template
    for var in template_variables(template):
        out = out.replace("{" + var + "}", variable_value(entity.variable(var), ranks.get(var, 0), var), 1)
    return out


def key_count(entity: Entity, template: str) -> int:
    """Distinct values a key template takes: the product of its variables' cardinalities.

    Capped at MAX_COUNT (10**15): beyond it every key's share of traffic is negligible anyway, and the
    count stays within the int64/float64 arithmetic of the partition and heat engines."""
    count = 1
    for var in dict.fromkeys(template_variables(template)):
        count *= variable_cardinality(entity.variable(var))
    return min(count, MAX_COUNT)


def key_label(entity: Entity, template: str, index: int) -> str:
    """The index-th distinct value of a template (mixed-radix over its variables, last fastest)."""
    ranks: dict[str, int] = {}
    for var in reversed(list(dict.fromkeys(template_variables(template)))):
        card = variable_cardinality(entity.variable(var))
        ranks[var] = index % card
        index //= card
    return render_template(template, entity, ranks)


def key_labels(entity: Entity, template: str, limit: int | None = None) -> list[str]:
    """The first `limit` (default all) distinct values of a template, by rank."""
    n = key_count(entity, template) if limit is None else min(limit, key_count(entity, template))
    return [key_label(entity, template, i) for i in range(n)]


def popularity(distribution: KeyDistribution, n: int, labels: Sequence[str] | None = None) -> np.ndarray:
    """Shares of n keys (rank order, summing to 1) under a key distribution.

    Zipf: share of rank r is r^-s / H(n, s). Hot keys: each named key gets its share (matched
    against `labels` when given, else taken as the top ranks), the rest is spread uniformly.
    `sample_items` is treated as uniform here (sample data follows the same keys).
    """
    if n <= 0:
        return np.zeros(0)
    if isinstance(distribution, Zipf):
        weights = np.arange(1, n + 1, dtype=float) ** -distribution.exponent
        return weights / weights.sum()
    if isinstance(distribution, HotKeys):
        return _hot_key_shares(distribution, n, labels)
    if isinstance(distribution, (Uniform, SampleKeys)):
        return np.full(n, 1.0 / n)
    raise TypeError(f"unknown key distribution {distribution!r}")


EXACT_POWER_TERMS = 10_000
"""power_sum adds this many terms one by one before the Euler-Maclaurin tail."""


def power_sum(first: int, last: int, exponent: float) -> float:
    """sum_{r=first}^{last} r^-exponent: the first EXACT_POWER_TERMS terms exactly, the rest by Euler-Maclaurin
    (the integral, the end terms and the first derivative correction). The Zipf normaliser H(n, s) is
    power_sum(1, n, s); every engine that needs it on a space too big to sum uses this one."""
    if last < first:
        return 0.0
    exact_last = min(last, first + EXACT_POWER_TERMS - 1)
    total = float((np.arange(first, exact_last + 1, dtype=float) ** -exponent).sum())
    a, b, q = exact_last + 1, last, exponent
    if b < a:
        return total
    integral = math.log(b / a) if abs(q - 1) < 1e-12 else (b ** (1 - q) - a ** (1 - q)) / (1 - q)
    return total + integral + (a ** -q + b ** -q) / 2 + q / 12 * (a ** (-q - 1) - b ** (-q - 1))


def zipf_head_shares(n: int, ranks: int, exponent: float) -> np.ndarray:
    """Shares of the `ranks` most popular of n keys under Zipf(exponent), normalised over all n keys."""
    return np.arange(1, ranks + 1, dtype=float) ** -exponent / power_sum(1, n, exponent)


def hot_key_rest_share(distribution: HotKeys, n: int) -> float:
    """Share of each key not named by a hot-key distribution: what the named keys leave, spread evenly."""
    named = distribution.keys[:n]
    return max(0.0, 1.0 - sum(k.share for k in named)) / max(n - len(named), 1)


def _hot_key_shares(distribution: HotKeys, n: int, labels: Sequence[str] | None) -> np.ndarray:
    shares = np.zeros(n)
    positions = {label: i for i, label in enumerate(labels)} if labels is not None else {}
    taken: set[int] = set()
    next_free = 0
    for hot in distribution.keys:
        pos = positions.get(hot.key)
        if pos is None:  # not among the labels: give it the next unused top rank
            while next_free in taken:
                next_free += 1
            pos = next_free
        if pos < n:
            shares[pos] += hot.share
            taken.add(pos)
    rest = 1.0 - shares.sum()
    cold = np.setdiff1d(np.arange(n), np.fromiter(taken, dtype=int, count=len(taken)))
    if cold.size:
        shares[cold] += rest / cold.size
    elif shares.sum() > 0:
        shares /= shares.sum()
    return shares


def pattern_distribution(pattern_distribution_or_none: KeyDistribution | None, entity: Entity) -> KeyDistribution:
    """The key distribution in force: the pattern's when given, else the entity's (schema precedence)."""
    return pattern_distribution_or_none if pattern_distribution_or_none is not None else entity.key_distribution
