"""DynamoDB item size: the exact byte count DynamoDB charges capacity and storage on.

Rules (DOMAIN.md §1, DG/CapacityUnitCalculations.html):
- item size = sum over attributes of (UTF-8 bytes of the name + value size);
- S: UTF-8 bytes; B: raw bytes (base64 text is decoded first); BOOL and NULL: 1 byte;
- SS/NS/BS: sum of the elements, no overhead; L and M: 3 bytes + 1 byte per element + the
  elements (for M, each element's name as well);
- N: a base-100 rule fitted to byte-exact measurements (DOMAIN.md §1): digits grouped in pairs
  aligned on the decimal point, 1 + pairs from the most to the least significant non-zero pair,
  + 1 if negative, zero = 1 byte; normalised first (leading/trailing zeros, exponents).
- storage adds 100 bytes per item, 48 more in a global table (DG/CapacityUnitCalculations.html,
  DG/globaltables_HowItWorks); extra storage for transactions / Kinesis capture is not modelled.

Two entry shapes, never guessed: DynamoDB JSON (`{"pk": {"S": "a"}}`) via `item_size_bytes`, and
plain Python/JSON values (`{"pk": "a"}`) via `plain_item_size_bytes`, which converts through
`to_dynamodb_json` so both share one typed path.
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.errors import ItemError
from engine.model.limits import (  # DG/ServiceQuotas.html (MAX_ITEM_BYTES is re-exported)
    MAX_ITEM_BYTES,
    MAX_NESTING_LEVELS,
    MAX_NUMBER_DIGITS,
    MAX_NUMBER_EXPONENT,
    MIN_NUMBER_EXPONENT,
)

if TYPE_CHECKING:  # types only: numpy is imported where sizes are computed
    import numpy as np

    from engine.model import AttributeSpec, Entity, GlobalSecondaryIndex, LocalSecondaryIndex, Table

# DG/CapacityUnitCalculations.html (DOMAIN.md §1)
BOOL_NULL_BYTES = 1
CONTAINER_OVERHEAD_BYTES = 3
CONTAINER_ELEMENT_BYTES = 1
STORAGE_OVERHEAD_BYTES = 100
GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES = 48
# DynamoDB rejects documents nested more than MAX_NESTING_LEVELS deep (engine.model.limits). The sizer does not
# enforce the exact level; it only reports values too deep to walk at all.

SCALAR_TYPES = ("S", "N", "B", "BOOL", "NULL")
SET_TYPES = ("SS", "NS", "BS")
DOCUMENT_TYPES = ("L", "M")
ALL_TYPES = SCALAR_TYPES + SET_TYPES + DOCUMENT_TYPES

# ASCII digits only: Python's \d also matches other scripts' digits ("١٢"), which DynamoDB rejects.
_NUMBER = re.compile(r"^\s*([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?\s*$")


MAX_SHOWN_CHARS = 60  # a value quoted in a message is cut to this many characters


def _shown(value: Any) -> str:
    """repr() of a value for a message, cut so a 400 KB value does not flood the terminal."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_CHARS else f"{text[:MAX_SHOWN_CHARS]}... ({len(text):,} characters)"


class ItemSizeError(ItemError):
    """A value or item that DynamoDB would reject (bad number, empty set, unknown type...)."""


# --------------------------------------------------------------------------------------- numbers
def _number_parts(text: str) -> tuple[bool, str, int]:
    """(negative, significant digits without leading/trailing zeros, exponent of the last digit).

    Zero is (False, "", 0). Raises ItemSizeError for text DynamoDB would not accept as N.
    """
    if not isinstance(text, str):
        raise ItemSizeError(f"number {_shown(text)} must be given as text (DynamoDB JSON N is a string); "
                            f"pass str(value)")
    match = _NUMBER.match(text)
    if match is None or not (match.group(2) or match.group(3)):
        raise ItemSizeError(f"N value {_shown(text)} is not a number; write digits with an optional sign, "
                            f"decimal point and exponent, e.g. '-12.5E3'")
    sign, whole, frac, exp = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    digits = (whole + frac).lstrip("0")
    exponent = (int(exp) if exp else 0) - len(frac)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    if not stripped:
        return False, "", 0
    return sign == "-", stripped, exponent


def _check_number_limits(text: str, digits: str, exponent: int) -> None:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise ItemSizeError(f"N value {_shown(text)} has {len(digits)} significant digits; DynamoDB keeps at most "
                            f"{MAX_NUMBER_DIGITS} (ValidationException); round it or store it as a string")
    top = exponent + len(digits) - 1  # power of ten of the most significant digit
    if top > MAX_NUMBER_EXPONENT or top < MIN_NUMBER_EXPONENT:
        raise ItemSizeError(f"N value {_shown(text)} is outside DynamoDB's range 1E-130 .. 9.99E+125 "
                            f"(ValidationException); scale it or store it as a string")


def number_size_bytes(text: str) -> int:
    """Bytes DynamoDB stores for an N value (DOMAIN.md §1 base-100 rule).

    Digit pairs are aligned on the decimal point; the size is 1 + the pairs from the most to the
    least significant non-zero pair, + 1 for a negative sign; zero is 1 byte.
    """
    negative, digits, exponent = _number_parts(text)
    if not digits:
        return 1
    _check_number_limits(text, digits, exponent)
    top = exponent + len(digits) - 1
    pairs = top // 2 - exponent // 2 + 1
    return 1 + pairs + (1 if negative else 0)


def normalize_number(text: str) -> str:
    """Canonical text of an N value as DynamoDB returns it: no exponent, no redundant zeros ("-0" -> "0")."""
    negative, digits, exponent = _number_parts(text)
    if not digits:
        return "0"
    _check_number_limits(text, digits, exponent)
    if exponent >= 0:
        body = digits + "0" * exponent
    elif -exponent >= len(digits):
        body = "0." + "0" * (-exponent - len(digits)) + digits
    else:
        body = digits[:exponent] + "." + digits[exponent:]
    return ("-" if negative else "") + body


# --------------------------------------------------------------------------------------- binary
def binary_size_bytes(value: Any) -> int:
    """Raw bytes of a B value: bytes-like as boto3 passes it, or base64 text as DynamoDB JSON carries it."""
    raw = getattr(value, "value", value)  # boto3.dynamodb.types.Binary wraps bytes in .value
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return len(bytes(raw))
    if isinstance(raw, str):
        try:
            return len(base64.b64decode(raw.encode("ascii"), validate=True))
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise ItemSizeError(f"B value {raw[:40]!r} is not valid base64 ({exc}); DynamoDB JSON carries "
                                f"binary as base64 text, boto3 as bytes") from exc
    raise ItemSizeError(f"B value of type {type(raw).__name__} is neither bytes nor base64 text")


def _binary_raw(value: Any) -> bytes:
    raw = getattr(value, "value", value)
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return bytes(raw)
    binary_size_bytes(raw)  # raises with the right message when invalid
    return base64.b64decode(raw.encode("ascii"), validate=True)


# ------------------------------------------------------------------------------- DynamoDB JSON
def attribute_value_size_bytes(value: Mapping[str, Any]) -> int:
    """Size of one DynamoDB JSON value such as {"N": "1.5"} or {"L": [{"S": "a"}]} (name not included)."""
    if type(value) is dict and len(value) == 1:  # the common case first: a plain dict, no ABC check
        ((tag, inner),) = value.items()
        if tag == "S" and type(inner) is str:  # most values of most items: UTF-8 bytes of the text
            return len(inner) if inner.isascii() else len(inner.encode("utf-8"))
        sizer = _SIZERS.get(tag)
        if sizer is not None:
            return sizer(inner)
    if not isinstance(value, Mapping) or len(value) != 1:
        raise ItemSizeError(f"attribute value {_shown(value)} must be an object with exactly one type key "
                            f"({', '.join(ALL_TYPES)})")
    ((tag, inner),) = value.items()
    sizer = _SIZERS.get(tag)
    if sizer is None:
        raise ItemSizeError(f"attribute value type {tag!r} is unknown; use one of {', '.join(ALL_TYPES)}")
    return sizer(inner)


def _size_s(inner: Any) -> int:
    if not isinstance(inner, str):
        raise ItemSizeError(f"S value {_shown(inner)} must be text")
    return len(inner) if inner.isascii() else len(inner.encode("utf-8"))


def _size_bool(inner: Any) -> int:
    if not isinstance(inner, bool):
        raise ItemSizeError(f"BOOL value {_shown(inner)} must be true or false")
    return BOOL_NULL_BYTES


def _size_null(inner: Any) -> int:
    if inner is not True:
        raise ItemSizeError(f"NULL value {_shown(inner)} must be true (DynamoDB JSON writes {{\"NULL\": true}})")
    return BOOL_NULL_BYTES


def _set_elements(tag: str, inner: Any) -> list[Any]:
    if isinstance(inner, (str, bytes, Mapping)) or not isinstance(inner, Iterable):
        raise ItemSizeError(f"{tag} value {_shown(inner)} must be a list of elements")
    elements = list(inner)
    if not elements:
        raise ItemSizeError(f"{tag} value is empty; DynamoDB rejects empty sets: omit the attribute instead")
    return elements


def _reject_duplicates(tag: str, canonical: list[Any]) -> None:
    if len(set(canonical)) != len(canonical):
        raise ItemSizeError(f"{tag} value contains duplicates ({canonical!r}); DynamoDB rejects them "
                            f"(ValidationException): keep each element once")


def _size_ss(inner: Any) -> int:
    elements = _set_elements("SS", inner)
    sizes = [_size_s(e) for e in elements]  # raises for a non-string element
    _reject_duplicates("SS", elements)
    return sum(sizes)


def _size_ns(inner: Any) -> int:
    elements = _set_elements("NS", inner)
    _reject_duplicates("NS", [normalize_number(e) for e in elements])
    return sum(number_size_bytes(e) for e in elements)


def _size_bs(inner: Any) -> int:
    elements = _set_elements("BS", inner)
    _reject_duplicates("BS", [_binary_raw(e) for e in elements])
    return sum(binary_size_bytes(e) for e in elements)


def _size_l(inner: Any) -> int:
    if isinstance(inner, (str, bytes, Mapping)) or not isinstance(inner, Iterable):
        raise ItemSizeError(f"L value {_shown(inner)} must be a list of DynamoDB JSON values")
    return CONTAINER_OVERHEAD_BYTES + sum(CONTAINER_ELEMENT_BYTES + attribute_value_size_bytes(v) for v in inner)


def _size_m(inner: Any) -> int:
    if not isinstance(inner, Mapping):
        raise ItemSizeError(f"M value {_shown(inner)} must be an object of name -> DynamoDB JSON value")
    return CONTAINER_OVERHEAD_BYTES + sum(
        CONTAINER_ELEMENT_BYTES + _name_bytes(k) + attribute_value_size_bytes(v) for k, v in inner.items())


_SIZERS = {
    "S": _size_s, "N": number_size_bytes, "B": binary_size_bytes, "BOOL": _size_bool, "NULL": _size_null,
    "SS": _size_ss, "NS": _size_ns, "BS": _size_bs, "L": _size_l, "M": _size_m,
}


def _name_bytes(name: Any) -> int:
    if not isinstance(name, str):
        raise ItemSizeError(f"attribute name {_shown(name)} must be text")
    return len(name) if name.isascii() else len(name.encode("utf-8"))


def attribute_sizes_bytes(item: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Per attribute: UTF-8 bytes of its name + its value size, for an item in DynamoDB JSON."""
    if not isinstance(item, Mapping):
        raise ItemSizeError(f"item must be an object of attribute name -> DynamoDB JSON value, got "
                            f"{type(item).__name__}")
    sizes: dict[str, int] = {}
    for name, value in item.items():
        try:
            sizes[name] = _name_bytes(name) + attribute_value_size_bytes(value)
        except ItemNestingError:
            raise
        except ItemSizeError as exc:
            raise ItemSizeError(f"attribute {_shown(name)}: {exc}") from exc
        except RecursionError:
            raise _too_deep(name) from None
    return sizes


class ItemNestingError(ItemSizeError):
    """A value nested too deeply to walk (DynamoDB itself stops at MAX_NESTING_LEVELS)."""


def _too_deep(name: Any) -> ItemSizeError:
    return ItemNestingError(f"attribute {_shown(name)} is nested too deeply to size; DynamoDB allows at most "
                         f"{MAX_NESTING_LEVELS} levels of nested lists and maps, flatten it")


def item_size_bytes(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Size DynamoDB charges capacity on for an item in DynamoDB JSON ({"pk": {"S": "a"}})."""
    return sum(attribute_sizes_bytes(item).values())


# ---------------------------------------------------------------------------------- plain values
def to_dynamodb_value(value: Any) -> dict[str, Any]:
    """One plain Python/JSON value as DynamoDB JSON, by an explicit type switch.

    str -> S; bool -> BOOL; int/float/Decimal -> N (floats through str(), never Decimal(float));
    bytes -> B (base64 text, the wire form); None -> NULL; list/tuple -> L; dict -> M;
    set/frozenset of str/numbers/bytes -> SS/NS/BS. A dict is always a map, even {"S": "x"}.
    """
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, Decimal)):
        return {"N": normalize_number(str(value))}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ItemSizeError(f"number {_shown(value)} is not finite; DynamoDB N cannot hold NaN or infinity")
        return {"N": normalize_number(str(value))}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"B": base64.b64encode(bytes(value)).decode("ascii")}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Mapping):
        return {"M": to_dynamodb_json(value)}
    if isinstance(value, (set, frozenset)):
        return _to_set(value)
    if isinstance(value, (list, tuple)):
        return {"L": [to_dynamodb_value(v) for v in value]}
    raise ItemSizeError(f"plain value of type {type(value).__name__} ({_shown(value)}) has no DynamoDB type; "
                        f"use str, int, float, Decimal, bytes, bool, None, list, dict or set")


def _to_set(value: set | frozenset) -> dict[str, Any]:
    if not value:
        raise ItemSizeError("empty set: DynamoDB rejects empty sets; omit the attribute instead")
    if all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}
    if all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in value):
        return {"NS": sorted((to_dynamodb_value(v)["N"] for v in value), key=Decimal)}
    if all(isinstance(v, (bytes, bytearray)) for v in value):
        return {"BS": [base64.b64encode(bytes(v)).decode("ascii") for v in sorted(value)]}
    raise ItemSizeError(f"set {_shown(value)} mixes types; a DynamoDB set holds only strings, numbers or binary")


def to_dynamodb_json(plain: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A plain item ({"pk": "a", "n": 1}) as DynamoDB JSON ({"pk": {"S": "a"}, "n": {"N": "1"}})."""
    if not isinstance(plain, Mapping):
        raise ItemSizeError(f"item must be an object of attribute name -> value, got {type(plain).__name__}")
    out: dict[str, dict[str, Any]] = {}
    for name, value in plain.items():
        _name_bytes(name)
        try:
            out[name] = to_dynamodb_value(value)
        except ItemNestingError:
            raise _too_deep(name) from None  # name the outermost attribute, not the deepest map key
        except ItemSizeError as exc:
            raise ItemSizeError(f"attribute {_shown(name)}: {exc}") from exc
        except RecursionError:
            raise _too_deep(name) from None
    return out


def plain_value_size_bytes(value: Any) -> int:
    """Size of one plain value (no name) by DynamoDB's rules."""
    return attribute_value_size_bytes(to_dynamodb_value(value))


def plain_item_size_bytes(item: Mapping[str, Any]) -> int:
    """Size of an item given as plain Python/JSON values (never interpreted as DynamoDB JSON)."""
    return item_size_bytes(to_dynamodb_json(item))


# ----------------------------------------------------------------------------- storage, indexes
def storage_size_bytes(size_bytes: int | float, global_table: bool = False) -> int | float:
    """Stored bytes of an item: + 100 B per item, + 48 B more in a global table (DOMAIN.md §1)."""
    extra = STORAGE_OVERHEAD_BYTES + (GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES if global_table else 0)
    return size_bytes + extra


def project_item(item: Mapping[str, Any], key_names: Iterable[str], projection_type: str,
                 included: Iterable[str] = ()) -> dict[str, Any] | None:
    """The index entry of an item (any item shape): keys + projected attributes, or None if sparse.

    `key_names` are the base table keys and the index keys (DG/GSI.html: an entry holds both);
    an item lacking any of the index's key attributes is not in the index. projection_type is
    ALL, KEYS_ONLY or INCLUDE (then `included` names the extra attributes).
    """
    keys = tuple(dict.fromkeys(key_names))
    if any(k not in item for k in keys):
        return None
    if projection_type == "ALL":
        return dict(item)
    if projection_type not in ("KEYS_ONLY", "INCLUDE"):
        raise ItemSizeError(f"projection type {projection_type!r} is unknown; use ALL, KEYS_ONLY or INCLUDE")
    wanted = set(keys) | (set(included) if projection_type == "INCLUDE" else set())
    return {k: v for k, v in item.items() if k in wanted}


def index_entry_size_bytes(item: Mapping[str, Mapping[str, Any]], table_keys: Iterable[str],
                           index_keys: Iterable[str], projection_type: str = "ALL",
                           included: Iterable[str] = ()) -> int | None:
    """Capacity size of an item's GSI/LSI entry (DynamoDB JSON item), or None when the item is not indexed.

    Entry = base-table key attributes + index key attributes + projected attributes (DG/GSI.html).
    The item must carry the index keys to be indexed (sparse index); the table keys are assumed present.
    """
    table_keys = tuple(table_keys)
    index_keys = tuple(index_keys)
    if any(k not in item for k in index_keys):
        return None
    entry = project_item(item, (*table_keys, *index_keys), projection_type, included)
    return None if entry is None else item_size_bytes(entry)


# ------------------------------------------------------------------ size distributions of entities
# A design gives attribute sizes as averages, ranges and presence shares, so an entity's item size
# is a distribution. It is held exactly on the integer byte grid (DynamoDB sizes are whole bytes):
# - a fixed size s that is not a whole number is the two-point mix of floor(s) and ceil(s) with mean s;
# - a range [min, max] is uniform over its whole bytes; when the average `size_bytes` is not the
#   midpoint, the range is split at the average into two uniform pieces weighted to keep that mean;
# - an attribute with presence p < 1 is absent (0 bytes, name included) with probability 1 - p;
# - attributes are independent; the sum is an exact convolution (numpy FFT, clipped and renormalised).
# Key attributes come from key templates rendered by engine.keyspace on a deterministic grid of
# KEY_GRID_POINTS rank quantiles (every variable at the same quantile, so keys sharing variables stay
# consistent). Capacity units, a step function of size, are averaged over the whole distribution.
KEY_GRID_POINTS = 32
MAX_EXACT_GRID_BYTES = 1 << 20  # beyond this span a sum of many items uses a normal approximation
# When a sum of item sizes spreads over many units its rounding is smoothed out and
# E[ceil(S/u)] = E[S]/u + 1/2 up to a Fourier error bounded by the characteristic function at the
# unit's harmonics; below this tolerance the exact convolution is skipped (tests compare both).
SMOOTH_SUM_TOLERANCE = 1e-4
SMOOTH_SUM_HARMONICS = 8
NORMAL_GRID_POINTS = 4001
NORMAL_GRID_SIGMAS = 8.0


class SizeDistribution:
    """A distribution of sizes over whole bytes: P(size = lo + k) = pmf[k] (immutable)."""

    __slots__ = ("_units_cache", "lo", "pmf")

    def __init__(self, lo: int, pmf: Any) -> None:
        import numpy as np

        arr = np.asarray(pmf, dtype=float)
        nz = np.nonzero(arr > 1e-15)[0]
        if arr.size == 0 or nz.size == 0:
            arr, nz = np.ones(1), np.zeros(1, dtype=int)
        arr = arr[nz[0]: nz[-1] + 1]
        arr = np.clip(arr, 0.0, None)
        self.lo = int(lo) + int(nz[0])
        self.pmf = arr / arr.sum()
        self.pmf.setflags(write=False)
        self._units_cache: dict[Any, Any] = {}

    @classmethod
    def _of_counts(cls, lo: int, counts: np.ndarray) -> SizeDistribution:
        """From np.bincount's counts starting at the smallest size (first and last count non-zero): the same
        distribution as cls(lo, counts), without the trimming and clipping counts never need."""
        out = object.__new__(cls)
        out.lo, out.pmf, out._units_cache = int(lo), counts / counts.sum(), {}
        out.pmf.setflags(write=False)
        return out

    @classmethod
    def fixed(cls, size_bytes: float) -> SizeDistribution:
        """A fixed (average) size; a fractional size becomes floor/ceil mixed to keep the mean."""
        low = math.floor(size_bytes)
        frac = size_bytes - low
        return cls(low, [1 - frac, frac] if frac > 0 else [1.0])

    @classmethod
    def uniform(cls, min_bytes: float, max_bytes: float, mean_bytes: float | None = None) -> SizeDistribution:
        """Whole-byte sizes uniform on [min, max]; split at `mean_bytes` (weighted) when it is off-centre."""
        import numpy as np

        a, b = round(min_bytes), round(max_bytes)
        if b <= a:
            return cls.fixed(mean_bytes if mean_bytes is not None else min_bytes)
        mean = (a + b) / 2 if mean_bytes is None else min(max(mean_bytes, a), b)
        m = round(mean)
        if m in (a, b) or abs(mean - (a + b) / 2) < 0.5:
            return cls(a, np.ones(b - a + 1))
        w_low = (b - mean) / (b - a)  # mixture weight keeping the mean (DOMAIN: sizes "uniform in between")
        pmf = np.zeros(b - a + 1)
        pmf[: m - a + 1] += w_low / (m - a + 1)
        pmf[m - a:] += (1 - w_low) / (b - m + 1)
        return cls(a, pmf)

    @classmethod
    def mixture(cls, parts: Iterable[tuple[float, SizeDistribution]]) -> SizeDistribution:
        """Weighted mixture of distributions (weights need not sum to 1)."""
        import numpy as np

        parts = [(w, d) for w, d in parts if w > 0]
        if not parts:
            return cls.fixed(0)
        if len(parts) == 1:  # one part: itself (keeps its memoised units, shared by every pattern reading it)
            return parts[0][1]
        lo = min(d.lo for _, d in parts)
        hi = max(d.hi for _, d in parts)
        pmf = np.zeros(hi - lo + 1)
        for w, d in parts:
            pmf[d.lo - lo: d.hi - lo + 1] += w * d.pmf
        return cls(lo, pmf)

    def shifted(self, offset: int) -> SizeDistribution:
        """This distribution moved by a whole number of bytes (the sum with a fixed size)."""
        out = object.__new__(SizeDistribution)
        out.lo, out.pmf, out._units_cache = self.lo + int(offset), self.pmf, {}
        return out

    @property
    def hi(self) -> int:
        return self.lo + self.pmf.size - 1

    @property
    def sizes(self) -> Any:
        import numpy as np

        return np.arange(self.lo, self.hi + 1, dtype=float)

    @property
    def mean(self) -> float:
        if "mean" not in self._units_cache:  # memoised: the distribution is immutable
            self._units_cache["mean"] = float(self.pmf @ self.sizes)
        return self._units_cache["mean"]

    @property
    def std(self) -> float:
        return float(math.sqrt(max(0.0, self.pmf @ (self.sizes - self.mean) ** 2)))

    @property
    def min(self) -> int:
        return self.lo

    @property
    def max(self) -> int:
        return self.hi

    def quantile(self, q: float) -> int:
        """Smallest size s with P(size <= s) >= q."""
        import numpy as np

        if "cdf" not in self._units_cache:  # memoised: the distribution is immutable
            self._units_cache["cdf"] = np.cumsum(self.pmf)
        idx = int(np.searchsorted(self._units_cache["cdf"], q - 1e-12))
        return self.lo + min(idx, self.pmf.size - 1)

    def quantiles(self, qs: Iterable[float] = (0.5, 0.9, 0.99)) -> dict[float, int]:
        return {q: self.quantile(q) for q in qs}

    def with_absence(self, presence: float) -> SizeDistribution:
        """Present with probability `presence` (this distribution), else 0 bytes."""
        if presence >= 1:
            return self
        return SizeDistribution.mixture([(1 - presence, SizeDistribution.fixed(0)), (presence, self)])

    def __add__(self, other: SizeDistribution) -> SizeDistribution:
        """Distribution of the sum of two independent sizes (exact convolution)."""
        if self.pmf.size == 1 or other.pmf.size == 1:
            pmf = self.pmf * other.pmf[0] if other.pmf.size == 1 else other.pmf * self.pmf[0]
            return SizeDistribution(self.lo + other.lo, pmf)
        return SizeDistribution(self.lo + other.lo, _convolve(self.pmf, other.pmf))

    def expected_ceil_units(self, unit_bytes: int, min_units: int = 0) -> float:
        """E[max(min_units, ceil(size / unit_bytes))]: capacity units averaged over the distribution."""
        key = (unit_bytes, min_units)
        if key not in self._units_cache:  # memoised: the distribution is immutable
            import numpy as np

            units = np.maximum(np.ceil(self.sizes / unit_bytes), min_units)
            self._units_cache[key] = float(self.pmf @ units)
        return self._units_cache[key]

    def expected_sum_ceil_units(self, count: float, unit_bytes: int, min_units: int = 0) -> float:
        """E[max(min_units, ceil(S / unit_bytes))] for S the total of `count` independent sizes.

        A fractional count mixes floor(count) and ceil(count) items to keep the mean count. The sum is
        exact (FFT power of the pmf) while its span stays under MAX_EXACT_GRID_BYTES, else a normal
        approximation on a fine grid (central limit theorem). Either is skipped for E[S]/u + 1/2 when
        the rounding is provably smoothed out (see _rounding_smoothed: error < SMOOTH_SUM_TOLERANCE).
        """
        low = math.floor(count)
        frac = count - low
        value = (1 - frac) * self._sum_units(low, unit_bytes, min_units)
        if frac > 0:
            value += frac * self._sum_units(low + 1, unit_bytes, min_units)
        return value

    def _rounding_smoothed(self, n: int, unit_bytes: int) -> bool:
        """Whether E[ceil(S/u)] = E[S]/u + 1/2 holds to SMOOTH_SUM_TOLERANCE for S a sum of n sizes.

        The error of that formula is a Fourier series in the characteristic function of S at the
        unit's harmonics, |phi(2 pi k / u)|^n; when those are negligible the rounding is smoothed out.
        """
        import numpy as np

        key = ("phi", unit_bytes)
        if key not in self._units_cache:  # |phi(2 pi k / u)| for k = 1..SMOOTH_SUM_HARMONICS, memoised
            base = np.exp(2j * np.pi * (self.sizes % unit_bytes) / unit_bytes)
            power, values = np.ones_like(base), []
            for _ in range(SMOOTH_SUM_HARMONICS):
                power = power * base
                values.append(abs(complex(power @ self.pmf)))
            self._units_cache[key] = np.array(values)
        magnitude = self._units_cache[key] ** n
        harmonics = np.arange(1, SMOOTH_SUM_HARMONICS + 1)
        return bool(np.sum(magnitude / (np.pi * harmonics)) < SMOOTH_SUM_TOLERANCE)

    def _sum_units_exact(self, n: int, unit_bytes: int, min_units: int) -> float:
        total = SizeDistribution(n * self.lo, _convolve_power(self.pmf, n))
        return total.expected_ceil_units(unit_bytes, min_units)

    def _sum_units(self, n: int, unit_bytes: int, min_units: int) -> float:
        import numpy as np

        if n <= 0:
            return float(min_units)
        span = self.pmf.size - 1
        if span == 0:
            return float(max(min_units, math.ceil(n * self.lo / unit_bytes)))
        mean, sd = n * self.mean, math.sqrt(n) * self.std
        if n * self.lo > (min_units - 1) * unit_bytes and self._rounding_smoothed(n, unit_bytes):
            return mean / unit_bytes + 0.5
        if n * span <= MAX_EXACT_GRID_BYTES:
            return self._sum_units_exact(n, unit_bytes, min_units)
        grid = np.linspace(mean - NORMAL_GRID_SIGMAS * sd, mean + NORMAL_GRID_SIGMAS * sd, NORMAL_GRID_POINTS)
        weights = np.exp(-0.5 * ((grid - mean) / sd) ** 2)
        units = np.maximum(np.ceil(np.maximum(grid, 0) / unit_bytes), min_units)
        return float(weights @ units / weights.sum())

    def __repr__(self) -> str:
        return f"SizeDistribution(mean={self.mean:.1f}, min={self.min}, max={self.max})"


def _fft_size(n: int) -> int:
    return 1 << max(0, (n - 1).bit_length())


def _convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    if a.size * b.size <= 1 << 16:
        return np.convolve(a, b)
    n = a.size + b.size - 1
    size = _fft_size(n)
    return np.fft.irfft(np.fft.rfft(a, size) * np.fft.rfft(b, size), size)[:n]


def _convolve_power(pmf: np.ndarray, n: int) -> np.ndarray:
    import numpy as np

    length = n * (pmf.size - 1) + 1
    size = _fft_size(length)
    return np.fft.irfft(np.fft.rfft(pmf, size) ** n, size)[:length]


def typed_value_size_bytes(attribute_type: str, example: Any) -> int:
    """Size of a plain example value read as the declared DynamoDB type (a list for SS is a set...)."""
    if attribute_type == "N" and isinstance(example, str):
        return number_size_bytes(example)
    if attribute_type in SET_TYPES and isinstance(example, (list, tuple)):
        tag = attribute_type
        values = [to_dynamodb_value(v) for v in example]
        inner = [next(iter(v.values())) for v in values]
        return attribute_value_size_bytes({tag: inner})
    if attribute_type == "B" and isinstance(example, str):
        return binary_size_bytes(example)
    return plain_value_size_bytes(example)


def _attribute_value_distribution(spec: AttributeSpec) -> SizeDistribution:
    if spec.size_bytes is None and spec.min_size_bytes is None:
        return SizeDistribution.fixed(typed_value_size_bytes(spec.type, spec.example))
    if spec.min_size_bytes is not None and spec.max_size_bytes is not None:
        return SizeDistribution.uniform(spec.min_size_bytes, spec.max_size_bytes, spec.size_bytes)
    return SizeDistribution.fixed(spec.size_bytes)


def attribute_distribution(spec: AttributeSpec, present: bool = False) -> SizeDistribution:
    """Name + value size of one AttributeSpec; absent with probability 1 - presence unless `present`."""
    name = len(spec.name.encode("utf-8"))
    dist = SizeDistribution.fixed(name) + _attribute_value_distribution(spec)
    return dist if present else dist.with_absence(spec.presence)


def key_value_size_bytes(key_type: str, text: str) -> int:
    """Size of a rendered key value of a given key type (N sized as a number when it parses as one)."""
    if key_type == "N":
        try:
            return number_size_bytes(text)
        except ItemSizeError:
            return len(text.encode("utf-8"))
    return len(text.encode("utf-8"))


def _keys_distribution(entity: Entity, table: Table, names: Iterable[str]) -> SizeDistribution:
    """Joint size (names + values) of the entity's templated key attributes in `names`."""
    import numpy as np

    wanted = set(names)
    attributes, grid = _key_size_grid(entity, table)
    columns = [i for i, name in enumerate(attributes) if name in wanted]
    if not columns:
        return SizeDistribution.fixed(0)
    totals = grid[:, columns].sum(axis=1) if len(columns) < grid.shape[1] else grid.sum(axis=1)
    low = int(totals.min())
    return SizeDistribution._of_counts(low, np.bincount(totals - low))


# Key sizes on the quantile grid depend only on the entity and its table (both immutable), and every pass
# (evaluate, streams, findings, calibration) asks for them again: kept per object identity. An entry holds
# its entity and table, so their ids cannot be reused while it lives; the oldest entries go first.
_KEY_GRID_CACHE: dict[tuple[int, int], tuple[Any, Any, tuple[str, ...], Any]] = {}
_KEY_GRID_CACHE_SIZE = 4096
_GRID_QUANTILES = {n: [(j + 0.5) / n for j in range(n)] for n in (1, KEY_GRID_POINTS)}  # the rows' quantiles
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")  # engine.model.entity's template variable syntax


def _key_size_grid(entity: Entity, table: Table) -> tuple[tuple[str, ...], np.ndarray]:
    """Per key template (names) and grid point (rows): the attribute's name + value size in bytes.

    Row j renders every variable at the (j + 0.5)/KEY_GRID_POINTS quantile of its ranks (one row when no
    variable has more than one value), the same ranks for every template, so a sum over columns is the
    joint size of those key attributes on one item.
    """
    import numpy as np

    from engine.keyspace import render_template, variable_cardinality, variable_value_bytes

    cached = _KEY_GRID_CACHE.get((id(entity), id(table)))
    if cached is not None and cached[0] is entity and cached[1] is table:
        return cached[2], cached[3]
    templates = list(entity.keys)
    types = table.key_types
    variables = {v for k in templates for v in _template_vars(k.template)}
    cards = {v: variable_cardinality(entity.variable(v)) for v in variables}
    points = 1 if all(c == 1 for c in cards.values()) else KEY_GRID_POINTS
    # plain Python on 32 rows: numpy's per-call overhead cost more than the arithmetic
    quantiles = _GRID_QUANTILES[points]
    ranks = {v: [min(c - 1, int(q * c)) for q in quantiles] for v, c in cards.items()}
    # each variable's value sizes at the rows' ranks, worked out once (not once per template that uses it)
    value_bytes = {v: variable_value_bytes(entity.variable(v), ranks[v], v) for v in variables}
    braces = {v for v in variables if (var := entity.variable(v)) is not None and any("{" in x for x in var.values)}
    columns = []
    for k in templates:
        names = _template_vars(k.template)
        key_type = types.get(k.attribute, "S")
        name_bytes = len(k.attribute.encode("utf-8"))
        if key_type == "N" or braces.intersection(names):
            # a number is sized from its digits; a value holding a brace could change what later ones replace
            columns.append([name_bytes + key_value_size_bytes(key_type, render_template(
                k.template, entity, {v: r[j] for v, r in ranks.items()})) for j in range(points)])
            continue
        # S and B: the rendered text's bytes are the template's literal text plus each substituted value
        column = [name_bytes + len(_PLACEHOLDER.sub("", k.template).encode("utf-8"))] * points
        for v in names:
            column = [a + b for a, b in zip(column, value_bytes[v], strict=True)]
        columns.append(column)
    grid = np.array(columns, dtype=np.int64).T.reshape(points, len(templates))
    grid.setflags(write=False)
    attributes = tuple(k.attribute for k in templates)
    if len(_KEY_GRID_CACHE) >= _KEY_GRID_CACHE_SIZE:
        del _KEY_GRID_CACHE[next(iter(_KEY_GRID_CACHE))]
    _KEY_GRID_CACHE[(id(entity), id(table))] = (entity, table, attributes, grid)
    return attributes, grid


@functools.lru_cache(maxsize=4096)  # a design has few templates, asked for on every size computed
def _template_vars(template: str) -> tuple[str, ...]:
    from engine.model.entity import template_variables

    return template_variables(template)


def entity_attribute_names(entity: Entity) -> tuple[str, ...]:
    """Every attribute an entity's items may carry: key templates first, then attribute specs."""
    return tuple(dict.fromkeys([*(k.attribute for k in entity.keys), *(a.name for a in entity.attributes)]))


def entity_size_distribution(entity: Entity, table: Table, attributes: Iterable[str] | None = None,
                             present: Iterable[str] = ()) -> SizeDistribution:
    """Item size distribution of an entity (or of the subset `attributes` of it, e.g. an index entry).

    Key attributes are sized from their templates (rendered by engine.keyspace), the others from their
    AttributeSpec (size_bytes / min..max / example); an attribute named in `present` is taken as
    present (an index entry exists only when its keys are present).
    """
    names = entity_attribute_names(entity) if attributes is None else tuple(attributes)
    templated = {k.attribute for k in entity.keys}
    forced = set(present)
    dist = _keys_distribution(entity, table, [n for n in names if n in templated])
    fixed = 0  # attributes always present with one whole-byte size add a constant: one shift, not a convolution
    for spec in entity.attributes:
        if spec.name in names and spec.name not in templated:
            size = _fixed_attribute_bytes(spec, present=spec.name in forced)
            if size is not None:
                fixed += size
            else:
                dist = dist + attribute_distribution(spec, present=spec.name in forced)
    return dist.shifted(fixed) if fixed else dist


def _fixed_attribute_bytes(spec: AttributeSpec, present: bool) -> int | None:
    """Name + value bytes of an attribute every item carries with one whole-byte size, else None."""
    if not (present or spec.presence >= 1) or spec.min_size_bytes is not None:
        return None
    if spec.size_bytes is None:
        value = typed_value_size_bytes(spec.type, spec.example)
    elif float(spec.size_bytes).is_integer():
        value = int(spec.size_bytes)
    else:
        return None
    return len(spec.name.encode("utf-8")) + value


def index_key_names(table: Table, index: GlobalSecondaryIndex | LocalSecondaryIndex) -> tuple[str, ...]:
    """Key attribute names of a GSI/LSI (an LSI's partition key is the table's)."""
    pk = getattr(index, "partition_key", None) or table.partition_key
    return tuple(k.name for k in (pk, index.sort_key) if k is not None)


def index_membership_share(entity: Entity, table: Table, index: GlobalSecondaryIndex | LocalSecondaryIndex) -> float:
    """Share of the entity's items that appear in the index: those carrying every index key (sparse)."""
    share = 1.0
    templated = {k.attribute for k in entity.keys}
    for name in index_key_names(table, index):
        if name in templated:
            continue
        spec = entity.attribute(name)
        share *= spec.presence if spec is not None else 0.0
    return share


def index_entry_attribute_names(entity: Entity, table: Table,
                                index: GlobalSecondaryIndex | LocalSecondaryIndex) -> tuple[str, ...]:
    """Attributes of an index entry: table keys + index keys + projected attributes (DG/GSI.html)."""
    keys = (*table.key_names, *index_key_names(table, index))
    projection = index.projection
    if projection.type == "ALL":
        return entity_attribute_names(entity)
    extra = projection.attributes if projection.type == "INCLUDE" else ()
    wanted = set(keys) | set(extra)
    return tuple(n for n in entity_attribute_names(entity) if n in wanted)


def index_entry_distribution(entity: Entity, table: Table,
                             index: GlobalSecondaryIndex | LocalSecondaryIndex) -> SizeDistribution:
    """Size distribution of the entity's entries in an index, given that the item is indexed."""
    return entity_size_distribution(entity, table, index_entry_attribute_names(entity, table, index),
                                    present=index_key_names(table, index))


__all__ = [
    "KEY_GRID_POINTS", "SizeDistribution", "attribute_distribution", "entity_attribute_names",
    "entity_size_distribution", "index_entry_attribute_names", "index_entry_distribution", "index_key_names",
    "index_membership_share", "key_value_size_bytes", "typed_value_size_bytes",
    "ALL_TYPES", "GLOBAL_TABLE_STORAGE_OVERHEAD_BYTES", "MAX_ITEM_BYTES", "STORAGE_OVERHEAD_BYTES",
    "ItemSizeError", "attribute_sizes_bytes", "attribute_value_size_bytes", "binary_size_bytes",
    "index_entry_size_bytes", "item_size_bytes", "normalize_number", "number_size_bytes", "plain_item_size_bytes",
    "plain_value_size_bytes", "project_item", "storage_size_bytes", "to_dynamodb_json", "to_dynamodb_value",
]
