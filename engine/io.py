"""Design files: safe YAML/JSON loading with caps and line numbers, dumping, JSON Schema, samples.

Loading is defensive because designs come from strangers in workshops and CI: a byte cap checked
before reading, UTF-8 only, PyYAML's SafeLoader (no object construction), a nesting-depth cap and
a bound on alias expansion computed on the node graph before any object is built, so a
"billion laughs" file is rejected in milliseconds.
"""

from __future__ import annotations

import json
import re
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from engine.errors import DesignFileError, DesignValidationError, InputFileError, WorkbenchError
from engine.model import DataModel, parse_model

FORMAT_VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024  # 5 MiB: far above any real design, small enough to parse at once
MAX_DEPTH = 64  # nesting levels; real designs need under 12
MAX_EXPANDED_NODES = 200_000  # YAML nodes after alias expansion; real designs have a few thousand
_DISCRIMINATORS = frozenset({"operation", "mode", "kind"})
_SAMPLES_ENV = "DDB_WORKBENCH_SAMPLES"


# ----------------------------------------------------------------------------- reading


def read_text(path: str | Path) -> str:
    """A design file's text: size checked before reading, UTF-8 required."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise DesignFileError(f"{p}: cannot read the file ({exc.strerror or exc}); check the path") from None
    if p.is_dir():
        raise DesignFileError(f"{p}: is a folder, not a design file; pass a .yaml or .json file")
    if not p.is_file():  # /dev/zero never ends, a FIFO blocks: neither is a design file
        raise DesignFileError(f"{p}: is not a regular file (a device, FIFO or socket); pass a .yaml or .json "
                              "file, or '-' and pipe the design to standard input")
    if size > MAX_FILE_BYTES:
        raise DesignFileError(f"{p}: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit for a design "
                              "file; split the design or remove sample data from it")
    with p.open("rb") as handle:  # capped even if the file grows while it is read
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DesignFileError(f"{p}: over the {MAX_FILE_BYTES:,}-byte limit for a design file; split the design")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignFileError(f"{p}: byte {exc.start} is not UTF-8 ({data[exc.start:exc.start + 1]!r}); "
                              "save the file as UTF-8") from None


def read_input_text(spec: str | Path, what: str, limit_bytes: int) -> str:
    """Text of an input file or of standard input ('-'), capped at limit_bytes before decoding, UTF-8."""
    if str(spec) == "-":
        data = sys.stdin.buffer.read(limit_bytes + 1)
    else:
        p = Path(spec)
        try:
            if p.is_dir():
                raise InputFileError(f"{what} {p}: is a folder, not a file; pass a file or '-' for stdin")
            if p.exists() and not p.is_file():  # /dev/zero never ends, a FIFO blocks: neither is a design
                raise InputFileError(f"{what} {p}: is not a regular file (a device, FIFO or socket); pass a file, "
                                     "or '-' and pipe it to standard input")
            if p.stat().st_size > limit_bytes:
                raise InputFileError(f"{what} {p}: {p.stat().st_size:,} bytes is over the {limit_bytes:,}-byte "
                                     "limit; split it")
            with p.open("rb") as handle:  # capped even if the file grows while it is read
                data = handle.read(limit_bytes + 1)
        except OSError as exc:
            raise InputFileError(f"{what} {p}: cannot read the file ({exc.strerror or exc}); check the path") from None
    if len(data) > limit_bytes:
        where = "on standard input" if str(spec) == "-" else str(spec)
        raise InputFileError(f"{what} {where} is over the {limit_bytes:,}-byte limit; split it")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{what} {spec}: byte {exc.start} is not UTF-8; save it as UTF-8") from None


# A lower bound on a YAML text's values, counted in milliseconds before the (pure Python, ~6 s per MB) composer runs:
# every block mapping value (`key:` then a space or line end), block sequence entry (`- `) and flow separator adds
# one. Colons and commas inside quoted text count too, which only matters for texts far larger than any design.
_VALUE_MARKS = re.compile(r":(?:[ \t]|$)|^[ \t]*-(?:[ \t]|$)|,", re.MULTILINE)


def _yaml_nodes(text: str, source: str) -> yaml.Node | None:
    marks = len(_VALUE_MARKS.findall(text))
    if marks > MAX_EXPANDED_NODES:
        raise DesignFileError(f"{source}: holds about {marks:,} values, more than the {MAX_EXPANDED_NODES:,} a design "
                              "file may hold (real designs hold a few thousand); split it or remove generated parts")
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise DesignFileError(f"{source}: nesting is too deep to read (limit {MAX_DEPTH} levels); flatten "
                              "the file") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise DesignFileError(f"{source}:{where}: YAML syntax error: {exc.problem or exc}; fix the "
                              "syntax there") from None
    except yaml.YAMLError as exc:
        raise DesignFileError(f"{source}: YAML error: {exc}") from None


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Reject deep nesting and alias bombs by sizing the node graph (memoized, linear time)."""
    sizes: dict[int, int] = {}
    aliased = [False]  # a node reached a second time: only an alias does that

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise DesignFileError(f"{source}: line {node.start_mark.line + 1}: nesting deeper than "
                                  f"{MAX_DEPTH} levels; flatten the file")
        key = id(node)
        if key in sizes:
            aliased[0] = True
            return sizes[key]
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            _check_duplicate_keys(node, source)
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_EXPANDED_NODES:
            if not aliased[0]:
                raise DesignFileError(f"{source}: holds more than {MAX_EXPANDED_NODES:,} values (real designs hold a "
                                      "few thousand); split it or remove generated parts")
            raise DesignFileError(f"{source}: line {node.start_mark.line + 1}: aliases expand to more than "
                                  f"{MAX_EXPANDED_NODES:,} values (an alias bomb?); remove the repeated aliases")
        sizes[key] = total
        return total

    size(root, 0)


def _check_duplicate_keys(node: yaml.MappingNode, source: str) -> None:
    seen: dict[str, int] = {}
    for k, _ in node.value:
        if not isinstance(k, yaml.ScalarNode):
            continue
        line = k.start_mark.line + 1
        if k.value in seen:
            raise DesignFileError(f"{source}: line {line}: key '{k.value}' appears again (first on line "
                                  f"{seen[k.value]}); a key may appear once per mapping, remove one")
        seen[k.value] = line


def _line_index(root: yaml.Node) -> dict[tuple[str | int, ...], int]:
    """Path -> 1-based line of every mapping value and sequence element (for messages)."""
    index: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if len(path) > MAX_DEPTH:
            return
        index.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    index.setdefault((*path, k.value), k.start_mark.line + 1)
                    walk(v, (*path, k.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, child in enumerate(node.value):
                walk(child, (*path, i))

    walk(root, ())
    return index


def _construct(root: yaml.Node, source: str) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(root)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}:" if mark else ""
        raise DesignFileError(f"{source}:{where} {exc.problem}; design files hold plain data only (no "
                              "!!python or other custom tags)") from None
    except RecursionError:
        raise DesignFileError(f"{source}: nesting is too deep to read; flatten the file") from None
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise DesignFileError(_huge_number_message(source, exc)) from None
    finally:
        loader.dispose()


def _huge_number_message(source: str, exc: ValueError) -> str:
    """Python reads integers of at most 4,300 digits; say so without Python's own advice."""
    found = re.search(r"has (\d+) digits", str(exc))
    digits = f"has {int(found.group(1)):,} digits" if found else "is too long"
    return (f"{source}: a number {digits}, more than the 4,300 digits an integer may have here; no design figure "
            "needs more than a few dozen (DynamoDB numbers have at most 38 digits); shorten it")


def _locator(index: dict[tuple[str | int, ...], int]):
    def locate(loc: tuple[str | int, ...]) -> int | None:
        for end in range(len(loc), -1, -1):
            line = index.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    return locate


def _split_version(data: Any, source: str) -> Any:
    if isinstance(data, dict) and "format_version" in data:
        data = dict(data)
        version = data.pop("format_version")
        if version != FORMAT_VERSION:
            raise DesignFileError(f"{source}: format_version {version!r} is not supported (this workbench reads "
                                  f"format_version {FORMAT_VERSION}); upgrade the workbench or convert the file")
    return data


class _DuplicateKey(Exception):
    """A JSON object names a key twice (json.loads would keep the last one silently)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def loads_model(text: str, fmt: str = "yaml", source: str = "<design>") -> DataModel:
    """Parse design text (fmt 'yaml' or 'json') into a DataModel; every failure is a WorkbenchError."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise DesignFileError(f"{source}: over the {MAX_FILE_BYTES:,}-byte limit for a design; split it")
    locate = None
    if fmt == "json":
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise DesignFileError(f"{source}: line {exc.lineno}, column {exc.colno}: JSON syntax error: "
                                  f"{exc.msg}; fix the syntax there") from None
        except _DuplicateKey as exc:
            raise DesignFileError(f"{source}: key {exc.args[0]!r} appears twice in one object; a key may appear "
                                  "once per mapping (as in YAML files), remove one") from None
        except RecursionError:
            raise DesignFileError(f"{source}: nesting is too deep to read; flatten the file") from None
        except ValueError as exc:  # Python refuses integers of more than 4,300 digits
            raise DesignFileError(_huge_number_message(source, exc)) from None
    elif fmt == "yaml":
        root = _yaml_nodes(text, source)
        if root is None:
            raise DesignFileError(f"{source}: the file is empty; a design needs at least `name:` and `tables:`")
        _check_expansion(root, source)
        locate = _locator(_line_index(root))
        data = _construct(root, source)
    else:
        raise DesignFileError(f"{source}: unknown format {fmt!r}; use yaml or json")
    return parse_model(_split_version(data, source), source=source, locate=locate)


def line_locator(text: str, fmt: str = "yaml", source: str = "<design>"):
    """For YAML design text: a function mapping a path tuple (('tables', 0, 'gsis', 1)) to the 1-based line
    of that element (or of its nearest enclosing one); None for JSON or text that is not YAML."""
    if fmt != "yaml":
        return None
    try:
        root = _yaml_nodes(text, source)
    except WorkbenchError:
        return None
    return None if root is None else _locator(_line_index(root))


def format_of(path: str | Path) -> str:
    """'json' for .json files, else 'yaml'."""
    return "json" if Path(path).suffix.lower() == ".json" else "yaml"


def load_model(path: str | Path) -> DataModel:
    """Load a design file (.yaml/.yml/.json)."""
    return loads_model(read_text(path), format_of(path), source=str(path))


# ----------------------------------------------------------------------------- writing


def to_data(model: BaseModel) -> dict[str, Any]:
    """Plain data of a design object: defaults left out, discriminators kept, tuples as lists."""
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if name not in _DISCRIMINATORS and not field.is_required() and value == field.default:
            continue
        out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return to_data(value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def design_data(model: DataModel) -> dict[str, Any]:
    """The file form of a design: format_version first, then the design's fields."""
    return {"format_version": FORMAT_VERSION, **to_data(model)}


def dump_model(model: DataModel, fmt: str = "yaml") -> str:
    """Text of a design file; `loads_model(dump_model(m, f), f) == m` for every design."""
    data = design_data(model)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def json_schema() -> dict[str, Any]:
    """JSON Schema of a design file (for editors), generated from the model."""
    schema = DataModel.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "DynamoDB Design Workbench design"
    schema.setdefault("properties", {})
    schema["properties"] = {
        "format_version": {"const": FORMAT_VERSION, "description": "Design file format version."},
        **schema["properties"],
    }
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


# ----------------------------------------------------------------------------- samples


def samples_dir() -> Path:
    """Folder of the sample designs: $DDB_WORKBENCH_SAMPLES, the source checkout, or the installed copy."""
    import os

    env = os.environ.get(_SAMPLES_ENV)
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent / "sample_models")
    candidates.append(Path(sysconfig.get_path("data")) / "share" / "ddb-workbench" / "sample_models")
    candidates.append(Path(sys.prefix) / "share" / "ddb-workbench" / "sample_models")
    for c in candidates:
        if c.is_dir() and any(c.glob("*.yaml")):
            return c
    return candidates[-1]


def sample_names() -> tuple[str, ...]:
    """Names of the sample designs (file stems), sorted."""
    return tuple(sorted(p.stem for p in samples_dir().glob("*.yaml")))


def sample_path(name: str) -> Path:
    """Path of a sample design by name (DesignFileError naming the known ones if absent)."""
    path = samples_dir() / f"{name}.yaml"
    if not path.is_file():
        raise DesignFileError(f"'{name}' is neither a file nor a sample design (samples: "
                              f"{', '.join(sample_names()) or 'none found'}); check the name or path")
    return path


def load_sample(name: str) -> DataModel:
    """Load a sample design by name."""
    return load_model(sample_path(name))


def load_model_or_sample(spec: str) -> DataModel:
    """MODEL argument: an existing file path, else a sample design's name."""
    p = Path(spec)
    if p.exists() or p.suffix.lower() in (".yaml", ".yml", ".json"):
        return load_model(p)
    return load_sample(spec)


def iter_samples() -> Iterator[tuple[str, DataModel]]:
    """(name, model) of every sample design."""
    for name in sample_names():
        yield name, load_sample(name)


__all__ = [
    "FORMAT_VERSION", "DesignFileError", "DesignValidationError", "design_data", "dump_model", "iter_samples",
    "json_schema", "json_schema_text", "load_model", "load_model_or_sample", "load_sample", "loads_model",
    "read_text", "sample_names", "sample_path", "samples_dir", "to_data",
]
