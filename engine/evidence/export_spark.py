"""The Spark engine of `analyze-export`: the same SQL as DuckDB, run by Spark (local[*] or a cluster master URL).

Spark reads the gzip data files as text (Hadoop's gzip codec), parses each line with from_json into the same typed
struct of known attribute names, sizes documents and extra attributes with the same Python functions
(engine.evidence.export_sql, engine.itemsize) as UDFs, writes the `items` rows as Parquet to a scratch folder and
runs the stage 2 queries on them. Lines longer than the line cap are dropped by Hadoop's line reader
(mapreduce.input.linerecordreader.line.maxlength), which the per-file item counts then catch.
pyspark is an optional dependency (the `evidence-spark` extra); it needs a Java 17+ runtime (`java` on PATH or
JAVA_HOME).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from engine.evidence.export_duckdb import EngineFailure, optional_module
from engine.evidence.export_files import MAX_LINE_BYTES
from engine.evidence.export_sql import (
    SET_TAGS,
    TYPE_TAGS,
    ExtraAttributes,
    ScanPlan,
    SparkDialect,
    document_size,
    stage1_sql,
)


def spark_session(master: str | None = None, memory: str = "1g", app: str = "ddb-workbench analyze-export") -> Any:
    """A Spark session for the analysis: local[*] unless a master URL is given; UI off, driver bound to loopback
    for local runs, case-sensitive names (DynamoDB attribute names are), UTC, and the Python of this process for
    the UDF workers."""
    sql = optional_module("pyspark.sql", "evidence-spark")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    root = str(Path(__file__).resolve().parents[2])
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    builder = (sql.SparkSession.builder.appName(app).master(master or "local[*]")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.caseSensitive", "true")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.memory", memory)
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.hadoop.mapreduce.input.linerecordreader.line.maxlength", str(MAX_LINE_BYTES))
               .config("spark.executorEnv.PYTHONPATH", root))
    if not master or master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local run listens on the loopback only
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing or too old, a master that does not answer
        from engine.evidence.export_files import ExportError

        raise ExportError(f"Spark could not start ({str(exc).splitlines()[0][:300]}); it needs Java 17 or later "
                          "(`java -version`) and, with --spark-master, a reachable master") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkRunner:
    """Runs the export SQL on Spark; a session passed in is reused (and left running), else one is started."""

    dialect = SparkDialect()

    def __init__(self, session: Any = None, master: str | None = None, memory: str = "1g") -> None:
        self._own = session is None
        self.spark = session if session is not None else spark_session(master, memory.lower().replace("gb", "g"))
        self._scratch = tempfile.TemporaryDirectory(prefix="ddb-export-spark-")
        self._views: list[str] = []
        self._cached: list[Any] = []

    def load(self, paths: list[Path], plan: ScanPlan) -> None:
        """Stage 1: `items` (Parquet in the scratch folder) from the data files."""
        F = optional_module("pyspark.sql.functions", "evidence-spark")  # noqa: N806 - pyspark's usual names
        T = optional_module("pyspark.sql.types", "evidence-spark")  # noqa: N806

        text = T.StringType()
        typed = T.StructType([T.StructField(t, T.ArrayType(text) if t in SET_TAGS else text) for t in TYPE_TAGS])
        schema = T.StructType([T.StructField("Item", T.StructType([T.StructField(n, typed) for n in plan.known]))])
        entry = T.StructType([T.StructField("n", text), T.StructField("t", text), T.StructField("s", T.LongType())])
        self.spark.udf.register("ddb_document_size", document_size, T.LongType())
        self.spark.udf.register("ddb_extra_attributes", ExtraAttributes(frozenset(plan.known)), T.ArrayType(entry))
        try:
            lines = self.spark.read.text([str(p) for p in paths]).where(F.trim(F.col("value")) != "")
            parsed = lines.select(
                F.input_file_name().alias("file"), F.col("value").alias("line"),
                F.from_json("value", schema).alias("r"),
                F.size(F.json_object_keys(F.get_json_object("value", "$.Item"))).alias("n_keys"))
            parsed.createOrReplaceTempView("parsed_lines")
            out = str(Path(self._scratch.name) / "items")
            self.spark.sql(stage1_sql(self.dialect, plan, "parsed_lines")).write.mode("overwrite").parquet(out)
            self.spark.read.parquet(out).createOrReplaceTempView("items")
        except Exception as exc:
            raise EngineFailure(_first_line(exc)) from None
        self._views += ["parsed_lines", "items"]

    def rows(self, sql: str) -> list[tuple]:
        try:
            return [tuple(r) for r in self.spark.sql(sql).collect()]
        except Exception as exc:
            raise EngineFailure(_first_line(exc)) from None

    def materialize(self, name: str, sql: str) -> None:
        frame = self.spark.sql(sql).cache()
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)
        self._views.append(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()

    @staticmethod
    def file_name(raw: str) -> str:
        """A data file's base name from input_file_name() (a URI)."""
        return Path(unquote(urlparse(raw).path)).name

    def details(self) -> str:
        conf = self.spark.sparkContext.getConf()
        return (f"Spark {self.spark.version}, master {self.spark.sparkContext.master}, "
                f"driver memory {conf.get('spark.driver.memory', 'default')}")

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        for frame in self._cached:
            frame.unpersist()
        if self._own:
            self.spark.stop()
        self._scratch.cleanup()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:500] if text else type(exc).__name__
