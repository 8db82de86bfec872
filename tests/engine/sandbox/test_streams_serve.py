"""DynamoDB Streams through a real `ddb-workbench serve`: boto3's `dynamodbstreams` client on the same endpoint_url
as the `dynamodb` client (X-Amz-Target DynamoDBStreams_20120810.<Op>), one table per view type.

Sources: DG/Streams.html (INSERT / MODIFY / REMOVE per item change, view types, no record for a write that changes
nothing, per-item order); the DynamoDB Streams API reference and botocore's dynamodbstreams service-2.json
(request/response shapes, StreamArn 37..1024, ShardId 28..65, SequenceNumber 21..40, ShardIterator 1..2048
characters; the five iterator types); DG/time-to-live-ttl-streams.html and API_streams_Identity.html (a TTL
deletion is a REMOVE record by {Type: Service, PrincipalId: dynamodb.amazonaws.com}). Every raw response body is
checked against botocore's model (wire_shapes), since boto3's parser drops unknown keys and checks no length.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from wire_shapes import shape_problems

ROOT = Path(__file__).resolve().parents[3]
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
TTL_SWEEP_SECONDS = 0.1


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A `ddb-workbench serve --port 0` subprocess sweeping TTL every 0.1 s, with its request log."""
    log_path = tmp_path_factory.mktemp("serve") / "requests.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", "0", "--ttl-sweep", str(TTL_SWEEP_SECONDS),
         "--log", str(log_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), process.stderr.read()
        yield url, log_path
    finally:
        process.terminate()
        process.wait(timeout=10)


class ShapeChecks:
    """Checks every raw response body a client receives against the operation's output shape."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.problems: list[str] = []

    def __call__(self, http_response: Any, model: Any, **_: Any) -> None:
        if http_response.status_code != 200:
            return
        self.checked.append(model.name)
        raw = json.loads(http_response.content)
        self.problems += [f"{model.name}: {p}" for p in shape_problems(model.output_shape, raw)]


def _clients(url: str, checks: ShapeChecks) -> tuple[Any, Any]:
    options = {"endpoint_url": url, "region_name": "us-east-1", "aws_access_key_id": "x",
               "aws_secret_access_key": "y", "config": Config(retries={"max_attempts": 1})}
    dynamodb, streams = boto3.client("dynamodb", **options), boto3.client("dynamodbstreams", **options)
    for client in (dynamodb, streams):
        client.meta.events.register("after-call.*.*", checks)
    return dynamodb, streams


def _key(sk: str) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"S": sk}}


def _changes(dynamodb: Any, table: str) -> None:
    """Insert, modify (PutItem and UpdateItem), unchanged writes, remove, a transaction, a batch, a TTL expiry."""
    a1, a2 = {**_key("a"), "v": {"S": "1"}}, {**_key("a"), "v": {"S": "2"}}
    dynamodb.put_item(TableName=table, Item=a1)  # INSERT a
    dynamodb.put_item(TableName=table, Item=a2)  # MODIFY a
    dynamodb.update_item(TableName=table, Key=_key("a"), UpdateExpression="SET w = :w",
                         ExpressionAttributeValues={":w": {"N": "7"}})  # MODIFY a
    dynamodb.put_item(TableName=table, Item={**a2, "w": {"N": "7.0"}})  # the same item: no record
    dynamodb.update_item(TableName=table, Key=_key("a"), UpdateExpression="SET v = :v",
                         ExpressionAttributeValues={":v": {"S": "2"}})  # no change: no record
    dynamodb.delete_item(TableName=table, Key=_key("a"))  # REMOVE a
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": _key("t1")}},
                                                 {"Put": {"TableName": table, "Item": _key("t2")}}])
    dynamodb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": _key("b1")}},
                                                    {"DeleteRequest": {"Key": _key("t1")}}]})
    dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification={"Enabled": True,
                                                                           "AttributeName": "expires"})
    dynamodb.put_item(TableName=table, Item={**_key("e1"), "expires": {"N": str(int(time.time()) - 10)}})


EXPECTED = [("INSERT", "a"), ("MODIFY", "a"), ("MODIFY", "a"), ("REMOVE", "a"), ("INSERT", "t1"), ("INSERT", "t2"),
            ("INSERT", "b1"), ("REMOVE", "t1"), ("INSERT", "e1"), ("REMOVE", "e1")]


def _read_until(streams: Any, iterator: str, count: int, limit: int = 3, seconds: float = 15.0) -> list[dict]:
    """GetRecords pages of `limit` until `count` records arrived (the TTL sweep runs in the background)."""
    records: list[dict] = []
    deadline = time.monotonic() + seconds
    while len(records) < count and time.monotonic() < deadline:
        page = streams.get_records(ShardIterator=iterator, Limit=limit)
        records += page["Records"]
        iterator = page["NextShardIterator"]  # an open shard always has one
        if not page["Records"]:
            time.sleep(TTL_SWEEP_SECONDS)
    return records


def test_a_boto3_stream_consumer_reads_every_change_of_every_view_type(served) -> None:
    url, log_path = served
    checks = ShapeChecks()
    dynamodb, streams = _clients(url, checks)
    arns = {}
    for view_type in VIEW_TYPES:
        table = f"events_{view_type.lower()}"
        created = dynamodb.create_table(
            TableName=table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})["TableDescription"]
        assert created["TableStatus"] == "ACTIVE"
        assert created["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": view_type}
        assert created["LatestStreamArn"].endswith("/stream/" + created["LatestStreamLabel"])
        assert dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"] == created["LatestStreamArn"]
        arns[view_type] = created["LatestStreamArn"]
        _changes(dynamodb, table)

    listed = streams.list_streams()["Streams"]
    assert sorted(s["StreamArn"] for s in listed) == sorted(arns.values())
    for view_type, arn in arns.items():
        description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        assert (description["StreamStatus"], description["StreamViewType"]) == ("ENABLED", view_type)
        (shard,) = description["Shards"]
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]  # open
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = _read_until(streams, iterator, len(EXPECTED))
        assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in records] == EXPECTED, view_type
        for record in records:
            body = record["dynamodb"]
            has_new = view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and record["eventName"] != "REMOVE"
            has_old = view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and record["eventName"] != "INSERT"
            assert ("NewImage" in body, "OldImage" in body) == (has_new, has_old), (view_type, record)
            assert body["StreamViewType"] == view_type and record["eventSource"] == "aws:dynamodb"
            assert 21 <= len(body["SequenceNumber"]) <= 40 and body["SizeBytes"] >= 1
            assert 28 <= len(shard["ShardId"]) <= 65 and 37 <= len(arn) <= 1024 and len(iterator) <= 2048
        if view_type == "NEW_AND_OLD_IMAGES":
            update = records[2]["dynamodb"]
            assert update["OldImage"] == {**_key("a"), "v": {"S": "2"}}
            assert update["NewImage"] == {**_key("a"), "v": {"S": "2"}, "w": {"N": "7"}}
        service = [r for r in records if "userIdentity" in r]
        assert service == [records[-1]]  # only the TTL deletion
        assert records[-1]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}

    assert checks.problems == [] and {"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords",
                                      "CreateTable", "DescribeTable"} <= set(checks.checked)
    logged = [json.loads(line) for line in log_path.read_text().splitlines()]
    reads = [line for line in logged if line["operation"] == "GetRecords"]
    assert reads and {line["table"] for line in reads} == {f"events_{v.lower()}" for v in VIEW_TYPES}


def test_each_iterator_type_and_the_errors_through_boto3(served) -> None:
    url, _ = served
    checks = ShapeChecks()
    dynamodb, streams = _clients(url, checks)
    arn = dynamodb.create_table(
        TableName="iterators", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    def iterator(kind: str, **extra: Any) -> str:
        return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]

    for name in ("k1", "k2", "k3"):
        dynamodb.put_item(TableName="iterators", Item={"pk": {"S": name}})
    latest = iterator("LATEST")
    dynamodb.put_item(TableName="iterators", Item={"pk": {"S": "k4"}})
    everything = streams.get_records(ShardIterator=iterator("TRIM_HORIZON"))["Records"]
    sequence = [r["dynamodb"]["SequenceNumber"] for r in everything]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in everything] == ["k1", "k2", "k3", "k4"]

    def names(position: str) -> list[str]:
        return [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=position)["Records"]]

    assert names(latest) == ["k4"]
    assert names(iterator("AT_SEQUENCE_NUMBER", SequenceNumber=sequence[1])) == ["k2", "k3", "k4"]
    assert names(iterator("AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence[1])) == ["k3", "k4"]
    assert names(iterator("AT_TIMESTAMP", Timestamp=time.time() - 60)) == ["k1", "k2", "k3", "k4"]
    with pytest.raises(streams.exceptions.ClientError) as caught:
        iterator("BOGUS")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn=arn.replace("iterators", "nothing"))
    dynamodb.update_table(TableName="iterators", StreamSpecification={"StreamEnabled": False})
    closed = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert closed["StreamStatus"] == "DISABLED"
    assert closed["Shards"][0]["SequenceNumberRange"]["EndingSequenceNumber"] == sequence[-1]
    last_page = streams.get_records(ShardIterator=iterator("AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence[-1]))
    assert last_page["Records"] == [] and "NextShardIterator" not in last_page  # closed and read to its end
    assert checks.problems == [] and "GetRecords" in checks.checked
