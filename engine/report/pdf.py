"""The report as PDF, printed by headless Debian chromium from the HTML (A4 or Letter, the page size set by the
HTML's @page rule). Charts are drawn by plotly.js before printing (a virtual time budget lets scripts finish)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from engine.errors import WorkbenchError

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
VIRTUAL_TIME_BUDGET_MS = 20_000
TIMEOUT_SECONDS = 180
_PDF_DATE = re.compile(rb"D:\d{14}(?:[+-]\d\d'\d\d'|Z)?")


class PdfUnavailable(WorkbenchError):
    """No chromium to print with (the message says what to install)."""


def chromium_path() -> str | None:
    """$DDB_WORKBENCH_CHROMIUM, else the first chromium on PATH, else /usr/bin/chromium; None when none exists."""
    configured = os.environ.get("DDB_WORKBENCH_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def pdf_unavailable_reason() -> str | None:
    """Why a PDF cannot be printed here, or None when it can."""
    if chromium_path() is None:
        return ("PDF needs a chromium browser to print the report (Debian: apt-get install chromium; or set "
                "DDB_WORKBENCH_CHROMIUM to its path); download the HTML and print it from a browser instead.")
    return None


def html_to_pdf(html_text: str, date: str | None = None) -> bytes:
    """Print `html_text` (from render_html with a paper size) to PDF bytes with headless chromium.

    The PDF's creation and modification dates are set to `date` (YYYY-MM-DD) so the same report prints the same
    dates (chromium's own layout may still differ between chromium versions)."""
    browser = chromium_path()
    if browser is None:
        raise PdfUnavailable(pdf_unavailable_reason() or "no chromium")
    with tempfile.TemporaryDirectory(prefix="ddb-report-") as tmp:
        source = Path(tmp) / "report.html"
        target = Path(tmp) / "report.pdf"
        source.write_text(html_text, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   "--disable-extensions", "--disable-background-networking", "--no-first-run",
                   "--disable-sync", "--hide-scrollbars", f"--user-data-dir={Path(tmp) / 'profile'}",
                   f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}", f"--print-to-pdf={target}",
                   source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False,
                                  env={**os.environ, "HOME": tmp})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise WorkbenchError(f"chromium could not print the report ({exc}); download the HTML and print it "
                                 "from a browser instead") from None
        if not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise WorkbenchError(f"chromium printed no PDF (exit {done.returncode}: {' / '.join(tail) or 'no output'});"
                                 " download the HTML and print it from a browser instead")
        data = target.read_bytes()
    if date:
        data = _PDF_DATE.sub(lambda m: _same_length_date(m.group(0), date), data)
    return data


def _same_length_date(found: bytes, date: str) -> bytes:
    """A PDF date string at `date` midnight UTC in the form (and length) found, so no offset in the file moves."""
    day = date.replace("-", "")
    for form in (f"D:{day}000000+00'00'", f"D:{day}000000Z", f"D:{day}000000"):
        if len(form) == len(found):
            return form.encode()
    return found
