"""A design's access patterns as a Python module of boto3 client calls (`ddb-workbench export --to boto3`).

One function per access pattern: its parameters are the pattern's key template variables (typed from the key
types: str, Number, bytes) and, for writes, the item's attributes; it sends the request the pattern describes
(KeyConditionExpression, FilterExpression, UpdateExpression, ConditionExpression, ProjectionExpression, every
attribute name through an ExpressionAttributeNames placeholder), follows LastEvaluatedKey, resends unprocessed
batch requests with exponential backoff, and returns a Result with the items and the ConsumedCapacity
(ReturnConsumedCapacity=TOTAL). Its docstring names the pattern, its rate and the engine's capacity estimate per
request. Every entity also gets an item builder (`<entity>_item(...)`) filling its key templates.

Design text reaches the module only as string literals (repr) or escaped docstring text, and names only as
sanitized, unique snake_case identifiers, so no design can break out of a string or shadow a name the module
uses. What the design does not say (which filter, which condition) becomes a parameter, and boto3_notes says so.
"""

from __future__ import annotations

import builtins
import keyword
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.interop.boto3_runtime import HELPER_NAMES, IMPORTS, RUNTIME
from engine.model.entity import Entity, template_variables

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NUMERIC_LITERAL = re.compile(r"^[0-9.eE+-]*$")
DOC_WIDTH = 100
# Names a generated function's body uses for its own locals and the parameters every function of a kind has.
_LOCALS = frozenset({"request", "response", "item", "key", "keys", "items", "result", "actions", "changes", "get",
                     "gets"})
_COMMON_PARAMETERS = frozenset({
    "client", "limit", "consistent_read", "scan_index_forward", "filter_expression", "expression_names",
    "expression_values", "projection", "exclusive_start_key", "condition_expression", "client_request_token",
})
_RESERVED_MODULE_NAMES = HELPER_NAMES | frozenset(dir(builtins)) | frozenset(keyword.kwlist)
"""Module-level names: a generated function may not shadow a builtin the helpers use (so none at all)."""
_BODY_BUILTINS = frozenset({"dict", "list", "str", "int", "float", "bool", "bytes", "set", "self", "None", "True",
                            "False", "NotImplementedError", "ValueError", "TypeError"})
_RESERVED_PARAMETERS = HELPER_NAMES | _BODY_BUILTINS | _LOCALS | _COMMON_PARAMETERS
"""Parameter names: not the helpers, the builtins, locals and common parameters a generated body uses."""
_KEY_FIELDS_RESERVED = frozenset({"self", "count", "index", "to_dynamodb"})  # NamedTuple's own attributes
_PYTHON_TYPES = {"S": "str", "N": "Number", "B": "bytes", "BOOL": "bool", "NULL": "bool", "L": "list[Any]",
                 "M": "dict[str, Any]", "SS": "set[str]", "NS": "set[Number]", "BS": "set[bytes]"}


# ----------------------------------------------------------------------------- names and text


def snake_case(text: str) -> str:
    """ASCII snake_case of any text ('Get User (v2)' -> 'get_user_v2'); may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ascii_text)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").lower()


class Names:
    """Unique Python identifiers in one scope, none of them a keyword, builtin or reserved name."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(reserved)

    def claim(self, text: str, fallback: str) -> str:
        """A fresh identifier from `text` (snake_case; `fallback` when nothing is left or it starts with a digit)."""
        base = snake_case(text) or fallback
        if base[0].isdigit():
            base = f"{fallback}_{base}"
        return self.unique(base, "_")

    def claim_class(self, text: str, suffix: str) -> str:
        """A fresh CamelCase class name: `text` as CamelCase plus `suffix` ('get orders' -> 'GetOrdersKey')."""
        base = camel_case(snake_case(text)) or "Pattern"
        return self.unique(("C" + base if base[0].isdigit() else base) + suffix, "")

    def unique(self, base: str, separator: str) -> str:
        """`base`, or `base<separator>2`, ... : the first not taken (nor a keyword); claimed."""
        name, n = base, 1
        while name in self.taken or keyword.iskeyword(name):
            n += 1
            name = f"{base}{separator}{n}"
        self.taken.add(name)
        return name


def q(text: str) -> str:
    """A Python string literal of any text (repr, in double quotes where that needs no escape)."""
    literal = repr(text)
    return f'"{literal[1:-1]}"' if literal[0] == "'" and '"' not in text and "'" not in text else literal


def camel_case(identifier: str) -> str:
    """A snake_case identifier as CamelCase (for class names)."""
    return "".join(part[:1].upper() + part[1:] for part in identifier.split("_") if part)


def doc_text(text: str) -> str:
    """Design text safe inside a \"\"\"docstring\"\"\": backslashes escaped, a double quote escaped where another one
    or the end of the text follows (so three never meet), every character that is not printable (line breaks,
    controls, bidi overrides) written as an escape: the text cannot end the string."""
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"' if text[i + 1:i + 2] in ('"', "") else ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def _wrap(text: str, indent: str) -> list[str]:
    """Design text as escaped docstring lines (whitespace runs, line breaks included, become one space)."""
    flat = " ".join(text.split())
    return [indent + doc_text(line) for line in textwrap.wrap(flat, DOC_WIDTH, break_on_hyphens=False)] if flat else []


def _docstring(lines: Sequence[str], indent: str) -> list[str]:
    """A docstring from already escaped lines: summary, then the rest."""
    if not lines:
        return []
    body = [indent + '"""' + lines[0].strip()]
    body += [line if line.strip() else "" for line in lines[1:]]
    if len(lines) == 1:
        return [body[0] + '"""']
    return [*body, indent + '"""']


# ----------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Param:
    """One parameter of a generated function."""

    name: str
    annotation: str
    default: str | None = None
    """Default as Python source; None: required."""
    keyword_only: bool = False
    variable: str | None = None
    """The key template variable it fills."""
    attribute: str | None = None
    """The attribute it fills (writes)."""
    kind: str | None = None
    """DynamoDB type of the attribute it fills."""

    def source(self) -> str:
        return f"{self.name}: {self.annotation}" + ("" if self.default is None else f" = {self.default}")


@dataclass
class FunctionPlan:
    """A generated function: its name, what it stands for and its parameters."""

    name: str
    operation: str
    pattern: str | None = None
    """Access pattern name (None for an entity's item builder)."""
    entity: str | None = None
    params: list[Param] = field(default_factory=list)
    key_class: str | None = None
    """The NamedTuple class of one key (batches and transactions)."""
    key_params: list[Param] = field(default_factory=list)
    """The fields of key_class."""
    problem: str | None = None
    """Why the pattern cannot be expressed (the function raises NotImplementedError)."""

    def param(self, variable: str | None = None, attribute: str | None = None) -> Param:
        """The parameter (or key field) filling a variable or an attribute."""
        for p in (*self.params, *self.key_params):
            if (variable is not None and p.variable == variable) or (attribute is not None and p.attribute == attribute):
                return p
        raise KeyError(variable or attribute)


@dataclass
class ModulePlan:
    """Every generated function and class of a design's module."""

    design: str
    functions: list[FunctionPlan] = field(default_factory=list)
    builders: dict[str, FunctionPlan] = field(default_factory=dict)
    entity_keys: dict[str, FunctionPlan] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def function(self, pattern: str) -> FunctionPlan:
        for f in self.functions:
            if f.pattern == pattern:
                return f
        raise KeyError(pattern)


# ----------------------------------------------------------------------------- key templates


def _parts(template: str) -> list[tuple[bool, str]]:
    """A template as (is_variable, text) parts: `USER#{id}` -> [(False, 'USER#'), (True, 'id')]."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _VARIABLE.finditer(template):
        if m.start() > pos:
            out.append((False, template[pos:m.start()]))
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(template):
        out.append((False, template[pos:]))
    return out


def template_problem(template: str, key_type: str, attribute: str) -> str | None:
    """Why a key template cannot fill a key of this type, or None."""
    if key_type == "N":
        literals = "".join(text for is_var, text in _parts(template) if not is_var)
        if not _NUMERIC_LITERAL.match(literals) or not template_variables(template) and not literals:
            return (f"key attribute '{attribute}' is a number (N) but its template '{template}' has text that is not "
                    "part of a number")
    return None


def value_source(template: str, key_type: str, params: Mapping[str, str]) -> str:
    """Python source of the DynamoDB JSON value a key template takes, filled from parameters (variable ->
    expression)."""
    parts = _parts(template)
    if key_type == "B" and len(parts) == 1 and parts[0][0]:
        return f'{{"B": _binary({params[parts[0][1]]})}}'
    if key_type == "N" and len(parts) == 1 and parts[0][0]:
        return f'{{"N": _number({params[parts[0][1]]})}}'
    text = " + ".join(f"_text({params[t]})" if is_var else q(t) for is_var, t in parts) or '""'
    if key_type == "N":
        return f'{{"N": _number({text})}}'
    if key_type == "B":
        return f'{{"B": ({text}).encode("utf-8")}}'
    return f'{{"S": {text}}}'


def _annotation(variable: str, usages: Sequence[tuple[str, str]], entities: Sequence[Entity]) -> str:
    """A variable's parameter type from the templates it fills: (template, key type) pairs."""
    types = set()
    for template, key_type in usages:
        whole = _parts(template) == [(True, variable)]
        types.add("bytes" if key_type == "B" and whole else ("N" if key_type == "N" else "S"))
    if types == {"bytes"}:
        return "bytes"
    if types == {"N"}:
        return "Number"
    declared = next((e.variable(variable) for e in entities if e.variable(variable) is not None), None)
    if "N" in types or (declared is not None and declared.kind == "number" and not declared.values):
        return "str | int"
    return "str"


def _variable_params(names: Names, usages: Sequence[tuple[str, str]], entities: Sequence[Entity],
                     skip: Iterable[str] = ()) -> list[Param]:
    """One parameter per variable of the templates (in order of appearance), except those in `skip`."""
    seen = set(skip)
    out = []
    for template, _ in usages:
        for var in template_variables(template):
            if var in seen:
                continue
            seen.add(var)
            uses = [u for u in usages if var in template_variables(u[0])]
            out.append(Param(names.claim(var, "value"), _annotation(var, uses, entities), variable=var))
    return out


def _primary_templates(pattern: Any, table: Any) -> list[tuple[str, str, str]]:
    """(attribute, template, key type) of the table's primary key from a pattern's key condition."""
    kc = pattern.key_condition
    out = [(table.partition_key.name, kc.partition_key, table.partition_key.type)]
    if table.sort_key is not None and kc.sort_key is not None:
        out.append((table.sort_key.name, kc.sort_key.value, table.sort_key.type))
    return out


def _entity_primary_templates(entity: Entity, table: Any) -> list[tuple[str, str, str]] | None:
    out = []
    for key in (table.partition_key, table.sort_key):
        if key is None:
            continue
        kt = entity.key_template(key.name)
        if kt is None:
            return None
        out.append((key.name, kt.template, key.type))
    return out


def _key_dict_source(templates: Sequence[tuple[str, str, str]], params: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{q(attr)}: {value_source(t, kt, params)}" for attr, t, kt in templates) + "}"


def _templates_problem(templates: Iterable[tuple[str, str, str]]) -> str | None:
    for attr, template, key_type in templates:
        problem = template_problem(template, key_type, attr)
        if problem:
            return problem
    return None


# ----------------------------------------------------------------------------- the generator


class _Generator:
    """Plans and writes the module of one design."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.module_names = Names(_RESERVED_MODULE_NAMES)
        self.plan = ModulePlan(model.name)
        self.estimates, self.estimate_problem = _estimates(model)
        self.lines: list[str] = []

    # -- helpers
    def entities(self, names: Iterable[str]) -> list[Entity]:
        known = {e.name: e for e in self.model.entities}
        return [known[n] for n in names if n in known]

    def function_names(self) -> Names:
        """The parameter scope of a generated function: no module-level name it may call, no reserved name."""
        return Names(self.claimed | _RESERVED_PARAMETERS)

    @property
    def claimed(self) -> set[str]:
        """Functions and classes generated so far."""
        return self.module_names.taken - _RESERVED_MODULE_NAMES

    def emit(self, *lines: str) -> None:
        self.lines.extend(lines)

    # -- entity key classes and item builders
    def entity_key_class(self, entity: Entity) -> FunctionPlan | None:
        """`<Entity>Key`: the NamedTuple of an entity's primary key variables (transactions)."""
        if entity.name in self.plan.entity_keys:
            return self.plan.entity_keys[entity.name]
        table = self.model.table(entity.table)
        templates = _entity_primary_templates(entity, table)
        if templates is None or _templates_problem(templates):
            return None
        class_name = self.module_names.claim_class(entity.name, "Key")
        fields = _variable_params(Names(_KEY_FIELDS_RESERVED), [(t, k) for _, t, k in templates], [entity])
        plan = FunctionPlan(class_name, "key", entity=entity.name, key_class=class_name, key_params=fields)
        self.plan.entity_keys[entity.name] = plan
        self.emit_key_class(class_name, f"The primary key of an item of entity '{entity.name}' (table "
                            f"'{table.name}').", fields, templates)
        return plan

    def emit_key_class(self, class_name: str, summary: str, fields: Sequence[Param],
                       templates: Sequence[tuple[str, str, str]]) -> None:
        source = _key_dict_source(templates, {p.variable: f"self.{p.name}" for p in fields})
        fields_text = params_text(fields, "Fields")
        doc = _wrap(summary, "    ") + ([""] + _wrap(fields_text, "    ") if fields_text else [])
        self.emit("", "", f"class {class_name}(NamedTuple):", *_docstring(doc, "    "), "")
        self.emit(*(f"    {p.name}: {p.annotation}" for p in fields))
        self.emit(*([""] if fields else []), "    def to_dynamodb(self) -> WireItem:", '        """The key in DynamoDB JSON."""',
                  f"        return {source}")

    def builder(self, entity: Entity) -> FunctionPlan:
        """`<entity>_item(...)`: an item of the entity in DynamoDB JSON, keys from their templates."""
        if entity.name in self.plan.builders:
            return self.plan.builders[entity.name]
        table = self.model.table(entity.table)
        name = self.module_names.claim(f"{entity.name} item", "entity_item")
        names = self.function_names()
        types = table.key_types
        templated = [(kt.attribute, kt.template, types.get(kt.attribute, "S")) for kt in entity.keys]
        primary = [k.name for k in (table.partition_key, table.sort_key) if k is not None]
        templated.sort(key=lambda t: primary.index(t[0]) if t[0] in primary else len(primary))
        params = _variable_params(names, [(t, k) for _, t, k in templated], [entity])
        for spec in entity.attributes:
            if entity.key_template(spec.name) is not None:
                continue
            required = spec.presence >= 1 or spec.name in primary
            annotation = _PYTHON_TYPES[spec.type]
            if spec.type == "NULL":  # a flag: write the NULL attribute or not
                default = repr(required)
            else:
                default = None if required else "None"
                annotation = annotation if required else f"{annotation} | None"
            params.append(Param(names.claim(spec.name, "attribute"), annotation, default, keyword_only=True,
                                attribute=spec.name, kind=spec.type))
        plan = FunctionPlan(name, "item", entity=entity.name, params=params)
        plan.problem = _templates_problem(templated)
        if plan.problem:
            self.plan.notes.append(f"entity '{entity.name}': {plan.problem}; {name}() raises NotImplementedError")
        self.plan.builders[entity.name] = plan
        summary = [f"An item of entity '{entity.name}' (table '{table.name}') in DynamoDB JSON, ready for put_item.",
                   "", "Keys: " + "; ".join(f"{a} = '{t}'" for a, t, _ in templated) + ".",
                   *[text for text in [params_text(params)] if text]]
        lines = [doc_line for text in summary for doc_line in (_wrap(text, "    ") or [""])]
        self.emit("", "", f"def {name}(", *_signature(params), ") -> WireItem:", *_docstring(lines, "    "))
        if plan.problem:
            self.emit(f"    raise NotImplementedError({q(plan.problem)})")
            return plan
        by_var = {p.variable: p.name for p in params if p.variable}
        self.emit("    item: WireItem = {", *(f"        {q(a)}: {value_source(t, k, by_var)}," for a, t, k in templated),
                  "    }")
        for p in params:
            if p.attribute is not None:
                self.emit(f"    _put(item, {q(p.attribute)}, {p.name}, {q(p.kind)})")
        self.emit("    return item")
        return plan

    # -- access patterns
    def pattern_function(self, pattern: Any) -> None:
        name = self.module_names.claim(pattern.name, "pattern")
        plan = FunctionPlan(name, pattern.operation, pattern=pattern.name)
        self.plan.functions.append(plan)
        table = self.model.table(pattern.table)
        op = pattern.operation
        writer = {"GetItem": self.get_item, "Query": self.query_or_scan, "Scan": self.query_or_scan,
                  "BatchGetItem": self.key_batch, "TransactGetItems": self.key_batch, "PutItem": self.put_item,
                  "UpdateItem": self.update_item, "DeleteItem": self.delete_item, "BatchWriteItem": self.batch_write,
                  "TransactWriteItems": self.transact_write}[op]
        body = writer(plan, pattern, table)
        doc = self.pattern_doc(plan, pattern, table)
        self.emit("", "", f"def {name}(", *_signature(plan.params, client=True), ") -> Result:",
                  *_docstring(doc, "    "))
        if plan.problem:
            self.emit(f"    raise NotImplementedError({q(plan.problem)})")
            self.plan.notes.append(f"access pattern '{pattern.name}': {plan.problem}; {name}() raises "
                                   "NotImplementedError")
        else:
            self.emit(*("    " + line for line in body))

    def key_params(self, plan: FunctionPlan, pattern: Any, table: Any) -> tuple[list[Param], str]:
        """Parameters of the pattern's primary key variables and the source of its Key dict."""
        templates = _primary_templates(pattern, table)
        plan.problem = plan.problem or _templates_problem(templates)
        names = self.function_names()
        params = _variable_params(names, [(t, k) for _, t, k in templates], self.entities(pattern.entities))
        return params, _key_dict_source(templates, {p.variable: p.name for p in params})

    def get_item(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        params, key = self.key_params(plan, pattern, table)
        plan.params = [*params, Param("consistent_read", "bool", repr(pattern.consistency == "strong"), True),
                       Param("projection", "Sequence[str] | None", "None", True)]
        return ['request: dict[str, Any] = {', f'    "TableName": {q(table.name)},', f'    "Key": {key},',
                '    "ConsistentRead": consistent_read,', '    "ReturnConsumedCapacity": RETURN_CONSUMED_CAPACITY,',
                "}", "_add_projection(request, projection)", "return _single(client.get_item, request)"]

    def query_or_scan(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        index = table.index(pattern.index) if pattern.index else None
        gsi = index is not None and index in table.gsis
        entries = [f'"TableName": {q(table.name)},'] + ([f'"IndexName": {q(pattern.index)},'] if index else [])
        params: list[Param] = []
        if pattern.operation == "Query":
            pk, sk = table.index_keys(pattern.index)
            kc = pattern.key_condition
            usages = [(kc.partition_key, pk.type)]
            if kc.sort_key is not None and sk is not None:
                usages += [(t, sk.type) for t in (kc.sort_key.value, kc.sort_key.value2) if t is not None]
            names = self.function_names()
            params = _variable_params(names, usages, self.entities(pattern.entities))
            plan.problem = _templates_problem([(pk.name, kc.partition_key, pk.type)] + (
                [(sk.name, t, sk.type) for t, _ in usages[1:]] if sk is not None else []))
            by_var = {p.variable: p.name for p in params}
            expression, names_map, values = _key_condition(kc, pk, sk, by_var)
            entries += [f'"KeyConditionExpression": {q(expression)},', f'"ExpressionAttributeNames": {names_map},',
                        f'"ExpressionAttributeValues": {values},', '"ScanIndexForward": scan_index_forward,']
        ipr = pattern.items_per_request
        limit = None if ipr is None else -(-ipr // 1)
        plan.params = [*params, Param("limit", "int | None", repr(None if limit is None else int(limit)), True)]
        if not gsi:
            plan.params.append(Param("consistent_read", "bool", repr(pattern.consistency == "strong"), True))
            entries.append('"ConsistentRead": consistent_read,')
        if pattern.operation == "Query":
            plan.params.append(Param("scan_index_forward", "bool", repr(bool(pattern.scan_index_forward)), True))
        if getattr(pattern, "fetch_from_table", False) and index is not None and not gsi:
            entries.append('"Select": "ALL_ATTRIBUTES",')
        plan.params += [Param("filter_expression", "str | None", "None", True),
                        Param("expression_names", "Mapping[str, str] | None", "None", True),
                        Param("expression_values", "Mapping[str, Any] | None", "None", True),
                        Param("projection", "Sequence[str] | None", "None", True),
                        Param("exclusive_start_key", "Mapping[str, Any] | None", "None", True)]
        if pattern.filter_keep_share < 1:
            self.plan.notes.append(f"access pattern '{pattern.name}': the design says a filter keeps "
                                   f"{pattern.filter_keep_share:.4g} of the items read but not which; {plan.name}() "
                                   "takes filter_expression")
        send = "client.query" if pattern.operation == "Query" else "client.scan"
        return ["request: dict[str, Any] = {", *("    " + e for e in entries),
                '    "ReturnConsumedCapacity": RETURN_CONSUMED_CAPACITY,', '}',
                '_add_expression(request, "FilterExpression", filter_expression, expression_names, expression_values)',
                "_add_projection(request, projection)",
                f"return _paginate({send}, request, limit, exclusive_start_key)"]

    def pattern_key_class(self, plan: FunctionPlan, pattern: Any, table: Any) -> None:
        """`<Function>Key`: the NamedTuple of one key of a batch or transaction; sets the `keys` parameter."""
        templates = _primary_templates(pattern, table)
        plan.problem = _templates_problem(templates)
        class_name = self.module_names.claim_class(plan.name, "Key")
        fields = _variable_params(Names(_KEY_FIELDS_RESERVED), [(t, k) for _, t, k in templates],
                                  self.entities(pattern.entities))
        plan.key_class, plan.key_params = class_name, fields
        if not plan.problem:
            self.emit_key_class(class_name, f"One key of access pattern '{pattern.name}' (table '{table.name}').",
                                fields, templates)
        plan.params = [Param("keys", f"Sequence[{class_name if not plan.problem else 'Any'}]")]

    def key_batch(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        self.pattern_key_class(plan, pattern, table)
        if pattern.operation == "BatchGetItem":
            plan.params += [Param("consistent_read", "bool", repr(pattern.consistency == "strong"), True),
                            Param("projection", "Sequence[str] | None", "None", True)]
            return [f"return _batch_get(client, {q(table.name)}, [key.to_dynamodb() for key in keys], "
                    "consistent_read, projection)"]
        plan.params.append(Param("projection", "Sequence[str] | None", "None", True))
        return ["gets = []", "for key in keys:",
                f'    get: dict[str, Any] = {{"TableName": {q(table.name)}, "Key": key.to_dynamodb()}}',
                "    _add_projection(get, projection)", "    gets.append(get)", "return _transact_get(client, gets)"]

    def write_entity(self, plan: FunctionPlan, pattern: Any) -> Entity | None:
        entities = self.entities(pattern.entities)
        if len(entities) > 1:
            self.plan.notes.append(f"access pattern '{pattern.name}' lists entities {[e.name for e in entities]}: "
                                   f"{plan.name}() writes items of the first, '{entities[0].name}' (build others with "
                                   "their <entity>_item functions and put_item)")
        return entities[0] if entities else None

    def condition_params(self, plan: FunctionPlan, pattern: Any) -> None:
        plan.params += [Param("condition_expression", "str | None", "None", True),
                        Param("expression_names", "Mapping[str, str] | None", "None", True),
                        Param("expression_values", "Mapping[str, Any] | None", "None", True)]
        if pattern.condition_failure_share > 0:
            self.plan.notes.append(f"access pattern '{pattern.name}': the design expects "
                                   f"{pattern.condition_failure_share:.0%} of its writes to fail a condition but "
                                   f"names none; {plan.name}() takes condition_expression")

    def entity_builder(self, plan: FunctionPlan, pattern: Any) -> FunctionPlan | None:
        """The item builder of the entity a Put or batch put writes (plan.problem says why there is none)."""
        entity = self.write_entity(plan, pattern)
        if entity is None:
            plan.problem = "the pattern names no entity to write"
            return None
        builder = self.builder(entity)
        plan.entity, plan.problem = entity.name, builder.problem
        return builder

    def put_item(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        builder = self.entity_builder(plan, pattern)
        if builder is None:
            return []
        entity = self.model.entity(builder.entity)
        plan.params = list(builder.params)
        entity_templates = _entity_primary_templates(entity, table)
        if entity_templates is not None and [t for _, t, _ in entity_templates] != [
                t for _, t, _ in _primary_templates(pattern, table)]:
            self.plan.notes.append(f"access pattern '{pattern.name}': its key condition differs from entity "
                                   f"'{entity.name}''s key templates; {plan.name}() writes the entity's keys")
        self.condition_params(plan, pattern)
        args = ", ".join(p.name if not p.keyword_only else f"{p.name}={p.name}" for p in builder.params)
        return [f"item = {builder.name}({args})",
                f'request: dict[str, Any] = {{"TableName": {q(table.name)}, "Item": item, '
                '"ReturnConsumedCapacity": RETURN_CONSUMED_CAPACITY}',
                '_add_expression(request, "ConditionExpression", condition_expression, expression_names, '
                "expression_values)", "return _single(client.put_item, request, item)"]

    def update_item(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        params, key = self.key_params(plan, pattern, table)
        names = self.function_names()
        names.taken |= {p.name for p in params}
        entities = self.entities(pattern.entities)
        types = table.key_types
        changes: list[str] = []
        extra: list[Param] = []
        for attribute in pattern.changed_attributes:
            owner = next((e for e in entities if e.has_attribute(attribute)), None)
            kt = owner.key_template(attribute) if owner is not None else None
            if kt is not None and template_variables(kt.template):
                known = {p.variable for p in (*params, *extra)}
                extra += [Param(p.name, p.annotation, keyword_only=True, variable=p.variable) for p in _variable_params(
                    names, [(kt.template, types.get(attribute, "S"))], [owner], skip=known)]
                plan.problem = plan.problem or template_problem(kt.template, types.get(attribute, "S"), attribute)
                by_var = {p.variable: p.name for p in (*params, *extra)}
                changes.append(f"{q(attribute)}: {value_source(kt.template, types.get(attribute, 'S'), by_var)},")
                continue
            spec = owner.attribute(attribute) if owner is not None else None
            kind = spec.type if spec is not None else None
            optional = spec is not None and spec.presence < 1
            annotation = _PYTHON_TYPES.get(kind or "", "Any") + (" | None" if optional else "")
            p = Param(names.claim(attribute, "attribute"), annotation, keyword_only=True, attribute=attribute,
                      kind=kind)
            extra.append(p)
            value = f"_typed({p.name}, {q(kind)})" if kind else f"to_dynamodb({p.name})"
            changes.append(f"{q(attribute)}: " + (f"None if {p.name} is None else {value}," if optional else f"{value},"))
        plan.params = [*params, *extra]
        lines = ['request: dict[str, Any] = {', f'    "TableName": {q(table.name)},', f'    "Key": {key},',
                 '    "ReturnConsumedCapacity": RETURN_CONSUMED_CAPACITY,', '}']
        if changes:
            lines += ["_update(request, {", *("    " + c for c in changes), "})"]
        else:
            plan.params.append(Param("changes", "Mapping[str, Any]", keyword_only=True))
            lines.append("_update(request, _changes(changes))")
        self.condition_params(plan, pattern)
        if pattern.existing_item_share < 1:
            self.plan.notes.append(f"access pattern '{pattern.name}': an update of a missing item creates it with "
                                   "its key and the changed attributes only (the capacity engine sizes it as a whole "
                                   "new item)")
        return [*lines, '_add_expression(request, "ConditionExpression", condition_expression, expression_names, '
                "expression_values)", "return _single(client.update_item, request)"]

    def delete_item(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        params, key = self.key_params(plan, pattern, table)
        plan.params = params
        self.condition_params(plan, pattern)
        return ['request: dict[str, Any] = {', f'    "TableName": {q(table.name)},', f'    "Key": {key},',
                '    "ReturnConsumedCapacity": RETURN_CONSUMED_CAPACITY,', '}',
                '_add_expression(request, "ConditionExpression", condition_expression, expression_names, '
                "expression_values)", "return _single(client.delete_item, request)"]

    def batch_write(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        if pattern.write_kind == "delete":
            self.pattern_key_class(plan, pattern, table)
            return [f"return _batch_write(client, {q(table.name)}, "
                    '[{"DeleteRequest": {"Key": key.to_dynamodb()}} for key in keys])']
        if self.entity_builder(plan, pattern) is None:
            return []
        plan.params = [Param("items", "Sequence[WireItem]")]
        return [f'return _batch_write(client, {q(table.name)}, [{{"PutRequest": {{"Item": dict(item)}}}} '
                "for item in items])"]

    def transact_write(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        names = self.function_names()
        actions: list[str] = []
        for action in pattern.actions:
            entity = next(iter(self.entities([action.entity])), None)
            if entity is None:
                plan.problem = f"action entity '{action.entity}' is not an entity of the design"
                continue
            entity_table = self.model.table(entity.table)
            prefix = f"{action.action} {entity.name}"
            if action.action == "Put":
                builder = self.builder(entity)
                plan.problem = plan.problem or builder.problem
                p = Param(names.claim(prefix, "put"), "WireItem")
                plan.params.append(p)
                actions.append(f'{{"Put": {{"TableName": {q(entity_table.name)}, "Item": dict({p.name})}}}},')
                continue
            key_class = self.entity_key_class(entity)
            if key_class is None:
                plan.problem = plan.problem or f"entity '{entity.name}' has no usable key template for every key"
                continue
            key = Param(names.claim(prefix + " key", "key"), key_class.name)
            plan.params.append(key)
            head = f'"TableName": {q(entity_table.name)}, "Key": {key.name}.to_dynamodb()'
            if action.action == "Delete":
                actions.append(f'{{"Delete": {{{head}}}}},')
            elif action.action == "ConditionCheck":
                pk = entity_table.partition_key.name
                actions += ['{"ConditionCheck": {', f"    {head},", '    "ConditionExpression": "attribute_exists(#c0)",',
                            f'    "ExpressionAttributeNames": {{"#c0": {q(pk)}}},', "}},"]
                self.plan.notes.append(f"access pattern '{pattern.name}': the design names no condition for its "
                                       f"ConditionCheck on '{entity.name}'; {plan.name}() checks that the item exists")
            else:
                change = Param(names.claim(prefix + " changes", "changes"), "Mapping[str, Any]")
                plan.params.append(change)
                actions.append(f"_update_action({q(entity_table.name)}, {key.name}.to_dynamodb(), {change.name}),")
        plan.params.append(Param("client_request_token", "str | None", "None", True))
        if pattern.condition_failure_share > 0:
            self.plan.notes.append(f"access pattern '{pattern.name}': the design expects "
                                   f"{pattern.condition_failure_share:.0%} of its transactions to be cancelled by a "
                                   "condition but names none; add a ConditionExpression to an action in "
                                   f"{plan.name}()")
        return ["actions: list[dict[str, Any]] = [", *("    " + a for a in actions), "]",
                "return _transact_write(client, actions, client_request_token)"]

    # -- docstrings
    def pattern_doc(self, plan: FunctionPlan, pattern: Any, table: Any) -> list[str]:
        from engine.units import rate

        target = f"index '{pattern.index}' of table '{table.name}'" if pattern.index else f"table '{table.name}'"
        lines = _wrap(f"Access pattern '{pattern.name}': {pattern.operation} on {target}.", "    ")
        if pattern.description:
            lines += ["", *_wrap(pattern.description, "    ")]
        facts = [_key_text(pattern)] if pattern.key_condition is not None else []
        peak = f", {rate(pattern.peak_rps)} at peak" if pattern.peak_rps != pattern.requests_per_second else ""
        facts.append(f"Rate (design): {rate(pattern.requests_per_second)} on average{peak}.")
        facts.append(self.capacity_text(pattern))
        builder = self.plan.builders.get(plan.entity or "")
        facts += _shape_text(plan, pattern, builder.name if builder else "<entity>_item")
        facts += [text for text in [params_text(plan.params)] if text]
        if pattern.region is not None and pattern.region != self.model.region:
            facts.append(f"Served in region {pattern.region}: create the client there (region_name).")
        lines.append("")
        for fact in facts:
            lines += _wrap(fact, "    ")
        return lines

    def capacity_text(self, pattern: Any) -> str:
        from engine.units import units

        estimate = self.estimates.get(pattern.name)
        if estimate is None:
            return f"Capacity per request: no engine estimate ({self.estimate_problem or 'not evaluated'})."
        unit = "RCU" if pattern.is_read else "WCU"
        total = estimate.read_units_per_request if pattern.is_read else estimate.write_units_per_request
        arms = ", ".join(f"{a.target} {units(a.read_units_per_request + a.write_units_per_request, unit)}"
                         for a in estimate.arms)
        how = f" ({estimate.consistency} reads)" if estimate.consistency else ""
        worst = estimate.worst_case_read_units_per_request
        worst_text = "" if worst is None or worst == total else f"; worst case {units(worst, unit)}"
        return (f"Capacity per request (engine estimate from the design's averages): {units(total, unit)}{how}: "
                f"{arms}{worst_text}. Result.consumed_capacity reports what DynamoDB charged ({unit}; on-demand "
                "tables bill the same number of request units).")

    # -- the module
    def module(self) -> str:
        for entity in self.model.entities:
            self.builder(entity)
        for pattern in self.model.access_patterns:
            self.pattern_function(pattern)
        head = _module_doc(self.model, self.plan)
        uses_named_tuple = any("(NamedTuple):" in line for line in self.lines)
        text = "\n".join([*head, "", IMPORTS.format(named_tuple=", NamedTuple" if uses_named_tuple else ""), RUNTIME
                          .rstrip("\n"), "", "", *_UPDATE_ACTION, *self.lines, "", "",
                          "PATTERNS: dict[str, Callable[..., Result]] = {",
                          *(f"    {q(f.pattern)}: {f.name}," for f in self.plan.functions), "}",
                          '"""Every access pattern\'s function by the pattern\'s name."""'])
        return text + "\n"


_UPDATE_ACTION = [
    "def _update_action(table: str, key: WireItem, values: Mapping[str, Any]) -> dict[str, Any]:",
    '    """A TransactWriteItems Update action setting (or, for None, removing) attributes."""',
    '    update: dict[str, Any] = {"TableName": table, "Key": key}',
    "    _update(update, _changes(values))",
    '    return {"Update": update}',
]


def _signature(params: Sequence[Param], client: bool = False) -> list[str]:
    out = ["    client: Client,"] if client else []
    star = False
    for p in params:
        if p.keyword_only and not star:
            out.append("    *,")
            star = True
        out.append(f"    {p.source()},")
    return out


def params_text(params: Sequence[Param], label: str = "Parameters") -> str | None:
    """Which parameter fills which template variable and which sets which attribute, or None."""
    fills = [f"{p.name} fills {{{p.variable}}}" for p in params if p.variable]
    sets = [f"{p.name} sets {p.attribute}" for p in params if p.attribute]
    parts = [", ".join(fills)] * bool(fills) + [", ".join(sets)] * bool(sets)
    return f"{label}: {'; '.join(parts)}." if parts else None


def _key_condition(kc: Any, pk: Any, sk: Any, by_var: Mapping[str, str]) -> tuple[str, str, str]:
    """(KeyConditionExpression, names dict source, values dict source) of a Query."""
    names = {"#k0": pk.name}
    values = {":k0": value_source(kc.partition_key, pk.type, by_var)}
    text = "#k0 = :k0"
    cond = kc.sort_key
    if cond is not None and sk is not None:
        names["#k1"] = sk.name
        values[":k1"] = value_source(cond.value, sk.type, by_var)
        if cond.operator == "between":
            values[":k2"] = value_source(cond.value2 or cond.value, sk.type, by_var)
            text += " AND #k1 BETWEEN :k1 AND :k2"
        elif cond.operator == "begins_with":
            text += " AND begins_with(#k1, :k1)"
        else:
            text += f" AND #k1 {cond.operator} :k1"
    names_source = "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in names.items()) + "}"
    values_source = "{" + ", ".join(f"{q(k)}: {v}" for k, v in values.items()) + "}"
    return text, names_source, values_source


def _key_text(pattern: Any) -> str:
    kc = pattern.key_condition
    text = f"Key condition: partition key = '{kc.partition_key}'"
    if kc.sort_key is not None:
        sk = kc.sort_key
        bound = f"'{sk.value}' and '{sk.value2}'" if sk.operator == "between" else f"'{sk.value}'"
        text += f", sort key {sk.operator} {bound}"
    return text + "."


def _shape_text(plan: FunctionPlan, pattern: Any, builder: str) -> list[str]:
    """What the function does beyond the key: items per request, filter, batches, transactions."""
    op = pattern.operation
    out = []
    if op in ("Query", "Scan"):
        ipr = pattern.items_per_request
        out.append("Reads every page (limit=None)." if ipr is None else
                   f"The design reads {ipr:g} items per request: limit defaults to {-(-ipr // 1):g} evaluated items "
                   "(pages follow LastEvaluatedKey until then).")
        if pattern.filter_keep_share < 1:
            out.append(f"A filter keeps {pattern.filter_keep_share:.4g} of the items read (the design does not say "
                       "which): pass filter_expression with expression_names / expression_values; filtered items "
                       "are still charged.")
    if op in ("BatchGetItem", "TransactGetItems"):
        out.append(f"The design reads {pattern.items_per_request:g} keys per request; pass them as {plan.key_class}"
                   " tuples" + (" (chunks of 100, UnprocessedKeys resent with backoff)." if op == "BatchGetItem"
                               else " (at most 100)."))
    if op == "BatchWriteItem":
        what = (f"{plan.key_class} tuples to delete" if pattern.write_kind == "delete"
                else f"items built with {builder}(...)")
        out.append(f"The design writes {pattern.items_per_request:g} items per request; pass {what} (chunks of 25, "
                   "UnprocessedItems resent with backoff).")
    if op == "TransactWriteItems":
        out.append("Actions: " + "; ".join(f"{a.action} {a.entity}" + (
            f" (changes {', '.join(a.changed_attributes)})" if a.changed_attributes else "") for a in pattern.actions)
            + ". Puts take items from the <entity>_item functions, updates a mapping of attribute -> new value.")
    if op == "UpdateItem" and pattern.changed_attributes:
        out.append("Changes: " + ", ".join(pattern.changed_attributes) + ".")
    return out


def _module_doc(model: Any, plan: ModulePlan) -> list[str]:
    first = plan.functions[0].name if plan.functions else None
    lines = _wrap(f"Access patterns of the design '{model.name}' as boto3 DynamoDB client calls.", "")
    lines += ["", *_wrap("Generated by `ddb-workbench export --to boto3` (DynamoDB Design Workbench). One function "
                         "per access pattern: it takes a boto3 DynamoDB client (the low-level API, DynamoDB JSON "
                         "values) and the values of the pattern's key template variables, sends the request with "
                         "ReturnConsumedCapacity=TOTAL, follows LastEvaluatedKey, resends unprocessed batch requests "
                         "with exponential backoff and returns a Result (items as Python values, consumed "
                         "capacity). `<entity>_item(...)` builds an item of an entity with its keys filled in. "
                         "PATTERNS maps each pattern name to its function.", ""), "", "Usage:", "",
              "    import boto3", "",
              '    client = boto3.client("dynamodb", endpoint_url="http://127.0.0.1:8000")  # omit endpoint_url on AWS']
    if first:
        lines.append(f"    result = {first}(client, ...)")
        lines.append("    print(result.items, result.consumed_capacity)")
    lines += ["", *_wrap("`ddb-workbench serve MODEL` serves the design's tables with its sample items at that "
                         "address. Tables: " + ", ".join(t.name for t in model.tables) + ".", "")]
    return _docstring(lines, "")


def _estimates(model: Any) -> tuple[dict[str, Any], str | None]:
    """The capacity engine's PatternEvaluation per pattern name, or why there is none."""
    try:
        from engine.evaluate import evaluate

        return {p.name: p for p in evaluate(model).patterns}, None
    except Exception as exc:  # noqa: BLE001 - the docstrings say why; the module is still useful
        return {}, f"engine.evaluate failed: {type(exc).__name__}"


def plan_and_module(model: Any) -> tuple[ModulePlan, str]:
    """The plan (names, parameters, notes) and the source text of the design's boto3 module."""
    generator = _Generator(model)
    text = generator.module()
    return generator.plan, text


def export_boto3(model: Any) -> str:
    """Source text of the design's boto3 module."""
    return plan_and_module(model)[1]


def boto3_notes(model: Any) -> list[str]:
    """What the boto3 module cannot carry or had to guess (printed by `ddb-workbench export --to boto3`)."""
    plan = plan_and_module(model)[0]
    notes = list(dict.fromkeys(plan.notes))
    if model.screens:
        notes.append(f"{len(model.screens)} screen(s): call the pattern functions per view (screens are not "
                     "functions)")
    return notes


__all__ = ["FunctionPlan", "ModulePlan", "Names", "Param", "boto3_notes", "doc_text", "export_boto3",
           "plan_and_module", "snake_case", "template_problem", "value_source"]
