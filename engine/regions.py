"""AWS regions as the consistency lab sees them: inter-region round-trip times, measured or estimated.

Global-table replication and MRSC quorum writes pay network round trips between regions. AWS
publishes no inter-region latency figures; the defaults below are typical public measurements
(DOMAIN.md §5 lists the first five; the others are of the same kind, e.g. the public
inter-region ping tables such as cloudping.co, rounded) and every one can be overridden through
`ConsistencyAssumptions.round_trip_ms_overrides`. A pair that is not listed is estimated from the
great-circle distance between the regions' approximate locations (light in fibre at ~200 km/ms,
routes ~1.5x longer than the great circle); the estimate is labelled as such wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Round trips in milliseconds. Source per row; none of these are AWS figures.
_DOMAIN = "DOMAIN.md §5 (typical public measurement)"
_PUBLIC = "typical public inter-region ping measurement (e.g. cloudping.co), rounded"
MEASURED_ROUND_TRIP_MS: dict[frozenset[str], tuple[float, str]] = {
    frozenset({"us-east-1", "us-east-2"}): (12.0, _DOMAIN),
    frozenset({"us-east-1", "us-west-2"}): (65.0, _DOMAIN),
    frozenset({"us-east-1", "eu-west-1"}): (70.0, _DOMAIN),
    frozenset({"eu-west-1", "eu-central-1"}): (25.0, _DOMAIN),
    frozenset({"us-east-1", "ap-northeast-1"}): (150.0, _DOMAIN),
    # The rest of the MRSC region sets (DG/multi-region-strong-consistency-gt.html), so every
    # legal MRSC table has measured-style figures.
    frozenset({"us-east-2", "us-west-2"}): (50.0, _PUBLIC),
    frozenset({"eu-west-1", "eu-west-2"}): (12.0, _PUBLIC),
    frozenset({"eu-west-1", "eu-west-3"}): (18.0, _PUBLIC),
    frozenset({"eu-west-2", "eu-west-3"}): (10.0, _PUBLIC),
    frozenset({"eu-west-2", "eu-central-1"}): (15.0, _PUBLIC),
    frozenset({"eu-west-3", "eu-central-1"}): (10.0, _PUBLIC),
    frozenset({"ap-northeast-1", "ap-northeast-2"}): (33.0, _PUBLIC),
    frozenset({"ap-northeast-1", "ap-northeast-3"}): (9.0, _PUBLIC),
    frozenset({"ap-northeast-2", "ap-northeast-3"}): (25.0, _PUBLIC),
    frozenset({"us-west-2", "eu-west-1"}): (125.0, _PUBLIC),
    frozenset({"us-east-1", "eu-central-1"}): (90.0, _PUBLIC),
    frozenset({"us-west-2", "ap-northeast-1"}): (100.0, _PUBLIC),
}

# Approximate locations (latitude, longitude in degrees) of the regions' metro areas, for estimates.
REGION_LOCATIONS: dict[str, tuple[float, float]] = {
    "us-east-1": (38.9, -77.4), "us-east-2": (40.0, -83.0), "us-west-1": (37.4, -121.9),
    "us-west-2": (45.8, -119.7), "ca-central-1": (45.5, -73.6), "sa-east-1": (-23.5, -46.6),
    "eu-west-1": (53.3, -6.3), "eu-west-2": (51.5, -0.1), "eu-west-3": (48.9, 2.4),
    "eu-central-1": (50.1, 8.7), "eu-north-1": (59.3, 18.1), "eu-south-1": (45.5, 9.2),
    "ap-northeast-1": (35.7, 139.7), "ap-northeast-2": (37.6, 127.0), "ap-northeast-3": (34.7, 135.5),
    "ap-southeast-1": (1.35, 103.8), "ap-southeast-2": (-33.9, 151.2), "ap-south-1": (19.1, 72.9),
    "me-south-1": (26.1, 50.6), "af-south-1": (-33.9, 18.4),
}
EARTH_RADIUS_KM = 6371.0
FIBRE_KM_PER_MS = 200.0  # light in glass travels at about 2/3 c
ROUTE_INFLATION = 1.5  # real routes are longer than the great circle (workbench assumption)


@dataclass(frozen=True, kw_only=True)
class RoundTrip:
    """A round trip between two regions and where the figure comes from."""

    region_a: str
    region_b: str
    round_trip_ms: float
    source: str

    @property
    def one_way_ms(self) -> float:
        """Half the round trip: the network part of a one-way replication."""
        return self.round_trip_ms / 2.0


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def estimated_round_trip_ms(region_a: str, region_b: str) -> float | None:
    """Round trip estimated from distance (None when a region's location is unknown)."""
    a, b = REGION_LOCATIONS.get(region_a), REGION_LOCATIONS.get(region_b)
    if a is None or b is None:
        return None
    return 2.0 * great_circle_km(a, b) * ROUTE_INFLATION / FIBRE_KM_PER_MS


def round_trip(region_a: str, region_b: str, overrides: Iterable[tuple[str, str, float]] = (),
               unknown_round_trip_ms: float = 150.0) -> RoundTrip:
    """The round trip between two regions: user override, else measured default, else estimate.

    `overrides` holds (region, region, milliseconds) triples in either order. The same region
    gives 0 ms (in-region latency is modelled separately).
    """
    if region_a == region_b:
        return RoundTrip(region_a=region_a, region_b=region_b, round_trip_ms=0.0, source="same region")
    pair = frozenset({region_a, region_b})
    for a, b, ms in overrides:
        if frozenset({a, b}) == pair:
            return RoundTrip(
                region_a=region_a, region_b=region_b, round_trip_ms=float(ms), source="user override")
    if pair in MEASURED_ROUND_TRIP_MS:
        ms, source = MEASURED_ROUND_TRIP_MS[pair]
        return RoundTrip(region_a=region_a, region_b=region_b, round_trip_ms=ms, source=source)
    estimate = estimated_round_trip_ms(region_a, region_b)
    if estimate is not None:
        return RoundTrip(
            region_a=region_a, region_b=region_b, round_trip_ms=round(estimate, 1),
            source=f"estimated from distance (fibre {FIBRE_KM_PER_MS:g} km/ms, routes x{ROUTE_INFLATION:g})")
    return RoundTrip(region_a=region_a, region_b=region_b, round_trip_ms=unknown_round_trip_ms,
                     source="region location unknown: default round trip (set round_trip_ms_overrides)")


def round_trip_matrix(regions: Iterable[str], overrides: Iterable[tuple[str, str, float]] = (),
                      unknown_round_trip_ms: float = 150.0) -> tuple[RoundTrip, ...]:
    """Every unordered pair of distinct regions with its round trip (for the editable matrix view)."""
    names = list(dict.fromkeys(regions))
    overrides = tuple(overrides)
    return tuple(round_trip(a, b, overrides, unknown_round_trip_ms)
                 for i, a in enumerate(names) for b in names[i + 1:])


@dataclass(frozen=True, kw_only=True)
class MrscRegionAdvice:
    """Why a global table's regions cannot form an MRSC table, and the nearest region set that can
    (DG/multi-region-strong-consistency-gt.html: exactly three regions of one region set; two replicas and a witness
    count as three)."""

    members: tuple[str, ...]  # replicas and witness, as the design lists them
    in_one_set: bool  # whether all members belong to one region set
    region_sets: tuple[tuple[str, tuple[str, ...]], ...]  # every set, name and its regions (sorted)
    set_name: str  # the set advised: the home region's, else the one holding most members
    keep: tuple[str, ...]  # members in that set
    add: tuple[str, ...]  # regions of the set to add, up to three in all
    use: tuple[str, ...]  # when nothing can be kept: three regions of the set
    too_many: bool  # more than three members are in the set: keep three of `keep`


def mrsc_region_advice(regions: Iterable[str], witness: str | None, home: str) -> MrscRegionAdvice | None:
    """None when the members can form an MRSC global table; otherwise what to change."""
    from engine.model.limits import MRSC_REGION_COUNT, MRSC_REGION_SETS

    members = tuple(regions) + ((witness,) if witness else ())
    in_one_set = any(set(members) <= s for s in MRSC_REGION_SETS.values())
    if len(set(members)) == MRSC_REGION_COUNT and in_one_set:
        return None
    home = home if home in members else members[0]
    name, chosen = max(MRSC_REGION_SETS.items(), key=lambda kv: (home in kv[1], len(kv[1] & set(members))))
    keep = tuple(r for r in members if r in chosen)
    add = tuple([r for r in sorted(chosen) if r not in keep][:max(0, MRSC_REGION_COUNT - len(keep))])
    use = tuple(sorted(chosen)[:MRSC_REGION_COUNT]) if not (keep and add) else ()
    return MrscRegionAdvice(members=members, in_one_set=in_one_set,
                            region_sets=tuple((n, tuple(sorted(r))) for n, r in MRSC_REGION_SETS.items()),
                            set_name=name, keep=keep, add=add, use=use, too_many=len(keep) > MRSC_REGION_COUNT)
