"""The Import panel, the Export tab and the Evidence panel in a real browser (Debian chromium through Playwright):
a NoSQL Workbench file uploaded is previewed and opened as a new design, a Terraform export is offered for
download, a captured-traffic log shows its patterns, and a table export copied under DDB_WORKBENCH_EXPORTS is
analysed. Screenshots go to DDB_WORKBENCH_SCREENSHOTS (docs/screenshots when refreshing the README's)."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from test_browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    UI_TIMEOUT_MS,
    Server,
    _free_port,
    _wait_idle,
    playwright_api,
)

ROOT = Path(__file__).resolve().parents[2]
NWB = ROOT / "tests" / "engine" / "interop" / "data" / "nwb_v3_provisioned.json"


def _capture(path: Path) -> None:
    """An orders_by_customer session written with the endpoint's own log record builder, one request per 0.5 s."""
    from engine.io import load_sample
    from engine.sandbox import Sandbox
    from engine.sandbox.request_log import log_record

    sandbox = Sandbox.from_model(load_sample("orders_by_customer"), seed=0)
    with path.open("w", encoding="utf-8") as out:
        for i in range(240):
            customer = f"CUST#customer_id-00000{(i // 2) % 2}"
            if i % 2:
                op, req = "Query", {"TableName": "CustomerOrders", "KeyConditionExpression": "CustomerId = :c",
                                    "ExpressionAttributeValues": {":c": {"S": customer}}}
            else:
                op, req = "PutItem", {"TableName": "CustomerOrders", "Item": {  # the sample's attributes and sizes
                    "CustomerId": {"S": customer}, "OrderId": {"S": f"ORDER#order_id-{i:07d}"},
                    "Total": {"N": "123456"}, "Status": {"S": "shipped!"}, "OrderDate": {"N": "1733011200"}}}
            record = log_record(sandbox.execute(op, req), 0.001, req, sandbox.tables)
            record["time"] = datetime.fromtimestamp(1_800_000_000 + i * 0.5, UTC).isoformat()
            out.write(json.dumps(record) + "\n")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    pytest.importorskip("duckdb", reason="the export analysis needs DuckDB")
    from benchmarks.make_export import make_export
    from engine.io import load_sample

    base = tmp_path_factory.mktemp("evidence-browser")
    exports = base / "exports"
    make_export(load_sample("orders_by_customer"), exports / "orders-2026-12", 600, files=2)
    capture = base / "requests.jsonl"
    _capture(capture)
    server = Server(base / "data", _free_port(), base / "streamlit.log", env={"DDB_WORKBENCH_EXPORTS": str(exports)})
    server.start()
    yield server, capture
    server.stop()


def _shot(pg, path: Path, bottom=None) -> None:
    """The viewport, scrolled so `bottom` (a locator) is in view: the app scrolls inside its own container, so a
    full-page screenshot would show only the top."""
    _wait_idle(pg)
    if bottom is not None:
        bottom.scroll_into_view_if_needed()
        pg.wait_for_timeout(300)
    pg.screenshot(path=str(path))


def test_import_export_and_evidence_in_the_browser(env, tmp_path) -> None:
    server, capture = env
    target = os.environ.get("DDB_WORKBENCH_SCREENSHOTS")
    shots = Path(target) if target else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(UI_TIMEOUT_MS)
        try:
            pg.goto(f"{server.url}/?sample=orders_by_customer")
            _wait_idle(pg)
            pg.locator('[data-testid="stExpander"] summary', has_text="Import from NoSQL Workbench").click()
            pg.get_by_text("File to import").first.wait_for()
            pg.locator('[data-testid="stExpander"] input[type="file"]').first.set_input_files(str(NWB))
            pg.get_by_role("button", name="Open as a new design").wait_for()
            _shot(pg, shots / "import-panel.png", pg.get_by_role("button", name="Open as a new design"))
            pg.get_by_role("button", name="Open as a new design").click()
            pg.get_by_text("Imported nwb_v3_provisioned.json").first.wait_for()
            assert "design=" in pg.url

            pg.goto(f"{server.url}/?sample=orders_by_customer")
            _wait_idle(pg)
            pg.locator('[data-testid="stExpander"] summary', has_text="Evidence").click()
            pg.get_by_text("Capture files").first.wait_for()
            pg.locator('[data-testid="stFileUploader"] input[type="file"]').last.set_input_files(str(capture))
            pg.get_by_role("button", name="Apply to the current design").first.wait_for()
            assert pg.get_by_text("240 requests").count() >= 1
            _shot(pg, shots / "evidence-traffic.png", pg.get_by_role("button", name="Apply to the current design").first)
            pg.get_by_role("tab", name="A table export").click()
            pg.get_by_role("button", name="Analyse this export").click()
            pg.get_by_text("600 items in table").first.wait_for()
            _shot(pg, shots / "evidence-export.png", pg.get_by_role("button", name="Apply to the current design").last)

            pg.goto(f"{server.url}/design?sample=github_single_table")
            _wait_idle(pg)
            pg.get_by_role("tab", name="Export").click()
            pg.get_by_text("Export as").first.wait_for()
            pg.get_by_role("button", name="Download").first.wait_for()
            _shot(pg, shots / "export-tab.png")
        finally:
            context.close()
            browser.close()
