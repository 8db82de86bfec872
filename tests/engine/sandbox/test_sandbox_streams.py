"""DynamoDB Streams and TTL in the sandbox, through `Sandbox.call(..., service=STREAMS)` on a settable clock.

Sources: DG/Streams.html (a record per item change, INSERT/MODIFY/REMOVE, view types, no record for a write that
changes nothing, per-item order, 24-hour retention); the DynamoDB Streams API reference and botocore's
dynamodbstreams model (ListStreams, DescribeStream, GetShardIterator, GetRecords shapes and length limits; 1,000
records or 1 MB per GetRecords; iterators expire after 15 minutes; ExpiredIterator, TrimmedDataAccess,
ResourceNotFound, LimitExceeded); API_streams_GetRecords.html's example (a KEYS_ONLY record of ForumName
"DynamoDB" / Subject "DynamoDB Thread 3" is 41 bytes); API_UpdateTable.html (enabling an enabled stream or
disabling a missing one is a ValidationException); API_DeleteTable.html (the stream turns DISABLED and is
deleted after 24 hours); API_UpdateTimeToLive.html and DG/time-to-live-ttl-streams.html with
API_streams_Identity.html (TTL deletions are REMOVE records by {Type: Service, PrincipalId:
dynamodb.amazonaws.com}; one TTL change per hour).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from wire_shapes import output_shape, shape_problems

from engine.io import load_model_or_sample
from engine.itemsize import item_size_bytes
from engine.sandbox import STREAMS, Sandbox, SandboxError
from engine.sandbox.streams import SEQUENCE_BASE

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
START = 1_700_000_000.75  # a clock reading with a fraction: ApproximateCreationDateTime rounds it down


class Clock:
    """A sandbox clock the test moves by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _checked(service: str, operation: str, response: dict[str, Any]) -> dict[str, Any]:
    wire = json.loads(json.dumps(response))  # what the server would send
    problems = shape_problems(output_shape(service, operation), wire)
    assert not problems, problems
    return response


def ddb(sandbox: Sandbox, operation: str, **request: Any) -> dict[str, Any]:
    response = sandbox.call(operation, request)
    if operation in ("CreateTable", "DescribeTable", "UpdateTable", "DeleteTable", "UpdateTimeToLive",
                     "DescribeTimeToLive"):
        _checked("dynamodb", operation, response)
    return response


def streams(sandbox: Sandbox, operation: str, **request: Any) -> dict[str, Any]:
    return _checked("dynamodbstreams", operation, sandbox.call(operation, request, service=STREAMS))


def _error(code: str, call, *args, **kwargs) -> SandboxError:
    with pytest.raises(SandboxError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def make_table(sandbox: Sandbox, name: str = "tbl", view_type: str | None = "NEW_AND_OLD_IMAGES",
               **extra: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}], **extra}
    if view_type is not None:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    return ddb(sandbox, "CreateTable", **request)["TableDescription"]


def item(sk: str, **attrs: str) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}


def key(sk: str) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"S": sk}}


def shard_of(sandbox: Sandbox, arn: str) -> str:
    return streams(sandbox, "DescribeStream", StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def iterator(sandbox: Sandbox, arn: str, kind: str = "TRIM_HORIZON", **extra: Any) -> str:
    return streams(sandbox, "GetShardIterator", StreamArn=arn, ShardId=shard_of(sandbox, arn),
                   ShardIteratorType=kind, **extra)["ShardIterator"]


def read_all(sandbox: Sandbox, arn: str, start: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Every record from `start` (default TRIM_HORIZON) until a page comes back empty or the shard ends."""
    position = start or iterator(sandbox, arn)
    out: list[dict[str, Any]] = []
    while position is not None:
        page = streams(sandbox, "GetRecords", ShardIterator=position, Limit=limit)
        out += page["Records"]
        if not page["Records"]:
            break
        position = page.get("NextShardIterator")
    return out


# ------------------------------------------------------------------------------------------ records per change
@pytest.mark.parametrize("view_type", VIEW_TYPES)
def test_each_change_is_one_record_with_the_view_types_images(view_type: str) -> None:
    """DG/Streams.html: INSERT, MODIFY, REMOVE per item change, images as the view type says; a PutItem or
    UpdateItem changing nothing, a delete of a missing item and a failed condition write no record."""
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox, view_type=view_type)["LatestStreamArn"]
    first, second = item("a", v="1"), item("a", v="2")
    ddb(sandbox, "PutItem", TableName="tbl", Item=first)  # INSERT
    clock.now += 1.5
    ddb(sandbox, "PutItem", TableName="tbl", Item=first)  # unchanged: no record
    ddb(sandbox, "PutItem", TableName="tbl", Item=second)  # MODIFY
    ddb(sandbox, "UpdateItem", TableName="tbl", Key=key("a"), UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"S": "2"}})  # unchanged: no record
    ddb(sandbox, "UpdateItem", TableName="tbl", Key=key("a"), UpdateExpression="SET w = :w",
        ExpressionAttributeValues={":w": {"S": "x"}})  # MODIFY
    _error("ConditionalCheckFailedException", ddb, sandbox, "PutItem", TableName="tbl", Item=first,
           ConditionExpression="attribute_not_exists(pk)")
    ddb(sandbox, "DeleteItem", TableName="tbl", Key=key("a"))  # REMOVE
    ddb(sandbox, "DeleteItem", TableName="tbl", Key=key("a"))  # nothing to delete: no record
    records = read_all(sandbox, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "MODIFY", "REMOVE"]
    third = {**second, "w": {"S": "x"}}
    befores, afters = [None, first, second, third], [first, second, third, None]
    for record, before, after in zip(records, befores, afters, strict=True):
        body = record["dynamodb"]
        assert body["Keys"] == key("a") and body["StreamViewType"] == view_type
        wants_new = view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and after is not None
        wants_old = view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and before is not None
        assert body.get("NewImage") == (after if wants_new else None)
        assert body.get("OldImage") == (before if wants_old else None)
        shown = [body[k] for k in ("Keys", "NewImage", "OldImage") if k in body]
        assert body["SizeBytes"] == sum(item_size_bytes(i) for i in shown)  # the sandbox's stated rule
        assert (record["eventSource"], record["awsRegion"], record["eventVersion"]) == ("aws:dynamodb",
                                                                                       "us-east-1", "1.1")
        assert "userIdentity" not in record  # written by a caller, not by the TTL service
    assert [r["dynamodb"]["ApproximateCreationDateTime"] for r in records] == [math.floor(START)] + \
        [math.floor(START + 1.5)] * 3  # epoch seconds rounded down (API_streams_StreamRecord.html)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 4
    assert len({r["eventID"] for r in records}) == 4


def test_the_api_references_keys_only_example_is_41_bytes() -> None:
    """API_streams_GetRecords.html: the KEYS_ONLY record of Forum's ("DynamoDB", "DynamoDB Thread 3") has
    SizeBytes 41, the item size of its keys; SequenceNumber 21 digits like the example's."""
    sandbox = Sandbox()
    table = ddb(sandbox, "CreateTable", TableName="Forum", BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "ForumName", "KeyType": "HASH"},
                           {"AttributeName": "Subject", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "ForumName", "AttributeType": "S"},
                                      {"AttributeName": "Subject", "AttributeType": "S"}],
                StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    ddb(sandbox, "PutItem", TableName="Forum", Item={"ForumName": {"S": "DynamoDB"},
                                                     "Subject": {"S": "DynamoDB Thread 3"},
                                                     "Body": {"S": "not in a KEYS_ONLY record"}})
    (record,) = read_all(sandbox, table["LatestStreamArn"])
    assert record["dynamodb"]["SizeBytes"] == 41
    assert len(record["dynamodb"]["SequenceNumber"]) == 21


def test_transactions_and_batches_write_one_record_per_item_in_order() -> None:
    """Each changed item of a TransactWriteItems or BatchWriteItem is its own record (DG/Streams.html); a
    ConditionCheck changes nothing and a cancelled transaction writes nothing."""
    sandbox = Sandbox()
    arn = make_table(sandbox)["LatestStreamArn"]
    other = make_table(sandbox, "other", view_type="KEYS_ONLY")["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("old", v="1"))
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("check"))
    ddb(sandbox, "TransactWriteItems", TransactItems=[
        {"Put": {"TableName": "tbl", "Item": item("new")}},
        {"Update": {"TableName": "tbl", "Key": key("old"), "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "2"}}}},
        {"ConditionCheck": {"TableName": "tbl", "Key": key("check"), "ConditionExpression": "attribute_exists(pk)"}},
        {"Put": {"TableName": "other", "Item": item("x")}}])
    _error("TransactionCanceledException", ddb, sandbox, "TransactWriteItems", TransactItems=[
        {"Put": {"TableName": "tbl", "Item": item("never")}},
        {"ConditionCheck": {"TableName": "tbl", "Key": key("check"),
                            "ConditionExpression": "attribute_not_exists(pk)"}}])
    ddb(sandbox, "BatchWriteItem", RequestItems={
        "tbl": [{"DeleteRequest": {"Key": key("new")}}, {"PutRequest": {"Item": item("b1")}},
              {"DeleteRequest": {"Key": key("absent")}}],
        "other": [{"DeleteRequest": {"Key": key("x")}}]})
    got = [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in read_all(sandbox, arn)]
    assert got == [("INSERT", "old"), ("INSERT", "check"), ("INSERT", "new"), ("MODIFY", "old"),
                   ("REMOVE", "new"), ("INSERT", "b1")]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["sk"]["S"]) for r in read_all(sandbox, other)] == [
        ("INSERT", "x"), ("REMOVE", "x")]


def test_per_item_order_holds_across_many_interleaved_writes() -> None:
    """DG/Streams.html: for each item, the records appear in the order of its modifications."""
    sandbox = Sandbox()
    arn = make_table(sandbox, view_type="NEW_IMAGE")["LatestStreamArn"]
    for step in range(30):
        ddb(sandbox, "PutItem", TableName="tbl", Item=item(f"k{step % 4}", v=str(step)))
    by_item: dict[str, list[int]] = {}
    for record in read_all(sandbox, arn, limit=7):
        by_item.setdefault(record["dynamodb"]["Keys"]["sk"]["S"], []).append(
            int(record["dynamodb"]["NewImage"]["v"]["S"]))
    assert by_item == {f"k{i}": list(range(i, 30, 4)) for i in range(4)}


# ---------------------------------------------------------------------------------------- iterators, paging
def test_every_iterator_type_starts_where_documented() -> None:
    """API_streams_GetShardIterator.html: TRIM_HORIZON the oldest record, LATEST just after the newest,
    AT_/AFTER_SEQUENCE_NUMBER at / right after a record, AT_TIMESTAMP the first record at or after the time."""
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox)["LatestStreamArn"]
    for i in range(3):
        ddb(sandbox, "PutItem", TableName="tbl", Item=item(f"a{i}"))
        clock.now += 10
    latest = iterator(sandbox, arn, "LATEST")
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("after-latest"))
    records = read_all(sandbox, arn)
    sequence = [r["dynamodb"]["SequenceNumber"] for r in records]
    names = [r["dynamodb"]["Keys"]["sk"]["S"] for r in records]
    assert names == ["a0", "a1", "a2", "after-latest"]
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in read_all(sandbox, arn, latest)] == ["after-latest"]
    at = iterator(sandbox, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=sequence[1])
    after = iterator(sandbox, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence[1])
    assert [r["dynamodb"]["SequenceNumber"] for r in read_all(sandbox, arn, at)] == sequence[1:]
    assert [r["dynamodb"]["SequenceNumber"] for r in read_all(sandbox, arn, after)] == sequence[2:]
    stamp = iterator(sandbox, arn, "AT_TIMESTAMP", Timestamp=math.floor(START) + 5)  # between a0 and a1
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in read_all(sandbox, arn, stamp)] == names[1:]
    _error("ValidationException", streams, sandbox, "GetShardIterator", StreamArn=arn, ShardId=shard_of(sandbox, arn),
           ShardIteratorType="AT_TIMESTAMP", Timestamp=clock.now + 60)  # in the future


@pytest.mark.parametrize("request_part, code", [
    ({"ShardIteratorType": "OLDEST"}, "ValidationException"),
    ({"ShardIteratorType": "AT_SEQUENCE_NUMBER"}, "ValidationException"),  # no SequenceNumber
    ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": str(SEQUENCE_BASE + 99)},
     "ValidationException"),  # never assigned by this shard
    ({"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": "12"}, "ValidationException"),
    ({"ShardIteratorType": "LATEST", "ShardId": "shardId-00000000000000000000-00000000"},
     "ResourceNotFoundException"),
])
def test_bad_iterator_requests_get_dynamodbs_errors(request_part: dict[str, Any], code: str) -> None:
    sandbox = Sandbox()
    arn = make_table(sandbox)["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("a"))
    request = {"StreamArn": arn, "ShardId": shard_of(sandbox, arn), **request_part}
    _error(code, streams, sandbox, "GetShardIterator", **request)


def test_get_records_pages_by_limit_and_by_one_megabyte() -> None:
    """API_streams_GetRecords.html: at most Limit (up to 1,000) records or 1 MB per call, the rest through
    NextShardIterator; Limit 0 is invalid, over 1,000 a LimitExceededException."""
    sandbox = Sandbox()
    arn = make_table(sandbox, view_type="NEW_IMAGE")["LatestStreamArn"]
    blob = "x" * (100 * 1024)
    for i in range(12):
        ddb(sandbox, "PutItem", TableName="tbl", Item=item(f"big{i:02d}", blob=blob))
    first = streams(sandbox, "GetRecords", ShardIterator=iterator(sandbox, arn))
    sizes = [r["dynamodb"]["SizeBytes"] for r in first["Records"]]
    assert sum(sizes) <= 1024 * 1024 < sum(sizes) + sizes[0]  # the next record would pass 1 MB
    rest = read_all(sandbox, arn, first["NextShardIterator"])
    assert len(first["Records"]) + len(rest) == 12
    assert [len(streams(sandbox, "GetRecords", ShardIterator=iterator(sandbox, arn), Limit=n)["Records"])
            for n in (1, 5)] == [1, 5]
    _error("ValidationException", streams, sandbox, "GetRecords", ShardIterator=iterator(sandbox, arn), Limit=0)
    _error("LimitExceededException", streams, sandbox, "GetRecords", ShardIterator=iterator(sandbox, arn),
           Limit=1001)
    _error("ValidationException", streams, sandbox, "GetRecords", ShardIterator="not an iterator")


def test_an_open_shard_always_gives_a_next_iterator_that_sees_later_writes() -> None:
    sandbox = Sandbox()
    arn = make_table(sandbox)["LatestStreamArn"]
    page = streams(sandbox, "GetRecords", ShardIterator=iterator(sandbox, arn))
    assert page["Records"] == [] and "NextShardIterator" in page
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("later"))
    assert len(streams(sandbox, "GetRecords", ShardIterator=page["NextShardIterator"])["Records"]) == 1


def test_an_iterator_expires_after_15_minutes() -> None:
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox)["LatestStreamArn"]
    position = iterator(sandbox, arn)
    clock.now += 15 * 60
    page = streams(sandbox, "GetRecords", ShardIterator=position)  # still valid at 15 minutes
    clock.now += 15 * 60 + 1
    _error("ExpiredIteratorException", streams, sandbox, "GetRecords", ShardIterator=page["NextShardIterator"])


def test_records_older_than_24_hours_are_trimmed() -> None:
    """Trimmed after 24 hours: TRIM_HORIZON starts after them, an iterator or sequence number pointing at them is
    a TrimmedDataAccessException (API_streams_GetShardIterator.html)."""
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox)["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("old"))
    old_sequence = read_all(sandbox, arn)[0]["dynamodb"]["SequenceNumber"]
    clock.now += 12 * 3600
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("young"))
    clock.now += 12 * 3600 - 60
    horizon = iterator(sandbox, arn)  # still points at "old"
    clock.now += 61  # "old" is now 24 h + 1 s old
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in read_all(sandbox, arn)] == ["young"]
    _error("TrimmedDataAccessException", streams, sandbox, "GetRecords", ShardIterator=horizon)
    _error("TrimmedDataAccessException", streams, sandbox, "GetShardIterator", StreamArn=arn,
           ShardId=shard_of(sandbox, arn), ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=old_sequence)
    assert [r["dynamodb"]["Keys"]["sk"]["S"] for r in read_all(
        sandbox, arn, iterator(sandbox, arn, "AT_TIMESTAMP", Timestamp=START))] == ["young"]  # before the horizon


# --------------------------------------------------------------------------------- stream and table life cycle
def test_update_table_disables_and_enables_streams_and_list_streams_sees_both() -> None:
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    first = make_table(sandbox, view_type="KEYS_ONLY")["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("a"))
    _error("ValidationException", ddb, sandbox, "UpdateTable", TableName="tbl",
           StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})  # already enabled
    disabled = ddb(sandbox, "UpdateTable", TableName="tbl", StreamSpecification={"StreamEnabled": False})
    assert "StreamSpecification" not in disabled["TableDescription"]
    assert disabled["TableDescription"]["LatestStreamArn"] == first
    _error("ValidationException", ddb, sandbox, "UpdateTable", TableName="tbl",
           StreamSpecification={"StreamEnabled": False})  # nothing to disable
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("unrecorded"))
    description = streams(sandbox, "DescribeStream", StreamArn=first)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    sequence_range = description["Shards"][0]["SequenceNumberRange"]
    assert sequence_range["EndingSequenceNumber"] == sequence_range["StartingSequenceNumber"]  # one record
    page = streams(sandbox, "GetRecords", ShardIterator=iterator(sandbox, first))
    assert len(page["Records"]) == 1 and "NextShardIterator" not in page  # a closed shard, read to its end
    second = ddb(sandbox, "UpdateTable", TableName="tbl", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]
    assert second["LatestStreamArn"] != first and second["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    listed = streams(sandbox, "ListStreams", TableName="tbl")["Streams"]
    assert [s["StreamArn"] for s in listed] == [first, second["LatestStreamArn"]]
    paged = streams(sandbox, "ListStreams", Limit=1)
    assert paged["LastEvaluatedStreamArn"] == first
    assert streams(sandbox, "ListStreams", ExclusiveStartStreamArn=first)["Streams"] == listed[1:]
    _error("ValidationException", ddb, sandbox, "UpdateTable", TableName="tbl", BillingMode="PROVISIONED")


def test_a_deleted_tables_stream_is_disabled_then_gone_after_24_hours() -> None:
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox)["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("a"))
    ddb(sandbox, "DeleteTable", TableName="tbl")
    assert streams(sandbox, "DescribeStream", StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert [r["eventName"] for r in read_all(sandbox, arn)] == ["INSERT"]
    assert [s["StreamArn"] for s in streams(sandbox, "ListStreams", TableName="tbl")["Streams"]] == [arn]
    clock.now += 24 * 3600 + 1
    _error("ResourceNotFoundException", streams, sandbox, "DescribeStream", StreamArn=arn)
    _error("ResourceNotFoundException", streams, sandbox, "ListStreams", TableName="tbl")
    assert streams(sandbox, "ListStreams")["Streams"] == []


def test_a_table_without_a_stream_records_nothing() -> None:
    sandbox = Sandbox()
    table = make_table(sandbox, view_type=None)
    assert "LatestStreamArn" not in table and "StreamSpecification" not in table
    ddb(sandbox, "PutItem", TableName="tbl", Item=item("a"))
    assert streams(sandbox, "ListStreams")["Streams"] == []
    _error("ValidationException", make_table, sandbox, "u", view_type=None,
           StreamSpecification={"StreamEnabled": True})  # a view type is required


def test_identifiers_satisfy_botocores_length_limits_even_for_a_255_character_table_name() -> None:
    """service-2.json: StreamArn 37..1024, ShardId 28..65, SequenceNumber 21..40, ShardIterator 1..2048."""
    sandbox = Sandbox()
    arn = make_table(sandbox, "T" * 255)["LatestStreamArn"]
    ddb(sandbox, "PutItem", TableName="T" * 255, Item=item("a"))
    shard = shard_of(sandbox, arn)
    position = iterator(sandbox, arn)
    (record,) = read_all(sandbox, arn)
    assert 37 <= len(arn) <= 1024 and 28 <= len(shard) <= 65 and 1 <= len(position) <= 2048
    assert 21 <= len(record["dynamodb"]["SequenceNumber"]) <= 40
    assert arn.startswith(f"arn:aws:dynamodb:us-east-1:000000000000:table/{'T' * 255}/stream/")


def test_a_missing_stream_is_resource_not_found() -> None:
    sandbox = Sandbox()
    missing = "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/2024-01-01T00:00:00.000"
    for operation, request in (("DescribeStream", {"StreamArn": missing}),
                               ("GetShardIterator", {"StreamArn": missing, "ShardId": "s" * 28,
                                                     "ShardIteratorType": "LATEST"})):
        _error("ResourceNotFoundException", streams, sandbox, operation, **request)


def test_a_design_with_a_stream_view_type_gets_a_stream_and_its_sample_items_write_no_records() -> None:
    model = load_model_or_sample("global_game_state")
    table = next(t for t in model.tables if t.stream_view_type is not None)
    sandbox = Sandbox.from_model(model, seed=0)
    described = ddb(sandbox, "DescribeTable", TableName=table.name)["Table"]
    assert described["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": table.stream_view_type}
    assert described["ItemCount"] > 0 and read_all(sandbox, described["LatestStreamArn"]) == []
    stored = sandbox.call("Scan", {"TableName": table.name, "Limit": 1})["Items"][0]
    ddb(sandbox, "DeleteItem", TableName=table.name, Key={k: stored[k] for k in table.key_names})
    (record,) = read_all(sandbox, described["LatestStreamArn"])
    assert record["eventName"] == "REMOVE" and record["dynamodb"]["OldImage"] == stored


# ------------------------------------------------------------------------------------------------------- TTL
def test_ttl_expiry_deletes_expired_items_as_service_removes() -> None:
    """TTL deletes items whose Number TTL attribute is before now (API_UpdateTimeToLive.html), also from indexes;
    each deletion is a REMOVE record by {Type: Service, PrincipalId: dynamodb.amazonaws.com}."""
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    arn = make_table(sandbox, GlobalSecondaryIndexes=[{
        "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}}], AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "g", "AttributeType": "S"}])["LatestStreamArn"]
    assert ddb(sandbox, "DescribeTimeToLive", TableName="tbl")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"}
    assert ddb(sandbox, "UpdateTimeToLive", TableName="tbl", TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires"})["TimeToLiveSpecification"]["Enabled"] is True
    now = clock.now
    cases = {"past": {"N": str(int(now) - 1)}, "now": {"N": repr(now)}, "future": {"N": str(int(now) + 60)},
             "text": {"S": str(int(now) - 1)}, "none": None}
    for sk, expires in cases.items():
        extra = {"expires": expires} if expires else {}
        ddb(sandbox, "PutItem", TableName="tbl", Item={**item(sk), "g": {"S": "G"}, **extra})
    assert sandbox.expire_ttl() == 1  # only "past": the time must be before now, a Number, present
    clock.now += 120
    assert sandbox.expire_ttl() == 2  # "now" and "future" have passed
    left = sandbox.call("Query", {"TableName": "tbl", "IndexName": "by_g", "KeyConditionExpression": "g = :g",
                                  "ExpressionAttributeValues": {":g": {"S": "G"}}})["Items"]
    assert sorted(i["sk"]["S"] for i in left) == ["none", "text"]
    removes = [r for r in read_all(sandbox, arn) if r["eventName"] == "REMOVE"]
    removed = [r["dynamodb"]["Keys"]["sk"]["S"] for r in removes]
    assert removed[0] == "past" and sorted(removed[1:]) == ["future", "now"]  # one sweep: no documented order
    assert all(r["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"} for r in removes)
    assert all("OldImage" in r["dynamodb"] for r in removes)


def test_ttl_changes_once_per_hour_and_not_to_the_state_it_has() -> None:
    clock = Clock()
    sandbox = Sandbox(clock=clock)
    make_table(sandbox)
    spec = {"Enabled": True, "AttributeName": "expires"}
    ddb(sandbox, "UpdateTimeToLive", TableName="tbl", TimeToLiveSpecification=spec)
    _error("ValidationException", ddb, sandbox, "UpdateTimeToLive", TableName="tbl", TimeToLiveSpecification=spec)
    off = {"Enabled": False, "AttributeName": "expires"}
    _error("ValidationException", ddb, sandbox, "UpdateTimeToLive", TableName="tbl", TimeToLiveSpecification=off)
    clock.now += 3600
    ddb(sandbox, "UpdateTimeToLive", TableName="tbl", TimeToLiveSpecification=off)
    assert ddb(sandbox, "DescribeTimeToLive", TableName="tbl")["TimeToLiveDescription"]["TimeToLiveStatus"] == \
        "DISABLED"
    ddb(sandbox, "PutItem", TableName="tbl", Item={**item("a"), "expires": {"N": "1"}})
    assert sandbox.expire_ttl() == 0  # TTL is off
