"""Real browser: HTML reports opened from disk in Debian's chromium (Playwright). A hostile design's report runs
no script, opens no dialog, logs no console error and makes no request; a sample's report draws every chart
offline (plotly.js inlined, the Content-Security-Policy allowing nothing from the network)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "engine" / "report"))

from hostile import TRACKER, hostile_design  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
RENDER_TIMEOUT_MS = 60_000
DATE = "2026-01-15"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run "
                                "installs it)")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def _report_file(tmp_path: Path, model, name: str, compare=None) -> Path:
    from engine.report import build_report, render_html

    path = tmp_path / f"{name}.html"
    other = build_report(compare) if compare is not None else None
    path.write_text(render_html(build_report(model), date=DATE, compare=other), encoding="utf-8")
    return path


def _open(browser, path: Path) -> dict:
    """Open the file and wait until every chart is drawn; return what the page did."""
    seen: dict[str, list] = {"dialogs": [], "console": [], "requests": [], "errors": []}
    page = browser.new_page()
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["console"].append((m.type, m.text)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    charts = page.locator("div.chart").count()
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                           timeout=RENDER_TIMEOUT_MS)
    page.wait_for_timeout(500)
    seen["charts"] = charts
    seen["drawn"] = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    seen["title"] = page.title()
    seen["images"] = page.evaluate("[...document.images].map(i => i.src)")
    seen["links"] = page.evaluate("[...document.links].map(a => a.getAttribute('href'))")
    seen["scripts"] = page.evaluate("document.scripts.length")
    seen["text"] = page.inner_text("body")
    page.close()
    return seen


def test_hostile_design_report_runs_nothing_and_requests_nothing(browser, tmp_path):
    from engine.io import loads_model

    model = loads_model(json.dumps(hostile_design()), "json", source="hostile")
    seen = _open(browser, _report_file(tmp_path, model, "hostile"))
    assert seen["dialogs"] == []
    assert [c for c in seen["console"] if c[0] in ("error", "warning")] == []
    assert seen["errors"] == []
    assert seen["requests"] == [(tmp_path / "hostile.html").as_uri()]  # the file itself, nothing else
    assert seen["images"] == []
    assert all(href.startswith("#") for href in seen["links"]), seen["links"]  # only the contents' anchors
    assert seen["charts"] > 0 and seen["drawn"] == seen["charts"]
    # The names show as typed (the text, not markup).
    assert seen["title"].startswith("Design report: Design <script>alert(1)</script>")
    assert f'<img src=https://{TRACKER}/q.png>' in seen["text"]
    assert "javascript:alert(4)" in seen["text"]


def test_compare_report_of_hostile_and_sample_is_inert(browser, tmp_path):
    from engine.io import load_sample, loads_model

    model = loads_model(json.dumps(hostile_design()), "json", source="hostile")
    seen = _open(browser, _report_file(tmp_path, load_sample("page_views"), "compare", compare=model))
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert [c for c in seen["console"] if c[0] in ("error", "warning")] == []
    assert seen["requests"] == [(tmp_path / "compare.html").as_uri()]
    assert seen["drawn"] == seen["charts"] > 0


@pytest.mark.parametrize("sample", ["github_single_table", "global_game_state"])
def test_sample_report_draws_every_chart_offline(browser, tmp_path, sample):
    from engine.io import load_sample

    seen = _open(browser, _report_file(tmp_path, load_sample(sample), sample))
    assert seen["requests"] == [(tmp_path / f"{sample}.html").as_uri()]
    assert seen["console"] == [] and seen["errors"] == [] and seen["dialogs"] == []
    assert seen["charts"] >= 5 and seen["drawn"] == seen["charts"]
