"""The whole design as YAML: always the design as it is now, never a silent revert.

The text area is seeded from the design whenever the design changed and the text was not edited; text the
user edited outlives a change made elsewhere (a form, undo) but is then marked as based on an older version,
and "Apply YAML" refuses it with a message (or applies it only when asked to replace the newer design).
"""

from __future__ import annotations

import streamlit as st

from ui import cache, state
from ui.editors.base import set_problems, show_problems

TEXT = state.YAML_TEXT
BASE = "wb_yaml_base"  # revision of the design the text was loaded from
SEED = state.YAML_SEED  # the text as loaded (edited when the widget's value differs from it)
DRAFT = "wb_yaml_draft"  # the user's edited text, kept while the YAML tab is not shown (its widget is then gone)


def yaml_editor() -> None:
    """Edit and apply the design as YAML, with line-numbered problems under the editor."""
    ss = st.session_state
    revision = state.revision()
    if TEXT not in ss:
        if ss.get(DRAFT) is not None and ss.get(DRAFT) != ss.get(SEED):
            ss[TEXT] = ss[DRAFT]  # back from another tab: the edited text, still based on BASE
        else:
            current = cache.design_yaml(state.design_json())
            ss[TEXT], ss[SEED], ss[BASE] = current, current, revision
    if ss.get(BASE) != revision:
        st.warning("**The design changed after you started editing this YAML** (a form, an undo or a load). Your "
                   "text is kept below, but applying it would silently undo that change, so *Apply YAML* refuses "
                   "it. Copy what you need and load the current design, or replace the newer design with your "
                   "text on purpose.", icon=":material/warning:")
        c1, c2 = st.columns(2)
        c1.button("Load the current design (drops my text)", key="yaml.reload", on_click=_reload)
        c2.button("Apply my text anyway (replaces the newer design)", key="yaml.force", on_click=_applied,
                  args=(True,))
    st.text_area("Design (YAML)", key=TEXT, height=520, on_change=_keep_draft,
                 help="The same design as the forms, as it is now. Apply to replace it; problems name the line.")
    st.button("Apply YAML", key="yaml.apply", on_click=_applied, args=(False,), type="primary")
    show_problems("yaml")


def _keep_draft() -> None:
    st.session_state[DRAFT] = st.session_state.get(TEXT)


def _reload() -> None:
    for key in (TEXT, SEED, BASE, DRAFT):
        st.session_state.pop(key, None)
    set_problems("yaml", [])


def _applied(force: bool) -> None:
    ss = st.session_state
    text = ss.get(TEXT, ss.get(DRAFT, ""))
    if not force and ss.get(BASE) != state.revision():
        set_problems("yaml", ["Not applied: this YAML was loaded before the design's last change, and applying it "
                              "would undo that change. Load the current design, or apply your text anyway to "
                              "replace it."])
        return
    if text == ss.get(SEED) and not force:
        set_problems("yaml", [])
        state.flash("Nothing to apply: the YAML is the design as it is.")
        return
    problems = state.load_text(text, "yaml", "YAML editor")
    set_problems("yaml", problems)
    if not problems:
        _reload()
