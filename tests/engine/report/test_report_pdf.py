"""PDF reports printed by headless Debian chromium, checked with poppler-utils: page size (A4, Letter), page
count, every page rendered to an image: nothing printed in the outer margin band (nothing cut at an edge), no
blank page, and the charts drawn (their colours on the pages)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from engine.io import load_sample
from engine.report import build_report, chromium_path, render_pdf

DATE = "2026-01-15"
DPI = 40
MARGIN_BAND_MM = 6  # the print margin is 12 mm: the outer 6 mm of every page must stay white
CHART_BLUE = (0x24, 0x57, 0xA6)  # engine.charts.COLOR_READ
PAPERS = {"a4": (595, 842), "letter": (612, 792)}  # points

pytestmark = [
    pytest.mark.skipif(shutil.which("pdfinfo") is None or shutil.which("pdftoppm") is None,
                       reason="poppler-utils (pdfinfo, pdftoppm) is not installed: apt-get install poppler-utils "
                              "(.ci/run installs it)"),
    pytest.mark.skipif(chromium_path() is None, reason="no chromium to print with (.ci/run installs Debian's)"),
]


@pytest.fixture(scope="module")
def report():
    return build_report(load_sample("github_single_table"))


def _info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def _pages(path: Path, tmp_path: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_pages_fit_the_paper(report, tmp_path, paper):
    from PIL import Image

    pdf = tmp_path / f"report-{paper}.pdf"
    pdf.write_bytes(render_pdf(report, date=DATE, paper=paper))
    info = _info(pdf)
    pages = int(info["Pages"])
    width, height = (float(v) for v in info["Page size"].split(" pts")[0].split(" x "))
    assert (round(width), round(height)) == PAPERS[paper] or abs(width - PAPERS[paper][0]) < 2
    assert 4 <= pages <= 30
    assert info["CreationDate"].startswith("Thu Jan 15 00:00:00 2026")
    images = _pages(pdf, tmp_path)
    assert len(images) == pages
    band = round(MARGIN_BAND_MM / 25.4 * DPI)
    chart_pages = 0
    for path in images:
        im = Image.open(path).convert("RGB")
        w, h = im.size
        pixels = im.load()
        edge = [pixels[x, y] for x in range(w) for y in (*range(band), *range(h - band, h))]
        edge += [pixels[x, y] for y in range(h) for x in (*range(band), *range(w - band, w))]
        assert all(min(p) >= 245 for p in edge), f"{path.name}: something printed in the outer {MARGIN_BAND_MM} mm"
        inked = sum(1 for x in range(0, w, 2) for y in range(0, h, 2) if min(pixels[x, y]) < 200)
        assert inked > 50, f"{path.name} is blank"
        blue = sum(1 for x in range(w) for y in range(h)
                   if all(abs(a - b) < 40 for a, b in zip(pixels[x, y], CHART_BLUE, strict=True)))
        chart_pages += blue > 150
    assert chart_pages >= 3, "the charts were not drawn before printing"


def test_cli_writes_a_pdf(tmp_path):
    from engine.cli import main

    out = tmp_path / "r.pdf"
    assert main(["report", "page_views", "--format", "pdf", "--paper", "letter", "-o", str(out), "--date", DATE]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert _info(out)["Page size"].startswith("612 x 792")
