"""Compare page (placeholder until engine.evaluate lands)."""

from ui import cache, state, widgets

state.ensure_session()
widgets.page_header("Compare", "Two designs side by side.")
if not cache.engine_available("evaluate"):
    widgets.engine_pending("Compare", "evaluate")
