"""Consistency page verdict: it recommends only a remedy that cuts the stale-read risk (DOMAIN.md §5).

On the global_game_state sample the riskiest read is `read guild bank (eu-west-1)`, an MREC replica read
whose stale risk comes from writes made in other regions: ConsistentRead=true in eu-west-1 does not wait for
their replication, so the page must not recommend it (it used to: "Use ConsistentRead=true (+$16.42/month)").
"""

from __future__ import annotations

from app_harness import page_texts

CONSISTENCY = "views/consistency_page.py"


def test_the_verdict_on_a_remote_write_read_recommends_home_region_writes_not_strong_reads(open_app) -> None:
    at = open_app("global_game_state")
    at.switch_page(CONSISTENCY).run()
    assert not at.exception
    verdict = next(t for t in page_texts(at) if t.startswith("**Verdict:**"))
    assert "read guild bank (eu-west-1)" in verdict
    assert "Use ConsistentRead=true" not in verdict and "barely help" in verdict
    assert "home region" in verdict
    # No "make strong" button for reads a strong read would not fix; the MRSC sample's strong read keeps its own.
    labels = [b.label for b in at.main.button]
    assert not any(label.startswith("Make this read strong") for label in labels), labels


def test_the_global_table_headline_is_distinct_lost_writes_below_the_write_rate(open_app) -> None:
    at = open_app("global_game_state")
    at.switch_page(CONSISTENCY).run()
    lost = next(m for m in at.main.metric if m.label == "Writes lost to last-writer-wins")
    shown_per_day = float(lost.value.split()[0].replace(",", ""))
    guild_writes_per_day = (60 + 40 + 20) * 86_400  # the sample's three guild-deposit patterns (players: 1 region)
    assert 0 < shown_per_day < guild_writes_per_day  # the old pair count, 5,981,365/day, was half of it
    assert shown_per_day < 5_000_000
