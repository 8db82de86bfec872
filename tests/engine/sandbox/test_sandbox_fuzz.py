"""Malformed requests get DynamoDB's error types, never an internal error (issue 14: 6 of 2,474 fuzzed requests
to `serve` got a 500). Hypothesis replaces members of well-formed requests, at any depth, with values of the
wrong JSON type; every answer must be a client error (ValidationException, SerializationException, ...)."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sandbox import Sandbox

TABLE = "fuzzed"
KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}
ITEM = {**KEY, "v": {"S": "x"}, "n": {"N": "3"}, "l": {"L": [{"S": "q"}]}, "m": {"M": {"a": {"BOOL": True}}}}
REQUESTS = {
    "PutItem": {"TableName": TABLE, "Item": ITEM, "ConditionExpression": "attribute_not_exists(pk)",
                "ReturnValues": "ALL_OLD", "ReturnConsumedCapacity": "TOTAL"},
    "GetItem": {"TableName": TABLE, "Key": KEY, "ProjectionExpression": "#v, n",
                "ExpressionAttributeNames": {"#v": "v"}, "ConsistentRead": True},
    "UpdateItem": {"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET v = :v ADD n :one",
                   "ConditionExpression": "n < :ten", "ExpressionAttributeValues": {
                       ":v": {"S": "y"}, ":one": {"N": "1"}, ":ten": {"N": "10"}}, "ReturnValues": "ALL_NEW"},
    "DeleteItem": {"TableName": TABLE, "Key": KEY, "ConditionExpression": "attribute_exists(v)"},
    "Query": {"TableName": TABLE, "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
              "FilterExpression": "NOT contains(v, :x) OR size(l) > :a", "ExpressionAttributeValues": {
                  ":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"}, ":x": {"S": "z"}}, "Limit": 5},
    "Scan": {"TableName": TABLE, "FilterExpression": "v IN (:x, :y)", "ExpressionAttributeValues": {
        ":x": {"S": "x"}, ":y": {"S": "y"}}, "Segment": 0, "TotalSegments": 2},
    "BatchWriteItem": {"RequestItems": {TABLE: [{"PutRequest": {"Item": ITEM}}, {"DeleteRequest": {"Key": KEY}}]}},
    "BatchGetItem": {"RequestItems": {TABLE: {"Keys": [KEY], "ProjectionExpression": "v"}}},
    "TransactWriteItems": {"TransactItems": [
        {"Put": {"TableName": TABLE, "Item": {**ITEM, "sk": {"N": "2"}}}},
        {"Update": {"TableName": TABLE, "Key": KEY, "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "t"}}}},
        {"ConditionCheck": {"TableName": TABLE, "Key": {**KEY, "sk": {"N": "3"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}}]},
    "TransactGetItems": {"TransactItems": [{"Get": {"TableName": TABLE, "Key": KEY}}]},
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


def _sandbox() -> Sandbox:
    sandbox = Sandbox()
    sandbox.call("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}]})
    sandbox.call("PutItem", {"TableName": TABLE, "Item": ITEM})
    return sandbox


def _paths(value, prefix=()):
    """Every path (keys and list indexes) to a member of a request."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


@settings(max_examples=400, deadline=None)
@given(operation=st.sampled_from(sorted(REQUESTS)), choice=st.integers(0, 10**6), value=JSON_VALUES)
def test_a_member_of_the_wrong_type_is_a_client_error(operation: str, choice: int, value) -> None:
    request = copy.deepcopy(REQUESTS[operation])
    paths = list(_paths(request))
    path = paths[choice % len(paths)]
    target = request
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    result = _sandbox().execute(operation, request)
    assert result.error is None or result.error.code != "InternalServerError", (operation, path, value,
                                                                                 result.error.message)


@settings(max_examples=60, deadline=None)
@given(depth=st.integers(1, 400), kind=st.sampled_from(["(", "NOT "]))
def test_deeply_nested_expressions_are_refused_not_crashed(depth: int, kind: str) -> None:
    text = ("(" * depth + "attribute_exists(pk)" + ")" * depth) if kind == "(" else "NOT " * depth + "attribute_exists(pk)"
    result = _sandbox().execute("PutItem", {"TableName": TABLE, "Item": ITEM, "ConditionExpression": text})
    # the nesting cap (100), and DynamoDB's limit of 300 operators or functions (each NOT, and the function)
    if (kind == "(" and depth + 1 > 100) or (kind == "NOT " and depth + 1 > 300):  # the function has its own ()
        assert result.error is not None and result.error.code == "ValidationException", result.error
    else:
        assert result.error is None or result.error.code == "ConditionalCheckFailedException", result.error
