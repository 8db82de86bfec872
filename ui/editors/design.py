"""The design's own fields: name, description, home region, price catalog, hours per month, and its lesson
(what to look at, what it teaches, what to try) for workshops and reviews."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.model import DataModel
from ui.editors.base import W, apply, mirrored, number_or_none, seeded, show_problems
from ui.editors.tables import KNOWN_REGIONS

CATALOGS = {"aws-2024-11": "Current prices (since 2024-11-01)", "aws-2023": "2023 prices (the seed articles)"}


def design_form(model: DataModel) -> None:
    key = f"{W}design"
    lesson = model.lesson
    with st.form(key="form.design", border=True):
        c1, c2, c3 = st.columns([3, 2, 2])
        c1.text_input("Design name", **seeded(f"{key}.name", model.name))
        regions = sorted(set(KNOWN_REGIONS) | {model.region})
        c2.selectbox("Home region", regions, key=mirrored(f"{key}.region", model.region),
                     help="Where the tables live (and where requests come from unless a pattern says otherwise).")
        catalogs = dict(CATALOGS) | ({model.price_catalog: model.price_catalog} if model.price_catalog not in CATALOGS
                                    else {})
        c3.selectbox("Price catalog", list(catalogs), format_func=catalogs.get,
                     key=mirrored(f"{key}.catalog", model.price_catalog))
        c1.text_area("Description", **seeded(f"{key}.description", model.description), height=80)
        c2.number_input("Hours per month (empty: the catalog's 730)", min_value=1.0, max_value=744.0, format="%g",
                        value=None, key=mirrored(f"{key}.hours", model.hours_per_month),
                        help="Hourly prices times this; 744 for a 31-day month.")
        st.markdown("Lesson (optional, for workshops): what to look at, what the design teaches, what to try")
        c1, c2, c3 = st.columns(3)
        c1.text_area("Look at", **seeded(f"{key}.look", lesson.look_at if lesson else ""), height=80)
        c2.text_area("Teaches", **seeded(f"{key}.teaches", lesson.teaches if lesson else ""), height=80)
        c3.text_area("Try this", **seeded(f"{key}.try", lesson.try_this if lesson else ""), height=80)
        st.form_submit_button("Save design settings", on_click=_submitted)
    show_problems("design")


def _submitted() -> None:
    ss = st.session_state
    key = f"{W}design"

    def mutate(data: dict[str, Any]) -> None:
        data["name"] = str(ss[f"{key}.name"]).strip()
        data["description"] = ss[f"{key}.description"]
        data["region"] = ss[f"{key}.region"]
        data["price_catalog"] = ss[f"{key}.catalog"]
        data["hours_per_month"] = number_or_none(ss[f"{key}.hours"])
        look, teaches, try_this = (str(ss[f"{key}.{k}"]).strip() for k in ("look", "teaches", "try"))
        if look or teaches or try_this:
            if not (look and teaches):
                from engine.model.edits import EditError

                raise EditError("a lesson needs 'Look at' and 'Teaches' (and may have 'Try this'); fill both or "
                                "clear the lesson")
            data["lesson"] = {"look_at": look, "teaches": teaches, "try_this": try_this}
        else:
            data.pop("lesson", None)

    apply("design", mutate, f"Saved design settings of {ss[f'{key}.name']}.")
