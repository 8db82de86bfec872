"""Sample items (engine/samples.py): deterministic, keyed by the design's templates, sized by DOMAIN.md §1,
collections and skew as the design declares them; item import with row/column-precise errors."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import DesignValidationError
from engine.itemsize import attribute_value_size_bytes, item_size_bytes
from engine.model import parse_model
from engine.model.entity import AttributeSpec
from engine.samples import (
    SampleDataError,
    example_value,
    generate_items,
    generate_samples,
    import_items,
    typed_value,
    value_sizes,
)


def _design(**overrides) -> dict:
    """A GitHub-like single-table design: repositories and their issues share item collections."""
    design = {
        "name": "gh",
        "tables": [{"name": "main", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"},
                    "gsis": [{"name": "GSI1", "partition_key": {"name": "GSI1PK"},
                              "sort_key": {"name": "GSI1SK"}}]}],
        "entities": [
            {"name": "Repo", "table": "main", "item_count": 1000,
             "keys": [{"attribute": "PK", "template": "REPO#{repo}"}, {"attribute": "SK", "template": "REPO#{repo}"}],
             "variables": [{"name": "repo", "cardinality": 1000}],
             "key_distribution": {"kind": "zipf", "exponent": 1.0},
             "attributes": [{"name": "description", "size_bytes": 100, "min_size_bytes": 10, "max_size_bytes": 400},
                            {"name": "stars", "type": "N", "size_bytes": 3}]},
            {"name": "Issue", "table": "main", "item_count": 50_000,
             "keys": [{"attribute": "PK", "template": "REPO#{repo}"}, {"attribute": "SK", "template": "ISSUE#{number}"},
                      {"attribute": "GSI1PK", "template": "STATUS#{status}"},
                      {"attribute": "GSI1SK", "template": "{created}"}],
             "variables": [{"name": "repo", "cardinality": 1000}, {"name": "number", "cardinality": 100_000},
                           {"name": "status", "cardinality": 2, "values": ["open", "closed"]},
                           {"name": "created", "cardinality": 1_000_000, "kind": "timestamp"}],
             "key_distribution": {"kind": "zipf", "exponent": 1.0},
             "attributes": [{"name": "title", "size_bytes": 50},
                            {"name": "labels", "type": "SS", "size_bytes": 40, "presence": 0.3},
                            {"name": "locked", "type": "BOOL", "example": True}]},
        ],
    }
    design.update(overrides)
    return design


def _entity_items(samples, name):
    return [s.item for s in samples if s.entity == name]


# ----------------------------------------------------------------------------- determinism, keys


def test_same_seed_same_items_other_seed_other_values():
    model = parse_model(_design())
    first, again, other = generate_items(model, 0), generate_items(model, 0), generate_items(model, 1)
    assert first == again
    assert first != other
    # keys follow the design (popular ranks first), so they do not move with the seed
    assert [i["PK"] for i in first["main"]] == [i["PK"] for i in other["main"]]


def test_every_item_has_typed_table_keys_and_unique_primary_key():
    samples = generate_samples(parse_model(_design()))["main"]
    keys = [(s.item["PK"]["S"], s.item["SK"]["S"]) for s in samples]
    assert len(keys) == len(set(keys)) == 400
    assert all(set(s.item["PK"]) == {"S"} for s in samples)


def test_item_count_is_capped_by_max_items_item_count_and_key_space():
    design = _design()
    design["entities"][0]["item_count"] = 7
    design["entities"][1]["variables"][1]["cardinality"] = 3  # 1000 repos x 3 issue numbers
    design["entities"][1]["item_count"] = 10
    items = generate_samples(parse_model(design), max_items_per_entity=50)["main"]
    assert len(_entity_items(items, "Repo")) == 7
    assert len(_entity_items(items, "Issue")) == 10
    assert generate_items(parse_model(_design()), max_items_per_entity=0) == {"main": []}


def test_zero_items_and_negative_cap():
    design = _design()
    design["entities"][1]["item_count"] = 0
    assert _entity_items(generate_samples(parse_model(design))["main"], "Issue") == []
    with pytest.raises(SampleDataError, match="max_items_per_entity"):
        generate_items(parse_model(design), max_items_per_entity=-1)
    with pytest.raises(SampleDataError, match="seed -1 is negative"):
        generate_items(parse_model(design), seed=-1)


# ----------------------------------------------------------------------------- collections and skew


def test_collections_keep_the_design_mean_size():
    """50,000 issues over 1,000 repositories: about 50 issues per sampled repository."""
    design = _design()
    design["entities"][1]["key_distribution"] = {"kind": "uniform"}
    issues = _entity_items(generate_samples(parse_model(design))["main"], "Issue")
    per_repo = Counter(i["PK"]["S"] for i in issues)
    assert sorted(per_repo.values()) == [50, 50, 50, 50]


def test_zipf_puts_more_items_in_popular_collections():
    issues = _entity_items(generate_samples(parse_model(_design()))["main"], "Issue")
    per_repo = Counter(i["PK"]["S"] for i in issues)
    counts = [per_repo[f"REPO#repo-{r:06d}"] for r in range(4)]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 3 * counts[-1]
    assert sum(counts) == 200


def test_entities_sharing_a_variable_share_item_collections():
    """DOMAIN.md §6.6: a repository and its issues form one heterogeneous item collection."""
    samples = generate_samples(parse_model(_design()))["main"]
    by_pk: dict[str, set[str]] = {}
    for s in samples:
        by_pk.setdefault(s.item["PK"]["S"], set()).add(s.entity)
    assert sum(1 for kinds in by_pk.values() if kinds == {"Repo", "Issue"}) == 4


def test_enum_index_key_shows_every_value_and_sort_keys_are_unique():
    issues = _entity_items(generate_samples(parse_model(_design()))["main"], "Issue")
    assert Counter(i["GSI1PK"]["S"] for i in issues) == {"STATUS#open": 100, "STATUS#closed": 100}
    assert len({i["SK"]["S"] for i in issues}) == 200


def test_hot_key_is_in_the_sample():
    design = _design()
    design["entities"][0]["key_distribution"] = {"kind": "hot_keys",
                                                 "keys": [{"key": "REPO#repo-000777", "share": 0.5}]}
    design["entities"][0]["item_count"] = 1000
    repos = _entity_items(generate_samples(parse_model(design), max_items_per_entity=10)["main"], "Repo")
    assert {"S": "REPO#repo-000777"} in [r["PK"] for r in repos]


def test_number_and_binary_keys():
    design = {
        "name": "numbers",
        "tables": [{"name": "events", "partition_key": {"name": "device", "type": "N"},
                    "sort_key": {"name": "at", "type": "N"},
                    "gsis": [{"name": "byTag", "partition_key": {"name": "tag", "type": "B"}}]}],
        "entities": [{"name": "Event", "table": "events", "item_count": 100,
                      "keys": [{"attribute": "device", "template": "{device}"},
                               {"attribute": "at", "template": "{at}"},
                               {"attribute": "tag", "template": "T{device}"}],
                      "variables": [{"name": "device", "cardinality": 10, "kind": "number"},
                                    {"name": "at", "cardinality": 10_000, "kind": "timestamp"}]}],
    }
    items = generate_items(parse_model(design))["events"]
    assert len(items) == 100
    assert all(i["device"]["N"].isdigit() and i["at"]["N"].isdigit() for i in items)
    assert int(items[0]["at"]["N"]) >= 1_767_225_600  # epoch seconds of 2026-01-01, the keyspace clock
    assert all("B" in i["tag"] for i in items)
    design["entities"][0]["variables"][0]["kind"] = "id"
    design["entities"][0]["keys"][0]["template"] = "DEV{device}"
    with pytest.raises(SampleDataError, match="'device' is a number .N. but its template 'DEV\\{device\\}'"):
        generate_items(parse_model(design))


# ----------------------------------------------------------------------------- values and sizes


SIZED_TYPES = [("S", 0), ("S", 1), ("S", 777), ("N", 1), ("N", 2), ("N", 7), ("N", 20), ("B", 0), ("B", 33),
               ("SS", 1), ("SS", 100), ("NS", 1), ("NS", 3), ("NS", 95), ("BS", 1), ("BS", 70),
               ("L", 3), ("L", 4), ("L", 500), ("M", 3), ("M", 5), ("M", 600), ("BOOL", 1), ("NULL", 1)]


@pytest.mark.parametrize(("kind", "size_bytes"), SIZED_TYPES)
def test_generated_value_has_the_declared_dynamodb_size(kind, size_bytes):
    """DOMAIN.md §1 (DG/CapacityUnitCalculations.html): sizes by type, measured by engine.itemsize."""
    value = typed_value(kind, size_bytes, np.random.default_rng(3))
    assert next(iter(value)) == kind
    assert attribute_value_size_bytes(value) == size_bytes


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["S", "B", "SS", "BS", "NS", "L", "M"]), size_bytes=st.integers(5, 3000),
       seed=st.integers(0, 2**32 - 1))
def test_generated_sizes_are_exact_for_any_size(kind, size_bytes, seed):
    value = typed_value(kind, size_bytes, np.random.default_rng(seed))
    assert attribute_value_size_bytes(value) == size_bytes


@pytest.mark.parametrize(("kind", "asked", "got"), [("N", 0, 1), ("N", 25, 20), ("BOOL", 9, 1), ("NULL", 0, 1),
                                                    ("L", 0, 3), ("M", 1, 3), ("SS", 0, 1)])
def test_sizes_a_type_cannot_have_are_clamped(kind, asked, got):
    """Numbers are 1-20 bytes (38 digits), BOOL/NULL 1 byte, L/M at least 3, sets at least one element."""
    assert attribute_value_size_bytes(typed_value(kind, asked, np.random.default_rng(0))) == got


def test_item_size_is_keys_plus_names_plus_declared_sizes():
    design = _design()
    design["entities"][0]["attributes"] = [{"name": "description", "size_bytes": 100},
                                           {"name": "stars", "type": "N", "size_bytes": 3}]
    for item in _entity_items(generate_samples(parse_model(design))["main"], "Repo"):
        keys = sum(len(k) + len(item[k]["S"]) for k in ("PK", "SK"))
        assert item_size_bytes(item) == keys + len("description") + 100 + len("stars") + 3


@pytest.mark.parametrize(("size", "lo", "hi"), [(100, 10, 400), (20, 10, 30), (20.5, 20, 21), (7, 7, 7), (399, 10, 400)])
def test_varying_sizes_stay_in_range_with_the_declared_mean(size, lo, hi):
    spec = AttributeSpec(name="a", size_bytes=size, min_size_bytes=lo, max_size_bytes=hi)
    sizes = value_sizes(spec, 20_000, np.random.default_rng(5))
    mean = size if size is not None else (lo + hi) / 2
    assert sizes.min() >= lo and sizes.max() <= hi
    assert abs(sizes.mean() - mean) < 0.02 * mean + 0.1


@pytest.mark.parametrize(("size", "lo", "hi"), [(1200, 100, 2300), (300, 10, 400), (55, 50, 60)])
def test_a_small_sample_already_has_the_declared_mean_and_range(size, lo, hi):
    """Stratified draws: 200 items have the design's mean within a byte or two and span the range."""
    spec = AttributeSpec(name="a", size_bytes=size, min_size_bytes=lo, max_size_bytes=hi)
    sizes = value_sizes(spec, 200, np.random.default_rng(9))
    assert abs(sizes.mean() - size) <= 2
    assert sizes.min() <= lo + (hi - lo) * 0.02 and sizes.max() >= hi - (hi - lo) * 0.02


def test_presence_leaves_the_attribute_out_of_that_share():
    """A presence below 1 makes an index on the attribute sparse (DG/GSI.html)."""
    issues = _entity_items(generate_samples(parse_model(_design()))["main"], "Issue")
    assert sum("labels" in i for i in issues) == 60  # 0.3 x 200
    assert all("title" in i for i in issues)


def test_example_is_used_verbatim_with_its_declared_type():
    design = _design()
    design["entities"][0]["attributes"] = [
        {"name": "topics", "type": "SS", "example": ["db", "aws"]},
        {"name": "price", "type": "N", "example": 12.5},
        {"name": "owner", "type": "M", "example": {"login": "octo", "id": 7}},
    ]
    repo = _entity_items(generate_samples(parse_model(design))["main"], "Repo")[0]
    assert repo["topics"] == {"SS": ["db", "aws"]}
    assert repo["price"] == {"N": "12.5"}
    assert repo["owner"] == {"M": {"login": {"S": "octo"}, "id": {"N": "7"}}}
    # an example DynamoDB could not store as its type is refused by validation, naming the field (issue 14: what
    # validate accepts, every pass handles); the sample generator words the same rule for a value given directly
    design["entities"][0]["attributes"] = [{"name": "price", "type": "N", "example": "cheap"}]
    with pytest.raises(DesignValidationError, match=r"entities\[0\]\.attributes\[0\]\.example 'cheap' is not a "
                                                    r"DynamoDB N value .*give an example of type N or change the type"):
        parse_model(design)
    with pytest.raises(SampleDataError, match="entity 'Repo' attribute 'price': example 'cheap' is not a valid N"):
        example_value("cheap", "N", "entity 'Repo' attribute 'price'")


def test_duplicate_primary_keys_across_entities_are_dropped():
    design = _design()
    design["entities"].append({**design["entities"][0], "name": "RepoCopy"})
    items = generate_items(parse_model(design))["main"]
    assert len(items) == len({(i["PK"]["S"], i["SK"]["S"]) for i in items}) == 400


# ----------------------------------------------------------------------------- import


TABLE = parse_model(_design()).table("main")


@pytest.mark.parametrize("text", [
    '[{"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}]',
    '{"Items": [{"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}], "Count": 1}',
    '{"main": [{"PutRequest": {"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}}}]}',
    '{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}}\n',
    '{"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}',
])
def test_import_dynamodb_json_shapes(text):
    assert import_items(text, "dynamodb-json", TABLE) == [{"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1"}}]


@pytest.mark.parametrize(("text", "message"), [
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "one"}}]', "item 1, attribute 'n': N value 'one' is not a number"),
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}}, {"PK": {"S": "a"}, "SK": {"S": "c"}, "x": "bare"}]',
     "item 2, attribute 'x': \"bare\" is not a DynamoDB JSON value"),
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}, "t": {"SS": []}}]', "no empty sets"),
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}, "t": {"NS": ["1", "1.0"]}}]', "item 1, attribute 't'"),
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}, "t": {"N": "' + "1" * 39 + '"}}]', "38"),
    ('[{"PK": {"S": "a"}}]', "item 1 has no 'SK', a key attribute of table 'main'"),
    ('[{"PK": {"N": "1"}, "SK": {"S": "b"}}]', "item 1, attribute 'PK' is N but table 'main' declares it S"),
    ('[{"PK": {"S": "a"}, "SK": {"S": "b"}}, ', "line 1 column"),
])
def test_import_dynamodb_json_errors_name_the_item_and_attribute(text, message):
    with pytest.raises(SampleDataError, match=None) as err:
        import_items(text, "dynamodb-json", TABLE, source="f.json")
    assert message in str(err.value) and str(err.value).startswith("f.json")


def test_import_plain_json_and_json_lines():
    lines = '{"PK": "a", "SK": "b", "n": 1.5, "tags": ["x"], "ok": true}\n{"PK": "a", "SK": "c", "m": {"k": null}}\n'
    items = import_items(lines, "json", TABLE)
    assert items[0] == {"PK": {"S": "a"}, "SK": {"S": "b"}, "n": {"N": "1.5"}, "tags": {"L": [{"S": "x"}]},
                        "ok": {"BOOL": True}}
    assert items[1]["m"] == {"M": {"k": {"NULL": True}}}
    with pytest.raises(SampleDataError, match="item 2 has no 'SK'"):
        import_items('[{"PK": "a", "SK": "b"}, {"PK": "a"}]', "json", TABLE)


def test_import_csv_with_typed_headers_and_sparse_cells():
    text = 'PK,SK,price:N,tags:SS,meta:M,done:BOOL,title\nREPO#1,ISSUE#1,9.5,"[""a"",""b""]","{""k"": 1}",true,Hi\n' \
           "REPO#1,ISSUE#2,,,,false,\n"
    items = import_items(text, "csv", TABLE)
    assert items[0] == {"PK": {"S": "REPO#1"}, "SK": {"S": "ISSUE#1"}, "price": {"N": "9.5"}, "tags": {"SS": ["a", "b"]},
                        "meta": {"M": {"k": {"N": "1"}}}, "done": {"BOOL": True}, "title": {"S": "Hi"}}
    assert items[1] == {"PK": {"S": "REPO#1"}, "SK": {"S": "ISSUE#2"}, "done": {"BOOL": False}}


@pytest.mark.parametrize(("text", "message"), [
    ("PK,SK,price:N\nA,B,12\nA,C,twelve\n", "row 3, column 'price' (N): 'twelve' is not a number"),
    ("PK,SK,done:BOOL\nA,B,yes\n", "row 2, column 'done' (BOOL): 'yes' is not a boolean"),
    ("PK,SK,x:DATE\nA,B,1\n", "row 1, column 3 'x:DATE': unknown type 'DATE'"),
    ("PK,SK,PK\nA,B,C\n", "names column(s) ['PK'] more than once"),
    ("PK,SK\nA,B,C\n", "row 2 has 3 cells but the header has 2 columns"),
    ("PK,SK\nA,B\n,C\n", "row 3 has no 'PK'"),
    ("PK,SK,tags:SS\nA,B,[]\n", "row 2, column 'tags' (SS)"),
    ("", "row 1 must be a header"),
])
def test_import_csv_errors_name_row_and_column(text, message):
    with pytest.raises(SampleDataError) as err:
        import_items(text, "csv", TABLE, source="items.csv")
    assert message in str(err.value)


def test_csv_key_columns_take_the_table_key_type():
    design = _design()
    design["tables"][0]["partition_key"]["type"] = "N"
    design["entities"] = []
    table = parse_model(design).table("main")
    assert import_items("PK,SK\n42,x\n", "csv", table) == [{"PK": {"N": "42"}, "SK": {"S": "x"}}]


def test_generated_items_survive_an_export_import_round_trip():
    items = generate_items(parse_model(_design()))["main"]
    assert import_items(json.dumps(items), "dynamodb-json", TABLE) == items


@settings(max_examples=60, deadline=None)
@given(pk_card=st.integers(1, 50), sk_card=st.integers(1, 50), item_count=st.integers(0, 5000),
       cap=st.integers(0, 120), enum=st.booleans(), skew=st.sampled_from(["uniform", "zipf"]),
       seed=st.integers(0, 2**16))
def test_any_design_gets_the_right_count_of_distinct_keyed_items(pk_card, sk_card, item_count, cap, enum, skew, seed):
    """Invariants: min(item_count, cap, distinct keys) items, unique primary keys, every key attribute typed."""
    pk_var = {"name": "p", "cardinality": pk_card, "kind": "enum" if enum else "id"}
    design = {"name": "prop", "tables": [{"name": "Tab", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"}}],
              "entities": [{"name": "E", "table": "Tab", "item_count": item_count,
                            "keys": [{"attribute": "PK", "template": "P#{p}"}, {"attribute": "SK", "template": "S#{s}"}],
                            "variables": [pk_var, {"name": "s", "cardinality": sk_card}],
                            "key_distribution": {"kind": skew},
                            "attributes": [{"name": "a", "size_bytes": 10, "presence": 0.5}]}]}
    items = generate_items(parse_model(design), seed=seed, max_items_per_entity=cap)["Tab"]
    assert len(items) == min(item_count, cap, pk_card * sk_card)
    assert len({(i["PK"]["S"], i["SK"]["S"]) for i in items}) == len(items)
    assert all(set(i) <= {"PK", "SK", "a"} and "PK" in i and "SK" in i for i in items)


def test_sort_key_timestamps_span_their_period():
    """A `{created}#{id}` sort key: items get distinct times spread over the whole period, not one minute."""
    design = {"name": "ts", "tables": [{"name": "Orders", "partition_key": {"name": "PK"}, "sort_key": {"name": "SK"}}],
              "entities": [{"name": "Order", "table": "Orders", "item_count": 1_000_000,
                            "keys": [{"attribute": "PK", "template": "{status}"},
                                     {"attribute": "SK", "template": "{created}#{id}"}],
                            "variables": [{"name": "status", "cardinality": 2, "values": ["NEW", "OLD"]},
                                          {"name": "created", "cardinality": 43_200, "kind": "timestamp"},
                                          {"name": "id", "cardinality": 1_000_000}]}]}
    items = generate_items(parse_model(design))["Orders"]
    times = sorted(i["SK"]["S"].split("#")[0] for i in items)
    assert len(set(times)) == len(items) == 200
    assert times[0] == "2026-01-01T00:00:00Z" and times[-1] > "2026-01-30"  # 43,200 minutes = 30 days


@pytest.mark.parametrize(("name", "size_bytes", "shape"), [
    ("createdAt", 20, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"), ("order_date", 10, r"^\d{4}-\d\d-\d\d$"),
    ("UpdatedOn", 27, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"), ("email", 30, r"^[a-z]+@example\.com$"),
    ("CustomerId", 23, r"^[0-9a-f]{23}$"), ("avatar_url", 40, r"^https://example\.com/[a-z]+$"),
    ("Description", 60, r"^[a-z ]+$"),
])
def test_sample_strings_look_like_their_attribute(name: str, size_bytes: int, shape: str) -> None:
    """Issue 10: a timestamp looks like a timestamp, an email like an email, at exactly the designed size."""
    import re

    from engine.samples import shaped_text

    text = shaped_text(name, size_bytes, np.random.default_rng(7))
    assert len(text.encode("utf-8")) == size_bytes and re.match(shape, text), text


@settings(max_examples=60)
@given(name=st.sampled_from(["createdAt", "email", "UserId", "url", "Title", "x"]), size=st.integers(0, 400))
def test_sample_strings_keep_their_size(name: str, size: int) -> None:
    from engine.samples import shaped_text

    assert len(shaped_text(name, size, np.random.default_rng(size))) == size


@pytest.mark.parametrize("cardinality", [10, 5_000_000_000, 10**13, 10**15])
def test_timestamp_variables_of_any_size_render_ordered_distinct_values(cardinality: int) -> None:
    """Issue 14: a timestamp variable with more than ~4.2 billion values overflowed (one minute per rank runs past
    the year 9999) and broke every page; the step now shrinks to fit (seconds, milliseconds, microseconds)."""
    from engine.keyspace import timestamp_value

    first, second, last = (timestamp_value(r, cardinality) for r in (0, 1, cardinality - 1))
    assert first < second < last and first.startswith("2026-01-01T00:00:00")


@pytest.mark.parametrize("kind", ["SS", "NS", "BS"])
def test_a_40_kb_set_attribute_has_distinct_elements_of_exactly_its_size(kind) -> None:
    """Issue 14: sets are generated element by element with a membership check (a list made a 40 KB number set
    quadratic); DynamoDB rejects duplicate set elements, and the value must weigh exactly its size_bytes (DOMAIN
    §1: a set weighs the sum of its elements)."""
    import numpy as np

    from engine.itemsize import attribute_value_size_bytes
    from engine.samples import typed_value

    value = typed_value(kind, 40_000, np.random.default_rng(3), "tags")
    elements = value[kind]
    assert len(elements) == len(set(elements)) > 1_000
    assert attribute_value_size_bytes(value) == 40_000
