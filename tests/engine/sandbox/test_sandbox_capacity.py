"""DOMAIN.md §2 through the sandbox API with ReturnConsumedCapacity=INDEXES: every rule as
(request, expected units per arm), in process and through boto3 against `serve` over HTTP."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st
from sandbox_rules import CASES, TABLE, Case, arms_of, create_rules_table, sized

from engine.sandbox import Sandbox, SandboxError
from engine.sandbox.server import RequestLog, start_in_thread


def _first(consumed):
    return consumed[0] if isinstance(consumed, list) else consumed


def _assert_arms(case: Case, consumed) -> None:
    table, gsi, lsi = arms_of(_first(consumed))
    assert table == pytest.approx(case.table), f"{case.id}: table arm ({case.source})"
    assert gsi == pytest.approx(case.gsi), f"{case.id}: GSI arms ({case.source})"
    assert lsi == pytest.approx(case.lsi), f"{case.id}: LSI arms ({case.source})"
    total = _first(consumed)["CapacityUnits"]
    assert total == pytest.approx(case.table + sum(case.gsi.values()) + sum(case.lsi.values()))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_in_process(case: Case) -> None:
    sandbox = case.sandbox()
    request = {**case.request, "ReturnConsumedCapacity": "INDEXES"}
    if case.error:
        with pytest.raises(SandboxError) as caught:
            sandbox.call(case.operation, request)
        assert caught.value.code == case.error, caught.value.message
        if case.error != "ValidationException":  # what the failed request still consumed
            _assert_arms(case, caught.value.consumed_capacity)
        return
    response = sandbox.call(case.operation, request)
    _assert_arms(case, response["ConsumedCapacity"])
    if case.check:
        case.check(response)


def test_total_mode_has_no_arms() -> None:
    case = next(c for c in CASES if c.id == "transact index arms not doubled")
    response = case.sandbox().call(case.operation, {**case.request, "ReturnConsumedCapacity": "TOTAL"})
    assert response["ConsumedCapacity"] == [{"TableName": TABLE, "CapacityUnits": 9.0, "WriteCapacityUnits": 9.0}]
    assert "ConsumedCapacity" not in case.sandbox().call(case.operation, case.request)


def test_only_transactions_split_read_and_write_units() -> None:
    """Real DynamoDB returns the Read/WriteCapacityUnits split on transactions only
    (paritysuite/dynamodb-conformance#69, characterised against AWS)."""
    case = next(c for c in CASES if c.id == "get 8KB strong")
    response = case.sandbox().call(case.operation, {**case.request, "ReturnConsumedCapacity": "INDEXES"})
    assert response["ConsumedCapacity"] == {"TableName": TABLE, "CapacityUnits": 2.0, "Table": {"CapacityUnits": 2.0}}
    case = next(c for c in CASES if c.id == "transact gets doubled")
    response = case.sandbox().call(case.operation, {**case.request, "ReturnConsumedCapacity": "INDEXES"})
    assert response["ConsumedCapacity"] == [{"TableName": TABLE, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0,
                                             "Table": {"CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}}]


@pytest.fixture(scope="module")
def http():
    """`serve` in a thread on a free 127.0.0.1 port, a boto3 client and the request log."""
    log = io.StringIO()
    server = start_in_thread(Sandbox(), "127.0.0.1", 0, RequestLog(log))
    client = boto3.client(
        "dynamodb", endpoint_url=server.url, region_name="us-east-1", aws_access_key_id="any",
        aws_secret_access_key="any", config=Config(retries={"max_attempts": 1}))
    yield server, client, log
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_over_http(case: Case, http) -> None:
    server, client, log = http
    server.sandbox = case.sandbox()
    request = {**case.request, "ReturnConsumedCapacity": "INDEXES"}
    if case.error:
        with pytest.raises(ClientError) as caught:
            client._make_api_call(case.operation, request)
        assert caught.value.response["Error"]["Code"] == case.error
        if case.error != "ValidationException":
            # DynamoDB's error responses carry no ConsumedCapacity: the sandbox logs the charge.
            logged = json.loads(log.getvalue().splitlines()[-1])
            assert logged["error"] == case.error
            expected = {TABLE: case.table, **{f"{TABLE}#{n}": u for n, u in {**case.gsi, **case.lsi}.items()}}
            assert logged["consumed_capacity"] == pytest.approx(expected)
        return
    response = client._make_api_call(case.operation, request)
    _assert_arms(case, response["ConsumedCapacity"])
    if case.check:
        case.check(response)
    logged = json.loads(log.getvalue().splitlines()[-1])
    assert logged["operation"] == case.operation
    assert sum(logged["consumed_capacity"].values()) == pytest.approx(_first(response["ConsumedCapacity"])["CapacityUnits"])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=40, max_value=400 * 1024), min_size=0, max_size=12), st.booleans())
def test_paging_matches_the_capacity_engine(sizes: list[int], consistent: bool) -> None:
    """Reading a partition page by page costs what engine.capacity.query_read_units says for the same
    evaluated sizes (1 MB pages, each rounded once, DOMAIN.md §2): two implementations of one rule."""
    from engine.capacity import query_read_units

    sandbox = Sandbox()
    create_rules_table(sandbox)
    sandbox.load_items(TABLE, [sized(size, "p", f"{i:03d}") for i, size in enumerate(sizes)])
    total, start, seen = 0.0, None, 0
    while True:
        page = sandbox.call("Query", {"TableName": TABLE, "KeyConditionExpression": "pk = :p",
                                      "ExpressionAttributeValues": {":p": {"S": "p"}}, "ConsistentRead": consistent,
                                      "ReturnConsumedCapacity": "TOTAL", **({"ExclusiveStartKey": start} if start else {})})
        total += page["ConsumedCapacity"]["CapacityUnits"]
        seen += page["Count"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == len(sizes)
    assert total == pytest.approx(query_read_units(sizes, "strong" if consistent else "eventual"))


def test_the_failed_conditional_write_rule_is_a_labelled_assumption_citing_both_pages() -> None:
    """Issue 14: the two developer-guide pages disagree; the rule used is shown to the user with both sources."""
    from engine.capacity import ASSUMPTIONS as CAPACITY_ASSUMPTIONS
    from engine.sandbox import ASSUMPTIONS

    for assumptions in (ASSUMPTIONS, CAPACITY_ASSUMPTIONS):
        rule = next(a for a in assumptions if a.startswith("Failed conditional write"))
        assert "DG/WorkingWithItems.html" in rule and "DG/read-write-operations.html" in rule
        assert "existing item's size" in rule
