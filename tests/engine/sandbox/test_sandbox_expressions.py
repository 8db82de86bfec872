"""Expressions: malformed ones are ValidationExceptions naming the offending token or position
(DynamoDB's "Syntax error; token: ..., near: ..."), and well-formed ones evaluate with
DynamoDB's semantics (DG/Expressions.OperatorsAndFunctions.html, DG/Expressions.UpdateExpressions.html)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sandbox import Sandbox, SandboxError
from engine.sandbox.evaluation import apply_update, matches
from engine.sandbox.expressions import Placeholders, parse_condition, parse_update

TABLE = "exprs"
VALUES = {":v": {"N": "5"}, ":w": {"N": "6"}}

# (expression, fragment the message must contain): the offending token and/or its position.
MALFORMED_CONDITIONS = [
    ("a = ", 'token: "<EOF>"'),
    ("a == :v", 'token: "=", near: "== :v" (at character 4)'),
    ("a = :v AND", 'token: "<EOF>", near: "AND"'),
    ("a = :v OR OR b = :v", 'token: "OR", near: "OR OR b" (at character 11)'),
    ("(a = :v", 'token: "<EOF>"'),
    ("a = :v)", 'token: ")",'),
    ("a BETWEEN :v", 'token: "<EOF>", near: ":v"'),
    ("a BETWEEN :v OR :w", 'token: "OR"'),
    ("a IN ()", 'token: ")", near: "()"'),
    ("a IN :v", 'token: ":v"'),
    ("foo(a)", "Invalid function name; function: foo (at character 1)"),
    ("attribute_exists(:v)", "requires a document path; operator or function: attribute_exists"),
    ("attribute_exists(a, b)", "function: attribute_exists, number of operands: 2"),
    ("begins_with(a)", "function: begins_with, number of operands: 1"),
    ("a = :v @ b", 'token: "@", near: ":v @" (at character 8)'),
    ("a.# = :v", 'token: "#",'),
    ("a[x] = :v", 'token: "x", near: "[x]"'),
    ("a[1 = :v", 'token: "=",'),
    ("status = :v", "reserved keyword: status"),
    ("#missing = :v", "attribute name: #missing"),
    ("a = :missing", "attribute value: :missing"),
    ("a = :v AND NOT", 'token: "<EOF>", near: "NOT"'),
    ("size(a)", 'token: "<EOF>", near: ")"'),
    ("a < > :v", 'token: ">", near: "< > :v"'),
    ("a", 'token: "<EOF>", near: "a"'),
    ("if_not_exists(a, :v) = :v", "function: if_not_exists (at character 1)"),
    ("a = :v b = :v", 'token: "b", near: ":v b ="'),
    ("AND a = :v", 'token: "AND",'),
    ("a = :v;", 'token: ";",'),
]
MALFORMED_UPDATES = [
    ("SET", 'token: "<EOF>", near: "SET"'),
    ("SET a", 'token: "<EOF>", near: "a"'),
    ("SET a = :v SET b = :v", 'The "SET" section can only be used once in an update expression; (at character 12)'),
    ("SET a = :v, a = :v", "path one: [a], path two: [a]"),
    ("ADD a", 'token: "<EOF>"'),
    ("ADD a b", 'token: "b", near: "a b"'),
    ("UPSERT a = :v", 'token: "UPSERT"'),
    ("SET a = :v + :v + :v", 'token: "+", near: ":v + :v" (at character 17)'),
    ("REMOVE a, ", 'token: "<EOF>"'),
    ("SET a = list_append(:v)", "function: list_append, number of operands: 1"),
    ("SET a = size(b)", "function: size (at character 9)"),
    ("DELETE a :v,", 'token: "<EOF>", near: ","'),
    ("SET a.b = :v REMOVE a", "path one: [a.b], path two: [a]"),
]
MALFORMED_PROJECTIONS = [
    ("a,, b", 'token: ",", near: ",, b" (at character 3)'),
    ("a b", 'token: "b"'),
    ("a.", 'token: "<EOF>", near: "."'),
    ("a[", 'token: "<EOF>", near: "["'),
    ("#missing", "attribute name: #missing"),
]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    sb = Sandbox()
    sb.call("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}]})
    return sb


def _validation_message(sandbox: Sandbox, operation: str, request: dict) -> str:
    with pytest.raises(SandboxError) as caught:
        sandbox.call(operation, {"TableName": TABLE, **request})
    assert caught.value.code == "ValidationException"
    return caught.value.message


def test_at_least_thirty_malformed_expressions() -> None:
    assert len(MALFORMED_CONDITIONS) + len(MALFORMED_UPDATES) + len(MALFORMED_PROJECTIONS) >= 30


@pytest.mark.parametrize(("expression", "fragment"), MALFORMED_CONDITIONS)
def test_malformed_filter(sandbox: Sandbox, expression: str, fragment: str) -> None:
    message = _validation_message(sandbox, "Scan", {"FilterExpression": expression,
                                                    "ExpressionAttributeValues": VALUES})
    assert message.startswith("Invalid FilterExpression: ")
    assert fragment in message


@pytest.mark.parametrize(("expression", "fragment"), MALFORMED_CONDITIONS[:8])
def test_malformed_condition_on_write(sandbox: Sandbox, expression: str, fragment: str) -> None:
    message = _validation_message(sandbox, "PutItem", {
        "Item": {"pk": {"S": "p"}, "sk": {"N": "1"}}, "ConditionExpression": expression,
        "ExpressionAttributeValues": VALUES})
    assert message.startswith("Invalid ConditionExpression: ") and fragment in message


@pytest.mark.parametrize(("expression", "fragment"), MALFORMED_UPDATES)
def test_malformed_update(sandbox: Sandbox, expression: str, fragment: str) -> None:
    message = _validation_message(sandbox, "UpdateItem", {
        "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}}, "UpdateExpression": expression,
        "ExpressionAttributeValues": VALUES})
    assert message.startswith("Invalid UpdateExpression: ") and fragment in message


@pytest.mark.parametrize(("expression", "fragment"), MALFORMED_PROJECTIONS)
def test_malformed_projection(sandbox: Sandbox, expression: str, fragment: str) -> None:
    message = _validation_message(sandbox, "GetItem", {
        "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}}, "ProjectionExpression": expression})
    assert message.startswith("Invalid ProjectionExpression: ") and fragment in message


@pytest.mark.parametrize(("expression", "fragment"), [
    ("pk = :p AND sk > :v AND sk < :w", "one condition per key"),
    ("pk = :p OR sk = :v", "Query key condition not supported"),
    ("sk = :v", "Query condition missed key schema element: pk"),
    ("pk = :p AND colour = :v", "colour is not a key attribute"),
    ("pk = :v", "Condition parameter type does not match schema type"),
    ("pk = :p AND sk BETWEEN :w AND :v", "BETWEEN operator requires upper bound to be greater"),
    ("pk = :p AND begins_with(sk, :v)", "operator or function: begins_with"),
    ("pk = :p AND sk <> :v", "Query key condition not supported"),
])
def test_invalid_key_conditions(sandbox: Sandbox, expression: str, fragment: str) -> None:
    values = {k: v for k, v in {**VALUES, ":p": {"S": "p"}}.items() if k in expression}
    message = _validation_message(sandbox, "Query", {
        "KeyConditionExpression": expression, "ExpressionAttributeValues": values})
    assert fragment in message


def test_unused_and_undeclared_placeholders(sandbox: Sandbox) -> None:
    message = _validation_message(sandbox, "Scan", {"FilterExpression": "a = :v", "ExpressionAttributeValues": VALUES})
    assert "unused in expressions: keys: {:w}" in message
    message = _validation_message(sandbox, "Scan", {"ExpressionAttributeNames": {"#a": "a"}})
    assert "unused in expressions: keys: {#a}" in message
    message = _validation_message(sandbox, "Scan", {"FilterExpression": "#a = :v", "ExpressionAttributeNames": {"#a": ""},
                                                    "ExpressionAttributeValues": {":v": VALUES[":v"]}})
    assert "invalid value" in message and "#a" in message


# ------------------------------------------------------------------------------ evaluation
ITEM = {
    "pk": {"S": "p"}, "n": {"N": "10"}, "s": {"S": "hello"}, "ss": {"SS": ["x", "y"]},
    "l": {"L": [{"N": "1"}, {"S": "two"}]}, "m": {"M": {"deepkey": {"S": "deep"}}}, "b": {"BOOL": True},
}
V = {":n5": {"N": "5"}, ":n10": {"N": "10.0"}, ":n20": {"N": "20"}, ":he": {"S": "he"}, ":x": {"S": "x"},
     ":two": {"S": "two"}, ":t_ss": {"S": "SS"}, ":deep": {"S": "deep"}, ":s10": {"S": "10"}}


@pytest.mark.parametrize(("expression", "expected"), [
    ("n = :n10", True),  # numbers compare numerically: 10 = 10.0
    ("n = :s10", False),  # different types are never equal
    ("n > :s10", False),  # ordering across types is false, not an error
    ("n BETWEEN :n5 AND :n20", True),
    ("n IN (:n5, :n20)", False),
    ("absent = :n5", False),
    ("absent <> :n5", True),  # a missing attribute is "not equal"
    ("absent < :n5", False),
    ("begins_with(s, :he)", True),
    ("contains(ss, :x)", True),
    ("contains(l, :two)", True),
    ("contains(s, :x)", False),
    ("size(s) = :n5", True),
    ("size(l) < :n5", True),
    ("attribute_type(ss, :t_ss)", True),
    ("m.deepkey = :deep", True),
    ("l[1] = :two", True),
    ("attribute_exists(m.deepkey) AND attribute_not_exists(m.colour)", True),
    ("NOT n = :n5 OR n = :n5 AND n = :n20", True),  # NOT > AND > OR precedence
    ("NOT (n = :n10 OR n = :n5)", False),
])
def test_condition_semantics(expression: str, expected: bool) -> None:
    assert matches(parse_condition(expression, Placeholders(values=V)), ITEM) is expected


def _update(expression: str, values: dict | None = None) -> dict:
    return apply_update(parse_update(expression, Placeholders(values=values or {})), ITEM, ("pk",))


def test_set_operands_see_the_item_before_the_update() -> None:
    out = _update("SET n = :n5, o = n", {":n5": {"N": "5"}})
    assert out["n"] == {"N": "5"} and out["o"] == {"N": "10"}
    assert ITEM["n"] == {"N": "10"}  # the stored item is never mutated


def test_update_functions_and_arithmetic() -> None:
    out = _update("SET n = n - :one, c = if_not_exists(c, :one), l = list_append(l, :more)",
                  {":one": {"N": "1"}, ":more": {"L": [{"S": "three"}]}})
    assert out["n"] == {"N": "9"} and out["c"] == {"N": "1"}
    assert [next(iter(v.values())) for v in out["l"]["L"]] == ["1", "two", "three"]


def test_add_delete_remove() -> None:
    out = _update("ADD ss :z, n :one REMOVE l[0], m.deepkey", {":z": {"SS": ["z", "x"]}, ":one": {"N": "1"}})
    assert sorted(out["ss"]["SS"]) == ["x", "y", "z"] and out["n"] == {"N": "11"}
    assert _update("DELETE ss :x", {":x": {"SS": ["x"]}})["ss"] == {"SS": ["y"]}
    assert out["l"] == {"L": [{"S": "two"}]} and out["m"] == {"M": {}}
    emptied = _update("DELETE ss :all", {":all": {"SS": ["x", "y"]}})
    assert "ss" not in emptied  # an emptied set is removed (sets are never empty)


def test_remove_list_elements_by_original_position() -> None:
    item = {"pk": {"S": "p"}, "l": {"L": [{"N": str(i)} for i in range(5)]}}
    out = apply_update(parse_update("REMOVE l[1], l[3]", Placeholders()), item, ("pk",))
    assert out["l"]["L"] == [{"N": "0"}, {"N": "2"}, {"N": "4"}]


@pytest.mark.parametrize(("expression", "values", "fragment"), [
    ("SET pk = :x", {":x": {"S": "x"}}, "Cannot update attribute pk"),
    ("SET s = s + :one", {":one": {"N": "1"}}, "incorrect data type"),
    ("SET q = absent", {}, "refers to an attribute that does not exist"),
    ("SET nope.deeper = :one", {":one": {"N": "1"}}, "document path provided in the update expression is invalid"),
    ("ADD s :one", {":one": {"N": "1"}}, "incorrect data type"),
    ("SET n = n + :big", {":big": {"N": "9" * 38}}, "numeric value"),
])
def test_update_errors(expression: str, values: dict, fragment: str) -> None:
    with pytest.raises(SandboxError) as caught:
        _update(expression, values)
    assert caught.value.code == "ValidationException" and fragment in caught.value.message


EXPRESSION_ALPHABET = list("ab#:n()[],.=<>+- 0123") + [" AND ", " OR ", " NOT ", " BETWEEN ", " IN ", "SET ", "REMOVE ",
                                                         "ADD ", "DELETE ", "size", "begins_with", "list_append",
                                                         "if_not_exists", "attribute_exists", ":v", "#n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(EXPRESSION_ALPHABET), max_size=14).map("".join))
def test_any_text_parses_or_is_a_validation_error(text: str) -> None:
    """Parsing and evaluating never fail with anything but a ValidationException (no internal error)."""
    from engine.sandbox.evaluation import project
    from engine.sandbox.expressions import parse_projection

    item = {"pk": {"S": "p"}, "a": {"N": "1"}, "b": {"L": [{"N": "1"}]}, "name": {"M": {"a": {"S": "x"}}}}
    steps = ((parse_condition, lambda ast: matches(ast, item)),
             (parse_update, lambda ast: apply_update(ast, item, ("pk",))),
             (parse_projection, lambda ast: project(item, ast)))
    for parse, evaluate in steps:
        try:
            evaluate(parse(text, Placeholders(names={"#n": "name"}, values={":v": {"N": "1"}})))
        except SandboxError as exc:
            assert exc.code == "ValidationException" and exc.message
