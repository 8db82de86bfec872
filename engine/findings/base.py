"""A finding and the rule it comes from: stable id, severity, principle, templates, example fragments.

A rule's `problem` and `fix` are `str.format` templates over the finding's values, with four extra
format specs so numbers read the same everywhere: `{x:amount}` (8,100 / 2.5 / 0.0042), `{x:usd}`
($13.50/month, engine.cost.usd_text), `{x:share}` (15%, "under 1%") and `{x:bytes}` (409,600 B).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
"""Most serious first; `severity_rank` orders by it."""


def severity_rank(severity: str) -> int:
    """0 for error, 1 warning, 2 info (unknown severities last)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def amount_text(value: float) -> str:
    """A unit count or rate for a message: 8,100, 2.5, 0.33, 0.0042 (thousands separated, at most 2 decimals)."""
    if value == int(value):
        return f"{int(value):,}"
    if abs(value) < 0.01:
        return f"{value:.2g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def share_text(value: float) -> str:
    """A share for a message: 15%, and "under 1%" rather than a misleading 0% for a tiny non-zero share."""
    return "under 1%" if 0 < value < 0.005 else f"{value:.0%}"


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "amount":
            return amount_text(float(value))
        if format_spec == "share":
            return share_text(float(value))
        if format_spec == "bytes":
            return f"{round(value):,} B"
        if format_spec == "usd":
            from engine.cost import usd_text

            return usd_text(float(value))
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def render(template: str, values: dict[str, Any]) -> str:
    """Fill a rule template with a finding's values (see the module docstring for the format specs)."""
    pieces = _parsed(template)
    if pieces is None:  # attribute/index access, a conversion or a nested spec: the full formatter
        return _FORMATTER.vformat(template, (), values)
    out = []
    for literal, name, spec in pieces:
        out.append(literal)
        if name is not None:
            out.append(_FORMATTER.format_field(values[name], spec))
    return "".join(out)


_PARSED: dict[str, tuple[tuple[str, str | None, str], ...] | None] = {}


def _parsed(template: str) -> tuple[tuple[str, str | None, str], ...] | None:
    """A template's (literal, field name, format spec) pieces when every field is a plain `{name}` or
    `{name:spec}` (parsed once per template: a design with hundreds of findings rendered each template again)."""
    if template not in _PARSED:
        pieces = []
        for literal, name, spec, conversion in _FORMATTER.parse(template):
            if name is not None and (not name.isidentifier() or conversion is not None or "{" in (spec or "")):
                _PARSED[template] = None
                break
            pieces.append((literal, name, spec or ""))
        else:
            _PARSED[template] = tuple(pieces)
    return _PARSED[template]


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One legal-but-unwise (or impossible) aspect of a design, from a catalog rule.

    `rule_id` is the catalog id (DDB-P101 ...); `path` points into the design (`access_patterns[3]`,
    `tables[0].gsis[1]`, `entities[2]`; `partitions.<target>` inside a partition report until
    `engine.findings.collect` maps it onto its table or index); `values` are the numbers the message
    was rendered from (plain JSON values); `message` and `fix` are the rule's templates filled in.
    """

    rule_id: str
    severity: str
    path: str
    message: str
    fix: str
    title: str = ""
    values: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "rule_id": self.rule_id, "title": self.title, "severity": self.severity,
                "path": self.path, "message": self.message, "fix": self.fix, "values": dict(self.values)}


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One catalog entry (docs/rules.md is generated from these)."""

    id: str
    title: str
    severity: str
    principle: str
    """Why it matters, in the workbench's words, with its source (DOMAIN.md section or seed idea)."""
    problem: str
    """Template of what goes wrong, filled with the design's numbers: the finding's message."""
    fix: str
    """Template of the fix and its modelled effect."""
    bad: str
    """A design fragment (YAML) that fires the rule."""
    better: str
    """The same fragment changed so it does not."""
    source: str = ""
    """Where the figures come from (DOMAIN.md section, AWS guide page)."""

    def finding(self, path: str, **values: Any) -> Finding:
        """A finding of this rule at `path`, its message and fix rendered from `values`."""
        return Finding(
            rule_id=self.id, severity=self.severity, path=path, message=render(self.problem, values),
            fix=render(self.fix, values), title=self.title, values=_plain(values))


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if hasattr(v, "item"):  # numpy scalars
            v = v.item()
        out[k] = list(v) if isinstance(v, tuple) else v
    return out


__all__ = ["SEVERITIES", "Finding", "Rule", "amount_text", "render", "severity_rank", "share_text"]
