"""The Start page's Evidence panel (issue 15), through AppTest: a capture uploaded shows the patterns `infer` finds,
nothing changes until a button is pressed, "Apply" changes only the matched patterns' observed figures and Undo
takes it back, and a broken capture gets a message naming the file and line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app_harness import shown

from engine.evidence.capture import parse_capture
from engine.evidence.traffic import infer_design
from engine.io import load_sample
from engine.sandbox import Sandbox
from engine.sandbox.request_log import log_record

START = "views/start_page.py"
T0 = 1_800_000_000.0


def _capture() -> bytes:
    """An orders_by_customer session: order history queries, order gets and puts, one every 0.5 s, written with the
    endpoint's own log record builder."""
    model = load_sample("orders_by_customer")
    sandbox = Sandbox.from_model(model, seed=0)
    lines = []
    for i in range(240):
        customer = f"CUST#customer_id-00000{i % 2}"
        if i % 3 == 0:
            op, req = "Query", {"TableName": "CustomerOrders", "KeyConditionExpression": "CustomerId = :c",
                                "ExpressionAttributeValues": {":c": {"S": customer}}, "ConsistentRead": True}
        elif i % 3 == 1:
            op, req = "PutItem", {"TableName": "CustomerOrders", "Item": {
                "CustomerId": {"S": customer}, "OrderId": {"S": f"ORDER#{i}"}, "Total": {"N": "12"}}}
        else:
            op, req = "GetItem", {"TableName": "CustomerOrders", "ConsistentRead": True,
                                  "Key": {"CustomerId": {"S": customer}, "OrderId": {"S": f"ORDER#{i - 1}"}}}
        record = log_record(sandbox.execute(op, req), 0.001, req, sandbox.tables)
        record["time"] = datetime.fromtimestamp(T0 + i * 0.5, UTC).isoformat()
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode()


def _open_evidence(at):
    at.session_state["view.start.evidence"] = True
    return at.switch_page(START).run()


def test_a_capture_previews_its_patterns_and_applies_to_the_design_undoably(open_app) -> None:
    raw = _capture()
    expected = infer_design(parse_capture(raw, "requests.jsonl"))
    at = _open_evidence(open_app("orders_by_customer"))
    before = at.session_state["wb_design_json"]
    at.file_uploader(key="evidence.files").upload("requests.jsonl", raw, "application/jsonl").run()
    assert not at.exception
    success = " ".join(shown(s.value) for s in at.main.success)
    assert "240 requests" in success and f"{len(expected.patterns)} access patterns" in success, success
    patterns = at.main.dataframe[0].value
    assert sorted(patterns["pattern"]) == sorted(p.name for p in expected.patterns)
    assert at.session_state["wb_design_json"] == before  # nothing applied by the preview
    changes = at.main.dataframe[2].value  # patterns, notes, changes
    assert set(changes["pattern"]) == {"order history (Query)", "get order", "place order"}
    at.button(key="evidence.apply").click().run()
    assert not at.exception
    after = json.loads(at.session_state["wb_design_json"])
    rates = {p["name"]: p["requests_per_second"] for p in after["access_patterns"]}
    assert rates["order history (Query)"] == next(
        p.requests_per_second for p in expected.model.access_patterns if p.operation == "Query")
    at.sidebar.button(key="sidebar.undo").click().run()
    assert at.session_state["wb_design_json"] == before


def test_a_broken_capture_names_the_file_and_line_and_changes_nothing(open_app) -> None:
    at = _open_evidence(open_app("orders_by_customer"))
    before = at.session_state["wb_design_json"]
    at.file_uploader(key="evidence.files").upload("cut.jsonl", b'{"operation": "GetItem", "time": "2026-01-01T00:00:00Z"}\n{"oper',
                                                  "application/jsonl").run()
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.main.error)
    assert "cut.jsonl" in errors and "line 2" in errors, errors
    assert at.session_state["wb_design_json"] == before
