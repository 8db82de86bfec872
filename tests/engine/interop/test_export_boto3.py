"""`ddb-workbench export --to boto3`: the generated module compiles, lints clean, sends requests botocore accepts,
and against a real `ddb-workbench serve` returns what engine.patterns' own runs return and consumes what they
consumed.

How the runs are compared (each test's docstring says the same for its part): engine.patterns.validate_patterns
runs every pattern against a sandbox holding the design's seeded sample items and keeps each wire request it sent
(RequestRun.request) with the capacity the sandbox measured (`measured`) and the capacity DOMAIN.md §2's rules
give for the very items it touched (`rules`, engine.capacity). The test recovers the key template variables and
attribute values of each request, calls the generated function with them through boto3 against `ddb-workbench
serve` started on the same design and seed, and compares per request: the items read (with the same request
replayed on a reference sandbox), the state written, and ConsumedCapacity (TOTAL) == measured == rules. Per
pattern, where engine.patterns reports agreement with engine.evaluate's estimate (the engine's figure from the
design's averages), the weighted mean over the pattern's requests must equal that estimate too; elsewhere the
estimate is a distribution over items the sample does not hold, so the exact per-request figure (rules) is the
comparison.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from botocore.validate import ParamValidator
from ddb_serve import boto_item, boto_value, serve
from ddb_serve import dynamodb_client as make_client
from ddb_serve import wire as sandbox_wire

from engine import capacity
from engine.evaluate import evaluate
from engine.interop import export_design, export_notes
from engine.interop.boto3_module import plan_and_module
from engine.io import load_model
from engine.itemsize import item_size_bytes
from engine.model.entity import template_variables
from engine.patterns import validate_patterns
from engine.sandbox import Sandbox
from engine.sandbox.reserved_words import RESERVED_WORDS
from engine.units import rate, units

ROOT = Path(__file__).resolve().parents[3]
DESIGN_DIR = Path(__file__).parent / "designs"  # workbench designs (data/ holds files to import)
DESIGNS = sorted((ROOT / "sample_models").glob("*.yaml")) + [DESIGN_DIR / "all_operations.yaml"]
SEED = 0
EXPRESSION_WORDS = {"AND", "BETWEEN", "begins_with", "attribute_exists", "SET", "REMOVE"}


# ----------------------------------------------------------------------------- helpers


def load_module(text: str, folder: Path, name: str) -> ModuleType:
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the module runs
    spec.loader.exec_module(module)
    return module


class Capture:
    """Every request a client sends, each checked by botocore's ParamValidator against DynamoDB's model."""

    def __init__(self, client: Any) -> None:
        self.sent: list[tuple[str, dict]] = []
        client.meta.events.register("before-parameter-build.dynamodb.*", self.hook)

    def hook(self, params: dict, model: Any, **_: Any) -> None:
        report = ParamValidator().validate(params, model.input_shape)
        assert not report.has_errors(), report.generate_report()
        self.sent.append((model.name, json.loads(json.dumps(params, default=repr))))


def python_item(module: ModuleType, item: Mapping[str, Any]) -> dict[str, Any]:
    return module.item_from_dynamodb(boto_item(item))


def canon(value: Any) -> Any:
    """Python item values in one comparable, JSON-ready form."""
    if isinstance(value, Binary):
        return ["B", bytes(value.value).hex()]
    if isinstance(value, (bytes, bytearray)):
        return ["B", bytes(value).hex()]
    if isinstance(value, Decimal):
        return ["N", str(value)]
    if isinstance(value, (set, frozenset)):
        return sorted((canon(v) for v in value), key=json.dumps)
    if isinstance(value, list):
        return [canon(v) for v in value]
    if isinstance(value, dict):
        return {k: canon(v) for k, v in sorted(value.items())}
    return value


def canon_items(items: list[dict]) -> list[str]:
    return sorted(json.dumps(canon(i), sort_keys=True) for i in items)


def variables_of(template: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """The variable values a rendered key template holds: the inverse of the template, checked by re-rendering."""
    ((kind, raw),) = value.items()
    if kind == "B":
        raw = base64.b64decode(raw) if isinstance(raw, str) else bytes(raw)
        if re.fullmatch(r"\{[A-Za-z_][A-Za-z0-9_]*\}", template):
            return {template[1:-1]: raw}
        raw = raw.decode("utf-8")
    text = str(raw)
    regex, seen = "", set()
    for piece in re.split(r"(\{[A-Za-z_][A-Za-z0-9_]*\})", template):
        if re.fullmatch(r"\{[A-Za-z_][A-Za-z0-9_]*\}", piece):
            name = piece[1:-1]
            regex += f"(?P={name})" if name in seen else f"(?P<{name}>.*?)"
            seen.add(name)
        else:
            regex += re.escape(piece)
    match = re.fullmatch(regex, text)
    assert match, (template, text)
    found = match.groupdict()
    rendered = template
    for name, val in found.items():
        rendered = rendered.replace("{" + name + "}", val)
    assert rendered == text, (template, text, found)
    return found


def argument(param: Any, text: Any) -> Any:
    """A recovered variable value in the parameter's type."""
    if param.annotation == "bytes":
        return text
    if param.annotation == "Number":
        return int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text)
    return text


def placeholders(expression: str, names: Mapping[str, str], values: Mapping[str, Any] | None,
                 module: ModuleType) -> tuple[dict, dict]:
    """The names and (Python) values an expression of engine.patterns' request uses."""
    used = set(re.findall(r"[#:][A-Za-z0-9_]+", expression))
    return ({k: v for k, v in names.items() if k in used},
            {k: module.from_dynamodb(boto_value(v)) for k, v in (values or {}).items() if k in used})


def sets_of(update_expression: str, names: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute -> wire value of the SET clauses of engine.patterns' UpdateExpression."""
    if not update_expression.startswith("SET "):
        return {}
    pairs = re.findall(r"(#\w+) = (:\w+)", update_expression)
    return {names[n]: values[v] for n, v in pairs}


def generated_expressions_use_placeholders(request: Mapping[str, Any]) -> None:
    """The function's own expressions name every attribute through a #placeholder (reserved words included)."""
    for field in ("KeyConditionExpression", "UpdateExpression", "ProjectionExpression"):
        text = request.get(field)
        if text:
            bare = set(re.findall(r"(?<![#:\w])[A-Za-z_][A-Za-z0-9_]*", text)) - EXPRESSION_WORDS
            assert not bare, (field, text)


# ----------------------------------------------------------------------------- static checks


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_module_compiles_lints_clean_and_documents_every_pattern(design: Path, tmp_path: Path) -> None:
    """Source: the brief's first test (compiles, passes the project's ruff config) and the docstring rule (pattern
    name, rate, capacity per request from engine.evaluate with units)."""
    model = load_model(design)
    text = export_design(model, "boto3")
    compile(text, design.name, "exec")
    path = tmp_path / "patterns_module.py"
    path.write_text(text, encoding="utf-8")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    lint = subprocess.run([ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    module = load_module(text, tmp_path, f"gen_{design.stem}")
    assert list(module.PATTERNS) == [p.name for p in model.access_patterns]
    tree = ast.parse(text)
    docs = {n.name: ast.get_docstring(n) for n in tree.body if isinstance(n, ast.FunctionDef)}
    estimates = {p.name: p for p in evaluate(model).patterns}
    for pattern in model.access_patterns:
        function = module.PATTERNS[pattern.name]
        doc = " ".join(docs[function.__name__].split())
        assert f"Access pattern '{pattern.name}'" in doc
        assert f"Rate (design): {rate(pattern.requests_per_second)}" in doc
        e = estimates[pattern.name]
        figure = units(e.read_units_per_request, "RCU") if pattern.is_read else units(e.write_units_per_request, "WCU")
        assert f"Capacity per request (engine estimate from the design's averages): {figure}" in doc
        assert re.fullmatch(r"[a-z][a-z0-9_]*", function.__name__)
    assert (ast.get_docstring(tree) or "").startswith(f"Access patterns of the design '{model.name}'")


# ----------------------------------------------------------------------------- runs against serve


class Run:
    """Calls of one design's generated functions against `serve`, compared with engine.patterns' runs."""

    def __init__(self, model: Any, module: ModuleType, plan: Any, url: str) -> None:
        self.model, self.module, self.plan = model, module, plan
        self.client = make_client(url)
        self.capture = Capture(self.client)
        self.raw = make_client(url)  # reads and restores state, outside the capture
        self.reference = Sandbox.from_model(model, SEED)

    # -- arguments from engine.patterns' request
    def key_arguments(self, function: Any, templates: list[tuple[str, str]], key: Mapping[str, Any]) -> dict[str, Any]:
        """Parameter name -> value of the variables the rendered keys hold (a missing one is a TypeError later)."""
        out = {}
        for attribute, template in templates:
            for var, text in variables_of(template, key[attribute]).items():
                param = function.param(variable=var)
                out[param.name] = argument(param, text)
        return out

    def primary_templates(self, pattern: Any) -> list[tuple[str, str]]:
        table = self.model.table(pattern.table)
        kc = pattern.key_condition
        out = [(table.partition_key.name, kc.partition_key)]
        if table.sort_key is not None:
            out.append((table.sort_key.name, kc.sort_key.value))
        return out

    def entity_templates(self, entity_name: str, primary_only: bool = False) -> list[tuple[str, str]]:
        entity = self.model.entity(entity_name)
        keys = self.model.table(entity.table).key_names
        return [(kt.attribute, kt.template) for kt in entity.keys if not primary_only or kt.attribute in keys]

    def key_tuple(self, class_plan: Any, templates: list[tuple[str, str]], key: Mapping[str, Any]) -> Any:
        values = self.key_arguments(class_plan, templates, key)
        return getattr(self.module, class_plan.key_class)(**values)

    def condition(self, request: Mapping[str, Any]) -> dict[str, Any]:
        text = request.get("ConditionExpression")
        if not text:
            return {}
        names, values = placeholders(text, request.get("ExpressionAttributeNames", {}),
                                     request.get("ExpressionAttributeValues"), self.module)
        return {"condition_expression": text, "expression_names": names, **(
            {"expression_values": values} if values else {})}

    def item_arguments(self, builder: Any, item: Mapping[str, Any]) -> dict[str, Any]:
        out = self.key_arguments(builder, self.entity_templates(builder.entity), item)
        for p in builder.params:
            if p.attribute is not None:
                present = p.attribute in item
                out[p.name] = (present if p.kind == "NULL" else
                               self.module.from_dynamodb(boto_value(item[p.attribute])) if present else None)
        return out

    def update_arguments(self, function: Any, pattern: Any, request: Mapping[str, Any],
                         old: Mapping[str, Any]) -> dict[str, Any]:
        args = self.key_arguments(function, self.primary_templates(pattern), request["Key"])
        sets = sets_of(request["UpdateExpression"], request["ExpressionAttributeNames"],
                       request.get("ExpressionAttributeValues", {}))
        entity = self.model.entity(pattern.entities[0])
        for attribute in pattern.changed_attributes:
            value = sets.get(attribute, old.get(attribute))
            kt = entity.key_template(attribute)
            if kt is not None and template_variables(kt.template):
                for var, text in variables_of(kt.template, value).items():
                    param = function.param(variable=var)
                    args.setdefault(param.name, argument(param, text))
            else:
                args[function.param(attribute=attribute).name] = (
                    None if value is None else self.module.from_dynamodb(boto_value(value)))
        return args

    # -- state
    def touched_keys(self, operation: str, request: Mapping[str, Any]) -> list[tuple[str, dict]]:
        def key_of(table: str, item: Mapping[str, Any]) -> tuple[str, dict]:
            return table, {k: item[k] for k in self.model.table(table).key_names}

        if operation == "PutItem":
            return [key_of(request["TableName"], request["Item"])]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(request["TableName"], dict(request["Key"]))]
        if operation == "BatchWriteItem":
            return [key_of(t, w["PutRequest"]["Item"]) if "PutRequest" in w else (t, dict(w["DeleteRequest"]["Key"]))
                    for t, writes in request["RequestItems"].items() for w in writes]
        out = []
        for member in request["TransactItems"]:
            ((kind, body),) = member.items()
            out.append(key_of(body["TableName"], body["Item"]) if kind == "Put" else (body["TableName"], body["Key"]))
        return out

    def served_state(self, keys: list[tuple[str, dict]]) -> list[dict | None]:
        """The touched items as `serve` holds them, in the sandbox's wire form."""
        return [sandbox_wire(self.raw.get_item(TableName=table, Key=boto_item(key), ConsistentRead=True).get("Item"))
                for table, key in keys]

    def reference_state(self, keys: list[tuple[str, dict]]) -> list[dict | None]:
        return [self.reference.call("GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")
                for table, key in keys]

    def same_state(self, served: list[dict | None], reference: list[dict | None]) -> bool:
        def comparable(items: list[dict | None]) -> list:
            return [None if i is None else canon(python_item(self.module, i)) for i in items]

        return comparable(served) == comparable(reference)

    def restore(self, keys: list[tuple[str, dict]], served: list[dict | None], reference: list[dict | None]) -> None:
        for (table, key), old, ref in zip(keys, served, reference, strict=True):
            if old is None:
                self.raw.delete_item(TableName=table, Key=boto_item(key))
                self.reference.call("DeleteItem", {"TableName": table, "Key": key})
            else:
                self.raw.put_item(TableName=table, Item=boto_item(old))
                self.reference.call("PutItem", {"TableName": table, "Item": ref})

    # -- reads
    def replay_read(self, pattern: Any, request: dict) -> tuple[list[dict], int | None]:
        """engine.patterns' request replayed on the reference sandbox (Query/Scan paged as engine.patterns does)."""
        op = pattern.operation
        if op == "GetItem":
            found = self.reference.call(op, request).get("Item")
            return [found] if found else [], None
        if op == "BatchGetItem":
            return self.reference.call(op, request)["Responses"].get(pattern.table, []), None
        if op == "TransactGetItems":
            return [r["Item"] for r in self.reference.call(op, request)["Responses"] if r.get("Item")], None
        limit, items, scanned, page = request.get("Limit"), [], 0, dict(request)
        while True:
            if limit is not None:
                page["Limit"] = limit - scanned
            response = self.reference.call(op, page)
            items += response["Items"]
            scanned += response["ScannedCount"]
            if not response.get("LastEvaluatedKey") or (limit is not None and scanned >= limit):
                return items, scanned
            page = {**request, "ExclusiveStartKey": response["LastEvaluatedKey"]}

    def read_call(self, function: Any, pattern: Any, request: dict) -> tuple[Any, dict]:
        fn = getattr(self.module, function.name)
        op = pattern.operation
        if op == "GetItem":
            args = self.key_arguments(function, self.primary_templates(pattern), request["Key"])
            return fn(self.client, **args, consistent_read=request["ConsistentRead"]), args
        if op in ("BatchGetItem", "TransactGetItems"):
            keys = (request["RequestItems"][pattern.table]["Keys"] if op == "BatchGetItem"
                    else [m["Get"]["Key"] for m in request["TransactItems"]])
            key_objects = [self.key_tuple(function, self.primary_templates(pattern), k) for k in keys]
            extra = {"consistent_read": request["RequestItems"][pattern.table]["ConsistentRead"]} \
                if op == "BatchGetItem" else {}
            return fn(self.client, key_objects, **extra), {"keys": key_objects}
        args: dict[str, Any] = {"limit": request.get("Limit")}
        if op == "Query":
            table = self.model.table(pattern.table)
            pk, sk = table.index_keys(pattern.index)
            names, values = request["ExpressionAttributeNames"], request["ExpressionAttributeValues"]
            by_attribute: dict[str, list] = {}
            for n, v in re.findall(r"(#\w+)\s*(?:=|<=|>=|<|>|BETWEEN|,)\s*(:\w+)", request["KeyConditionExpression"]):
                by_attribute.setdefault(names[n], []).append(values[v])
            between = re.search(r"BETWEEN (:\w+) AND (:\w+)", request["KeyConditionExpression"])
            kc = pattern.key_condition
            pairs = [(kc.partition_key, by_attribute[pk.name][0])]
            if kc.sort_key is not None:
                pairs.append((kc.sort_key.value, by_attribute[sk.name][0]))
                if between:
                    pairs.append((kc.sort_key.value2, values[between.group(2)]))
            for template, value in pairs:
                for var, text in variables_of(template, value).items():
                    param = function.param(variable=var)
                    args[param.name] = argument(param, text)
            args["scan_index_forward"] = request["ScanIndexForward"]
        if "ConsistentRead" in request:
            args["consistent_read"] = request["ConsistentRead"]
        if "FilterExpression" in request:
            names, values = placeholders(request["FilterExpression"], request["ExpressionAttributeNames"],
                                         request.get("ExpressionAttributeValues"), self.module)
            args.update(filter_expression=request["FilterExpression"], expression_names=names,
                        expression_values=values)
        return fn(self.client, **args), args

    def check_read(self, function: Any, pattern: Any, run: Any) -> float:
        sent_before = len(self.capture.sent)
        result, _ = self.read_call(function, pattern, run.request)
        expected, scanned = self.replay_read(pattern, run.request)
        assert canon_items(result.items) == canon_items([python_item(self.module, i) for i in expected]), pattern.name
        assert len(result.items) == run.items_returned, pattern.name
        if scanned is not None:
            assert result.scanned_count == scanned == run.items_read, pattern.name
        self.check_capacity(pattern, run, result.consumed_capacity)
        for _, sent in self.capture.sent[sent_before:]:
            generated_expressions_use_placeholders(sent)
            assert sent["ReturnConsumedCapacity"] == "TOTAL"
        return result.consumed_capacity

    # -- writes
    def write_call(self, function: Any, pattern: Any, request: dict, old: list[dict | None]) -> tuple[Any, bool]:
        """Call the function with engine.patterns' request's values; (result, whether the request is the same)."""
        fn = getattr(self.module, function.name)
        op = pattern.operation
        if op == "PutItem":
            builder = self.plan.builders[function.entity]
            return fn(self.client, **self.item_arguments(builder, request["Item"]), **self.condition(request)), True
        if op == "DeleteItem":
            args = self.key_arguments(function, self.primary_templates(pattern), request["Key"])
            return fn(self.client, **args, **self.condition(request)), True
        if op == "UpdateItem":
            args = self.update_arguments(function, pattern, request, old[0] or {})
            return fn(self.client, **args, **self.condition(request)), old[0] is not None
        if op == "BatchWriteItem":
            writes = request["RequestItems"][pattern.table]
            if pattern.write_kind == "put":
                return fn(self.client, [boto_item(w["PutRequest"]["Item"]) for w in writes]), True
            return fn(self.client, [self.key_tuple(function, self.primary_templates(pattern), w["DeleteRequest"]["Key"])
                                    for w in writes]), True
        args = []
        for action, member in zip(pattern.actions, request["TransactItems"], strict=True):
            ((kind, body),) = member.items()
            if kind == "Put":
                args.append(boto_item(body["Item"]))
                continue
            key_class = self.plan.entity_keys[action.entity]
            args.append(self.key_tuple(key_class, self.entity_templates(action.entity, True), body["Key"]))
            if kind == "Update":
                sets = sets_of(body["UpdateExpression"], body["ExpressionAttributeNames"],
                               body.get("ExpressionAttributeValues", {}))
                args.append({k: self.module.from_dynamodb(boto_value(v)) for k, v in sets.items()})
        return fn(self.client, *args), True

    def check_write(self, function: Any, pattern: Any, run: Any) -> float | None:
        keys = self.touched_keys(run.operation, run.request)
        before, before_reference = self.served_state(keys), self.reference_state(keys)
        assert self.same_state(before, before_reference), pattern.name
        if run.error_code is not None:  # a failed condition: DynamoDB raises and reports no capacity
            if pattern.operation == "TransactWriteItems":
                return None  # the cancelled scenario puts a condition on an action; the function sends none
            with pytest.raises(ClientError) as caught:
                self.write_call(function, pattern, run.request, before)
            assert caught.value.response["Error"]["Code"] == run.error_code
            assert self.served_state(keys) == before
            return sum(run.measured.values())
        sent_before = len(self.capture.sent)
        result, same = self.write_call(function, pattern, run.request, before)
        for _, sent in self.capture.sent[sent_before:]:
            generated_expressions_use_placeholders(sent)
            assert sent["ReturnConsumedCapacity"] == "TOTAL"
        after = self.served_state(keys)
        self.reference.call(run.operation, run.request)
        if same:
            assert self.same_state(after, self.reference_state(keys)), pattern.name
            self.check_capacity(pattern, run, result.consumed_capacity)
        else:  # an upsert of a missing item: the function sets only the changed attributes
            assert all(a is not None for a in after)
            assert result.consumed_capacity == pytest.approx(rules_for_items(self.model, keys, before, after))
        self.restore(keys, before, before_reference)
        return result.consumed_capacity if same else None

    def check_capacity(self, pattern: Any, run: Any, consumed: float) -> None:
        assert consumed == pytest.approx(sum(run.measured.values())), (pattern.name, run.scenario)
        assert consumed == pytest.approx(sum(run.rules.values())), (pattern.name, run.scenario)


def rules_for_items(model: Any, keys: list[tuple[str, dict]], before: list, after: list) -> float:
    """engine.capacity's write rules (table and index arms) on the items (wire form) before and after the write."""
    total = 0.0
    for (table_name, _), old, new in zip(keys, before, after, strict=True):
        table = model.table(table_name)
        wire = (old, new)
        total += capacity.write_units(*(None if w is None else item_size_bytes(w) for w in wire))
        for index in (*table.gsis, *table.lsis):
            pk, sk = table.index_keys(index.name)
            total += capacity.index_write_units_for_items(
                wire[0], wire[1], table.key_names, tuple(k.name for k in (pk, sk) if k is not None),
                index.projection.type, index.projection.attributes)
    return total


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_every_pattern_against_serve_matches_the_engines_runs(design: Path, tmp_path: Path) -> None:
    """Source: the brief's second test. For every request engine.patterns sent (its runs on the seeded sample), the
    generated function, called through boto3 against `ddb-workbench serve DESIGN --seed 0` with the same key values,
    reads the same items (the request replayed on a reference sandbox) or leaves the same items written, and its
    ConsumedCapacity (TOTAL) equals the sandbox's measured figure and engine.capacity's rules on those items. Where
    engine.patterns finds the sample agrees with engine.evaluate's estimate, the weighted mean over the pattern's
    requests equals that estimate. Failed conditional writes raise ConditionalCheckFailedException, as DynamoDB
    does, with no capacity in the response: their measured figure stands in for the mean. An UpdateItem upsert of a
    missing item sets only the changed attributes (engine.patterns writes a whole item), so it is compared with the
    rules on the item it actually wrote; a cancelled transaction cannot be replayed (the function sends no failing
    condition) and is left out of the mean."""
    model = load_model(design)
    plan, text = plan_and_module(model)
    module = load_module(text, tmp_path, f"gen_run_{design.stem}")
    report = validate_patterns(model, SEED, sandbox=Sandbox.from_model(model, SEED))
    estimates = {p.name: p for p in evaluate(model).patterns}
    with serve(design, SEED) as url:
        run = Run(model, module, plan, url)
        for validation in report.patterns:
            pattern = next(p for p in model.access_patterns if p.name == validation.name)
            assert validation.error is None, (validation.name, validation.error)
            function = plan.function(pattern.name)
            assert function.problem is None
            figures: list[tuple[float, float | None]] = []
            for r in validation.runs:
                consumed = (run.check_read(function, pattern, r) if pattern.is_read
                            else run.check_write(function, pattern, r))
                figures.append((r.weight, consumed))
            assert validation.runs
            if validation.agreement == "agree" and all(c is not None for _, c in figures):
                mean = sum(w * c for w, c in figures) / sum(w for w, _ in figures)
                e = estimates[pattern.name]
                assert mean == pytest.approx(e.read_units_per_request + e.write_units_per_request), pattern.name
        operations = {op for op, _ in run.capture.sent}
        assert operations >= {p.operation for p in model.access_patterns}


def test_the_test_design_covers_every_operation_key_type_and_reserved_words() -> None:
    """Source: the brief's list of operations; guards the test design itself (a test that cannot fail otherwise)."""
    from engine.model.access_pattern import READ_OPERATIONS, WRITE_OPERATIONS

    model = load_model(DESIGN_DIR / "all_operations.yaml")
    assert {p.operation for p in model.access_patterns} == READ_OPERATIONS | WRITE_OPERATIONS
    assert {k.type for t in model.tables for k in (t.partition_key, t.sort_key) if k} == {"S", "N", "B"}
    names = {a.name for e in model.entities for a in e.attributes}
    assert {n for n in names if n.upper() in RESERVED_WORDS} >= {"Count", "Status", "Data", "Name"}
    assert {p.write_kind for p in model.access_patterns if p.operation == "BatchWriteItem"} == {"put", "delete"}


# ----------------------------------------------------------------------------- batches, retries, names


def test_batches_resend_unprocessed_requests_with_backoff_and_chunk(tmp_path: Path, monkeypatch) -> None:
    """Source: the brief (batches retry UnprocessedItems / UnprocessedKeys with exponential backoff). botocore's
    Stubber answers (it validates every request against DynamoDB's model too): the first responses leave requests
    unprocessed, the function resends exactly those after a growing pause, and splits 30 writes into 25 + 5."""
    model = load_model(DESIGN_DIR / "all_operations.yaml")
    plan, text = plan_and_module(model)
    module = load_module(text, tmp_path, "gen_stub")
    pauses: list[float] = []
    monkeypatch.setattr(module, "_sleep", pauses.append)
    client = make_client()
    get_orders = plan.function("get orders")
    key_class = getattr(module, get_orders.key_class)
    keys = [key_class(customer_id="customer-000001", order_id=f"order-{i:06d}") for i in range(3)]
    wire_keys = [k.to_dynamodb() for k in keys]
    item = {"PK": {"S": "CUST#customer-000001"}, "SK": {"S": "ORDER#order-000000"}}
    with Stubber(client) as stub:
        request = {"RequestItems": {"Shop": {"Keys": wire_keys, "ConsistentRead": True}}, "ReturnConsumedCapacity": "TOTAL"}
        stub.add_response("batch_get_item", {"Responses": {"Shop": [item]}, "ConsumedCapacity": [
            {"TableName": "Shop", "CapacityUnits": 1.0}], "UnprocessedKeys": {"Shop": {"Keys": wire_keys[1:]}}}, request)
        retry = {"RequestItems": {"Shop": {"Keys": wire_keys[1:]}}, "ReturnConsumedCapacity": "TOTAL"}
        stub.add_response("batch_get_item", {"Responses": {"Shop": []}, "UnprocessedKeys": retry["RequestItems"]}, retry)
        stub.add_response("batch_get_item", {"Responses": {"Shop": [item, item]}, "ConsumedCapacity": [
            {"TableName": "Shop", "CapacityUnits": 2.0}]}, retry)
        result = module.PATTERNS["get orders"](client, keys)
        stub.assert_no_pending_responses()
    assert result.requests == 3 and len(result.items) == 3 and result.consumed_capacity == 3.0
    assert len(pauses) == 2 and pauses[0] >= module.BASE_DELAY_SECONDS / 2 and pauses[1] >= module.BASE_DELAY_SECONDS
    assert pauses[1] <= 2 * module.BASE_DELAY_SECONDS

    order = plan.builders["Order"]
    values = {"customer_id": "customer-000001", "status": "PENDING", "created_at": "2026-01-01T00:00:00Z",
              "Total": 3, "Count": 1, "Status": "PENDING", "Lines": "x"}
    arguments = {p.name: values[p.variable or p.attribute] for p in order.params if p.variable != "order_id"}
    items = [getattr(module, order.name)(order_id=f"order-{i:06d}", **arguments) for i in range(30)]
    puts = [{"PutRequest": {"Item": i}} for i in items]
    with Stubber(client) as stub:
        stub.add_response("batch_write_item", {"UnprocessedItems": {"Shop": puts[20:25]}},
                          {"RequestItems": {"Shop": puts[:25]}, "ReturnConsumedCapacity": "TOTAL"})
        stub.add_response("batch_write_item", {"ConsumedCapacity": [{"TableName": "Shop", "CapacityUnits": 5.0}]},
                          {"RequestItems": {"Shop": puts[20:25]}, "ReturnConsumedCapacity": "TOTAL"})
        stub.add_response("batch_write_item", {"ConsumedCapacity": [{"TableName": "Shop", "CapacityUnits": 5.0}]},
                          {"RequestItems": {"Shop": puts[25:]}, "ReturnConsumedCapacity": "TOTAL"})
        result = module.PATTERNS["import orders"](client, items)
        stub.assert_no_pending_responses()
    assert result.requests == 3 and result.consumed_capacity == 10.0 and len(result.items) == 30


def test_a_batch_that_stays_unprocessed_raises_after_the_last_attempt(tmp_path: Path, monkeypatch) -> None:
    """Source: the brief (retries end): MAX_ATTEMPTS requests, then UnprocessedError holding what is left."""
    model = load_model(DESIGN_DIR / "all_operations.yaml")
    plan, text = plan_and_module(model)
    module = load_module(text, tmp_path, "gen_stub_fail")
    monkeypatch.setattr(module, "_sleep", lambda _s: None)
    client = make_client()
    key = getattr(module, plan.function("purge orders").key_class)("customer-000001", "order-000001")
    writes = [{"DeleteRequest": {"Key": key.to_dynamodb()}}]
    with Stubber(client) as stub:
        for _ in range(module.MAX_ATTEMPTS):
            stub.add_response("batch_write_item", {"UnprocessedItems": {"Shop": writes}},
                              {"RequestItems": {"Shop": writes}, "ReturnConsumedCapacity": "TOTAL"})
        with pytest.raises(module.UnprocessedError) as caught:
            module.PATTERNS["purge orders"](client, [key])
        stub.assert_no_pending_responses()
    assert caught.value.unprocessed == {"Shop": writes}


HOSTILE_NAME = 'totals"""\x00 \u202e\\"); import os; os.system("x") #'


def hostile_design(tmp_path: Path) -> Any:
    from engine.io import loads_model

    text = (DESIGN_DIR / "all_operations.yaml").read_text(encoding="utf-8")
    text = text.replace("name: orders between totals\n", f"name: {json.dumps(HOSTILE_NAME)}\n")
    text = text.replace("name: get blob\n", "name: 'get blob'\n    description: \"ends with a quote \\\"\"\n")
    text = text.replace("name: cancel cart\n", "name: 'Get Blob!'\n")
    text = text.replace("  - {name: customer_id, cardinality: 100}", "  - {name: customer_id, cardinality: 100}\n"
                        "      - {name: class, cardinality: 2}")
    text = text.replace('{attribute: SK, template: "PROFILE"}', '{attribute: SK, template: "PROFILE#{class}"}')
    text = text.replace('sort_key: {operator: "=", value: "PROFILE"}', 'sort_key: {operator: "=", value: "PROFILE#{class}"}')
    return loads_model(text, "yaml")


def test_design_text_cannot_break_out_and_names_are_unique_identifiers(tmp_path: Path) -> None:
    """Source: the brief's safety rule (repr for strings in code, nothing breaks out of a docstring or comment) and
    naming rule (valid, unique snake_case identifiers). A pattern named with triple quotes, a NUL, a bidi override
    and code, a description ending in a quote, a pattern whose name is a builtin, two names that sanitize alike and
    a variable named like a Python keyword: the module compiles, lints clean, keeps every text exactly and shadows
    nothing."""
    model = hostile_design(tmp_path)
    plan, text = plan_and_module(model)
    assert "\u202e" not in text and "\x00" not in text
    path = tmp_path / "hostile.py"
    path.write_text(text, encoding="utf-8")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    lint = subprocess.run([ruff, "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout
    module = load_module(text, tmp_path, "gen_hostile")
    assert HOSTILE_NAME in module.PATTERNS
    function = module.PATTERNS[HOSTILE_NAME]
    assert re.fullmatch(r"totals_[a-z0-9_]+", function.__name__) and function.__name__ in vars(module)
    assert module.PATTERNS["list"].__name__ == "list_2" and "list" not in vars(module)
    assert f"Access pattern '{HOSTILE_NAME}'" in function.__doc__
    assert module.PATTERNS["get blob"].__doc__.split("\n\n")[1].strip() == 'ends with a quote "'
    names = [f.name for f in plan.functions] + [b.name for b in plan.builders.values()]
    assert len(names) == len(set(names)) and all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)
    assert {module.PATTERNS["get blob"].__name__, module.PATTERNS["Get Blob!"].__name__} == {"get_blob", "get_blob_2"}
    customer = plan.function("add customer")
    assert customer.param(variable="class").name == "class_2"
    item = getattr(module, plan.builders["Customer"].name)("customer-000001", "gold", name="n", score=1, tags={"a"},
                                                            prefs={}, history=[], active=True)
    assert item["SK"] == {"S": "PROFILE#gold"} and item["Nothing"] == {"NULL": True} and "Nickname" not in item


def test_unexpressible_keys_raise_not_implemented_with_an_export_note(tmp_path: Path) -> None:
    """Source: the brief (patterns that cannot be expressed get a function raising NotImplementedError with a reason
    and an export note). A number (N) key whose template has text around its variable cannot be filled."""
    from engine.io import loads_model

    text = (DESIGN_DIR / "all_operations.yaml").read_text(encoding="utf-8")
    model = loads_model(text.replace('template: "{version}"', 'template: "V{version}"')
                        .replace('value: "{version}"', 'value: "V{version}"'), "yaml")
    plan, source = plan_and_module(model)
    module = load_module(source, tmp_path, "gen_unexpressible")
    assert plan.function("get blob").problem and "V{version}" in plan.function("get blob").problem
    with pytest.raises(NotImplementedError, match="number"):
        module.PATTERNS["get blob"](make_client(), b"id", 1)
    notes = export_notes(model, "boto3")
    assert any("'get blob'" in n and "NotImplementedError" in n for n in notes)
    assert any("entity 'Blob'" in n for n in notes)
    assert all("get blob" not in n for n in export_notes(load_model(DESIGN_DIR / "all_operations.yaml"), "boto3"))


def test_notes_name_what_the_design_leaves_open() -> None:
    """Source: the brief (export notes): filters and conditions the design gives only as shares, the ConditionCheck
    condition, and upserts that differ from the engine's sizing are named per pattern."""
    notes = export_notes(load_model(DESIGN_DIR / "all_operations.yaml"), "boto3")
    assert any("'orders by status'" in n and "filter_expression" in n for n in notes)
    assert any("'touch order'" in n and "condition_expression" in n for n in notes)
    assert any("'touch order'" in n and "missing item" in n for n in notes)
    assert any("'checkout'" in n and "ConditionCheck" in n for n in notes)
    assert not any("access pattern(s) and their rates" in n for n in notes)


def test_cli_writes_the_module_and_prints_the_notes(capsys, tmp_path: Path) -> None:
    """Source: `ddb-workbench export MODEL --to boto3 [-o PATH] [--json]` (the export command's conventions): the file
    holds export_design's text, the notes go to stderr, --json lists them."""
    from engine.cli import main

    design = DESIGN_DIR / "all_operations.yaml"
    target = tmp_path / "shop_patterns.py"
    assert main(["export", str(design), "--to", "boto3", "-o", str(target)]) == 0
    out = capsys.readouterr()
    model = load_model(design)
    assert target.read_text(encoding="utf-8") == export_design(model, "boto3") and out.out == ""
    assert "not exported" in out.err and "filter_expression" in out.err
    assert main(["export", "orders_simple_key", "--to", "boto3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["format"] == "boto3" and "def get_order(" in payload["text"]
    assert payload["not_exported"] == export_notes(load_model(ROOT / "sample_models" / "orders_simple_key.yaml"),
                                                   "boto3")
