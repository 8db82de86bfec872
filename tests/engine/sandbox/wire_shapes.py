"""Check raw response JSON against botocore's service model: every key a member of its shape, every value of the
shape's type, strings within min/max and enums, numbers at or above min, required members present. botocore's
parser does none of this (it drops unknown keys and never checks lengths), so a test that only parses with boto3
would miss a response SDKs in other languages reject."""

from __future__ import annotations

import base64
import re
from typing import Any

import botocore.session
from botocore.model import Shape

_SESSION = botocore.session.get_session()
# Members whose model minimum real DynamoDB does not keep: a table never decreased answers NumberOfDecreasesToday
# 0 (DescribeTable output in the API reference's examples) where the model says at least 1.
MODEL_MINIMUM_NOT_KEPT = frozenset({"NumberOfDecreasesToday"})


def output_shape(service: str, operation: str) -> Shape:
    """The output shape of `operation` in botocore's model of `service` ("dynamodb", "dynamodbstreams")."""
    return _SESSION.get_service_model(service).operation_model(operation).output_shape


def shape_problems(shape: Shape, value: Any, path: str = "$") -> list[str]:
    """What in `value` (wire JSON) breaks `shape`; empty when it conforms."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        out = [f"{path}.{key}: not a member of {shape.name}" for key in value if key not in shape.members]
        out += [f"{path}.{name}: required member missing" for name in shape.required_members if name not in value]
        for key, item in value.items():
            if key in MODEL_MINIMUM_NOT_KEPT and item == 0:
                continue
            if key in shape.members:
                out += shape_problems(shape.members[key], item, f"{path}.{key}")
        return out
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        out = _bounds(shape, len(value), path, "items")
        for i, item in enumerate(value):
            out += shape_problems(shape.member, item, f"{path}[{i}]")
        return out
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        out = []
        for key, item in value.items():
            out += shape_problems(shape.key, key, f"{path}<key {key!r}>")
            out += shape_problems(shape.value, item, f"{path}[{key!r}]")
        return out
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: {value!r} is not a string"]
        out = _bounds(shape, len(value), path, "characters")
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            out.append(f"{path}: {value!r} not in {enum}")
        pattern = shape.metadata.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            out.append(f"{path}: {value!r} does not match {pattern}")
        return out
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: {value!r} is not a whole number"]
        return [f"{path}: {value} below {shape.metadata['min']}"] if value < shape.metadata.get("min", value) else []
    if kind in ("double", "float"):
        return [] if isinstance(value, int | float) and not isinstance(value, bool) else [f"{path}: not a number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: {value!r} is not true/false"]
    if kind == "timestamp":  # the JSON protocol sends epoch seconds
        return [] if isinstance(value, int | float) and not isinstance(value, bool) else [f"{path}: not epoch seconds"]
    if kind == "blob":
        try:
            base64.b64decode(value, validate=True)
        except (TypeError, ValueError):
            return [f"{path}: not base64"]
        return []
    return [f"{path}: shape type {kind} not checked"]


def _bounds(shape: Shape, size: int, path: str, unit: str) -> list[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low or high is not None and size > high:
        return [f"{path}: {size} {unit}, allowed {low}..{high}"]
    return []
