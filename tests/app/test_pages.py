"""Every page renders through app.py on every sample design, shows its own title and a number with its unit.

A page that silently fell back to the default page fails (its title would be "Start"), and the
router's sidebar must still be there after switch_page (ARCHITECTURE.md, Tests; issue 7 "Proof").
"""

from __future__ import annotations

import pytest
from app_harness import PAGES, has_number_with_unit, page_texts, shown

from engine.io import sample_names

SAMPLES = sample_names()


# engine module each page needs; until it is in the build the page shows an honest "not available" note
# instead of numbers, and only then is the number check waived.
PAGE_ENGINES = {"Capacity & cost": "evaluate", "Partitions & hot keys": "partitions", "Consistency": "consistency",
                "Compare": "evaluate"}


def _engine_built(title: str) -> bool:
    from ui.cache import engine_available

    return title not in PAGE_ENGINES or engine_available(PAGE_ENGINES[title])


def _assert_page(at, title: str, sample: str) -> None:
    assert not at.exception, f"{title} on {sample}: {[e.value for e in at.exception]}"
    titles = [t.value for t in at.main.title]
    assert titles == [title], f"expected page '{title}' on {sample}, got {titles}"
    if not _engine_built(title):
        assert any("not available in this build yet" in str(i.value) for i in at.main.info)
        return
    assert has_number_with_unit(at), f"{title} on {sample} shows no number with a unit: {page_texts(at)[:8]}"
    assert any("Design:" in str(m.value) for m in at.sidebar.markdown), "the router's sidebar is missing"
    assert at.sidebar.button(key="sidebar.undo") is not None


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_page_renders_on_sample(open_app, sample: str) -> None:
    at = open_app(sample)
    _assert_page(at, "Start", sample)
    assert any(sample_title in str(e.value) for e in at.main.subheader
               for sample_title in ["Open now:"]), "Start page does not name the open design"
    for path, title in PAGES[1:]:
        at.switch_page(path).run()
        _assert_page(at, title, sample)
    at.switch_page(PAGES[0][0]).run()
    _assert_page(at, "Start", sample)


def test_new_session_opens_the_default_sample_and_puts_its_id_in_the_url(open_app) -> None:
    from ui import state

    at = open_app()
    assert not at.exception
    design_id = at.session_state[state.DESIGN_ID]
    assert at.query_params["design"] in (design_id, [design_id])
    assert at.main.subheader[0].value.startswith("Open now: ")
    if state.DEFAULT_SAMPLE in SAMPLES:
        from engine.io import load_sample

        assert load_sample(state.DEFAULT_SAMPLE).name in shown(at.main.subheader[0].value)


def test_every_page_handles_a_new_empty_design(open_app) -> None:
    """A blank design (one table, no entities, no patterns) gets useful empty states, never an exception."""
    at = open_app("page_views")
    next(b for b in at.button if b.label == "New empty design").click().run()
    assert "new design" in at.session_state["wb_design_json"]
    for path, title in PAGES:
        at.switch_page(path).run()
        assert not at.exception, f"{title}: {[e.value for e in at.exception]}"
        assert [t.value for t in at.main.title] == [title]
        assert not at.main.error, f"{title}: {[e.value for e in at.main.error]}"


@pytest.mark.parametrize("sample", ["team_users_gsi", "global_game_state"])
def test_every_page_renders_a_provisioned_variant(open_app, sample: str) -> None:
    """Provisioned billing (table and GSI capacity, auto scaling) takes other paths through every page."""
    from engine.io import design_data, dump_model, load_sample
    from engine.model import parse_model
    from ui import store

    data = design_data(load_sample(sample))
    data.pop("format_version")
    for table in data["tables"]:
        table["billing"] = {"mode": "provisioned", "read_capacity_units": 300.0, "write_capacity_units": 100.0,
                            "auto_scaling": {"target_utilization": 0.7}}
        for gsi in table.get("gsis", []):
            gsi["provisioned"] = {"read_capacity_units": 50.0, "write_capacity_units": 50.0}
    store.save(store.DesignRecord("prov" + sample.replace("_", "")[:20], dump_model(parse_model(data), "json")))
    at = open_app(design_id="prov" + sample.replace("_", "")[:20])
    for path, title in PAGES:
        at.switch_page(path).run()
        _assert_page(at, title, f"{sample} (provisioned)")


def test_every_page_explains_a_design_too_large_to_lay_out(open_app) -> None:
    """Issue 14: a table of 10^13 items of 100 KB (about 1 EB, 92 million partitions) is a valid design; every page
    still renders, the Partitions page says why it shows no layout (the table, the count, what to change) instead of
    allocating gigabytes, and the Start page's findings keep the others."""
    import json

    from large_designs import exabyte_design

    from ui import store

    design = exabyte_design()
    store.save(store.DesignRecord(design_id="thugedesign", design_json=json.dumps(design)))
    at = open_app(design_id="thugedesign")
    for path, title in PAGES:
        at.switch_page(path).run()
        assert not at.exception, f"{title}: {[e.value for e in at.exception]}"
        assert [t.value for t in at.main.title] == [title]
        if title == "Partitions & hot keys":
            said = " ".join(str(e.value) for e in [*at.main.error, *at.main.warning, *at.main.info])
            assert "Articles" in said and "partitions" in said and "more than the partition analysis handles" in said


def test_item_collections_say_when_a_design_of_many_entities_gets_fewer_sample_items(open_app) -> None:
    """1,300 entities share the design's sample budget (engine.samples.SAMPLE_ITEMS_PER_DESIGN): the Item
    collections page says how many items each entity got and why, instead of the usual "up to 200"."""
    import json

    from ui import store

    entities = [{"name": f"E{e}", "table": "Things", "item_count": 50,
                 "keys": [{"attribute": "PK", "template": f"E{e}#{{id}}"}],
                 "variables": [{"name": "id", "cardinality": 50}], "attributes": [{"name": "v", "size_bytes": 10}]}
                for e in range(1300)]
    design = {"name": "many", "tables": [{"name": "Things", "partition_key": {"name": "PK"}}], "entities": entities,
              "access_patterns": [{"name": "get", "operation": "GetItem", "table": "Things", "entities": ["E0"],
                                   "key_condition": {"partition_key": "E0#{id}"}, "requests_per_second": 1}]}
    store.save(store.DesignRecord(design_id="tmanyentities", design_json=json.dumps(design)))
    at = open_app(design_id="tmanyentities")
    at.switch_page("views/collections_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(str(c.value) for c in at.main.caption)
    assert "Up to 5 sample items per entity (fewer than 200: a design with this many entities shares a sample of " \
           "6,000 items)" in captions
