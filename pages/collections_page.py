"""Item collections page (placeholder until engine.sandbox lands)."""

from ui import cache, state, widgets

state.ensure_session()
widgets.page_header("Item collections", "Sample items and running access patterns on the sandbox.")
if not cache.engine_available("sandbox"):
    widgets.engine_pending("Item collections", "sandbox")
