"""Consistency page (placeholder until engine.consistency lands)."""

from ui import cache, state, widgets

state.ensure_session()
widgets.page_header("Consistency", "Stale-read probabilities, the cost of strong reads and global-table conflicts.")
if not cache.engine_available("consistency"):
    widgets.engine_pending("Consistency", "consistency")
