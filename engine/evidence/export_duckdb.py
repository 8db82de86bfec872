"""The DuckDB engine of `analyze-export` (the default): embedded, streaming, bounded memory.

DuckDB reads the gzip JSON lines itself (read_json, one JSON value per line), parses each line once into a struct of
the known attribute names with one field per DynamoDB type (json_transform), and keeps the `items` rows in its
buffer manager: `memory_limit` bounds what it holds in memory, anything larger spills to `temp_directory`
(https://duckdb.org/docs/stable/configuration/overview, "memory_limit", "threads", "temp_directory").
duckdb is an optional dependency (the `evidence` extra), imported only when this engine runs.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from engine.evidence.export_files import ExportError
from engine.evidence.export_sql import (
    TYPE_TAGS,
    DuckDBDialect,
    ScanPlan,
    document_size,
    extra_attributes,
    stage1_sql,
)

DEFAULT_MEMORY_LIMIT = "1GB"
_TYPE_SPEC: dict[str, Any] = {t: "VARCHAR" for t in TYPE_TAGS}
_TYPE_SPEC.update({"SS": ["VARCHAR"], "NS": ["VARCHAR"], "BS": ["VARCHAR"], "L": "JSON", "M": "JSON"})


class EngineFailure(Exception):
    """The engine could not read the data (its message is kept for when no line can be blamed)."""


def optional_module(name: str, extra: str) -> Any:
    """An optional dependency, or an ExportError saying which extra installs it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ExportError(f"this engine needs the {name} package: pip install 'ddb-workbench[{extra}]'") from None


class DuckDBRunner:
    """Runs the export SQL in an in-process DuckDB with a memory limit and a spill folder."""

    dialect = DuckDBDialect()

    def __init__(self, memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = None) -> None:
        self._duckdb = optional_module("duckdb", "evidence")
        self._spill = tempfile.TemporaryDirectory(prefix="ddb-export-duckdb-")
        self.threads = threads or os.cpu_count() or 1
        self.memory_limit = memory_limit
        # A database file in the spill folder: DuckDB compresses what it stores on disk (not in memory), so the items
        # of a large export stay within memory_limit.
        self.con = self._duckdb.connect(str(Path(self._spill.name) / "export.duckdb"))
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET threads = {int(self.threads)}")
        self.con.execute(f"SET temp_directory = '{self._spill.name}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")  # it would print to stdout, where --json goes

    def load(self, paths: list[Path], plan: ScanPlan) -> None:
        """Stage 1: the `items` table from the data files (gzip DynamoDB JSON lines)."""
        types = _sql_types()
        known = frozenset(plan.known)
        self.con.create_function("ddb_document_size", document_size, [types.VARCHAR, types.VARCHAR], types.BIGINT,
                                 side_effects=False)
        entry = self._duckdb.struct_type({"n": types.VARCHAR, "t": types.VARCHAR, "s": types.BIGINT})
        self.con.create_function("ddb_extra_attributes",
                                 lambda line: _as_dicts(extra_attributes(line, known)),
                                 [types.VARCHAR], self._duckdb.list_type(entry), side_effects=False)
        spec = json.dumps({"Item": {name: _TYPE_SPEC for name in plan.known}})
        d = self.dialect
        parsed = ("(SELECT filename AS file, CAST(j AS VARCHAR) AS line, "
                  f"json_transform(j, {d.lit(spec)}) AS r, len(json_keys(j, '/Item')) AS n_keys "
                  "FROM read_json($files, format = 'newline_delimited', records = false, columns = {'j': 'JSON'}, "
                  "filename = true, compression = 'gzip')) p_")
        self._run(f"CREATE TABLE items AS {stage1_sql(d, plan, parsed)}", {"files": [str(p) for p in paths]})

    def _run(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self.con.execute(sql, params or {})
        except self._duckdb.Error as exc:
            raise EngineFailure(str(exc).splitlines()[0]) from None

    def rows(self, sql: str) -> list[tuple]:
        """All rows of a query."""
        return self._run(sql).fetchall()

    def materialize(self, name: str, sql: str) -> None:
        """Keep a query's rows as a table for the next queries."""
        self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def drop(self, name: str) -> None:
        self._run(f"DROP TABLE IF EXISTS {name}")

    @staticmethod
    def file_name(raw: str) -> str:
        """A data file's base name from the file column (read_json's filename)."""
        return Path(raw).name

    def details(self) -> str:
        return (f"DuckDB {self._duckdb.__version__}, {self.threads} threads, memory_limit {self.memory_limit}, "
                f"spill folder {self._spill.name}")

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            self._spill.cleanup()


def _sql_types() -> Any:
    """DuckDB's SQL type constants (duckdb.sqltypes since 1.4; duckdb.typing before)."""
    try:
        return importlib.import_module("duckdb.sqltypes")
    except ImportError:
        return importlib.import_module("duckdb.typing")


def _as_dicts(entries: list[tuple] | None) -> list[dict[str, Any]] | None:
    if entries is None:
        return None
    return [{"n": n, "t": t, "s": s} for n, t, s in entries]
