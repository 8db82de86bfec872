"""Partitions & hot keys page (placeholder until engine.partitions lands)."""

from ui import cache, state, widgets

state.ensure_session()
widgets.page_header("Partitions & hot keys", "Partition counts, per-partition load and hot keys.")
if not cache.engine_available("partitions"):
    widgets.engine_pending("Partitions & hot keys", "partitions")
