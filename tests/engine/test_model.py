"""The design schema: strict fields, unknown keys rejected with their path, cross-reference rules.

Limits from DOMAIN.md §1-2 (DG/ServiceQuotas.html) and §5 (MRSC, DG/multi-region-strong-consistency-gt.html).
"""

from __future__ import annotations

import copy
import re

import pytest
from pydantic import ValidationError

from engine.errors import DesignValidationError
from engine.io import design_data, load_sample
from engine.model import DataModel, parse_model

BASE = {
    "name": "shop",
    "tables": [{
        "name": "orders",
        "partition_key": {"name": "pk"},
        "sort_key": {"name": "sk"},
        "gsis": [{"name": "by_status", "partition_key": {"name": "status"}}],
    }],
    "entities": [{
        "name": "Order", "table": "orders", "item_count": 1000,
        "keys": [{"attribute": "pk", "template": "CUST#{customer_id}"},
                 {"attribute": "sk", "template": "ORDER#{order_id}"},
                 {"attribute": "status", "template": "{status}"}],
        "variables": [{"name": "customer_id", "cardinality": 100}, {"name": "order_id", "cardinality": 1000},
                      {"name": "status", "cardinality": 2, "kind": "enum", "values": ["OPEN", "DONE"]}],
        "attributes": [{"name": "total", "type": "N", "size_bytes": 4}],
    }],
    "access_patterns": [{
        "name": "orders of customer", "operation": "Query", "table": "orders", "entities": ["Order"],
        "key_condition": {"partition_key": "CUST#{customer_id}"}, "requests_per_second": 10,
    }],
}


def problems_of(data: dict) -> tuple[str, ...]:
    with pytest.raises(DesignValidationError) as info:
        parse_model(data)
    return info.value.problems


def mutate(fn) -> dict:
    data = copy.deepcopy(BASE)
    fn(data)
    return data


def test_base_design_is_valid_and_frozen():
    model = parse_model(BASE)
    assert isinstance(model, DataModel)
    assert isinstance(model.tables, tuple)
    with pytest.raises(ValidationError, match="frozen"):
        model.name = "other"  # type: ignore[misc]


# (mutation, substrings every one of which must appear in one message)
CASES = [
    ("unknown key", lambda d: d["tables"][0]["partition_key"].update(typ="S"),
     ["tables[0].partition_key.typ", "unknown key 'typ'"]),
    ("string where number", lambda d: d["access_patterns"][0].update(requests_per_second="10"),
     ["access_patterns[0].requests_per_second", "'10'"]),
    ("unknown operation", lambda d: d["access_patterns"][0].update(operation="Qery"),
     ["access_patterns[0]", "'Qery'", "Query"]),
    ("dangling entity table", lambda d: d["entities"][0].update(table="ordrs"),
     ["entities[0].table 'ordrs'", "known: orders"]),
    ("dangling pattern index", lambda d: d["access_patterns"][0].update(index="by_stat"),
     ["access_patterns[0].index 'by_stat'", "known: by_status"]),
    ("strong read on a GSI", lambda d: d["access_patterns"][0].update(index="by_status", consistency="strong",
                                                                     key_condition={"partition_key": "{status}"}),
     ["consistency 'strong' on GSI 'by_status'", "eventually consistent"]),
    ("sort key condition on a target without sort key",
     lambda d: d["access_patterns"][0].update(index="by_status", key_condition={
         "partition_key": "{status}", "sort_key": {"operator": "=", "value": "x"}}),
     ["key_condition.sort_key", "index 'by_status' has no sort key"]),
    ("GetItem without the sort key", lambda d: d["access_patterns"][0].update(operation="GetItem"),
     ["GetItem needs the full primary key", "'='"]),
    ("undeclared template variable", lambda d: d["entities"][0]["keys"][0].update(template="CUST#{cust}"),
     ["entities[0].keys[0].template", "variable 'cust'"]),
    ("too many GSIs", lambda d: d["tables"][0].update(gsis=[
        {"name": f"g{i}", "partition_key": {"name": "status"}} for i in range(21)]),
     ["tables[0].gsis has 21 indexes", "at most 20"]),
    ("too many LSIs", lambda d: d["tables"][0].update(lsis=[
        {"name": f"l{i}", "sort_key": {"name": "total", "type": "N"}} for i in range(6)]),
     ["tables[0].lsis has 6 indexes", "at most 5"]),
    ("batch over 100 keys", lambda d: d["access_patterns"].append({
        "name": "b", "operation": "BatchGetItem", "table": "orders", "entities": ["Order"],
        "key_condition": {"partition_key": "CUST#{customer_id}", "sort_key": {"operator": "=", "value": "x"}},
        "items_per_request": 101, "requests_per_second": 1}),
     ["access_patterns[1].items_per_request", "101"]),
    ("batch write over 25", lambda d: d["access_patterns"].append({
        "name": "b", "operation": "BatchWriteItem", "table": "orders", "entities": ["Order"],
        "key_condition": {"partition_key": "CUST#{customer_id}", "sort_key": {"operator": "=", "value": "x"}},
        "items_per_request": 26, "requests_per_second": 1}),
     ["access_patterns[1].items_per_request", "26"]),
    ("transaction over 100 actions", lambda d: d["access_patterns"].append({
        "name": "t", "operation": "TransactWriteItems", "table": "orders", "entities": ["Order"],
        "actions": [{"action": "Put", "entity": "Order"}] * 101, "requests_per_second": 1}),
     ["access_patterns[1].actions has 101 actions", "1-100"]),
    ("MRSC with two regions", lambda d: d["tables"][0].update(global_table={
        "regions": ["us-east-1", "us-west-2"], "mode": "MRSC"}),
     ["MRSC needs exactly 3 regions", "us-east-1"]),
    ("MRSC across region sets", lambda d: d["tables"][0].update(global_table={
        "regions": ["us-east-1", "us-east-2", "eu-west-1"], "mode": "MRSC"}),
     ["from one region set"]),
    ("MRSC with TTL", lambda d: d["tables"][0].update(ttl_attribute="expires", global_table={
        "regions": ["us-east-1", "us-east-2", "us-west-2"], "mode": "MRSC"}),
     ["MRSC global tables do not support TTL"]),
    ("home region missing from replicas", lambda d: d["tables"][0].update(global_table={
        "regions": ["eu-west-1", "eu-central-1"]}),
     ["does not include the design's region 'us-east-1'"]),
    ("provisioned table, GSI without capacity", lambda d: d["tables"][0].update(billing={
        "mode": "provisioned", "read_capacity_units": 5, "write_capacity_units": 5}),
     ["tables[0].gsis[0].provisioned is missing"]),
    ("duplicate pattern names", lambda d: d["access_patterns"].append(dict(d["access_patterns"][0])),
     ["access_patterns: name 'orders of customer' is used 2 times"]),
    ("unknown catalog", lambda d: d.update(price_catalog="aws-1999"),
     ["price_catalog 'aws-1999'", "aws-2024-11"]),
    ("peak below average", lambda d: d["access_patterns"][0].update(peak_requests_per_second=1),
     ["peak_requests_per_second 1 is below the average 10"]),
    ("write to an index", lambda d: d["access_patterns"].append({
        "name": "w", "operation": "PutItem", "table": "orders", "index": "by_status", "entities": ["Order"],
        "key_condition": {"partition_key": "{status}"}, "requests_per_second": 1}),
     ["PutItem cannot target an index"]),
    ("hot key shares over 1", lambda d: d["entities"][0].update(key_distribution={
        "kind": "hot_keys", "keys": [{"key": "a", "share": 0.7}, {"key": "b", "share": 0.6}]}),
     ["add up to 1.3"]),
    ("index name too short", lambda d: d["tables"][0]["gsis"][0].update(name="by"),
     ["tables[0].gsis[0].name 'by' is not a valid index name", "3-255"]),
    ("transaction filed under another table writes to an MRSC table", lambda d: (
        d["tables"].append({"name": "ledger", "partition_key": {"name": "pk"}, "global_table": {
            "regions": ["us-east-1", "us-east-2", "us-west-2"], "mode": "MRSC"}}),
        d["entities"].append({"name": "Entry", "table": "ledger", "item_count": 1,
                              "keys": [{"attribute": "pk", "template": "E"}]}),
        d["access_patterns"].append({"name": "t", "operation": "TransactWriteItems", "table": "orders",
                                     "entities": ["Order"], "requests_per_second": 1,
                                     "actions": [{"action": "Put", "entity": "Order"},
                                                 {"action": "Put", "entity": "Entry"}]})),
     ["'t' uses TransactWriteItems on MRSC table 'ledger'"]),
    ("region without a replica", lambda d: d["access_patterns"][0].update(region="eu-west-1"),
     ["region 'eu-west-1' has no replica"]),
]


@pytest.mark.parametrize(("mutation", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_designs_name_path_value_and_fix(mutation, expected):
    problems = problems_of(mutate(mutation))
    assert any(all(part in p for part in expected) for p in problems), problems


def test_every_problem_is_reported_at_once():
    def two(d):
        d["entities"][0]["table"] = "nope"
        d["access_patterns"][0]["index"] = "nope"
    assert len(problems_of(mutate(two))) >= 2


def test_ints_are_not_strings_and_strings_are_not_numbers():
    problems = problems_of(mutate(lambda d: d["tables"][0].update(name=123)))
    assert any("tables[0].name" in p for p in problems)


@pytest.mark.parametrize("name", ["hot_enum_key", "global_game_state", "crm_complex_filtering"])
def test_sample_data_reparses_to_the_same_model(name):
    model = load_sample(name)
    data = design_data(model)
    data.pop("format_version")
    assert parse_model(data) == model


# Upper bounds (engine/model/base.py): a value larger than an item (DOMAIN.md §1: 400 KB), or counts and
# rates beyond any table, are rejected with their path instead of overflowing the engines later.
@pytest.mark.parametrize(("mutation", "expected"), [
    (lambda d: d["entities"][0]["attributes"][0].update(size_bytes=10**12),
     ("entities[0].attributes[0].size_bytes", "409600")),
    (lambda d: d["entities"][0].update(item_count=10**30), ("entities[0].item_count", "1000000000000000")),
    (lambda d: d["entities"][0]["variables"][0].update(cardinality=10**30),
     ("entities[0].variables[0].cardinality", "1000000000000000")),
    (lambda d: d["access_patterns"][0].update(requests_per_second=1e300),
     ("access_patterns[0].requests_per_second", "1000000000")),
    (lambda d: d["tables"][0].update(billing={"mode": "provisioned", "read_capacity_units": 1e300,
                                              "write_capacity_units": 5}),
     ("tables[0].billing.read_capacity_units", "1000000000")),
])
def test_absurd_sizes_counts_and_rates_are_rejected_with_their_path(mutation, expected):
    problems = problems_of(mutate(mutation))
    path, bound = expected
    assert any(path in p and bound in p for p in problems), problems


def test_a_huge_key_space_is_capped_not_overflowed():
    from engine.keyspace import key_count
    from engine.model.base import MAX_COUNT

    data = mutate(lambda d: d["entities"][0]["variables"][0].update(cardinality=MAX_COUNT))
    data["entities"][0]["variables"][1]["cardinality"] = MAX_COUNT
    data["entities"][0]["keys"][0]["template"] = "CUST#{customer_id}#{order_id}"
    entity = parse_model(data).entities[0]
    assert key_count(entity, "CUST#{customer_id}#{order_id}") == MAX_COUNT
    assert entity.cardinality("CUST#{customer_id}#{order_id}") == MAX_COUNT
    assert entity.cardinality("CUST#{customer_id}") == MAX_COUNT


@pytest.mark.parametrize(("path", "value", "reason"), [
    (("hours_per_month",), 5e-324, "a month has 1 to 744 hours"),
    (("hours_per_month",), float("inf"), "a month has 1 to 744 hours"),
    (("entities", 0, "item_count"), 10**15, "up to 10^13 items per entity"),
    (("entities", 0, "key_distribution"), {"kind": "zipf", "exponent": float("inf")}, "beyond 20 a Zipf"),
    (("access_patterns", 2, "read_after_write_ms"), float("inf"), "an hour at most"),
])
def test_numbers_beyond_what_dynamodb_and_a_month_allow_are_refused_with_the_reason(path, value, reason) -> None:
    """Issue 14: the schema bounds every number (5e-324 hours per month once divided by zero downstream)."""
    from engine.errors import DesignValidationError
    from engine.io import design_data, load_sample

    data = design_data(load_sample("page_views"))
    data.pop("format_version")
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(DesignValidationError, match=re.escape(reason)):
        parse_model(data)


def test_two_templates_for_one_key_attribute_are_refused() -> None:
    """An item holds one value per attribute: an entity listing a key attribute twice in `keys` was accepted and
    made item sizes count the key 26 times (found by the design fuzz)."""
    import copy

    from engine.errors import DesignValidationError
    from engine.io import load_sample, to_data
    from engine.model import parse_model

    data = copy.deepcopy(to_data(load_sample("orders_by_customer")))
    entity = data["entities"][0]
    entity["keys"] = entity["keys"] + entity["keys"][:1]
    with pytest.raises(DesignValidationError, match=r"entities\[0\]\.keys: attribute 'CustomerId' has 2 templates"):
        parse_model(data)


def _names_a_place_in(data, path: str) -> bool:
    """True when `path` ('tables[0].gsis[1].name') leads to a value of `data`, or names a field to add to a mapping
    that exists (a missing field)."""
    steps = [int(index) if index else key for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
    node = data
    for n, step in enumerate(steps):
        if isinstance(step, int) and isinstance(node, list) and step < len(node) \
                or isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
            continue
        return n == len(steps) - 1 and isinstance(step, str) and isinstance(node, dict)
    return True


def test_every_problem_of_broken_designs_is_a_record_whose_path_is_in_the_design() -> None:
    """The issue: problems are records (path, message, value, rule, fix), so pages show the message under its
    field without taking the text apart. Over ~200 designs broken by the fuzz's mutations (fixed seed): every path
    leads into the design's data ("" for the design as a whole), the text is the path then the message, and the
    value, rule and fix, where given, are parts of the message."""
    import random
    import sys
    from pathlib import Path

    from engine.errors import Problem
    from engine.io import iter_samples, to_data

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
    from design_fuzz import mutate

    samples = [to_data(model) for _, model in iter_samples()]
    for sample in samples:
        sample.pop("format_version", None)
    rng = random.Random(20261204)
    broken = records = 0
    kinds: set[str] = set()
    for _ in range(200):
        data = mutate(rng.choice(samples), rng)
        try:
            parse_model(data)
        except DesignValidationError as exc:
            broken += 1
            assert exc.problems == tuple(str(p) for p in exc.records)
            for p in exc.records:
                records += 1
                assert isinstance(p, Problem)
                assert str(p).startswith(p.path) and str(p) == f"{p.where}{p.joiner}{p.message}", p
                assert p.path == "" or _names_a_place_in(data, p.path), (p.path, str(p))
                assert p.path != "(design)" and not str(p).startswith(f"{p.path} (line")
                assert p.value is None or p.value in p.message, p
                assert p.rule in p.message and p.message.endswith(p.fix), p
                kinds.add("value" if p.value else "no value")
    assert broken >= 150 and records >= broken and kinds == {"value", "no value"}, (broken, records, kinds)


def test_a_cross_reference_problem_is_a_record_with_its_parts() -> None:
    with pytest.raises(DesignValidationError) as info:
        parse_model(mutate(lambda d: d["tables"][0].update(name="t0")))
    (problem,) = [p for p in info.value.records if p.path == "tables[0].name"]
    assert str(problem) == ("tables[0].name 't0' is not a valid table name (3-255 characters of letters, digits, "
                            "'_', '-', '.'); rename it")
    assert problem.message.startswith("'t0' is not") and problem.value == "'t0'"
    assert problem.rule == "3-255 characters of letters, digits, '_', '-', '.'" and problem.fix == "rename it"


def test_a_schema_problem_is_a_record_with_its_line() -> None:
    from engine.io import loads_model

    text = "name: shop\ntables:\n  - name: orders\n    partition_key: {name: pk}\n    billing: {mode: free}\n"
    with pytest.raises(DesignValidationError) as info:
        loads_model(text, "yaml", source="shop.yaml")
    problem = info.value.records[0]
    assert problem.path.startswith("tables[0].billing") and problem.line == 5, problem
    assert str(problem).startswith(f"{problem.path} (line 5): ")


@pytest.mark.parametrize("template, values", [("", ()), ("{status}", ("", "OPEN"))])
def test_a_key_template_that_can_render_an_empty_string_is_refused(template: str, values: tuple[str, ...]) -> None:
    """DynamoDB refuses an empty string as a table or index key value (ValidationException "The AttributeValue for a
    key attribute cannot contain an empty string value"): validate says so with the template's path (issue 14: the
    fuzz found such a design accepted and then refused by pattern validation)."""
    from engine.io import to_data

    data = to_data(load_sample("github_single_table"))
    entity = data["entities"][1]
    entity["keys"][0]["template"] = template
    if values:
        entity["variables"].append({"name": "status", "cardinality": len(values), "kind": "enum", "values": list(values)})
    with pytest.raises(DesignValidationError) as caught:
        parse_model(data)
    record = next(r for r in caught.value.records if r.path == "entities[1].keys[0].template")
    assert "cannot be an empty string" in record.message and record.fix.startswith("give the template text")
