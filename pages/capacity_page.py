"""Capacity & cost page (placeholder until engine.evaluate lands)."""

from ui import cache, state, widgets

state.ensure_session()
widgets.page_header("Capacity & cost", "Units per request and monthly cost per access pattern.")
if not cache.engine_available("evaluate"):
    widgets.engine_pending("Capacity & cost", "evaluate")
