"""The Evidence panel's table-export tab (issue 15), through AppTest: exports found under the configured folder are
offered (never a typed path), the analysis shows what the CLI measures, applying calibrates the design's entities
(undoable), and a damaged export gets a message naming the file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from app_harness import shown

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

pytest.importorskip("duckdb", reason="the export analysis needs DuckDB (in the test extra)")

from benchmarks.make_export import make_export  # noqa: E402
from engine.evidence.export import AnalyzeOptions, analyze_export  # noqa: E402
from engine.io import load_sample  # noqa: E402

START = "views/start_page.py"


@pytest.fixture
def exports(tmp_path, monkeypatch):
    root = tmp_path / "exports"
    monkeypatch.setenv("DDB_WORKBENCH_EXPORTS", str(root))
    return root


def _open(at):
    at.session_state["view.start.evidence"] = True
    return at.switch_page(START).run()


def test_an_export_is_analysed_and_applied_to_the_design_undoably(open_app, exports) -> None:
    model = load_sample("orders_by_customer")
    written = make_export(model, exports / "orders-2026-12" / "AWSDynamoDB" / "01234567890123-abcdefgh", 400,
                          files=2)
    expected = analyze_export(written.path,
                              AnalyzeOptions(design=model, threads=1))
    at = _open(open_app("orders_by_customer"))
    before = at.session_state["wb_design_json"]
    assert not at.exception
    assert len(at.selectbox(key="view.evidence.export").options) == 1
    at.button(key="evidence.analyse").click().run()
    assert not at.exception, at.exception
    success = " ".join(shown(s.value) for s in at.main.success)
    assert f"{expected.items} items in table `CustomerOrders`" in success, success
    assert at.session_state["wb_design_json"] == before  # nothing applied by the analysis
    at.button(key="evidence.export.apply").click().run()
    assert not at.exception
    after = json.loads(at.session_state["wb_design_json"])
    assert after["entities"][0]["item_count"] == expected.entity("Order").items
    at.sidebar.button(key="sidebar.undo").click().run()
    assert at.session_state["wb_design_json"] == before


def test_no_export_folder_explains_where_to_copy_one(open_app, exports) -> None:
    at = _open(open_app("orders_by_customer"))
    assert not at.exception
    assert any(str(exports) in shown(i.value) for i in at.main.info)


def test_a_damaged_export_names_the_file(open_app, exports) -> None:
    written = make_export(load_sample("orders_by_customer"), exports / "broken", 200, files=1)
    data = written.files[0]
    data.write_bytes(data.read_bytes()[:60])  # cut short: the checksum no longer matches
    at = _open(open_app("orders_by_customer"))
    at.button(key="evidence.analyse").click().run()
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.main.error)
    assert data.name in errors or "MD5" in errors or "checksum" in errors.lower(), errors
