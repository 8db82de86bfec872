"""The traffic scenario the Partitions & hot keys page opens with, shared with the Compare page so both show the
same throttling figure for the same design: each pattern at its average rate, a spike to 3x at minute 5 for 10
minutes, 20 simulated minutes (enough for splits for heat, which take about 10 minutes in engine.heat)."""

from __future__ import annotations

from typing import Any

from ui import cache

DEFAULT_PROFILE_KIND = "spike"
DEFAULT_MULTIPLIER = 3.0
DEFAULT_START_MINUTE = 5
DEFAULT_LENGTH_MINUTES = 10
DEFAULT_HORIZON_MINUTES = 20
DESCRIPTION = (f"{DEFAULT_HORIZON_MINUTES} simulated minutes, a spike to {DEFAULT_MULTIPLIER:g}x at minute "
               f"{DEFAULT_START_MINUTE} for {DEFAULT_LENGTH_MINUTES} minutes")


def profile(kind: str, multiplier: float, start_minute: int, length_minutes: int, horizon_minutes: int) -> dict[str, Any]:
    """The engine.heat TrafficProfile fields of a scenario (as the Partitions page's controls set them)."""
    out: dict[str, Any] = {"kind": kind, "at_seconds": 60.0 * start_minute, "duration_seconds": 60.0 * length_minutes}
    if kind != "steady":
        out["multiplier"] = float(multiplier)
    if kind == "diurnal":
        out["period_seconds"] = float(60 * horizon_minutes)  # one cycle within the simulated time
    return out


def default_heat(design_json: str) -> Any:
    """The heat simulation of the default scenario (cached; the Partitions page's first result is the same one)."""
    return cache.heat_result(design_json, profile(DEFAULT_PROFILE_KIND, DEFAULT_MULTIPLIER, DEFAULT_START_MINUTE,
                                                  DEFAULT_LENGTH_MINUTES, DEFAULT_HORIZON_MINUTES),
                             horizon_seconds=60 * DEFAULT_HORIZON_MINUTES)


def describe(kind: str, multiplier: float, start_minute: int, length_minutes: int) -> str:
    """The scenario in words, for the captions of the charts drawn from it."""
    if kind == "steady":
        return "Traffic steady at each pattern's average rate"
    what = {"spike": f"a spike to {multiplier:g}x the average rate at minute {start_minute} for {length_minutes} minutes",
            "ramp": f"a ramp from the average rate at minute {start_minute} to {multiplier:g}x over {length_minutes} "
                    "minutes",
            "diurnal": f"a daily cycle up to {multiplier:g}x the average rate"}.get(kind, kind)
    return f"The scenario above ({what})"
