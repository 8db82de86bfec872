"""engine.report: golden HTML and Markdown reports of two samples (byte for byte, the inlined plotly.js left out),
reproducible bytes, a self-contained HTML file, escaping of design text, the comparison report.

Regenerate the golden files after an intended change with DDB_WORKBENCH_UPDATE_GOLDEN=1 and read the diff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.io import load_sample, loads_model
from engine.report import build_report, render_html, render_markdown, strip_plotly
from engine.report.html import PLOTLY_BEGIN, PLOTLY_END

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOLDEN = HERE / "golden"
DATE = "2026-01-15"
SAMPLES = ("page_views", "github_single_table")
sys.path.insert(0, str(HERE))

from hostile import hostile_design  # noqa: E402


@pytest.fixture(scope="module")
def reports():
    return {name: build_report(load_sample(name)) for name in SAMPLES}


def _check_golden(path: Path, text: str) -> None:
    if os.environ.get("DDB_WORKBENCH_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{path.name} differs from the golden file (DDB_WORKBENCH_UPDATE_GOLDEN=1 rewrites it)"


@pytest.mark.parametrize("sample", SAMPLES)
def test_html_matches_golden(reports, sample):
    _check_golden(GOLDEN / f"{sample}.html", strip_plotly(render_html(reports[sample], date=DATE)))


def test_the_html_does_not_depend_on_plotlys_default_template(monkeypatch):
    """Importing streamlit makes its own plotly template the default: a report made in the app must still be the
    same bytes as one made by the CLI (the figures name their template)."""
    import plotly.io as pio

    monkeypatch.setattr(pio.templates, "default", "none")  # figures are built, and rendered, under another default
    report = build_report(load_sample("page_views"))
    _check_golden(GOLDEN / "page_views.html", strip_plotly(render_html(report, date=DATE)))


@pytest.mark.parametrize("sample", SAMPLES)
def test_markdown_matches_golden(reports, sample):
    _check_golden(GOLDEN / f"{sample}.md", render_markdown(reports[sample], date=DATE))


def test_compare_markdown_matches_golden(reports):
    _check_golden(GOLDEN / "compare.md", render_markdown(reports["page_views"], date=DATE,
                                                         compare=reports["github_single_table"]))


def test_regenerating_gives_the_same_bytes(tmp_path):
    """Two fresh processes (different hash seeds) write identical HTML (plotly.js included) and Markdown."""
    outputs = []
    for seed in ("1", "2"):
        for fmt in ("html", "md"):
            out = tmp_path / f"{seed}.{fmt}"
            subprocess.run([sys.executable, "-m", "engine.cli", "report", "page_views", "--compare", "hot_enum_key",
                            "--format", fmt, "-o", str(out), "--date", DATE], check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True)
            outputs.append(out.read_bytes())
    assert outputs[0] == outputs[2] and outputs[1] == outputs[3]


def test_html_is_self_contained(reports):
    text = render_html(reports["github_single_table"], date=DATE)
    assert text.count(PLOTLY_BEGIN) == 1 and text.count(PLOTLY_END) == 1
    assert text.count("Plotly.newPlot") >= 5
    head = text[:text.index(PLOTLY_BEGIN)]
    assert "Content-Security-Policy" in head and "default-src 'none'" in head
    outside = strip_plotly(text)
    assert not re.search(r"<(link|iframe|object|embed|img)\b", outside)
    assert not re.search(r"""\b(src|href)=["']?(https?:|//|javascript:)""", outside)
    assert not re.search(r"@import|url\(", outside)
    # plotly figure ids are fixed (no uuid)
    assert set(re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', outside)) >= {"a-fig-cost", "a-fig-throttling"}


def test_report_holds_every_section(reports):
    r = reports["github_single_table"]
    text = strip_plotly(render_html(r, date=DATE))
    c = r.evaluation.catalog
    for needle in ("Summary", "The design at a glance", "Entity chart", "Access-pattern chart",
                   "Capacity and cost per access pattern", "Billing and table class", "Partitions and hot keys",
                   "Throttling simulation", "Consistency per read", "Findings", "Assumptions", "Price catalog",
                   c.id, c.date, c.region, r.content_sha256, f"ddb-workbench {r.workbench_version}",
                   f"engine {r.engine_version}", f"Report date {DATE}", "@media print", "@page"):
        assert needle in text, needle
    for source in c.sources:
        assert source.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;") in text
    for f in r.findings:
        assert f.rule_id in text
    for assumption in r.evaluation.assumptions:
        assert assumption.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;").replace(
            "<", "&lt;").replace(">", "&gt;") in text


def test_content_hash_is_sha256_of_canonical_json(reports):
    import hashlib

    from engine.io import dump_model

    r = reports["page_views"]
    assert r.content_sha256 == hashlib.sha256(dump_model(r.model, "json").encode()).hexdigest()


def test_hostile_text_is_escaped_in_html_and_markdown():
    model = loads_model(json.dumps(hostile_design()), "json", source="hostile")
    r = build_report(model)
    html_text = strip_plotly(render_html(r, date=DATE))
    assert "<script>alert" not in html_text and "alert(" in html_text
    assert not re.search(r"<img\b|<a href=\"javascript|<[^>]*\bonerror=", html_text, re.IGNORECASE)
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html_text  # shown as text
    # Inside figure JSON, < > / are escaped by plotly: no closing tag can end a <script> early.
    for script in re.findall(r"<script>(.*?)</script>", html_text, re.DOTALL):
        assert "<" not in script.replace("<\\/", ""), script[:200]
    md_text = render_markdown(r, date=DATE)
    assert "<" not in md_text.replace("\\<", "")
    assert "](" not in md_text.replace("\\](", "")
    assert "javascript:" not in md_text and "https://" not in md_text
    assert not re.search(r"(?<![\\\w])[@#]\w", md_text)  # no mention, no issue reference


def test_render_rejects_unknown_paper(reports):
    with pytest.raises(ValueError):
        render_html(reports["page_views"], date=DATE, paper="a3")
