"""Design files: round trips, the committed JSON Schema, safe loading (caps, tags, bombs, lines)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import DesignFileError, DesignValidationError, WorkbenchError
from engine.io import (
    MAX_FILE_BYTES,
    dump_model,
    json_schema_text,
    load_model,
    loads_model,
    sample_names,
    samples_dir,
)
from engine.model import parse_model

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_SAMPLES = {
    "orders_simple_key", "orders_by_customer", "page_views", "page_views_vertical_sharding", "team_users_gsi",
    "team_users_overread", "crm_complex_filtering", "github_single_table", "hot_enum_key",
    "hot_enum_key_sharded", "global_game_state", "orders_stream_totals",
}


def test_every_named_sample_exists_and_nothing_else_is_in_the_folder():
    assert set(sample_names()) == EXPECTED_SAMPLES
    files = {p.name for p in (ROOT / "sample_models").iterdir()}
    assert files == {f"{n}.yaml" for n in EXPECTED_SAMPLES} | {"design.schema.json"}
    assert samples_dir() == ROOT / "sample_models"


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_samples_round_trip_and_have_a_lesson(name, fmt):
    model = load_model(ROOT / "sample_models" / f"{name}.yaml")
    assert loads_model(dump_model(model, fmt), fmt) == model
    assert model.lesson is not None and model.lesson.look_at and model.lesson.teaches
    assert model.price_catalog == "aws-2024-11"


REGENERATE = "run `ddb-workbench schema > sample_models/design.schema.json`"


def committed_schema() -> dict:
    return json.loads((ROOT / "sample_models" / "design.schema.json").read_text())


def model_classes() -> dict[str, type]:
    """Every model class reachable from DataModel, by name (the schema's $defs keys)."""
    from typing import get_args

    from pydantic import BaseModel

    from engine.model import DataModel

    found: dict[str, type] = {}

    def visit(tp) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ in found:
                return
            found[tp.__name__] = tp
            for field in tp.model_fields.values():
                visit(field.annotation)
        for arg in get_args(tp):
            visit(arg)

    visit(DataModel)
    return found


def test_committed_json_schema_is_current():
    """Stale-schema check that does not depend on how a pydantic version spells its schema."""
    committed = committed_schema()
    if committed == json.loads(json_schema_text()):
        return
    defs = committed["$defs"]
    for name, cls in model_classes().items():
        props = committed["properties"] if name == "DataModel" else defs.get(name, {}).get("properties")
        assert props is not None, f"{name} is missing from the committed schema; {REGENERATE}"
        expected = set(cls.model_fields) | ({"format_version"} if name == "DataModel" else set())
        assert set(props) == expected, f"{name} fields differ from the committed schema; {REGENERATE}"
        for field, info in cls.model_fields.items():
            assert props[field].get("description") == info.description, f"{name}.{field}: {REGENERATE}"


@pytest.mark.parametrize("name", sorted(EXPECTED_SAMPLES))
def test_samples_validate_against_the_committed_schema(name):
    import yaml
    from jsonschema import Draft202012Validator

    data = yaml.safe_load((ROOT / "sample_models" / f"{name}.yaml").read_text())
    errors = sorted(Draft202012Validator(committed_schema()).iter_errors(data), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_committed_schema_rejects_unknown_keys():
    from jsonschema import Draft202012Validator

    bad = {"format_version": 1, "name": "x", "tables": [{"name": "orders", "partition_key": {"name": "pk"}, "tpe": 1}]}
    assert list(Draft202012Validator(committed_schema()).iter_errors(bad))


def test_schema_documents_every_field():
    schema = json.loads(json_schema_text())
    missing = [f"{name}.{field}" for name, defn in schema["$defs"].items()
               for field, prop in defn.get("properties", {}).items() if not prop.get("description")]
    assert not missing, missing


# --------------------------------------------------------------- hypothesis: generated designs round trip
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12)
texts = st.text(max_size=40)
rates = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def designs(draw):
    table, pk, sk = draw(st.lists(names, min_size=3, max_size=3, unique=True))
    has_sk = draw(st.booleans())
    attrs = draw(st.lists(st.tuples(names, st.sampled_from(["S", "N", "B", "M", "L", "BOOL"]),
                                    st.integers(0, 5000), st.floats(0.1, 1.0)),
                          max_size=5, unique_by=lambda a: a[0]))
    attrs = [a for a in attrs if a[0] not in (pk, sk)]
    keys = [{"attribute": pk, "template": "P#{v}"}] + ([{"attribute": sk, "template": draw(texts.filter(
        lambda t: "{" not in t and "}" not in t)) or "S"}] if has_sk else [])
    data = {
        "name": draw(texts.filter(lambda t: t.strip())) or "d",
        "description": draw(texts),
        "hours_per_month": draw(st.one_of(st.none(), st.floats(1, 744))),
        "tables": [{"name": table, "partition_key": {"name": pk, "type": draw(st.sampled_from("SNB"))},
                    **({"sort_key": {"name": sk}} if has_sk else {}),
                    "table_class": draw(st.sampled_from(["STANDARD", "STANDARD_INFREQUENT_ACCESS"]))}],
        "entities": [{"name": "E", "table": table, "item_count": draw(st.integers(0, 10**9)), "keys": keys,
                      "variables": [{"name": "v", "cardinality": draw(st.integers(1, 10**7))}],
                      "attributes": [{"name": n, "type": t, "size_bytes": s, "presence": p} for n, t, s, p in attrs],
                      "key_distribution": draw(st.sampled_from([
                          {"kind": "uniform"}, {"kind": "zipf", "exponent": 1.2},
                          {"kind": "hot_keys", "keys": [{"key": "P#1", "share": 0.5}]}]))}],
        "access_patterns": [{
            "name": "p", "operation": "Query", "table": table, "entities": ["E"],
            "key_condition": {"partition_key": "P#{v}"}, "requests_per_second": draw(rates),
            "consistency": draw(st.sampled_from(["eventual", "strong"])),
            "items_per_request": draw(st.floats(1, 1000)),
        }, {
            "name": "w", "operation": "PutItem", "table": table, "entities": ["E"],
            "key_condition": {"partition_key": "P#{v}", **({"sort_key": {"operator": "=", "value": "x"}}
                                                            if has_sk else {})},
            "requests_per_second": draw(rates),
        }],
    }
    return parse_model(data)


@given(designs(), st.sampled_from(["yaml", "json"]))
def test_generated_designs_round_trip(model, fmt):
    assert loads_model(dump_model(model, fmt), fmt) == model


# --------------------------------------------------------------- safe loading
def test_billion_laughs_is_rejected_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(DesignFileError, match="alias"):
        loads_model("\n".join(lines))
    assert time.perf_counter() - started < 5  # generous: the real figure is milliseconds


def test_python_tags_are_rejected_with_their_line():
    with pytest.raises(DesignFileError, match=r"line 2:.*no !!python"):
        loads_model('name: x\ntables: !!python/object/apply:os.system ["echo hi"]\n')


def test_deep_nesting_is_rejected():
    with pytest.raises(DesignFileError, match="nesting"):
        loads_model("a: " + "[" * 3000 + "]" * 3000)
    with pytest.raises(DesignFileError, match="nesting"):
        loads_model("[" * 100 + "]" * 100)


def test_size_cap_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(DesignFileError, match="limit"):
        load_model(big)


def test_non_utf8_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(DesignFileError, match="not UTF-8"):
        load_model(bad)


def test_syntax_error_gives_line_and_column():
    with pytest.raises(DesignFileError, match=r"line 2, column 9"):
        loads_model("name: x\ntables: ]\n")
    with pytest.raises(DesignFileError, match=r"line 1, column"):
        loads_model('{"name": }', "json")


def test_validation_problems_carry_yaml_line_numbers():
    text = "name: x\ntables:\n  - name: orders\n    partition_key: {name: pk, tpe: S}\n"
    with pytest.raises(DesignValidationError) as info:
        loads_model(text)
    assert "tables[0].partition_key.tpe (line 4)" in info.value.problems[0]


def test_unknown_format_version_is_rejected():
    with pytest.raises(DesignFileError, match="format_version 9"):
        loads_model("format_version: 9\nname: x\ntables: []\n")


def test_every_failure_is_a_workbench_error():
    for text in ("", "- a\n- b\n", "name: [unclosed", "a: *undefined"):
        with pytest.raises(WorkbenchError):
            loads_model(text)


@pytest.mark.parametrize(("text", "fmt"), [
    ('{"name": "a", "name": "b", "tables": []}', "json"),
    ('{"name": "a", "tables": [{"name": "orders", "name": "other", "partition_key": {"name": "pk"}}]}', "json"),
    ("name: a\nname: b\ntables: []\n", "yaml"),
])
def test_a_key_given_twice_is_rejected_in_json_as_in_yaml(text, fmt):
    # json.loads keeps the last of two equal keys silently; a design file must not change meaning that way
    with pytest.raises(DesignFileError, match="'name' appears"):
        loads_model(text, fmt)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_number_of_thousands_of_digits_is_a_message_not_an_internal_error(fmt: str) -> None:
    """Issue 14: integers over 4,300 digits gave 'internal error' (Python's int conversion limit)."""
    from engine.errors import DesignFileError
    from engine.io import dump_model, load_sample, loads_model

    text = dump_model(load_sample("page_views"), fmt)
    needle = '"item_count": 50000' if fmt == "json" else "item_count: 50000"
    text = text.replace(needle, needle.replace("50000", "9" * 5000), 1)
    with pytest.raises(DesignFileError, match="has 5,000 digits"):
        loads_model(text, fmt, source="big")


def test_a_device_or_fifo_is_refused_instead_of_read_forever(tmp_path) -> None:
    """Issue 14: /dev/zero was read without the byte cap and a FIFO blocked."""
    import os

    from engine.errors import WorkbenchError
    from engine.io import MAX_FILE_BYTES, read_input_text

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    from engine.io import load_model

    for path in ("/dev/zero", fifo):
        with pytest.raises(WorkbenchError, match="not a regular file"):
            read_input_text(path, "design", MAX_FILE_BYTES)
        with pytest.raises(WorkbenchError, match="not a regular file"):
            load_model(path)


def test_a_large_yaml_without_aliases_is_refused_as_too_large_not_as_an_alias_bomb() -> None:
    """Issue 14: a 4 MB design of 60,000 tables and no aliases was composed for 23 s and then called an alias bomb.
    It is refused for what it is (too many values), before the slow composer runs; a real alias bomb keeps its
    own message."""
    from engine.errors import DesignFileError
    from engine.io import loads_model

    text = "name: x\ntables:\n" + "".join(f"  - {{name: t{i:05d}, partition_key: {{name: PK, type: S}}}}\n"
                                          for i in range(60_000))
    with pytest.raises(DesignFileError, match="more than the 200,000 a design file may hold") as info:
        loads_model(text)
    assert "alias" not in str(info.value)
    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(5)]
    with pytest.raises(DesignFileError, match="alias bomb"):
        loads_model("\n".join(levels) + "\n")
