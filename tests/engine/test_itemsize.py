"""Item size rules (DOMAIN.md §1, DG/CapacityUnitCalculations.html): every worked number as a case."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import ItemError, WorkbenchError
from engine.itemsize import (
    ItemSizeError,
    attribute_sizes_bytes,
    attribute_value_size_bytes,
    index_entry_size_bytes,
    item_size_bytes,
    normalize_number,
    number_size_bytes,
    plain_item_size_bytes,
    storage_size_bytes,
    to_dynamodb_json,
)

# DOMAIN.md §1: base-100 number rule, byte-exact measurements (value only).
NUMBER_CASES = [
    ("0", 1), ("1", 2), ("12", 2), ("123", 3), ("100", 2), ("1010", 3), ("1.5", 3), ("12.3456", 4),
    ("3.14159", 5), ("-42", 3), ("0.15", 2), ("1E125", 2), ("9" * 38, 20),
    # normalisation: leading/trailing zeros and exponents do not count
    ("0042", 2), ("1E-100", 2), ("0.0000001", 2), ("-0", 1), ("0.000", 1),
]


@pytest.mark.parametrize(("text", "size"), NUMBER_CASES)
def test_number_size_matches_domain_examples(text: str, size: int) -> None:
    # DOMAIN.md §1 "N: ... Examples (value only)"
    assert number_size_bytes(text) == size
    assert attribute_value_size_bytes({"N": text}) == size


@pytest.mark.parametrize(("text", "canonical"), [
    ("0042", "42"), ("1E2", "100"), ("1.50", "1.5"), ("-0", "0"), ("0.000", "0"), ("1E-3", "0.001"),
    ("-12.3400E1", "-123.4"), ("+7", "7"),
])
def test_normalize_number(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


# DOMAIN.md §1 (N: digits, sign, decimal point, exponent); non-ASCII digits such as "١٢" are not numbers
@pytest.mark.parametrize("bad", ["1" * 39, "1E126", "1E-131", "abc", "", "1..2", "NaN", "Infinity", "1e",
                                 "\u0661\u0662", "1\u0662", "1E\u0663", "\uff11"])
def test_invalid_numbers_raise_workbench_error(bad: str) -> None:
    # DOMAIN.md §1: > 38 digits or magnitude outside 1E-130 .. 9.99E+125 is a ValidationException
    with pytest.raises(ItemSizeError) as info:
        number_size_bytes(bad)
    assert isinstance(info.value, ItemError) and isinstance(info.value, WorkbenchError)


# DOMAIN.md §1: value sizes by type (value only, name excluded)
VALUE_CASES = [
    ({"S": "abc"}, 3),
    ({"S": "é"}, 2),                      # UTF-8 bytes, not characters
    ({"S": "😀"}, 4),                      # not UTF-16 units (that would be 2 units)
    ({"S": ""}, 0),
    ({"B": base64.b64encode(b"\x00\x01\x02").decode()}, 3),   # raw bytes, not base64 text (4 chars)
    ({"B": b"\x00\x01\x02\x03\x04"}, 5),   # boto3 passes bytes
    ({"BOOL": True}, 1), ({"BOOL": False}, 1), ({"NULL": True}, 1),
    ({"SS": ["ab", "c"]}, 3),              # sets: sum of elements, no overhead
    ({"NS": ["1", "123"]}, 5),
    ({"BS": [base64.b64encode(b"ab").decode(), base64.b64encode(b"c").decode()]}, 3),
    ({"L": []}, 3), ({"M": {}}, 3),        # empty L or M = 3 bytes
    ({"L": [{"S": "ab"}, {"N": "1"}]}, 3 + (1 + 2) + (1 + 2)),
    ({"M": {"k": {"S": "ab"}}}, 3 + 1 + 1 + 2),
    ({"M": {"a": {"L": [{"BOOL": True}]}}}, 3 + 1 + 1 + (3 + 1 + 1)),
]


@pytest.mark.parametrize(("value", "size"), VALUE_CASES)
def test_value_sizes(value: dict, size: int) -> None:
    assert attribute_value_size_bytes(value) == size


def test_item_size_adds_utf8_names() -> None:
    # DOMAIN.md §1: item size = sum of (UTF-8 name bytes + value size)
    item = {"pk": {"S": "USER#1"}, "prix": {"N": "1.5"}, "ñ": {"BOOL": True}}
    assert attribute_sizes_bytes(item) == {"pk": 8, "prix": 7, "ñ": 3}
    assert item_size_bytes(item) == 18


@pytest.mark.parametrize("bad", [
    {"x": {"SS": []}}, {"x": {"Q": "1"}}, {"x": {"S": 1}}, {"x": {"N": "x"}}, {"x": {"S": "a", "N": "1"}},
    {"x": {"B": "not base64!"}}, {"x": {"NS": ["1", "1.0"]}}, {"x": {"NULL": False}}, {"x": "plain"},
])
def test_invalid_dynamodb_json_raises(bad: dict) -> None:
    with pytest.raises(ItemSizeError) as info:
        item_size_bytes(bad)
    assert "'x'" in str(info.value)  # the message names the attribute


def test_plain_items_use_typed_path_and_never_guess() -> None:
    # a plain map whose only key is "S" is a map, not a DynamoDB string
    assert plain_item_size_bytes({"m": {"S": "x"}}) == 1 + (3 + 1 + 1 + 1)
    assert plain_item_size_bytes({"a": "abc", "n": 12, "f": 1.5, "d": Decimal("-42"), "t": True,
                                  "z": None, "b": b"\x00\x01", "l": [1, "a"], "s": {"x", "yy"}}) == (
        (1 + 3) + (1 + 2) + (1 + 3) + (1 + 3) + (1 + 1) + (1 + 1) + (1 + 2) + (1 + 3 + 1 + 2 + 1 + 1) + (1 + 3))


def test_float_goes_through_str_not_decimal_of_float() -> None:
    # DOMAIN.md §1: Decimal(0.1) has 55 digits; str(0.1) is "0.1"
    assert to_dynamodb_json({"x": 0.1}) == {"x": {"N": "0.1"}}
    assert plain_item_size_bytes({"x": 0.1}) == 1 + 2


@pytest.mark.parametrize("bad", [{"x": set()}, {"x": float("nan")}, {"x": object()}, {"x": {1, "a"}}])
def test_invalid_plain_values_raise(bad: dict) -> None:
    with pytest.raises(ItemSizeError):
        plain_item_size_bytes(bad)


@pytest.mark.parametrize(("size", "global_table", "stored"), [(1000, False, 1100), (1000, True, 1148), (0, False, 100)])
def test_storage_overhead(size: int, global_table: bool, stored: int) -> None:
    # DOMAIN.md §1: +100 B per item, +48 B more in a global table
    assert storage_size_bytes(size, global_table) == stored


def test_index_entry_sizes_by_projection() -> None:
    # DOMAIN.md §1 / DG/GSI.html: entry = table keys + index keys + projected attributes
    item = {"pk": {"S": "A"}, "sk": {"S": "B"}, "gpk": {"S": "G"}, "big": {"S": "x" * 100}, "n": {"N": "5"}}
    keys = (3 + 3 + 4)
    assert index_entry_size_bytes(item, ("pk", "sk"), ("gpk",), "KEYS_ONLY") == keys
    assert index_entry_size_bytes(item, ("pk", "sk"), ("gpk",), "INCLUDE", ("n",)) == keys + 1 + 2
    assert index_entry_size_bytes(item, ("pk", "sk"), ("gpk",), "ALL") == item_size_bytes(item)
    # sparse: an item without the index key is not in the index
    assert index_entry_size_bytes(item, ("pk", "sk"), ("missing",), "ALL") is None


# ------------------------------------------------------------------------------------ properties
@settings(max_examples=50, deadline=None)
@given(st.text(max_size=50), st.text(min_size=1, max_size=20))
def test_size_grows_with_string_length(text: str, more: str) -> None:
    assert plain_item_size_bytes({"a": text + more}) > plain_item_size_bytes({"a": text})


@settings(max_examples=60, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d == 0 or (-130 <= d.adjusted() <= 125 and len(d.normalize().as_tuple().digits) <= 38)))
def test_number_size_invariant_under_normalisation(value: Decimal) -> None:
    text = str(value)
    size = number_size_bytes(text)
    assert size == number_size_bytes(normalize_number(text))
    digits = len(value.normalize().as_tuple().digits) if value != 0 else 0
    # the base-100 rule never needs more than one byte per digit + sign + 1, and at least ceil(digits/2)+1
    assert (digits + 1) // 2 + 1 <= size <= digits + 2 + (1 if value < 0 else 0) or value == 0


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8),
                       st.recursive(st.one_of(st.text(max_size=10), st.integers(-10**6, 10**6), st.booleans(),
                                              st.none(), st.binary(max_size=10)),
                                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                        st.text(max_size=5), inner, max_size=3), max_leaves=8), max_size=5))
def test_plain_and_dynamodb_json_agree(item: dict) -> None:
    assert plain_item_size_bytes(item) == item_size_bytes(to_dynamodb_json(item))


# ------------------------------------------------------------------ entity size distributions
import itertools  # noqa: E402
import math  # noqa: E402

from engine.itemsize import (  # noqa: E402
    SizeDistribution,
    entity_size_distribution,
    index_entry_distribution,
    index_membership_share,
)
from engine.model import parse_model  # noqa: E402


def _entity_model(attributes: list[dict], gsi: dict | None = None):
    table = {"name": "Tbl", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK", "type": "N"}}
    if gsi:
        table["gsis"] = [gsi]
    model = parse_model({
        "name": "m", "tables": [table],
        "entities": [{"name": "E", "table": "Tbl", "item_count": 10,
                      "keys": [{"attribute": "PK", "template": "USER#{id}"}, {"attribute": "SK", "template": "{n}"}],
                      "variables": [{"name": "id", "cardinality": 10},
                                    {"name": "n", "cardinality": 1, "kind": "number"}],
                      "attributes": attributes}]})
    return model.entity("E"), model.table("Tbl")


def test_entity_size_from_specs_keys_and_names() -> None:
    # keyspace renders USER#id-000000 (14 B) for PK; SK is the number 0 (1 B, type N)
    entity, table = _entity_model([{"name": "bio", "size_bytes": 100}])
    dist = entity_size_distribution(entity, table)
    assert dist.min == dist.max == (2 + 14) + (2 + 1) + (3 + 100)


def test_presence_and_examples() -> None:
    entity, table = _entity_model([
        {"name": "opt", "size_bytes": 96, "presence": 0.25},                  # name 3 + 96 = 99 B when present
        {"name": "tags", "type": "SS", "example": ["a", "bb"]},               # set: 3 B, no overhead
        {"name": "price", "type": "N", "example": "12.50"},                   # normalised: 12.5 -> 3 B
    ])
    dist = entity_size_distribution(entity, table)
    keys = (2 + 14) + (2 + 1)
    fixed = keys + (4 + 3) + (5 + 3)
    assert dist.min == fixed and dist.max == fixed + 99
    assert dist.mean == pytest.approx(fixed + 0.25 * 99)


def test_ranged_sizes_keep_the_given_mean() -> None:
    entity, table = _entity_model([{"name": "v", "size_bytes": 300, "min_size_bytes": 100, "max_size_bytes": 1000}])
    dist = entity_size_distribution(entity, table)
    keys = (2 + 14) + (2 + 1) + 1
    assert dist.min == keys + 100 and dist.max == keys + 1000
    assert dist.mean == pytest.approx(keys + 300, abs=0.5)


def test_sparse_index_share_and_keys_only_entry() -> None:
    gsi = {"name": "GSI", "partition_key": {"name": "status"}, "projection": {"type": "KEYS_ONLY"}}
    entity, table = _entity_model([{"name": "status", "size_bytes": 7, "presence": 0.4},
                                   {"name": "bio", "size_bytes": 500}], gsi)
    index = table.index("GSI")
    assert index_membership_share(entity, table, index) == 0.4
    entry = index_entry_distribution(entity, table, index)
    assert entry.min == entry.max == (2 + 14) + (2 + 1) + (6 + 7)   # table keys + index key, present


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=4), st.lists(st.floats(0.01, 1), min_size=4, max_size=4),
       st.integers(1, 4), st.sampled_from([1024, 4096]))
def test_sum_units_match_brute_force(sizes: list[int], weights: list[float], count: int, unit: int) -> None:
    dist = SizeDistribution.mixture((w, SizeDistribution.fixed(s)) for s, w in zip(sizes, weights, strict=False))
    values, probs = dist.sizes, dist.pmf
    support = [i for i in range(len(values)) if probs[i] > 0]
    expected = 0.0
    for combo in itertools.product(support, repeat=count):
        p = math.prod(probs[i] for i in combo)
        expected += p * max(1, math.ceil(sum(values[i] for i in combo) / unit))
    assert dist.expected_sum_ceil_units(count, unit, 1) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 2000), st.integers(1, 500))
def test_entity_size_grows_with_attribute_size(size: int, more: int, _: int) -> None:
    small = entity_size_distribution(*_entity_model([{"name": "v", "size_bytes": size}]))
    large = entity_size_distribution(*_entity_model([{"name": "v", "size_bytes": size + more}]))
    assert large.mean - small.mean == pytest.approx(more)
    assert large.expected_ceil_units(1024) >= small.expected_ceil_units(1024)


@settings(max_examples=15, deadline=None)
@given(st.integers(50, 2000), st.integers(0, 9000), st.integers(2, 60), st.sampled_from([1024, 4096]),
       st.integers(0, 500))
def test_smooth_shortcut_matches_exact_sum(low: int, span: int, count: int, unit: int, mean_shift: int) -> None:
    # the shortcut E[S]/u + 1/2 is taken only when the rounding is smoothed out; it must agree with the exact sum
    dist = SizeDistribution.uniform(low, low + span, low + span / 2 - min(mean_shift, span / 2))
    exact = dist._sum_units_exact(count, unit, 1)
    assert dist.expected_sum_ceil_units(count, unit, 1) == pytest.approx(exact, abs=1e-3)


def _nested_typed(levels: int) -> dict:
    value: dict = {"S": "x"}
    for _ in range(levels):
        value = {"M": {"a": value}}
    return value


def _nested_plain(levels: int) -> dict:
    value: object = "x"
    for _ in range(levels):
        value = {"a": value}
    return value  # type: ignore[return-value]


def test_an_absurdly_nested_item_is_an_item_error_not_a_crash() -> None:
    # DynamoDB stops at 32 levels (Developer Guide, Quotas: nested attribute depth); a value too deep for
    # Python's stack to walk must still come back as a WorkbenchError naming the attribute and the limit.
    from engine.itemsize import to_dynamodb_json

    for call, arg in ((item_size_bytes, {"deep": _nested_typed(5000)}), (to_dynamodb_json, {"deep": _nested_plain(5000)})):
        with pytest.raises(ItemError, match=r"attribute 'deep' is nested too deeply.*32 levels"):
            call(arg)
    assert item_size_bytes({"deep": _nested_typed(31)}) > 0  # a legal depth is still sized


def test_a_huge_bad_value_is_quoted_short_in_the_message() -> None:
    # a 100,000-digit N is rejected (DOMAIN.md §1: 38 digits, 1E-130 .. 9.99E+125) without echoing all of it
    with pytest.raises(ItemError) as info:
        item_size_bytes({"a": {"N": "1" + "0" * 100_000}})
    message = str(info.value)
    assert len(message) < 400 and "characters)" in message and "attribute 'a'" in message
