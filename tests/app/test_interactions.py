"""Interactions through app.py: edits change the numbers users watch, errors appear next to their cause,
and the design survives a new session (autosave) and can be undone (issue 7 "Proof", ARCHITECTURE.md)."""

from __future__ import annotations

import re

from app_harness import design_names, open_design, shown
from streamlit.testing.v1 import AppTest

CAPACITY = "views/capacity_page.py"
DESIGN = "views/design_page.py"


def _metric_usd(at: AppTest, label: str) -> float:
    value = next(m.value for m in at.main.metric if m.label == label)
    return float(re.sub(r"[^0-9.]", "", value))


def _table_with(at: AppTest, column: str):
    """The first table on the page having a column of that name (as a pandas DataFrame)."""
    return next(df.value for df in at.main.dataframe if column in df.value.columns)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_changing_a_rate_changes_the_cost(open_app) -> None:
    """Raising a read pattern's rate raises the total monthly cost (DOMAIN.md §3: on-demand bills per request)."""
    at = open_app("github_single_table")
    at.switch_page(CAPACITY).run()
    before = _metric_usd(at, "Total cost per month")
    rate = at.number_input(key="w.rate.repository and latest issues")
    rate.set_value(rate.value * 4 + 100).run()
    assert not at.exception
    after = _metric_usd(at, "Total cost per month")
    assert after > before
    assert at.number_input(key="w.rate.repository and latest issues").value == 1300


def test_adding_a_gsi_raises_the_write_cost(open_app) -> None:
    """A GSI keyed on an attribute every item carries adds an index write to every put (DOMAIN.md §2, DG/GSI.html)."""
    at = open_app("team_users_overread")
    at.switch_page(CAPACITY).run()
    writes_before = _metric_usd(at, "Writes + indexes")
    open_design(at, "Tables & indexes", "addindex.TeamUsers")
    table = at.session_state["wb_design_json"]
    assert '"gsis"' not in table
    at.text_input(key="w.gsi.TeamUsers.name").input("ByTeam")
    at.selectbox(key="w.gsi.TeamUsers.pk").select("TeamId")
    _button(at, "Add index").click().run()
    assert not at.exception
    assert not at.main.error, [e.value for e in at.main.error]
    assert '"ByTeam"' in at.session_state["wb_design_json"]
    at.switch_page(CAPACITY).run()
    assert _metric_usd(at, "Writes + indexes") > writes_before


def test_hot_enum_key_shows_the_hot_key(open_app) -> None:
    """hot_enum_key's PENDING status key takes more than one partition's 1,000 WCU (DOMAIN.md §4, §6.6)."""
    at = open_app("hot_enum_key")
    at.switch_page("views/partitions_page.py").run()
    assert not at.exception
    hottest = next(m for m in at.main.metric if m.label == "Hottest key at peak")
    assert float(hottest.value.rstrip(" %").replace(",", "")) > 100
    keys = _table_with(at, "key")
    assert keys["key"].iloc[0] == "PENDING"
    assert any("PENDING" in e.value for e in at.main.error)


def test_undo_brings_back_the_previous_rate(open_app) -> None:
    at = open_app("page_views")
    at.switch_page(CAPACITY).run()
    key = next(n.key for n in at.number_input if n.key.startswith("w.rate."))
    original = at.number_input(key=key).value
    at.number_input(key=key).set_value(original + 7).run()
    assert at.number_input(key=key).value == original + 7
    at.sidebar.button(key="sidebar.undo").click().run()
    assert at.number_input(key=key).value == original


def test_an_edit_survives_a_new_session_with_the_same_id(open_app) -> None:
    """Autosave under the URL's id: a refresh or a server restart restores the edit."""
    at = open_app("orders_by_customer", design_id="persisted01")
    at.switch_page(CAPACITY).run()
    key = next(n.key for n in at.number_input if n.key.startswith("w.rate."))
    at.number_input(key=key).set_value(123.0).run()
    fresh = AppTest.from_file(at._script_path, default_timeout=60)
    fresh.query_params["design"] = "persisted01"
    fresh.run()
    fresh.switch_page(CAPACITY).run()
    assert fresh.number_input(key=key).value == 123.0


def test_sessions_without_an_id_get_their_own_design(open_app) -> None:
    first, second = open_app(), open_app()
    assert first.session_state["wb_design_id"] != second.session_state["wb_design_id"]


def test_broken_yaml_shows_the_line_and_keeps_the_design(open_app) -> None:
    at = open_app("page_views")
    open_design(at, "YAML")
    before = at.session_state["wb_design_json"]
    at.text_area(key="w.yaml").input("name: x\ntables:\n  - name: [unclosed\n")
    _button(at, "Apply YAML").click().run()
    assert not at.exception
    errors = [e.value for e in at.main.error]
    assert errors and re.search(r"line \d+", errors[0]), errors
    assert at.session_state["wb_design_json"] == before


def test_an_invalid_pattern_edit_is_refused_next_to_the_form(open_app) -> None:
    """A peak below the average is a validation error (engine.model.validate), shown under the pattern's form."""
    at = open_app("orders_by_customer")
    open_design(at, "Access patterns", "pattern.get order")
    before = at.session_state["wb_design_json"]
    name = "get order"
    at.number_input(key=f"w.pattern.{name}.rate").set_value(50.0)
    at.number_input(key=f"w.pattern.{name}.peak").set_value(10.0)
    next(b for b in at.button if b.label == "Save access pattern" and name in str(b.form_id)).click().run()
    errors = [shown(e.value) for e in at.main.error]
    assert any("peak_requests_per_second" in e for e in errors), errors
    # the problem record as its text: its path, then its message (values shortened by ui.editors.base.readable)
    assert "access_patterns[1].peak_requests_per_second 10 is below the average 50; the peak must be at least " \
           "the average" in errors, errors
    assert at.session_state["wb_design_json"] == before


def test_running_a_pattern_on_the_sandbox_shows_items_and_consumed_capacity(open_app) -> None:
    at = open_app("github_single_table")
    at.switch_page("views/collections_page.py").run()
    _button(at, "Run on the sandbox").click().run()
    assert not at.exception
    assert any("returned" in s.value for s in at.main.success)
    arms = _table_with(at, "consumed capacity units")
    assert (arms["consumed capacity units"] > 0).all()


def test_global_tables_show_mrec_and_mrsc_side_by_side(open_app) -> None:
    at = open_app("global_game_state")
    at.switch_page("views/consistency_page.py").run()
    labels = [m.label for m in at.main.metric]
    assert "Writes lost to last-writer-wins" in labels  # MREC (consistency page, commit 53aae95)
    assert "Writes rejected as conflicts (retryable)" in labels


def test_uploading_a_design_replaces_it_and_a_broken_file_names_the_line(open_app) -> None:
    from engine.io import dump_model, load_sample

    at = open_app("page_views")
    text = dump_model(load_sample("hot_enum_key"), "yaml")
    at.file_uploader(key="upload.design").upload("mine.yaml", text.encode(), "application/yaml").run()
    assert not at.exception
    assert "Orders keyed by status" in at.session_state["wb_design_json"]
    before = at.session_state["wb_design_json"]
    at.file_uploader(key="upload.design").upload("broken.yaml", b"name: x\ntables: [\n", "application/yaml").run()
    errors = [e.value for e in at.main.error]
    assert errors and "broken.yaml" in errors[0] and re.search(r"line \d+", errors[0]), errors
    assert at.session_state["wb_design_json"] == before


def test_saving_an_entity_form_keeps_fields_the_form_does_not_show(open_app) -> None:
    """The entity grid shows a subset of each attribute (no min/max sizes, examples as text): saving the
    form must change only what was edited, on every sample design."""
    import json

    from engine.io import sample_names

    for sample in sample_names():
        at = open_app(sample)
        open_design(at, "Entities")
        before = json.loads(at.session_state["wb_design_json"])
        if not before.get("entities"):
            continue
        count_key = next(n.key for n in at.number_input if n.key.endswith(".count"))
        at.number_input(key=count_key).set_value(4242)
        next(b for b in at.button if b.label == "Save entity").click().run()
        assert not at.exception and not at.main.error, sample
        after = json.loads(at.session_state["wb_design_json"])
        assert after["entities"][0].pop("item_count") == 4242
        before["entities"][0].pop("item_count")
        assert after == before, sample


def test_saving_a_table_form_unchanged_keeps_the_design(open_app) -> None:
    """Saving a table's settings without touching them changes nothing (billing details, replicas, witness)."""
    from engine.io import sample_names

    for sample in sample_names():
        at = open_app(sample)
        at.switch_page(DESIGN).run()
        before = at.session_state["wb_design_json"]
        next(b for b in at.button if b.label == "Save table settings").click().run()
        assert not at.exception and not at.main.error, (sample, [e.value for e in at.main.error])
        assert at.session_state["wb_design_json"] == before, sample


def test_saving_pattern_forms_unchanged_keeps_the_design(open_app) -> None:
    from engine.io import sample_names

    for sample in sample_names():
        at = open_app(sample)
        open_design(at, "Access patterns", *[f"pattern.{n}" for n in design_names(at, "access_patterns")])
        before = at.session_state["wb_design_json"]
        for i in range(len([b for b in at.button if b.label == "Save access pattern"])):
            [b for b in at.button if b.label == "Save access pattern"][i].click().run()
            assert not at.exception and not at.main.error, (sample, i, [e.value for e in at.main.error])
        assert at.session_state["wb_design_json"] == before, sample


def test_making_a_read_strong_costs_more_and_removes_its_stale_risk(open_app) -> None:
    """A strongly consistent read costs twice the units and reads the leader (DOMAIN.md §2, §5)."""
    import json

    at = open_app("orders_simple_key")
    at.switch_page(CAPACITY).run()
    cost_before = _metric_usd(at, "Total cost per month")
    at.switch_page("views/consistency_page.py").run()
    at.button(key="strong.get order").click().run()
    assert not at.exception
    pattern = next(p for p in json.loads(at.session_state["wb_design_json"])["access_patterns"]
                   if p["name"] == "get order")
    assert pattern["consistency"] == "strong"
    stale = _table_with(at, "stale")
    assert stale.loc[stale["access pattern"] == "get order", "stale"].iloc[0] == "0 %"
    at.switch_page(CAPACITY).run()
    assert _metric_usd(at, "Total cost per month") > cost_before


def test_a_partition_over_its_limit_is_never_called_under_it(open_app) -> None:
    """page_views' busiest partition peaks above 100 % of its 1,000 WCU although no single key does (DOMAIN.md §4):
    the verdict warns instead of saying every partition stays under its limit."""
    at = open_app("page_views")
    at.switch_page("views/partitions_page.py").run()
    assert not at.exception
    busiest = next(m.value for m in at.main.metric if m.label == "Busiest partition at peak")
    assert float(busiest.rstrip(" %").replace(",", "")) > 100
    verdicts = [str(e.value) for e in [*at.main.success, *at.main.warning, *at.main.error] if "Verdict" in str(e.value)]
    assert verdicts and not any("stays under its limit" in v for v in verdicts), verdicts
    assert any("no single key is over" in v for v in verdicts)
