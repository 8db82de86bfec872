"""Real browser (issue 16): DynamoDB Streams on the pages of the sample orders_stream_totals. The Capacity & cost
page's Streams section, the Design page's stream consumer panel opened with a click, and the Partitions page's lag
chart render in chromium without an exception box. Saves docs/screenshots/streams-capacity.png and
streams-design.png when $DDB_WORKBENCH_SCREENSHOTS names that folder (else a tmp folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_browser import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    SETTLE_MS,
    UI_TIMEOUT_MS,
    Server,
    _title,
    _wait_idle,
    playwright_api,
    server,  # noqa: F401 - the fixture: a `streamlit run` of this module's own
)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run "
                                "installs it)")

SAMPLE = "orders_stream_totals"
WIDTH_PX = 1400
VIEWPORT = {"width": WIDTH_PX, "height": 4000}  # the whole section fits, so it can be clipped out
MARGIN_PX = 20


def _open(pg, srv: Server, url_path: str, title: str) -> None:
    pg.goto(f"{srv.url}/{url_path}?sample={SAMPLE}")
    _title(pg, title)
    _wait_idle(pg)
    pg.wait_for_load_state("networkidle")
    pg.wait_for_timeout(SETTLE_MS)
    assert pg.locator('[data-testid="stException"]').count() == 0, f"{title} shows an exception"


def _clip(pg, path: Path, top: dict, bottom: dict) -> None:
    """A screenshot of the page from above `top` to below `bottom` (bounding boxes), full width of the main area."""
    left = max(0.0, top["x"] - 2 * MARGIN_PX)
    pg.screenshot(path=str(path), full_page=True,
                  clip={"x": left, "y": max(0.0, top["y"] - MARGIN_PX), "width": WIDTH_PX - left,
                        "height": bottom["y"] + bottom["height"] - top["y"] + 2 * MARGIN_PX})


def test_streams_render_in_the_browser(server: Server, tmp_path: Path) -> None:  # noqa: F811
    target = os.environ.get("DDB_WORKBENCH_SCREENSHOTS")
    shots = Path(target) if target else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport=VIEWPORT)
        pg = context.new_page()
        pg.set_default_timeout(UI_TIMEOUT_MS)
        try:
            _open(pg, server, "capacity-and-cost", "Capacity & cost")
            heading = pg.get_by_role("heading", name="Streams", exact=True).first
            end = pg.get_by_role("heading", name="Billing mode and table class per table", exact=True).first
            verdict = pg.get_by_text("Keeps up on average, falls behind at the peak.")
            verdict.first.wait_for()  # under load the section draws after the page's title (a full-suite run saw 0)
            _wait_idle(pg)
            assert verdict.count() == 1
            _clip(pg, shots / "streams-capacity.png", heading.bounding_box(), end.bounding_box())

            _open(pg, server, "design", "Design")
            pg.locator('[data-testid="stExpander"] summary', has_text="customer totals").first.click()
            pg.get_by_text("Writes per record passing the filter").first.wait_for()
            _wait_idle(pg)
            pg.wait_for_timeout(SETTLE_MS)
            top = pg.get_by_text("Stream consumers", exact=True).first.bounding_box()
            bottom = pg.locator('[data-testid="stExpander"]', has_text="Add a stream consumer").first.bounding_box()
            _clip(pg, shots / "streams-design.png", top, bottom)

            _open(pg, server, "partitions-and-hot-keys", "Partitions & hot keys")
            pg.get_by_role("heading", name="Stream consumers' lag", exact=True).first.wait_for()
            assert pg.get_by_text("Orders stream: records per shard and consumer lag").count() == 1
        finally:
            context.close()
            browser.close()
    assert (shots / "streams-capacity.png").stat().st_size > 0 and (shots / "streams-design.png").stat().st_size > 0
