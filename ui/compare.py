"""Compare verdicts: the plain-words reason next to each compared metric, honest about what differs.

A monthly bill only says which design is cheaper "for the same traffic" when both serve the same
request rate; otherwise the texts name both rates and compare the cost per million requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui import format as fmt

SAME_TRAFFIC_TOLERANCE = 0.01  # total request rates within 1 % count as the same traffic
SECONDS_PER_HOUR = 3600
REQUESTS_PER_MILLION = 1_000_000


@dataclass(frozen=True)
class Traffic:
    """What one design serves and costs per month."""

    requests_per_second: float
    monthly_usd: float
    hours_per_month: float

    @property
    def requests_per_month(self) -> float:
        return self.requests_per_second * SECONDS_PER_HOUR * self.hours_per_month

    @property
    def usd_per_million_requests(self) -> float | None:
        """All-in monthly cost (storage included) over the requests served; None without traffic."""
        if self.requests_per_month <= 0:
            return None
        return self.monthly_usd / self.requests_per_month * REQUESTS_PER_MILLION


def same_traffic(a: Traffic, b: Traffic, tolerance: float = SAME_TRAFFIC_TOLERANCE) -> bool:
    """Whether both designs serve the same total request rate (within `tolerance`, relative)."""
    high = max(a.requests_per_second, b.requests_per_second)
    return high == 0 or abs(a.requests_per_second - b.requests_per_second) <= tolerance * high


def other(label: str) -> str:
    return "B" if label == "A" else "A"


def cost_reason(better: str, a: Traffic, b: Traffic) -> str:
    """Why `better` wins the monthly-cost row, naming both request rates when they differ."""
    diff = fmt.usd(abs(a.monthly_usd - b.monthly_usd))
    if same_traffic(a, b):
        return (f"{better} costs {diff} less for the same traffic ({fmt.rate(a.requests_per_second)}); "
                "the stacks below show where.")
    return (f"{better} costs {diff} less, but at a different request rate (A {fmt.rate(a.requests_per_second)}, "
            f"B {fmt.rate(b.requests_per_second)}): see the cost per million requests below.")


def idle_reason(a: Traffic, b: Traffic) -> str | None:
    """Why the monthly-cost row marks no winner: one design serves no requests (its bill is storage only)."""
    idle = [label for label, t in (("A", a), ("B", b)) if t.requests_per_second == 0]
    if len(idle) != 1:
        return None
    return (f"{idle[0]} serves no requests, so its smaller bill (storage only) says nothing about the design; add "
            "its access patterns to compare.")


def per_million_reason(better: str, a: Traffic, b: Traffic) -> str:
    """Why `better` wins the cost-per-million-requests row."""
    return (f"Each million requests costs {better} {fmt.usd(_per_million(better, a, b), per='')} against "
            f"{fmt.usd(_per_million(other(better), a, b), per='')} for {other(better)} (monthly cost, storage "
            "included, over the requests served).")


def _per_million(label: str, a: Traffic, b: Traffic) -> float:
    return (a if label == "A" else b).usd_per_million_requests or 0.0


def traffic_note(a: Traffic, b: Traffic) -> str | None:
    """A warning line when the two designs make different numbers of requests; None when they match."""
    if same_traffic(a, b):
        return None
    return (f"The two designs make different numbers of requests: A {fmt.rate(a.requests_per_second)}, B "
            f"{fmt.rate(b.requests_per_second)} in total. That is either different traffic (an edited rate) or the "
            "same work done with more requests (e.g. one query per shard). The monthly bill, throttling and hot-key "
            "rows compare each design at its own rates; the cost per million requests compares the price of each "
            "request.")


def throttle_reason(better: str, va: float, vb: float) -> str:
    values = {"A": va, "B": vb}
    return (f"In the simulated hour {better} loses {fmt.percent(values[better], 2)} of its requests to throttling, "
            f"{other(better)} {fmt.percent(values[other(better)], 2)} (Partitions & hot keys shows which "
            "partitions and why).")


def hot_key_reason(better: str) -> str:
    return (f"{better}'s hottest key needs a smaller share of one partition's 3,000 RCU / 1,000 WCU per second, so "
            "it has more headroom before that key throttles.")


def screens_reason(better: str) -> str:
    return (f"{better}'s screens need fewer requests on average; each request is a round trip the page view "
            "waits for and pays for.")


def stale_reason(better: str, pattern_a: str, pattern_b: str) -> str:
    """Markdown: the pattern names are design text, escaped."""
    names = {"A": fmt.text(pattern_a) or "no read pattern", "B": fmt.text(pattern_b) or "no read pattern"}
    return (f"{better}'s riskiest read (*{names[better]}*) is less likely to return an item older than the latest "
            f"write than {other(better)}'s (*{names[other(better)]}*), at the typical delay after the write.")
