"""Item collections sandbox (issue 11): one sandbox per design shared read-only by every session, a private copy
per session only once it writes; no session sees or changes another's writes, and the shared one never changes."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from engine.io import dump_model, load_sample
from engine.sandbox import Sandbox
from ui.sandbox_runs import READ_OPERATIONS, SANDBOX, private_copy

W = "w."
RUN = "FormSubmitter:form.sandbox-Run on the sandbox"
KEY = {"PK": {"S": "SHARING#1"}, "SK": {"S": "TEST"}}


def _run(at: AppTest, operation: str, request: dict) -> AppTest:
    at.selectbox(key=f"{W}sandbox.operation").set_value(operation)
    at.text_area(key=f"{W}sandbox.request").input(json.dumps(request))
    at.button(key=RUN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _returned(at: AppTest) -> str:
    return " ".join(str(s.value) for s in at.main.success) + " ".join(str(e.value) for e in at.main.error)


def _fingerprint(sandbox: Sandbox) -> list:
    return [(name, sorted(json.dumps(r.item, sort_keys=True) for r in table.records()),
             [(i.name, i.item_count, i.size_bytes) for i in table.indexes])
            for name, table in sorted(sandbox.tables.items())]


def test_reads_share_one_sandbox_and_writes_stay_in_the_session(open_app) -> None:
    a = open_app("github_single_table", "tsharinga")
    b = open_app("github_single_table", "tsharingb")
    for at in (a, b):
        at.switch_page("views/collections_page.py").run()
        _run(at, "Scan", {"TableName": "GitHub", "Limit": 5})
        assert "returned 5 items" in _returned(at)
        assert at.session_state[SANDBOX][1] is None, "a session that only read holds a sandbox of its own"

    _run(a, "PutItem", {"TableName": "GitHub", "Item": {**KEY, "Note": {"S": "only in a"}}})
    assert a.session_state[SANDBOX][1] is not None
    _run(a, "GetItem", {"TableName": "GitHub", "Key": KEY})
    assert "returned 1 item" in _returned(a)
    assert any("only in a" in str(df.value.to_string()) for df in a.main.dataframe)

    _run(b, "GetItem", {"TableName": "GitHub", "Key": KEY})
    assert "returned 0 items" in _returned(b), "another session's write is visible"
    assert b.session_state[SANDBOX][1] is None

    a.button(key="sandbox.reset").click().run()
    _run(a, "GetItem", {"TableName": "GitHub", "Key": KEY})
    assert "returned 0 items" in _returned(a), "the reset kept the session's write"


def test_a_private_copy_shares_items_and_never_changes_the_shared_sandbox() -> None:
    shared = Sandbox.from_model(load_sample("github_single_table"))
    before = _fingerprint(shared)
    own = private_copy(shared)
    assert _fingerprint(own) == before
    record = next(own.tables["GitHub"].records())
    assert any(record.item is r.item for r in shared.tables["GitHub"].records()), "items are copied, not shared"

    own.call("PutItem", {"TableName": "GitHub", "Item": {**KEY, "GSI1PK": {"S": "X"}, "GSI1SK": {"S": "Y"}}})
    key = {k: record.item[k] for k in ("PK", "SK")}
    own.call("UpdateItem", {"TableName": "GitHub", "Key": key, "UpdateExpression": "SET Extra = :v",
                            "ExpressionAttributeValues": {":v": {"S": "changed"}}})
    own.call("DeleteItem", {"TableName": "GitHub", "Key": {k: v for k, v in key.items()}})
    own.call("DeleteTable", {"TableName": "Issues"})
    assert _fingerprint(shared) == before
    assert shared.call("GetItem", {"TableName": "GitHub", "Key": key}).get("Item") is not None
    assert own.call("GetItem", {"TableName": "GitHub", "Key": KEY})["Item"]["GSI1PK"] == {"S": "X"}


def test_read_operations_leave_a_sandbox_unchanged() -> None:
    model = load_sample("github_single_table")
    shared = Sandbox.from_model(model)
    before = _fingerprint(shared)
    key = {k: v for k, v in next(shared.tables["GitHub"].records()).item.items() if k in ("PK", "SK")}
    requests = {
        "GetItem": {"TableName": "GitHub", "Key": key},
        "Query": {"TableName": "GitHub", "KeyConditionExpression": "PK = :p",
                  "ExpressionAttributeValues": {":p": key["PK"]}},
        "Scan": {"TableName": "GitHub"},
        "BatchGetItem": {"RequestItems": {"GitHub": {"Keys": [key]}}},
        "TransactGetItems": {"TransactItems": [{"Get": {"TableName": "GitHub", "Key": key}}]},
        "DescribeTable": {"TableName": "GitHub"},
        "DescribeTimeToLive": {"TableName": "GitHub"},
        "ListTables": {},
    }
    assert set(requests) == READ_OPERATIONS
    for operation, request in requests.items():
        response = shared.call(operation, {**request, "ReturnConsumedCapacity": "INDEXES"}
                               if operation not in ("DescribeTable", "DescribeTimeToLive", "ListTables") else request)
        for item in response.get("Items", []) + [response.get("Item") or {}]:
            item.clear()  # a caller changing what it got back must not reach the stored items
    assert _fingerprint(shared) == before
    assert dump_model(model, "json")  # the design itself is untouched too
