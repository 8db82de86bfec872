"""AppTest harness: page list, the number-with-unit rule and helpers to open app.py on a stored sample."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from engine.io import dump_model, load_sample

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT_S = 60  # the 3 s default is too short on 2 shared cores (ARCHITECTURE.md, Tests)

# (file, title) of every page registered in app.py
PAGES = [
    ("views/start_page.py", "Start"),
    ("views/design_page.py", "Design"),
    ("views/capacity_page.py", "Capacity & cost"),
    ("views/partitions_page.py", "Partitions & hot keys"),
    ("views/consistency_page.py", "Consistency"),
    ("views/collections_page.py", "Item collections"),
    ("views/compare_page.py", "Compare"),
]

# A number followed (or preceded, for $) by a unit the app uses.
NUMBER_WITH_UNIT = re.compile(
    r"\$\d|\d[\d,.]*\s?(?:req/s|RCU|WCU|RRU|WRU|units?|items?|B|KB|MB|GB|TB|ms|s|%|partitions?|tables?|"
    r"patterns?|collections?|requests?|keys?|regions?|writes?|reads?|conflicts?)\b")




def store_sample(sample: str, design_id: str | None = None) -> str:
    """Put a sample design into the store under an id (as an earlier session would have) and return the id."""
    from ui import store

    design_id = design_id or ("t" + re.sub(r"[^a-z0-9]", "", sample.lower()))[:32]
    store.save(store.DesignRecord(design_id=design_id, design_json=dump_model(load_sample(sample), "json")))
    return design_id


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
WORD_JOINER = "\u2060"


def shown(markdown: object) -> str:
    """Markdown source as a reader sees its characters: the backslash escapes and word joiners of
    ui.format.text removed (the markdown syntax the app writes itself, such as **, is kept)."""
    return _ESCAPED.sub(r"\1", str(markdown)).replace(WORD_JOINER, "")


def page_texts(at: AppTest) -> list[str]:
    """Every visible text of the main area (markdown, captions, metrics, alerts, headers, tables), with design text
    as shown (see `shown`)."""
    out: list[str] = []
    for kind in ("markdown", "caption", "subheader", "header", "info", "warning", "success", "error", "text"):
        out += [shown(e.value) for e in getattr(at.main, kind)]
    out += [f"{shown(m.label)} {shown(m.value)}" for m in at.main.metric]
    for df in at.main.dataframe:
        out.append(df.value.to_string())
    return out


def has_number_with_unit(at: AppTest) -> bool:
    return any(NUMBER_WITH_UNIT.search(t) for t in page_texts(at))


DESIGN_PAGE = "views/design_page.py"


def open_design(at: AppTest, tab: str = "Tables & indexes", *panels: str) -> AppTest:
    """Show the Design page on one tab with some panels open (the page builds only the open tab and panels), as a
    person clicks them: `panels` are panel keys such as "pattern.get order", "entity.Page", "addindex.Orders"."""
    at.session_state["design.tab"] = tab
    for key in panels:
        at.session_state[f"panel.{key}"] = True
    at.switch_page(DESIGN_PAGE).run()
    return at


def design_names(at: AppTest, kind: str) -> list[str]:
    """Names of the design's tables, entities or access_patterns (for opening their panels)."""
    import json

    return [x["name"] for x in json.loads(at.session_state["wb_design_json"]).get(kind, [])]
