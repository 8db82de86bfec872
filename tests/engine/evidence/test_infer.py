"""`ddb-workbench infer`: designs from captured traffic (issue 15).

Captures come from real boto3 sessions against the sandbox's HTTP endpoint with its request log (the log written
by the server itself), and from CloudTrail records written after the examples in the DynamoDB Developer Guide,
"Understanding DynamoDB log file entries" (PutItem, UpdateItem; GetItem and Query in the same shape). The inferred
design must validate and evaluate, and the capacity it predicts for the captured traffic must match the capacity
the log recorded.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import boto3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluate import evaluate
from engine.evidence.capture import CaptureError, read_capture, read_captures
from engine.evidence.traffic import InferError, fit_keys, infer_design
from engine.sandbox import Sandbox
from engine.sandbox.server import RequestLog, start_in_thread

ROOT = Path(__file__).resolve().parents[3]
CUSTOMERS = 40
ORDERS_PER_CUSTOMER = 10
QUERIES = 1200
ZIPF_S = 1.0


def _zipf_choices(rng: random.Random, keys: list[str], s: float, n: int) -> list[str]:
    weights = [1 / (r + 1) ** s for r in range(len(keys))]
    return rng.choices(keys, weights, k=n)


@pytest.fixture(scope="module")
def captured(tmp_path_factory) -> Path:
    """An application's session against the endpoint: create a table with a GSI, put orders, read them by
    customer (Zipf-skewed), by status on the GSI, get and update single orders, with the server's own log."""
    path = tmp_path_factory.mktemp("capture") / "requests.jsonl"
    stream = path.open("w", encoding="utf-8")
    server = start_in_thread(Sandbox(), request_log=RequestLog(stream))
    try:
        host, port = server.server_address[:2]
        client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="y")
        client.create_table(
            TableName="Shop", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "Status")],
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "ByStatus", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "Status", "KeyType": "HASH"},
                                                   {"AttributeName": "SK", "KeyType": "RANGE"}]}])
        rng = random.Random(7)
        customers = [f"CUST#{n:04d}" for n in range(CUSTOMERS)]
        for c in customers:
            for o in range(ORDERS_PER_CUSTOMER):
                client.put_item(TableName="Shop", Item={
                    "PK": {"S": c}, "SK": {"S": f"ORDER#{o:05d}"}, "Status": {"S": rng.choice(["OPEN", "SHIPPED"])},
                    "Total": {"N": str(1000 + o)}, "Note": {"S": "x" * 40}})
        for c in _zipf_choices(rng, customers, ZIPF_S, QUERIES):
            client.query(TableName="Shop", KeyConditionExpression="PK = :c AND begins_with(SK, :o)",
                         ExpressionAttributeValues={":c": {"S": c}, ":o": {"S": "ORDER#"}}, ConsistentRead=True,
                         ReturnConsumedCapacity="TOTAL")
        for _ in range(60):
            client.query(TableName="Shop", IndexName="ByStatus", KeyConditionExpression="#s = :s",
                         ExpressionAttributeNames={"#s": "Status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}},
                         Limit=20)
        for _ in range(300):
            c = rng.choice(customers)
            client.get_item(TableName="Shop", Key={"PK": {"S": c}, "SK": {"S": f"ORDER#{rng.randrange(10):05d}"}})
        for _ in range(100):
            client.update_item(TableName="Shop", Key={"PK": {"S": rng.choice(customers)}, "SK": {"S": "ORDER#00001"}},
                               UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "Total"},
                               ExpressionAttributeValues={":t": {"N": str(2000 + rng.randrange(7000))}})
    finally:
        server.shutdown()
        server.server_close()
        stream.close()
    return path


WINDOW_S = 600.0


@pytest.fixture(scope="module")
def inferred(captured):
    return infer_design(read_captures([captured]), window_seconds=WINDOW_S, scale=3.0)


def test_tables_indexes_and_entities_come_out_as_the_application_used_them(inferred) -> None:
    model = inferred.model
    (table,) = model.tables
    assert (table.name, table.partition_key.name, table.sort_key.name) == ("Shop", "PK", "SK")
    assert [(g.name, g.partition_key.name, g.sort_key.name) for g in table.gsis] == [("ByStatus", "Status", "SK")]
    (order,) = model.entities
    assert order.name == "Order"
    assert {k.attribute: k.template for k in order.keys}["PK"] == "CUST#{cust_id}"
    assert {a.name for a in order.attributes} >= {"Total", "Note"}
    assert order.item_count == CUSTOMERS * ORDERS_PER_CUSTOMER


def test_patterns_are_grouped_by_shape_with_rates_over_the_window_times_scale(inferred) -> None:
    by_op = Counter((p.operation, p.index) for p in inferred.model.access_patterns)
    assert by_op == {("PutItem", None): 1, ("Query", None): 1, ("Query", "ByStatus"): 1, ("GetItem", None): 1,
                     ("UpdateItem", None): 1}
    query = next(p for p in inferred.model.access_patterns if p.operation == "Query" and p.index is None)
    assert query.requests_per_second == pytest.approx(QUERIES / WINDOW_S * 3.0)
    assert query.consistency == "strong"
    assert query.key_condition.sort_key.operator == "begins_with" and query.key_condition.sort_key.value == "ORDER#"
    assert query.items_per_request == pytest.approx(ORDERS_PER_CUSTOMER)
    update = next(p for p in inferred.model.access_patterns if p.operation == "UpdateItem")
    assert update.changed_attributes == ("Total",)
    by_status = next(p for p in inferred.model.access_patterns if p.index == "ByStatus")
    assert by_status.consistency == "eventual" and by_status.items_per_request <= 20


def test_the_fitted_zipf_exponent_recovers_the_skew_the_client_drew(inferred) -> None:
    evidence = next(p for p in inferred.patterns if p.name.startswith("query") and "ByStatus" not in p.shape)
    fit = evidence.key_fit
    assert fit.distinct_keys == CUSTOMERS and fit.requests == QUERIES
    assert fit.zipf_exponent == pytest.approx(ZIPF_S, abs=0.15)
    assert fit.ks_distance < fit.uniform_ks_distance
    assert fit.hot_keys[0][0] == "CUST#0000" and fit.hot_keys[0][1] > 0.15  # rank 1 of 40 at s=1: 23%


def test_the_capacity_the_design_predicts_matches_the_capacity_the_log_recorded(inferred) -> None:
    """Every pattern: consumed capacity recorded by the server per second (times the scale) against the inferred
    design's evaluation of the same rates. Item sizes here are alike within a few bytes, so the engine's
    mean-based estimate meets the measured units to within 1%."""
    checked = [p for p in inferred.patterns if p.recorded_units_per_second is not None]
    assert len(checked) == 5
    for p in checked:
        assert p.predicted_units_per_second == pytest.approx(p.recorded_units_per_second, rel=0.01), p.name
    evaluate(inferred.model)  # the design evaluates


def test_the_infer_command_writes_a_design_that_validates_and_reports_json(captured, tmp_path) -> None:
    out = tmp_path / "inferred.yaml"
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "infer", str(captured), "--window", "600", "-o",
                           str(out), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["requests"] > QUERIES and report["window_seconds"] == 600
    assert report["recorded_units_per_second"] == pytest.approx(report["predicted_units_per_second"], rel=0.01)
    check = subprocess.run([sys.executable, "-m", "engine.cli", "validate", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr


# ----------------------------------------------------------------------------- CloudTrail


def _event(name: str, params: dict, second: int, error: str | None = None) -> dict:
    """A data event in the shape of the guide's examples (eventVersion 1.06+, eventCategory Data)."""
    event = {"eventVersion": "1.08", "eventTime": f"2026-11-30T10:{second // 60:02d}:{second % 60:02d}Z",
             "eventSource": "dynamodb.amazonaws.com", "eventName": name, "awsRegion": "eu-west-1",
             "sourceIPAddress": "192.0.2.0", "userAgent": "aws-cli/2", "requestParameters": params,
             "responseElements": None, "readOnly": name in ("GetItem", "Query"), "eventType": "AwsApiCall",
             "managementEvent": False, "recipientAccountId": "111122223333", "eventCategory": "Data"}
    if error:
        event["errorCode"] = error
        event["errorMessage"] = "The conditional request failed"
    return event


def _cloudtrail_records() -> list[dict]:
    rng = random.Random(3)
    records = []
    for i in range(200):
        artist = f"ARTIST#{rng.randrange(20):02d}"
        records.append(_event("PutItem", {"tableName": "Music", "key": {"Artist": artist, "SongTitle": f"SONG#{i}"},
                                          "item": ["Artist", "SongTitle", "AlbumTitle"],
                                          "returnConsumedCapacity": "TOTAL"}, i))
        records.append(_event("Query", {"tableName": "Music", "keyConditionExpression": "Artist = :a",
                                        "consistentRead": False}, i))
        if i % 4 == 0:
            records.append(_event("UpdateItem", {
                "tableName": "Music", "key": {"Artist": artist, "SongTitle": f"SONG#{i}"},
                "updateExpression": "SET #Y = :y, #AT = :t", "expressionAttributeNames": {"#Y": "Year",
                                                                                         "#AT": "AlbumTitle"},
                "conditionExpression": "attribute_not_exists(#Y)"}, i,
                error="ConditionalCheckFailedException" if i % 8 == 0 else None))
    records.append({"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "eventTime": "2026-11-30T10:00:00Z"})
    return records


def test_cloudtrail_records_give_tables_patterns_and_say_what_they_cannot(tmp_path) -> None:
    path = tmp_path / "trail.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": _cloudtrail_records()}).encode()))
    result = infer_design(read_captures([path]))
    (table,) = result.model.tables
    assert (table.name, table.partition_key.name, table.sort_key.name) == ("Music", "Artist", "SongTitle")
    assert result.model.region == "eu-west-1"
    ops = {p.operation: p for p in result.model.access_patterns}
    assert set(ops) == {"PutItem", "Query", "UpdateItem"}
    assert ops["PutItem"].requests_per_second == pytest.approx(200 / result.window_seconds)
    assert ops["UpdateItem"].condition_failure_share == pytest.approx(0.5)
    assert ops["UpdateItem"].changed_attributes == ("Year", "AlbumTitle")
    not_inferred = [n for n in result.notes if n.kind == "not inferred"]
    assert any("item sizes" in n.what for n in not_inferred)
    assert all(p.recorded_units_per_second is None for p in result.patterns)
    evaluate(result.model)


def test_cloudtrail_events_one_per_line_read_like_a_log_file(tmp_path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _cloudtrail_records()))
    assert len(read_capture(path)) == len(_cloudtrail_records()) - 1  # the S3 event is not DynamoDB's


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b'{"operation": "GetItem", "time": "2026-01-01T00:00:00Z", "table": "T"}\n{"eventSource": "dynamodb.amazonaws.com"}\n',
     "keep each source in its own file"),
    (b'{"operation": "GetItem", "time": "2026-01-01T00:00:00Z"}\n{"operation": "Get', "line 2"),
    (b"\xff\xfe\x00\x01", "not UTF-8"),
    (gzip.compress(b'{"operation": "GetItem"}\n' * 50, mtime=0)[:40], "gzip"),
    (b'{"hello": 1}\n', "neither"),
    (b'{"operation": "GetItem", "time": "yesterday", "table": "T"}\n', "ISO 8601"),
], ids=["empty", "mixed", "cut-line", "not-utf8", "cut-gzip", "unknown", "bad-time"])
def test_bad_captures_get_a_message_naming_the_file_line_and_fix(tmp_path, content, expected) -> None:
    path = tmp_path / "capture.jsonl"
    path.write_bytes(content)
    with pytest.raises(CaptureError, match=expected) as info:
        read_capture(path)
    assert str(path) in str(info.value)


def test_a_line_over_the_cap_is_refused_without_reading_it_as_json(tmp_path, monkeypatch) -> None:
    import engine.evidence.capture as capture

    monkeypatch.setattr(capture, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "capture.jsonl"
    path.write_text('{"operation": "GetItem", "pad": "' + "x" * 2000 + '"}\n')
    with pytest.raises(CaptureError, match="a line of 2,0"):
        read_capture(path)


def test_a_capture_of_one_instant_needs_a_window(tmp_path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"operation": "GetItem", "time": "2026-01-01T00:00:00Z", "table": "Tbl",
                                "key": {"PK": {"S": "A#1"}}}) + "\n")
    with pytest.raises(InferError, match="--window"):
        infer_design(read_captures([path]))
    assert infer_design(read_captures([path]), window_seconds=10).model.access_patterns[0].requests_per_second == 0.1


def test_the_cli_refuses_a_bad_scale_before_reading_anything(captured) -> None:
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "infer", str(captured), "--scale", "-2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--scale" in proc.stderr


# ----------------------------------------------------------------------------- the fit itself


@settings(max_examples=25, deadline=None)
@given(s=st.floats(min_value=0.6, max_value=2.0), keys=st.integers(min_value=20, max_value=200),
       seed=st.integers(min_value=0, max_value=10_000))
def test_zipf_fit_recovers_the_exponent_of_zipf_draws(s, keys, seed) -> None:
    """Maximum likelihood over observed ranks: 20,000 Zipf draws give back their exponent within 0.1."""
    rng = random.Random(seed)
    names = [f"K{r}" for r in range(keys)]
    fit = fit_keys(Counter(_zipf_choices(rng, names, s, 20_000)))
    assert fit.zipf_exponent is not None
    assert math.isclose(fit.zipf_exponent, s, abs_tol=0.1)


def test_uniform_traffic_is_reported_as_uniform() -> None:
    rng = random.Random(1)
    fit = fit_keys(Counter(rng.choice([f"K{r}" for r in range(50)]) for _ in range(20_000)))
    assert fit.zipf_exponent is None and not fit.hot_keys


def test_the_log_record_keeps_shapes_not_written_items() -> None:
    """The request log holds the shape parameters; a PutItem's item appears only among the few items logged
    (never as a request parameter), and ExpressionAttributeValues are dropped when large."""
    log = io.StringIO()
    server = start_in_thread(Sandbox(), request_log=RequestLog(log))
    try:
        host, port = server.server_address[:2]
        client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="y")
        client.create_table(TableName="Tbl", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}])
        client.put_item(TableName="Tbl", Item={"PK": {"S": "A#1"}, "Doc": {"S": "y" * 5000}})
        client.query(TableName="Tbl", KeyConditionExpression="PK = :p", FilterExpression="begins_with(Doc, :big)",
                     ExpressionAttributeValues={":p": {"S": "A#1"}, ":big": {"S": "z" * 5000}})
    finally:
        server.shutdown()
        server.server_close()
    put, query = (json.loads(line) for line in log.getvalue().splitlines()[1:])
    assert "Item" not in put["request"] and put["item_sizes"] == [len("PK") + len("A#1") + len("Doc") + 5000]
    assert "ExpressionAttributeValues" not in query["request"]
    assert query["key_schema"] == {"partition_key": {"name": "PK", "type": "S"}}


def test_infer_with_a_design_applies_the_observed_figures_and_lists_the_changes(captured, tmp_path) -> None:
    """--design: the patterns each request shape matches take the observed rate, items per request and key
    distribution; shapes matching nothing are listed, not applied."""
    from engine.io import dump_model
    from engine.model import parse_model

    result = infer_design(read_captures([captured]), window_seconds=WINDOW_S)
    mine = result.model.model_dump(mode="json", exclude_none=True)
    mine["access_patterns"] = [{**p, "requests_per_second": 1.0} for p in mine["access_patterns"]
                               if p["operation"] != "GetItem"]
    design = tmp_path / "mine.yaml"
    design.write_text(dump_model(parse_model(mine, source="mine"), "yaml"))
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "infer", str(captured), "--window", "600", "--design",
                           str(design), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    changed = {(c["pattern"], c["field"]) for c in out["changes"]}
    query = next(p for p in result.model.access_patterns if p.operation == "Query" and p.index is None)
    assert (query.name, "requests_per_second") in changed
    assert any("GetItem" in u for u in out["unmatched"])
    rates = {p["name"]: p["requests_per_second"] for p in out["design"]["access_patterns"]}
    assert rates[query.name] == pytest.approx(QUERIES / WINDOW_S)
