"""engine.model.attribute_values is the one attribute-value validator: the sandbox and item import agree on it."""

from __future__ import annotations

import pytest

from engine.model.attribute_values import AttributeValueError, canonical_value
from engine.samples import SampleDataError, check_wire_value
from engine.sandbox.errors import SandboxError
from engine.sandbox.values import canonical_value as sandbox_value


def _nested(depth: int) -> dict:
    value: dict = {"S": "x"}
    for _ in range(depth):
        value = {"L": [value]}
    return value


@pytest.mark.parametrize(("value", "dynamodb", "workbench", "path"), [
    ({"SS": []}, "An string set  may not be empty", "no empty sets", ""),
    ({"N": "1" * 39}, "cannot be converted to a numeric value", "39 significant digits", ""),
    ({"NS": ["1", "1.0"]}, "contains duplicates", "duplicate elements", ""),
    ({"L": [{"S": "a"}, {"N": "x"}]}, "numeric value", "N value 'x' is not a number", "[1]"),
    ({"M": {"a": {"BS": ["!!"]}}}, "Invalid base64", "must be base64 text", ".a[0]"),
    ({"NULL": False}, "Null attribute value types must have the value of true", "must be true", ""),
    ({"S": "a", "N": "1"}, "more than one datatypes", "is not a DynamoDB JSON value", ""),
    ({"X": 1}, "unknown datatype", "unknown type 'X'", ""),
    (_nested(33), "Nesting Levels have exceeded supported limits (32)", "nested more than 32 levels", "[0]" * 33),
])
def test_one_rule_two_wordings(value: dict, dynamodb: str, workbench: str, path: str) -> None:
    with pytest.raises(AttributeValueError) as caught:
        canonical_value(value)
    assert dynamodb in caught.value.dynamodb_message and workbench in str(caught.value) and caught.value.path == path
    with pytest.raises(SandboxError, match=None) as sandbox:
        sandbox_value(value)
    assert sandbox.value.message == caught.value.dynamodb_message
    with pytest.raises(SampleDataError) as imported:
        check_wire_value(value, "f.json: item 1, attribute 'a'")
    assert str(imported.value) == f"f.json: item 1, attribute 'a'{path}: {caught.value}"


def test_valid_values_are_canonical_for_the_sandbox_and_kept_as_given_by_import() -> None:
    value = {"M": {"n": {"N": "1.50"}, "b": {"BS": [b"\x00"]}, "deep": _nested(31)}}
    assert canonical_value(value) == {"M": {"n": {"N": "1.5"}, "b": {"BS": ["AA=="]}, "deep": _nested(31)}}
    assert sandbox_value(value) == canonical_value(value)
    assert check_wire_value(value, "x") is value
