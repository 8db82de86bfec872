"""`ddb-workbench analyze-export`: a DynamoDB export to S3 measured exactly (issue 15, "Table export -> calibration").

Exports are written by benchmarks/make_export.py in the layout and manifest shapes of the developer guide's "DynamoDB
table export output format" (S3DataExport.Output.html: manifest-summary.json, manifest-files.json JSON lines with
itemCount / md5Checksum / etag / dataFileS3Key, gzip data files of {"Item": ...} lines), from the sample items of
sample designs and of a design holding every DynamoDB type, a sparse GSI and an LSI. Expected sizes come from
engine.itemsize (DOMAIN.md §1) on the very items written, never from the analysis code.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import shutil
import zlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.make_export import make_export
from engine.cli import main
from engine.evidence import export as export_module
from engine.evidence.export import AnalyzeOptions, SizeSummary, analyze_export
from engine.evidence.export_files import MAX_LINE_BYTES, ExportError
from engine.io import load_model, load_sample, loads_model
from engine.itemsize import STORAGE_OVERHEAD_BYTES, index_entry_size_bytes, item_size_bytes, number_size_bytes

ALL_TYPES = """
format_version: 1
name: Every DynamoDB type, a sparse GSI and an LSI
tables:
  - name: Things
    partition_key: {name: PK, type: S}
    sort_key: {name: SK, type: S}
    gsis:
      - name: ByColour
        partition_key: {name: Colour, type: S}
        projection: {type: KEYS_ONLY}
    lsis:
      - name: ByRank
        sort_key: {name: Rank, type: N}
        projection: {type: INCLUDE, attributes: [Label]}
entities:
  - name: Thing
    table: Things
    item_count: 5000
    keys:
      - {attribute: PK, template: "THING#{thing}"}
      - {attribute: SK, template: "PART#{part}"}
    variables:
      - {name: thing, cardinality: 300}
      - {name: part, cardinality: 40}
    key_distribution: {kind: zipf, exponent: 1.2}
    attributes:
      - {name: Label, type: S, size_bytes: 30, min_size_bytes: 5, max_size_bytes: 80}
      - {name: Colour, type: S, size_bytes: 6, presence: 0.4}
      - {name: Rank, type: N, size_bytes: 4, presence: 0.7}
      - {name: Blob, type: B, size_bytes: 40}
      - {name: Flag, type: BOOL, size_bytes: 1}
      - {name: Nothing, type: "NULL", size_bytes: 1, presence: 0.5}
      - {name: Tags, type: SS, size_bytes: 40}
      - {name: Scores, type: NS, size_bytes: 12}
      - {name: Blobs, type: BS, size_bytes: 30}
      - {name: Doc, type: M, size_bytes: 120}
      - {name: Items, type: L, size_bytes: 80, presence: 0.6}
  - name: Owner
    table: Things
    item_count: 300
    keys:
      - {attribute: PK, template: "THING#{thing}"}
      - {attribute: SK, template: "OWNER"}
    variables: [{name: thing, cardinality: 300}]
    attributes:
      - {name: Email, type: S, size_bytes: 40}
"""
SAMPLES = ("github_single_table", "global_game_state")


def read_items(folder: Path) -> list[dict]:
    """Every item of an export, read back with the standard library (independent of the analysis)."""
    out = []
    for path in sorted((folder / "data").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            out += [json.loads(line)["Item"] for line in handle if line.strip()]
    return out


def retouch(folder: Path, name: str, data: bytes, items: int | None = None) -> None:
    """Replace a data file and write its checksum (and item count) into the manifests, as if the export had it."""
    path = folder / "data" / name
    path.write_bytes(data)
    digest = hashlib.md5(data).digest()
    lines = []
    for line in (folder / "manifest-files.json").read_text().splitlines():
        entry = json.loads(line)
        if entry["dataFileS3Key"].endswith("/" + name):
            entry["md5Checksum"] = base64.b64encode(digest).decode()
            entry["etag"] = hashlib.md5(digest).hexdigest() + "-1"
            if items is not None:
                entry["itemCount"] = items
        lines.append(json.dumps(entry))
    (folder / "manifest-files.json").write_text("\n".join(lines) + "\n")
    summary = json.loads((folder / "manifest-summary.json").read_text())
    summary["itemCount"] = sum(json.loads(x)["itemCount"] for x in lines)
    (folder / "manifest-summary.json").write_text(json.dumps(summary))


def first_file(folder: Path) -> str:
    """The data file holding the most items."""
    entries = [json.loads(x) for x in (folder / "manifest-files.json").read_text().splitlines()]
    return max(entries, key=lambda e: e["itemCount"])["dataFileS3Key"].rsplit("/", 1)[1]


def gz(lines: list[str]) -> bytes:
    return gzip.compress("".join(line + "\n" for line in lines).encode())


@pytest.fixture(scope="module")
def all_types():
    return loads_model(ALL_TYPES, "yaml", "all types")


@pytest.fixture(scope="module")
def exports(tmp_path_factory, all_types):
    """name -> (design, WrittenExport): two sample designs and the all-types design, 1,500-2,000 items each."""
    out = {}
    for name in SAMPLES:
        design = load_sample(name)
        out[name] = (design, make_export(design, tmp_path_factory.mktemp(name), 1500, files=4))
    out["all_types"] = (all_types, make_export(all_types, tmp_path_factory.mktemp("all_types"), 2000, files=4))
    return out


@pytest.fixture(scope="module")
def analyses(exports):
    """DuckDB's analysis of each export with its design."""
    return {name: analyze_export(w.path, AnalyzeOptions(design=d)) for name, (d, w) in exports.items()}


# ----------------------------------------------------------------------------- exact figures


@pytest.mark.parametrize("name", [*SAMPLES, "all_types"])
def test_counts_and_sizes_equal_the_engines_item_sizes(exports, analyses, name):
    """Per entity: the item count the generator wrote and the exact size distribution engine.itemsize gives its
    items; overall: engine.itemsize on every line read back from the files."""
    design, written = exports[name]
    analysis = analyses[name]
    assert analysis.items == written.items == sum(written.entity_items.values())
    for entity, count in written.entity_items.items():
        measured = analysis.entity(entity)
        assert measured is not None and measured.items == count
        assert measured.sizes == SizeSummary.of(written.entity_sizes[entity])
    sizes = Counter(item_size_bytes(item) for item in read_items(written.path))
    assert analysis.sizes == SizeSummary.of(sizes)
    assert analysis.verification["md5_checked"] == len(written.files)
    assert analysis.verification["etags_checked"] == len(written.files)


def test_attribute_presence_and_value_sizes(exports, analyses):
    """Presence = share of the entity's items carrying the attribute; value sizes by engine.itemsize."""
    design, written = exports["all_types"]
    items = [i for i in read_items(written.path) if i["SK"]["S"].startswith("PART#")]
    thing = analyses["all_types"].entity("Thing")
    for attr in thing.attributes:
        values = [item_size_bytes({attr.name: i[attr.name]}) - len(attr.name.encode()) for i in items
                  if attr.name in i]
        assert attr.items == len(values), attr.name
        assert attr.presence == round(len(values) / len(items), 6)
        assert (attr.value_bytes_min, attr.value_bytes_max) == (min(values), max(values))
        assert attr.value_bytes_mean == round(sum(values) / len(values), 3)
    assert {a.name: a.types for a in thing.attributes}["Scores"] == {"NS": sum("Scores" in i for i in items)}


def test_keys_indexes_and_item_collections(exports, analyses, monkeypatch):
    """Cardinality per key attribute, GSI entries (sparse, KEYS_ONLY), LSI entries counted into item collections
    (table keys + LSI key + INCLUDE attributes, DG/LSI.html), the 10 GB limit checked on storage bytes."""
    design, written = exports["all_types"]
    items = read_items(written.path)
    keys = {k.role: k for k in analyses["all_types"].keys}
    assert keys["table partition key"].spread.distinct == len({i["PK"]["S"] for i in items})
    colour = [i for i in items if "Colour" in i]
    gsi = keys["GSI ByColour partition key"]
    assert gsi.spread.items == len(colour)
    assert gsi.spread.bytes == sum(index_entry_size_bytes(i, ("PK", "SK"), ("Colour",), "KEYS_ONLY") for i in colour)
    collections: dict[str, list[int]] = {}
    for i in items:
        entry = index_entry_size_bytes(i, ("PK", "SK"), ("Rank",), "INCLUDE", ("Label",))
        c = collections.setdefault(i["PK"]["S"], [0, 0, 0])
        c[0] += 1
        c[1] += item_size_bytes(i) + (entry or 0)
        c[2] += entry is not None
    summary = analyses["all_types"].item_collections
    assert summary.collections == len(collections) and summary.lsis == ("ByRank",)
    assert summary.max_bytes == max(b for _, b, _ in collections.values())
    biggest = min(collections.items(), key=lambda kv: (-kv[1][1], kv[0]))
    assert (summary.largest[0].value, summary.largest[0].items, summary.largest[0].bytes,
            summary.largest[0].lsi_entries) == (biggest[0], *biggest[1])
    assert summary.over_limit == 0
    # the limit rule itself, on a limit the test data can reach
    storage = [b + STORAGE_OVERHEAD_BYTES * (n + e) for n, b, e in collections.values()]
    limit = sorted(storage)[len(storage) // 2]
    monkeypatch.setattr(export_module, "LSI_COLLECTION_LIMIT_BYTES", limit)
    again = analyze_export(written.path, AnalyzeOptions(design=design))
    assert again.item_collections.over_limit == sum(s > limit for s in storage) > 0


def test_entities_by_key_prefix_without_a_design(exports):
    """Without a design: the PK/SK key schema is guessed (and said so), entities are key prefix groups, each with a
    key template inferred from its values."""
    design, written = exports["github_single_table"]
    analysis = analyze_export(written.path)
    assert analysis.key_schema["source"] == "guessed" and any("guessed" in n for n in analysis.notes)
    by_name = {e.name: e for e in analysis.entities}
    assert by_name["pk=REPO# sk=ISSUE#"].items == written.entity_items["Issue"]
    assert by_name["pk=REPO# sk=#STAR#"].items == written.entity_items["Star"]
    assert by_name["pk=REPO#"].items == written.entity_items["Repo"]
    assert by_name["pk=REPO# sk=ISSUE#"].key_templates["SK"].startswith("ISSUE#{")


def test_describe_table_output_names_the_keys_and_indexes(exports, tmp_path):
    """`aws dynamodb describe-table` output (DG: KeySchema, GlobalSecondaryIndexes) gives the key schema."""
    design, written = exports["all_types"]
    describe = {"Table": {
        "TableName": "Things", "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"}
                                                        for n in ("PK", "SK", "Colour")],
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        "GlobalSecondaryIndexes": [{"IndexName": "ByColour", "KeySchema": [{"AttributeName": "Colour",
                                                                              "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}]}}
    path = tmp_path / "describe.json"
    path.write_text(json.dumps(describe))
    code = main(["analyze-export", str(written.path), "--describe", str(path), "--json", "-o", "x"])
    assert code == 2  # -o without --apply is a usage error
    from engine.commands.analyze_export import _describe_table

    analysis = analyze_export(written.path, AnalyzeOptions(describe=_describe_table(str(path))))
    assert analysis.key_schema["source"] == "describe-table"
    assert [k.role for k in analysis.keys] == ["table partition key", "table sort key", "GSI ByColour partition key"]


def test_tricky_values_are_sized_exactly_on_both_paths(tmp_path, monkeypatch):
    """Escapes, non-ASCII text, numbers in every shape, binary, nested documents, names with dots and quotes and
    names differing only in case: each item's size equals engine.itemsize's, whether its attributes are read as
    typed columns or (with no names known) sized in Python."""
    lines = []
    rng = random.Random(7)
    numbers = ["0", "-0", "1", "-42", "12.3456", "0.000001", "1E125", "-1.5e-100", "99999999999999999999999999999999999999",
               "100", "1010", "0.15", "3.14159", "00042", "7e+3"]
    for i in range(10):
        item = {
            "PK": {"S": f"T#{i}"}, "SK": {"S": "é\u00fc\u20ac\U0001f600\"\\/\t" + "x" * i},
            "n": {"N": numbers[i]}, "n2": {"N": numbers[-1 - i]}, "a.b": {"S": "dot"}, 'q"uote': {"BOOL": True},
            "Name": {"S": "upper"}, "name": {"S": "lower" * i}, "bin": {"B": base64.b64encode(rng.randbytes(i)).decode()},
            "set": {"NS": numbers[i + 2:i + 5]}, "ss": {"SS": ["a", "ü" * (i + 1)]}, "bs": {"BS": ["AAE=", "AQID"]},
            "doc": {"M": {"k": {"L": [{"N": numbers[i]}, {"NULL": True}, {"M": {}}, {"BOOL": False}]}, "": {"S": ""}}},
            "nil": {"NULL": True},
        }
        lines.append(json.dumps({"Item": item}, ensure_ascii=i % 2 == 0))
    written = make_export(load_sample("orders_simple_key"), tmp_path / "x", 1, files=1)
    retouch(written.path, written.files[0].name, gz(lines), items=len(lines))
    expected = sorted((json.loads(x)["Item"]["PK"]["S"], item_size_bytes(json.loads(x)["Item"])) for x in lines)
    for known in (export_module.MAX_KNOWN_NAMES, 0):
        monkeypatch.setattr(export_module, "MAX_KNOWN_NAMES", known)
        analysis = analyze_export(written.path)
        pk = next(k for k in analysis.keys if k.role == "table partition key")
        assert sorted((v.value, v.bytes) for v in pk.top_by_bytes) == expected, known


def test_number_and_binary_rules_in_sql_match_the_engine():
    """The SQL spelling of DOMAIN.md §1's number rule (engine.evidence.export_sql.number_size_sql) on DuckDB gives
    engine.itemsize.number_size_bytes for numbers of every shape."""
    import duckdb

    from engine.evidence.export_sql import DuckDBDialect, number_size_sql

    rng = random.Random(3)
    values = ["0", "-0", "0.000", "1", "-1", "12", "123", "100", "1010", "1.5", "12.3456", "3.14159", "-42", "0.15",
              "1E125", "1E-100", "0.0000001", "0042", "9" * 38, "-9.9E-130", "+7", ".5", "5.", "1e0"]
    for _ in range(400):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 30)))
        point = rng.randint(0, len(digits))
        text = (rng.choice(["", "-"]) + digits[:point] + ("." if point < len(digits) else "") + digits[point:]
                + (f"E{rng.randint(-40, 40)}" if rng.random() < 0.3 else ""))
        values.append(text)
    rows = duckdb.sql(f"SELECT v, {number_size_sql(DuckDBDialect(), 'v')} FROM unnest($vals) t(v)",
                      params={"vals": values}).fetchall()
    assert {v: s for v, s in rows} == {v: number_size_bytes(v) for v in values}


# ----------------------------------------------------------------------------- manifests and bad input


@pytest.fixture
def small(tmp_path):
    """A fresh small export of the github sample (it is changed by the test)."""
    return make_export(load_sample("github_single_table"), tmp_path / "export", 300, files=3)


def expect_error(path: Path, *words: str) -> str:
    with pytest.raises(ExportError) as info:
        analyze_export(path)
    message = str(info.value)
    for word in words:
        assert word in message, message
    return message


def test_checksum_mismatch_names_the_file_and_the_fix(small):
    name = first_file(small.path)
    data = bytearray((small.path / "data" / name).read_bytes())
    data[-5] ^= 0xFF
    (small.path / "data" / name).write_bytes(bytes(data))
    expect_error(small.path, f"data/{name}", "md5Checksum", "copy the file from S3 again")


def test_item_counts_are_checked_against_the_manifest(small):
    name = first_file(small.path)
    lines = gzip.decompress((small.path / "data" / name).read_bytes()).decode().splitlines()
    retouch(small.path, name, gz(lines[:-1]), items=len(lines))
    expect_error(small.path, f"data/{name}", f"holds {len(lines) - 1:,} items", f"says {len(lines):,}")


def test_missing_manifest_and_missing_data_file(small, tmp_path):
    expect_error(small.path.parent, "no manifest-summary.json here", str(small.path))
    (small.path / "data" / first_file(small.path)).unlink()
    expect_error(small.path, "missing", "aws s3 cp")
    (small.path / "manifest-summary.json").unlink()
    expect_error(small.path, "data files but no manifest-summary.json", "copy the whole export folder")


def test_truncated_gzip(small):
    name = first_file(small.path)
    data = (small.path / "data" / name).read_bytes()
    retouch(small.path, name, data[: len(data) // 2])
    expect_error(small.path, f"data/{name}", "ends before the end of its gzip stream", "copy the file from S3 again")


def test_a_line_that_is_not_utf8(small):
    name = first_file(small.path)
    lines = gzip.decompress((small.path / "data" / name).read_bytes()).split(b"\n")
    lines[4] = lines[4].replace(b'"S":"', b'"S":"\xff', 1)
    retouch(small.path, name, gzip.compress(b"\n".join(lines)))
    expect_error(small.path, f"data/{name} line 5", "not UTF-8")


def test_a_one_gigabyte_line_is_refused_by_the_line_cap(small):
    """A 1 GiB line (1 MB of gzip): refused by the line cap with the line named, never read whole by Python."""
    name = first_file(small.path)
    lines = gzip.decompress((small.path / "data" / name).read_bytes()).split(b"\n")
    pack = zlib.compressobj(1, zlib.DEFLATED, 31)
    body = [pack.compress(b"\n".join(lines[:2]) + b'\n{"Item":{"PK":{"S":"')]
    chunk = b"x" * (1 << 20)
    body += [pack.compress(chunk) for _ in range(1024)]
    body += [pack.compress(b'"}}}\n' + b"\n".join(lines[2:])), pack.flush()]
    retouch(small.path, name, b"".join(body))
    expect_error(small.path, f"data/{name} line 3", f"longer than {MAX_LINE_BYTES:,} bytes")


@pytest.mark.parametrize("line, words", [
    ('$ion_1_0 {Item:{PK:"REPO#x",SK:"REPO#x"}}', ("Amazon Ion line", "DYNAMODB_JSON", "mixed")),
    ('{"PK": "REPO#x", "SK": "REPO#x"}', ("expected {\"Item\"", "plain JSON")),
    ('{"Item": {"PK": "REPO#x", "SK": {"S": "REPO#x"}}}', ("attribute 'PK'", "is not a DynamoDB JSON value")),
    ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "Tags": {"SS": []}}}', ("SS value", "empty")),
    ('{"Item": {"SK": {"S": "b"}}}', ("no key attribute 'PK'",)),
    ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}', ("not valid JSON",)),
])
def test_mixed_and_malformed_lines_name_the_line(small, line, words):
    name = first_file(small.path)
    lines = gzip.decompress((small.path / "data" / name).read_bytes()).decode().splitlines()
    lines.insert(6, line)
    retouch(small.path, name, gz(lines), items=len(lines))
    expect_error(small.path, f"data/{name} line 7", *words)


def ion_text(value: dict) -> str:
    """A DynamoDB JSON value as Ion text, as an ION export writes it (sets as annotated lists)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return json.dumps(inner)
    if kind == "N":
        text = str(Decimal(inner)).replace("E", "d")
        return text if "." in text or "d" in text else text + "."
    if kind == "B":
        return "{{" + inner + "}}"
    if kind in ("BOOL",):
        return "true" if inner else "false"
    if kind == "NULL":
        return "null"
    if kind in ("SS", "NS", "BS"):
        element = kind[0]
        return f"$dynamodb_{kind}::[" + ",".join(ion_text({element: e}) for e in inner) + "]"
    if kind == "L":
        return "[" + ",".join(ion_text(v) for v in inner) + "]"
    return "{" + ",".join(f"{json.dumps(k)}:{ion_text(v)}" for k, v in inner.items()) + "}"


def test_an_ion_export_gives_the_same_figures_as_dynamodb_json(exports, tmp_path, monkeypatch):
    """The same items exported as Amazon Ion (DG: `$ion_1_0 {Item:{...}}` per line, sets annotated) measure the
    same; without the amazon-ion package the message names the format and both fixes."""
    design, written = exports["all_types"]
    ion = tmp_path / "ion"
    (ion / "data").mkdir(parents=True)
    for name in ("manifest-summary.json", "manifest-files.json"):
        (ion / name).write_text((written.path / name).read_text())
    for f in written.files:
        lines = gzip.decompress(f.read_bytes()).decode().splitlines()
        ion_lines = ["$ion_1_0 {Item:" + ion_text({"M": json.loads(x)["Item"]}) + "}" for x in lines]
        retouch(ion, f.name, gz(ion_lines))
    summary = json.loads((ion / "manifest-summary.json").read_text())
    (ion / "manifest-summary.json").write_text(json.dumps({**summary, "outputFormat": "ION"}))
    from_ion = analyze_export(ion, AnalyzeOptions(design=design)).as_dict()
    from_json = analyze_export(written.path, AnalyzeOptions(design=design)).as_dict()
    for part in ("entities", "keys", "item_collections", "sizes", "hot_key_candidates"):
        assert from_ion[part] == from_json[part], part

    import engine.evidence.export_files as files

    monkeypatch.setattr(files, "ION_MODULE", "amazon.ion.not_installed_here")
    expect_error(ion, "Amazon Ion (outputFormat ION)", "pip install 'ddb-workbench[evidence]'", "DYNAMODB_JSON")


# ----------------------------------------------------------------------------- the command


def test_json_output_is_deterministic_facts_only(exports, capsys):
    """--json: the same bytes on every run, no timings or engine details (they go to stderr)."""
    design, written = exports["github_single_table"]
    outs = []
    for _ in range(2):
        assert main(["analyze-export", str(written.path), "--json"]) == 0
        captured = capsys.readouterr()
        outs.append(captured.out)
        assert "peak RSS" in captured.err and "DuckDB" in captured.err
    assert outs[0] == outs[1]
    data = json.loads(outs[0])
    assert data["items"] == written.items and "run" not in data and "DuckDB" not in outs[0]


def test_design_diff_first_and_apply_writes_only_after_success(exports, tmp_path, capsys):
    """--design: the changes come first; --apply -o writes a valid calibrated design whose entities hold what was
    measured; -o never names the input; a failing export writes nothing."""
    design, written = exports["all_types"]
    source = tmp_path / "design.yaml"
    source.write_text(ALL_TYPES)
    out = tmp_path / "calibrated.yaml"
    assert main(["analyze-export", str(written.path), "--design", str(source), "--apply", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Changes to {source} from the export")
    assert f"Thing.item_count: 5,000 -> {written.entity_items['Thing']:,}" in text
    calibrated = load_model(out)
    thing = calibrated.entity("Thing")
    assert thing.item_count == written.entity_items["Thing"]
    colour = thing.attribute("Colour")
    measured = analyze_export(written.path, AnalyzeOptions(design=design)).entity("Thing")
    seen = {a.name: a for a in measured.attributes}
    assert colour.presence == round(seen["Colour"].presence, 4)
    assert thing.attribute("Label").size_bytes == round(seen["Label"].value_bytes_mean, 1)
    assert source.read_text() == ALL_TYPES
    assert main(["analyze-export", str(written.path), "--design", str(source), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"entity": "Thing", "field": "item_count", "before": 5000,
            "after": written.entity_items["Thing"]} in payload["calibration"]["changes"]
    assert main(["analyze-export", str(written.path), "--design", str(source), "--apply", "-o", str(source)]) == 2
    assert main(["analyze-export", str(written.path), "--design", str(source), "--apply"]) == 2
    name = first_file(written.path)
    broken = tmp_path / "broken"
    shutil.copytree(written.path, broken)
    data = (broken / "data" / name).read_bytes()
    retouch(broken, name, data[: len(data) // 2])
    target = tmp_path / "never.yaml"
    assert main(["analyze-export", str(broken), "--design", str(source), "--apply", "-o", str(target)]) == 1
    assert not target.exists() and "ends before the end of its gzip stream" in capsys.readouterr().err


# ----------------------------------------------------------------------------- Spark


@pytest.fixture(scope="module")
def spark():
    """One local Spark session for the module (Spark starts slowly); skipped with the reason when it cannot start."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[test]')")
    from engine.evidence.export_spark import spark_session

    try:
        session = spark_session("local[2]")
    except ExportError as exc:
        print(f"Spark cannot start here: {exc}")
        pytest.skip(f"Spark cannot start here: {exc}")
    yield session
    session.stop()


def test_spark_gives_identical_summaries(spark, exports, analyses):
    """Spark and DuckDB give the same summaries (every figure exact) with a design, on every DynamoDB type, an
    LSI and a sparse GSI, and without a design (key prefix groups, documents sized in Python)."""
    for name in ("all_types", "github_single_table"):
        design, written = exports[name]
        spark_result = analyze_export(written.path, AnalyzeOptions(engine="spark", design=design, spark_session=spark))
        assert spark_result.as_dict() == analyses[name].as_dict(), name
    design, written = exports["global_game_state"]
    assert (analyze_export(written.path, AnalyzeOptions(engine="spark", spark_session=spark)).as_dict()
            == analyze_export(written.path).as_dict())


def test_spark_number_rule_matches_the_engine(spark):
    """number_size_sql spelled for Spark gives engine.itemsize.number_size_bytes too."""
    from engine.evidence.export_sql import SparkDialect, number_size_sql

    values = ["0", "-0", "1", "12", "123", "100", "1010", "1.5", "12.3456", "-42", "0.15", "1E125", "1E-100",
              "0.0000001", "0042", "9" * 38, "-9.9E-130", ".5", "5.", "7e+3"]
    spark.createDataFrame([(v,) for v in values], "v string").createOrReplaceTempView("numbers")
    rows = spark.sql(f"SELECT v, {number_size_sql(SparkDialect(), 'v')} FROM numbers").collect()
    assert {r[0]: r[1] for r in rows} == {v: number_size_bytes(v) for v in values}
