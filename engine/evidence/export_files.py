"""A DynamoDB export to S3, copied to a local folder: its manifests, data files, checksums, and what is wrong with it.

Shapes from the developer guide, "DynamoDB table export output format"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html):
- `manifest-summary.json`: one JSON object (version, exportArn, tableArn, exportTime, manifestFilesS3Key, itemCount,
  outputFormat DYNAMODB_JSON or ION, ...), next to `manifest-files.json`;
- `manifest-files.json`: JSON lines, one object per data file: itemCount, md5Checksum (base64 MD5 of the object as
  stored), etag, dataFileS3Key (a full S3 key, `<prefix>/AWSDynamoDB/<export id>/data/<name>.json.gz`);
- data files: gzip; DYNAMODB_JSON holds one `{"Item": {...}}` per line, ION one `$ion_1_0 {Item:{...}}` per line
  (sets annotated $dynamodb_SS/NS/BS, numbers as decimals, binary as blobs).
A data file key is resolved from its `data/` part on, under the folder holding the manifests.

Problems are found here, in Python, line by line (`diagnose`): the engines only say that something failed, this
names the file, the line and the fix. Nothing is reported or written before a scan succeeded.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import WorkbenchError

MANIFEST_SUMMARY = "manifest-summary.json"
MANIFEST_FILES = "manifest-files.json"
MANIFEST_LIMIT_BYTES = 64 * 1024 * 1024  # a manifest lists files: a million lines of ~250 bytes fit
# The longest line a valid item can make: an item is at most 400 KB (DG/ServiceQuotas.html) and DynamoDB JSON spends
# at most ~8.5 characters per byte of item (a map member with a one-byte name holding NULL: `"a":{"NULL":true},` is
# 18 characters for 3 bytes; a list of NULLs 14 for 2), so 400 KB makes at most ~3.5 MB of text. Longer lines are
# refused before they are read into memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
FORMATS = ("DYNAMODB_JSON", "ION")
SAMPLE_LINES = 5000
SAMPLE_MIN_PER_FILE = 50
_MD5_HEX = re.compile(r"^[0-9a-f]{32}$")
_MD5_PARTS = re.compile(r"^([0-9a-f]{32})-([0-9]+)$")
RECOPY = "copy the file from S3 again (aws s3 cp s3://<bucket>/<key> <file>) and check the copy finished"


class ExportError(WorkbenchError):
    """An export that cannot be read as it is: the message names the file, the line and the fix."""


@dataclass(frozen=True, kw_only=True)
class DataFile:
    """One data file of the export as the files manifest lists it."""

    key: str  # dataFileS3Key
    path: Path
    item_count: int
    md5: str | None
    etag: str | None
    manifest_line: int

    @property
    def name(self) -> str:
        """The key from its `data/` part on (how messages name the file)."""
        return "data/" + self.key.split("/data/", 1)[1] if "/data/" in self.key else self.key


@dataclass(frozen=True, kw_only=True)
class ExportFiles:
    """A verified export: its summary manifest's fields and its data files."""

    folder: Path
    summary: dict[str, Any]
    files: tuple[DataFile, ...]
    output_format: str
    item_count: int
    md5_checked: int
    etags_checked: int

    @property
    def table_name(self) -> str | None:
        arn = self.summary.get("tableArn")
        return arn.rsplit("/", 1)[-1] if isinstance(arn, str) and "/" in arn else None

    @property
    def compressed_bytes(self) -> int:
        return sum(f.path.stat().st_size for f in self.files)


# ----------------------------------------------------------------------------- manifests


def _read_json_file(path: Path, what: str) -> str:
    try:
        size = path.stat().st_size
        if size > MANIFEST_LIMIT_BYTES:
            raise ExportError(f"{path}: {size:,} bytes is over the {MANIFEST_LIMIT_BYTES:,}-byte limit for a "
                              f"{what}; is this the export's {path.name}?")
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the {what} ({exc.strerror or exc}); check the path") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: byte {exc.start} is not UTF-8; the {what} is damaged: copy it from S3 again") \
            from None


def _missing_summary(folder: Path) -> ExportError:
    found = sorted(p.parent for p in [*folder.glob(f"*/{MANIFEST_SUMMARY}"), *folder.glob(f"*/*/{MANIFEST_SUMMARY}")])
    if found:
        return ExportError(f"{folder}: no {MANIFEST_SUMMARY} here, but {found[0]} has one; pass that folder (the one "
                           "holding the manifests and data/)")
    if (folder / "data").is_dir() or folder.name == "data":
        return ExportError(f"{folder}: data files but no {MANIFEST_SUMMARY}; copy the whole export folder, manifests "
                           "included: aws s3 cp --recursive s3://<bucket>/<prefix>/AWSDynamoDB/<export id>/ <folder>")
    return ExportError(f"{folder}: no {MANIFEST_SUMMARY}; pass the folder of a DynamoDB export to S3 (it holds "
                       f"{MANIFEST_SUMMARY}, {MANIFEST_FILES} and data/)")


def read_summary(folder: Path) -> dict[str, Any]:
    """manifest-summary.json of the export in `folder` (checked for the fields this analysis uses)."""
    path = folder / MANIFEST_SUMMARY
    if not path.is_file():
        raise _missing_summary(folder)
    try:
        summary = json.loads(_read_json_file(path, "summary manifest"))
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}; the summary manifest is "
                          "damaged: copy it from S3 again") from None
    if not isinstance(summary, dict):
        raise ExportError(f"{path}: a summary manifest is one JSON object, got {type(summary).__name__}")
    fmt = summary.get("outputFormat", "DYNAMODB_JSON")
    if fmt not in FORMATS:
        raise ExportError(f"{path}: outputFormat {fmt!r} is not one DynamoDB writes ({', '.join(FORMATS)}); "
                          "is this a DynamoDB export?")
    export_type = summary.get("exportType", "FULL_EXPORT")
    if export_type != "FULL_EXPORT":
        raise ExportError(f"{path}: exportType {export_type!r}: an incremental export holds changes (NewImage, "
                          "OldImage), not the table's items; export the full table (exportType FULL_EXPORT)")
    count = summary.get("itemCount")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise ExportError(f"{path}: itemCount {count!r} is not a count of items")
    return summary


def resolve_key(folder: Path, key: str, where: str) -> Path:
    """Local path of a dataFileS3Key: its part from `data/` on, under `folder`; never outside it."""
    if "/data/" not in f"/{key}":
        raise ExportError(f"{where}: dataFileS3Key {key!r} has no data/ part; an export's data file keys end in "
                          "AWSDynamoDB/<export id>/data/<name>")
    rest = f"/{key}".split("/data/", 1)[1]
    parts = rest.split("/")
    if not rest or any(p in ("", ".", "..") for p in parts) or "\\" in rest:
        raise ExportError(f"{where}: dataFileS3Key {key!r} does not name a file under data/")
    return folder / "data" / Path(*parts)


def read_files_manifest(folder: Path) -> list[DataFile]:
    """The data files manifest-files.json lists (JSON lines), each resolved and checked to exist."""
    path = folder / MANIFEST_FILES
    if not path.is_file():
        raise ExportError(f"{path}: missing; the files manifest lists the data files: copy it from S3 with the "
                          f"summary (aws s3 cp s3://<bucket>/<prefix>/AWSDynamoDB/<export id>/{MANIFEST_FILES} "
                          f"{folder}/)")
    out = []
    for lineno, line in enumerate(_read_json_file(path, "files manifest").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path} line {lineno}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExportError(f"{where} column {exc.colno}: {exc.msg}; each line of {MANIFEST_FILES} is one JSON "
                              "object: copy the manifest from S3 again") from None
        if not isinstance(entry, dict) or not isinstance(entry.get("dataFileS3Key"), str):
            raise ExportError(f"{where}: expected an object with dataFileS3Key, itemCount, md5Checksum and etag")
        count = entry.get("itemCount", 0)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ExportError(f"{where}: itemCount {count!r} is not a count of items")
        local = resolve_key(folder, entry["dataFileS3Key"], where)
        if not local.is_file():
            raise ExportError(f"{local}: missing; {MANIFEST_FILES} line {lineno} lists {entry['dataFileS3Key']}: copy "
                              "the export's data/ folder from S3 (aws s3 cp --recursive)")
        md5 = entry.get("md5Checksum")
        etag = entry.get("etag")
        out.append(DataFile(
            key=entry["dataFileS3Key"], path=local, item_count=count, md5=md5 if isinstance(md5, str) else None,
            etag=etag if isinstance(etag, str) else None, manifest_line=lineno))
    if not out:
        raise ExportError(f"{path}: lists no data file; an export lists at least one per partition")
    return out


def file_md5(path: Path) -> bytes:
    """MD5 digest of a file, read in 1 MiB chunks."""
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.digest()


def verify_checksums(files: list[DataFile]) -> tuple[int, int]:
    """Check every md5Checksum (base64 MD5 of the file as stored) and every etag that is an MD5 (a single-part
    upload's hex MD5, or a one-part multipart upload's MD5 of the part's MD5 with '-1'); returns what was checked."""
    md5s = etags = 0
    for f in files:
        if f.md5 is None and f.etag is None:
            continue
        digest = file_md5(f.path)
        if f.md5 is not None:
            try:
                expected = base64.b64decode(f.md5, validate=True)
            except (binascii.Error, ValueError):
                raise ExportError(f"{MANIFEST_FILES} line {f.manifest_line}: md5Checksum {f.md5!r} is not base64; "
                                  "the manifest is damaged: copy it from S3 again") from None
            if expected != digest:
                raise ExportError(f"{f.name}: MD5 {base64.b64encode(digest).decode()} differs from the manifest's "
                                  f"md5Checksum {f.md5}: the file changed or was cut while copying; {RECOPY}")
            md5s += 1
        etag = f.etag.strip('"') if f.etag else None
        if etag is not None:
            parts = _MD5_PARTS.match(etag)
            if _MD5_HEX.match(etag):
                actual = digest.hex()
            elif parts and parts.group(2) == "1":
                actual = hashlib.md5(digest).hexdigest() + "-1"
            else:
                continue  # a multipart ETag depends on the part size, which the manifest does not give
            if actual != etag:
                raise ExportError(f"{f.name}: S3 ETag {actual} differs from the manifest's etag {etag}: the file "
                                  f"changed or was cut while copying; {RECOPY}")
            etags += 1
    return md5s, etags


def read_export(path: str | Path, verify: bool = True) -> ExportFiles:
    """The export in `path` (the folder holding manifest-summary.json, or that file), checksums verified."""
    folder = Path(path)
    if folder.is_file() and folder.name == MANIFEST_SUMMARY:
        folder = folder.parent
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such folder; pass the folder holding {MANIFEST_SUMMARY}")
    summary = read_summary(folder)
    files = read_files_manifest(folder)
    listed = sum(f.item_count for f in files)
    total = summary.get("itemCount")
    if isinstance(total, int) and total != listed:
        raise ExportError(f"{folder / MANIFEST_SUMMARY}: itemCount {total:,} but the data files in {MANIFEST_FILES} "
                          f"hold {listed:,} items: the manifests are from different exports or damaged; copy both "
                          "from S3 again")
    md5s, etags = verify_checksums(files) if verify else (0, 0)
    return ExportFiles(
        folder=folder, summary=summary, files=tuple(files),
        output_format=summary.get("outputFormat", "DYNAMODB_JSON"), item_count=listed, md5_checked=md5s,
        etags_checked=etags)


# ----------------------------------------------------------------------------- lines


@dataclass(frozen=True, kw_only=True)
class Problem:
    """The first thing wrong in a data file."""

    file: str
    line: int | None
    message: str

    def text(self) -> str:
        where = f"{self.file} line {self.line:,}" if self.line else self.file
        return f"{where}: {self.message}"


class _LineProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def data_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of a gzip data file, each line capped at MAX_LINE_BYTES before it is held in memory.

    Raises _LineProblem for a line over the cap and for a truncated or damaged gzip stream."""
    lineno = 0
    try:
        with gzip.open(path, "rb") as handle:
            while True:
                line = handle.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                lineno += 1
                if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                    raise _LineProblem(lineno, f"longer than {MAX_LINE_BYTES:,} bytes; an item (at most 400 KB) "
                                               "never makes such a line: this is not a DynamoDB export line (a file "
                                               "joined without newlines?): copy the file from S3 again")
                yield lineno, line
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        what = "ends before the end of its gzip stream" if isinstance(exc, EOFError) else f"is not valid gzip ({exc})"
        raise _LineProblem(lineno + 1 if lineno else None,
                           f"the file {what} after {lineno:,} complete lines: it was cut or damaged while copying; "
                           f"{RECOPY}") from None


def _check_line(raw: bytes, lineno: int, fmt: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The item of one line (None for a blank line), or _LineProblem naming what is wrong and the fix."""
    from engine.evidence.export_sql import unique_pairs
    from engine.itemsize import ItemSizeError, attribute_value_size_bytes
    from engine.samples import SampleDataError, check_wire_value

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _LineProblem(lineno, f"byte {exc.start + 1} ({raw[exc.start:exc.start + 1]!r}) is not UTF-8; DynamoDB "
                                   "writes UTF-8: the file was changed after the export; " + RECOPY) from None
    if not text.strip():
        return None
    if text.lstrip().startswith("$ion_1_0") and fmt == "DYNAMODB_JSON":
        raise _LineProblem(lineno, "an Amazon Ion line in an export whose manifest says DYNAMODB_JSON: files of two "
                                   "exports are mixed; copy one export's folder (manifests and data/) as a whole")
    if fmt == "ION":
        return None  # Ion lines are checked when they are converted (ion_to_json_lines)
    try:
        doc = json.loads(text, object_pairs_hook=unique_pairs)
    except RecursionError:
        raise _LineProblem(lineno, "nested too deeply to read; DynamoDB allows 32 levels") from None
    except json.JSONDecodeError as exc:
        raise _LineProblem(lineno, f"not valid JSON at column {exc.colno} ({exc.msg}); the line was cut or edited: "
                                   + RECOPY) from None
    except ValueError as exc:
        raise _LineProblem(lineno, f"attribute {exc} appears twice in one object; DynamoDB items have unique "
                                   "attribute names: the line was edited") from None
    if not isinstance(doc, dict) or "Item" not in doc:
        seen = sorted(doc)[:5] if isinstance(doc, dict) else type(doc).__name__
        hint = ("an incremental export's change record (Keys/NewImage): export the full table"
                if isinstance(doc, dict) and ("NewImage" in doc or "Keys" in doc) else
                "plain JSON, not a DynamoDB export line: export the table to S3 as DYNAMODB_JSON")
        raise _LineProblem(lineno, f"expected {{\"Item\": {{...}}}} (DYNAMODB_JSON), got {seen}; this looks like "
                                   f"{hint}")
    item = doc["Item"]
    if not isinstance(item, dict):
        raise _LineProblem(lineno, f"Item is {type(item).__name__}, not an object of attributes")
    for name, value in item.items():
        try:
            check_wire_value(value, f"attribute {name!r}")
            attribute_value_size_bytes(value)
        except (SampleDataError, ItemSizeError) as exc:
            raise _LineProblem(lineno, f"{exc}; DynamoDB writes typed values such as {{\"S\": \"text\"}}: is this "
                                       "DynamoDB JSON?") from None
    missing = [k for k in keys if k not in item]
    if missing:
        raise _LineProblem(lineno, f"the item has no key attribute {missing[0]!r}; every item of the table has its "
                                   "key attributes: is the key schema right (--design / --describe)?")
    return item


def diagnose(files: list[DataFile], fmt: str, keys: tuple[str, ...] = (), first: tuple[str, ...] = ()) -> Problem | None:
    """The first problem in the data files (those named in `first` are read first): a damaged gzip stream, a line
    over the cap, a line that is not UTF-8 or not an export line of the format, a value DynamoDB would reject, a
    missing key attribute, or a file holding another number of items than the manifest says."""
    ordered = sorted(files, key=lambda f: (f.path.name not in first, f.manifest_line))
    for f in ordered:
        count = 0
        try:
            for lineno, raw in data_lines(f.path):
                if _check_line(raw, lineno, fmt, keys) is not None or (fmt == "ION" and raw.strip()):
                    count += 1
        except _LineProblem as problem:
            return Problem(file=f.name, line=problem.line, message=problem.message)
        if count != f.item_count:
            return Problem(file=f.name, line=None,
                           message=f"holds {count:,} items but {MANIFEST_FILES} line {f.manifest_line} says "
                                   f"{f.item_count:,}: the file is from another export or was cut; {RECOPY}")
    return None


def sample_items(files: tuple[DataFile, ...], limit: int = SAMPLE_LINES) -> list[dict[str, Any]]:
    """Up to `limit` items from the starts of all data files (an equal share from each, DYNAMODB_JSON), for choosing
    the typed columns; lines that do not read are skipped here (the scan reports them)."""
    out: list[dict[str, Any]] = []
    share = max(SAMPLE_MIN_PER_FILE, limit // max(1, len(files)))
    for f in files:
        taken = 0
        try:
            for _, raw in data_lines(f.path):
                try:
                    doc = json.loads(raw)
                except (ValueError, RecursionError):
                    continue
                if isinstance(doc, dict) and isinstance(doc.get("Item"), dict):
                    out.append(doc["Item"])
                    taken += 1
                if taken >= share or len(out) >= limit:
                    break
        except _LineProblem:
            continue
        if len(out) >= limit:
            break
    return out


# ----------------------------------------------------------------------------- Amazon Ion


ION_MODULE = "amazon.ion.simpleion"  # the amazon-ion package's reader (https://pypi.org/project/amazon-ion/)
ION_FIX = ("export the table again as DynamoDB JSON (aws dynamodb export-table-to-point-in-time ... --export-format "
           "DYNAMODB_JSON)")


def ion_module() -> Any:
    """amazon.ion.simpleion, or an ExportError naming the format and the fixes."""
    import importlib

    try:
        return importlib.import_module(ION_MODULE)
    except ImportError:
        raise ExportError("this export is in Amazon Ion (outputFormat ION); reading it needs the amazon-ion package: "
                          "pip install 'ddb-workbench[evidence]', or " + ION_FIX) from None


def ion_value(value: Any) -> dict[str, Any]:
    """One Ion value of an ION export as DynamoDB JSON (DG: sets are lists annotated $dynamodb_SS/NS/BS,
    N a decimal, B a blob, L a list, M a struct), told apart by the value's Ion type."""
    from collections.abc import Mapping
    from decimal import Decimal

    from engine.itemsize import normalize_number

    annotations = [str(getattr(a, "text", a)) for a in getattr(value, "ion_annotations", ()) or ()]
    kind = str(getattr(getattr(value, "ion_type", None), "name", ""))
    if value is None or kind == "NULL" or getattr(value, "is_null", False):
        return {"NULL": True}
    if kind == "BOOL" or isinstance(value, bool):
        return {"BOOL": bool(value)}
    set_tag = next((a.removeprefix("$dynamodb_") for a in annotations
                    if a in ("$dynamodb_SS", "$dynamodb_NS", "$dynamodb_BS")), None)
    if set_tag:
        return {set_tag: [next(iter(ion_value(v).values())) for v in value]}
    if kind in ("STRING", "SYMBOL") or isinstance(value, str):
        return {"S": str(value)}
    if kind in ("BLOB", "CLOB") or isinstance(value, (bytes, bytearray)):
        return {"B": base64.b64encode(bytes(value)).decode("ascii")}
    if kind in ("DECIMAL", "INT", "FLOAT") or isinstance(value, (int, float, Decimal)):
        return {"N": normalize_number(str(Decimal(str(value))))}
    if kind == "STRUCT" or isinstance(value, Mapping):
        return {"M": {str(k): ion_value(v) for k, v in value.items()}}
    if kind in ("LIST", "SEXP") or isinstance(value, (list, tuple)):
        return {"L": [ion_value(v) for v in value]}
    raise ValueError(f"an Ion {kind or type(value).__name__} has no DynamoDB type")


def ion_to_json_lines(f: DataFile, out: Path) -> int:
    """Write the items of an ION data file as DynamoDB JSON lines to `out` (gzip, as export data files are); returns
    the items written."""
    simpleion = ion_module()
    count = 0
    try:
        with gzip.open(out, "wt", encoding="utf-8", compresslevel=1) as sink:
            for lineno, raw in data_lines(f.path):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _LineProblem(lineno, f"byte {exc.start + 1} is not UTF-8; {RECOPY}") from None
                if not text.strip():
                    continue
                if text.lstrip().startswith("{\""):
                    raise _LineProblem(lineno, "a DynamoDB JSON line in an export whose manifest says ION: files of two "
                                               "exports are mixed; copy one export's folder as a whole")
                try:
                    doc = simpleion.loads(text)
                    item = doc["Item"]
                    converted = {str(k): ion_value(v) for k, v in item.items()}
                except Exception as exc:  # amazon.ion raises plain exceptions of several kinds
                    raise _LineProblem(lineno, f"not an Ion export line ({type(exc).__name__}: {exc}); " + RECOPY) \
                        from None
                sink.write(json.dumps({"Item": converted}, ensure_ascii=False) + "\n")
                count += 1
    except _LineProblem as problem:
        raise ExportError(Problem(file=f.name, line=problem.line, message=problem.message).text()) from None
    return count


__all__ = [
    "DataFile", "ExportError", "ExportFiles", "MAX_LINE_BYTES", "file_md5", "Problem", "diagnose", "ion_to_json_lines",
    "ion_value", "read_export", "resolve_key", "sample_items", "verify_checksums",
]
