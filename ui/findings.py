"""The findings catalog on the pages: which page a rule belongs to and how a finding is written.

Every page lists the catalog findings of its concern (ui.cache.findings: engine.findings.collect over the
evaluation, the partition report and the consistency report), each with its rule id and title, e.g.
"DDB-P101 · Hot partition key on a table"; docs/rules.md explains each rule. Findings whose rule the design
accepts (its `ignore` list, with a reason) are listed apart, as `ddb-workbench check` lists them as suppressed,
and never count as needing attention.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import streamlit as st

from ui import format as fmt

CAPACITY = ("views/capacity_page.py", "Capacity & cost")
PARTITIONS = ("views/partitions_page.py", "Partitions & hot keys")
CONSISTENCY = ("views/consistency_page.py", "Consistency")
# Rule id letter (DDB-<letter>101) -> the page of that concern. Cost (C), single-table modelling (S) and DynamoDB
# limits (L) are about what items and requests cost, so they live on Capacity & cost.
PAGE_OF_CONCERN = {"P": PARTITIONS, "R": CONSISTENCY, "C": CAPACITY, "S": CAPACITY, "L": CAPACITY}
# Rules listed on another page than their letter's: a stream consumer's retries (R104) and Kinesis ordering (R105)
# are about its writes, which the Capacity & cost page's Streams section shows with their cost.
PAGE_OF_RULE = {"DDB-R104": CAPACITY, "DDB-R105": CAPACITY}
CONCERNS = {"capacity": CAPACITY, "partitions": PARTITIONS, "consistency": CONSISTENCY}
STREAM_RULES = frozenset({"DDB-L105", "DDB-L106", "DDB-L107", "DDB-R104", "DDB-R105", "DDB-C110"})
"""Rules about a table's stream and its consumers: the Streams section shows them next to what they are about."""
SEVERITY_ICONS = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}
RULES_DOC = "docs/rules.md"
RULES_CAPTION = (f"What each rule means, with a bad and a better design fragment: `{RULES_DOC}` in the workbench's "
                 "source (`ddb-workbench check` lists the same findings for CI).")


def concern_letter(rule_id: str) -> str:
    """'DDB-P101' -> 'P' (the empty string for an id of another shape)."""
    _, _, rest = rule_id.partition("-")
    return rest[:1]


def page_of(finding: Any) -> tuple[str, str]:
    """(page file, page title) of the page listing this finding (Capacity & cost for an unknown letter)."""
    return PAGE_OF_RULE.get(finding.rule_id) or PAGE_OF_CONCERN.get(concern_letter(finding.rule_id), CAPACITY)


def of_concern(findings: Iterable[Any], concern: str) -> list[Any]:
    """The findings a page lists: concern is 'capacity', 'partitions' or 'consistency'."""
    page = CONCERNS[concern]
    return [f for f in findings if page_of(f) == page]


def accepted_reasons(model: Any) -> dict[str, str]:
    """Rule id -> the reason the design gives for accepting it (its `ignore` list)."""
    return {s.id: s.reason for s in getattr(model, "ignore", ())}


def split_accepted(model: Any, findings: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """(open findings, findings of rules the design accepts)."""
    accepted = accepted_reasons(model)
    found = list(findings)
    return [f for f in found if f.rule_id not in accepted], [f for f in found if f.rule_id in accepted]


def spread_over_pages(findings: Iterable[Any]) -> list[Any]:
    """Findings ordered by severity, then taking turns between pages (one per page, then a second...), so the
    first few of a long list (the Start page's "Needs attention") point at every page that has one."""
    from engine.findings import severity_rank

    seen: dict[tuple[str, str], int] = {}
    keyed = []
    for i, f in enumerate(findings):
        turn = (f.severity, page_of(f)[0])
        seen[turn] = seen.get(turn, -1) + 1
        keyed.append(((severity_rank(f.severity), seen[turn], i), f))
    return [f for _, f in sorted(keyed, key=lambda kf: kf[0])]


def heading(finding: Any) -> str:
    """'DDB-P101 · Hot partition key on a table' (markdown-safe)."""
    return f"{finding.rule_id} · {fmt.text(finding.title)}" if finding.title else finding.rule_id


def _sentence(value: str) -> str:
    text = fmt.text(value).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def markdown(finding: Any) -> str:
    """One finding as markdown: icon, id and title, the message, the fix and the design path it points at."""
    icon = SEVERITY_ICONS.get(finding.severity, "")
    out = f"{icon} **{heading(finding)}**: {_sentence(finding.message)}"
    if finding.fix:
        out += f" Fix: {_sentence(finding.fix)}"
    if finding.path:
        out += f" ({fmt.text(finding.path, code=True)})"
    return out


def show(model: Any, findings: Sequence[Any], concern: str, *, title: str = "Findings",
         empty: str | None = None, shown_above: Sequence[Any] = (), shown_where: str = "") -> None:
    """List a page's findings under a subheader (nothing, or `empty` as a caption, when there are none). Open
    findings in `shown_above` (listed next to what they are about, e.g. in the Streams section) are only counted,
    with `shown_where` naming where they are."""
    mine = of_concern(findings, concern)
    open_, accepted = split_accepted(model, mine)
    above = [f for f in open_ if f in shown_above]
    open_ = [f for f in open_ if f not in shown_above]
    if not mine:
        if empty:
            st.subheader(title)
            st.caption(empty + " " + RULES_CAPTION)
        return
    st.subheader(title)
    for f in open_:
        st.markdown(markdown(f))
    if above:
        st.caption(f"{len(above)} more shown {shown_where}: " + ", ".join(sorted({f.rule_id for f in above})) + ".")
    if accepted:
        reasons = accepted_reasons(model)
        st.caption("Accepted in the design (its ignore list): " + "; ".join(
            f"{heading(f)} ({fmt.text(f.path, code=True)}), because {fmt.text(reasons[f.rule_id])}"
            for f in accepted) + ".")
    st.caption(RULES_CAPTION)
