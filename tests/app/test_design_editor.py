"""The Design page is a complete editor (issue 10): a design is built from an empty page through widgets only,
every structural edit keeps references consistent, and the YAML tab never silently reverts a form edit."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from app_harness import open_design
from streamlit.testing.v1 import AppTest

DESIGN = "views/design_page.py"
EXPECTED = Path(__file__).parent / "expected" / "build_from_scratch.yaml"


def _submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.main.error]
    assert not errors, (form, errors)
    return at


def _design(at: AppTest) -> dict:
    return json.loads(at.session_state["wb_design_json"])


def _add_pattern(at: AppTest, operation: str, **fields) -> None:
    at.selectbox(key="w.newpattern.op").select(operation).run()
    k = "w.newpattern"
    at.text_input(key=f"{k}.name").input(fields["name"])
    at.selectbox(key=f"{k}.target").select(fields["target"])
    at.multiselect(key=f"{k}.entities").set_value(fields["entities"])
    at.number_input(key=f"{k}.rate").set_value(fields["rate"])
    at.number_input(key=f"{k}.peak").set_value(fields.get("peak", fields["rate"]))
    if "pk" in fields:
        at.text_input(key=f"{k}.pk").input(fields["pk"])
    if "skop" in fields:
        at.selectbox(key=f"{k}.skop").select(fields["skop"])
        at.text_input(key=f"{k}.skval").input(fields["skval"])
    for name, key, setter in (("items", "items", "number"), ("changed", "changed", "multi"),
                              ("actions", "actions", "multi"), ("action_changed", "actionchanged", "multi")):
        if name in fields:
            widget = at.number_input(key=f"{k}.{key}") if setter == "number" else at.multiselect(key=f"{k}.{key}")
            widget.set_value(fields[name])
    _submit(at, "form.newpattern", "Add access pattern")


def _add_attribute(at: AppTest, entity: str, name: str, type_: str, size: float | None = None,
                   example: str | None = None) -> None:
    k = f"w.attribute.{entity}"
    at.text_input(key=f"{k}.name").input(name)
    at.selectbox(key=f"{k}.type").select(type_)
    if size is not None:
        at.number_input(key=f"{k}.size").set_value(size)
    if example is not None:
        at.text_input(key=f"{k}.example").input(example)
    _submit(at, f"form.attribute.{entity}", "Save attribute")


def build_from_scratch(open_app) -> AppTest:
    """A two-table shop: a composite-key table with a GSI (INCLUDE) and an LSI, a stock table, three entities
    with key templates (one Zipf-distributed) and six access patterns, made with widgets only."""
    at = open_app()
    at.button(key="new.design").click().run()
    open_design(at, "Overview", "design")
    assert [t["name"] for t in _design(at)["tables"]] == ["app"] and not _design(at).get("entities")

    at.text_input(key="w.design.name").input("Shop built from scratch")
    _submit(at, "form.design", "Save design settings")

    # tables: rename the blank table and keep its PK/SK; add a second table with a simple key
    open_design(at, "Tables & indexes", "tablekeys.app")
    at.text_input(key="w.tablekeys.app.name").input("Shop")
    _submit(at, "form.tablekeys.app", "Save name and keys")
    at.text_input(key="w.newtable.name").input("Inventory")
    at.text_input(key="w.newtable.pk").input("sku")
    at.text_input(key="w.newtable.sk").input("")
    _submit(at, "form.newtable", "Add table")

    # entities with their key templates, attributes and variables
    open_design(at, "Entities", "entity.Customer", "entity.Order", "entity.Stock")
    for name, table, count in (("Customer", "Shop", 10000), ("Order", "Shop", 200000), ("Stock", "Inventory", 5000)):
        at.text_input(key="w.newentity.name").input(name)
        at.selectbox(key="w.newentity.table").select(table)
        at.number_input(key="w.newentity.count").set_value(count)
        _submit(at, "form.newentity", "Add entity")
    at.text_input(key="w.keytpl.Customer.SK").input("PROFILE").run()
    at.text_input(key="w.keytpl.Order.PK").input("CUSTOMER#{customer_id}").run()
    at.text_input(key="w.keytpl.Order.SK").input("ORDER#{order_id}").run()
    at.text_input(key="w.keytpl.Stock.sku").input("SKU#{sku_id}").run()
    at.selectbox(key="w.variable.Order.name").select("customer_id")
    at.number_input(key="w.variable.Order.cardinality").set_value(10000)
    _submit(at, "form.variable.Order", "Save variable")
    at.selectbox(key="w.variable.Stock.name").select("sku_id")
    at.number_input(key="w.variable.Stock.cardinality").set_value(5000)
    _submit(at, "form.variable.Stock", "Save variable")
    _add_attribute(at, "Customer", "email", "S", size=30)
    _add_attribute(at, "Order", "status", "S", example="PENDING")
    _add_attribute(at, "Order", "created_at", "S", size=20)
    _add_attribute(at, "Order", "total", "N", size=8)
    _add_attribute(at, "Stock", "qty", "N", size=4)
    at.selectbox(key="w.entity.Customer.dist").select("zipf")
    at.number_input(key="w.entity.Customer.zipf").set_value(1.2)
    _submit(at, "form.entity.Customer", "Save entity")

    # indexes: a GSI projecting one attribute, an LSI on the creation date
    open_design(at, "Tables & indexes", "addindex.Shop")
    k = "w.gsi.Shop"
    at.text_input(key=f"{k}.name").input("ByStatus")
    at.selectbox(key=f"{k}.pk").select("status")
    at.selectbox(key=f"{k}.sk").select("created_at")
    at.selectbox(key=f"{k}.projection").select("INCLUDE")
    at.multiselect(key=f"{k}.include").set_value(["total"])
    _submit(at, "form.gsi.Shop", "Add index")
    at.text_input(key=f"{k}.name").input("ByDate")
    at.selectbox(key=f"{k}.kind").select("lsis")
    at.selectbox(key=f"{k}.sk").select("created_at")
    at.selectbox(key=f"{k}.projection").select("KEYS_ONLY")
    _submit(at, "form.gsi.Shop", "Add index")

    # six access patterns
    open_design(at, "Access patterns")
    _add_pattern(at, "GetItem", name="get customer", target="Shop", entities=["Customer"], rate=100.0,
                 pk="CUSTOMER#{customer_id}", skop="=", skval="PROFILE")
    _add_pattern(at, "Query", name="orders by status", target="Shop · ByStatus", entities=["Order"], rate=5.0,
                 pk="PENDING", items=20.0)
    _add_pattern(at, "Query", name="orders of a customer", target="Shop", entities=["Order"], rate=20.0, peak=60.0,
                 pk="CUSTOMER#{customer_id}", skop="begins_with", skval="ORDER#", items=10.0)
    _add_pattern(at, "PutItem", name="place order", target="Shop", entities=["Order"], rate=10.0,
                 pk="CUSTOMER#{customer_id}", skop="=", skval="ORDER#{order_id}")
    _add_pattern(at, "UpdateItem", name="ship order", target="Shop", entities=["Order"], rate=5.0,
                 pk="CUSTOMER#{customer_id}", skop="=", skval="ORDER#{order_id}", changed=["status"])
    _add_pattern(at, "TransactWriteItems", name="checkout", target="Shop", entities=["Order"], rate=2.0,
                 pk="CUSTOMER#{customer_id}", skop="=", skval="ORDER#{order_id}",
                 actions=["Put Order", "Update Stock"], action_changed=["qty"])
    return at


def test_build_from_scratch(open_app) -> None:
    at = build_from_scratch(open_app)
    design = _design(at)
    design.pop("format_version")
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    assert design == expected

    # the pages compute numbers for it
    at.switch_page("views/capacity_page.py").run()
    assert not at.exception
    total = next(m.value for m in at.main.metric if m.label == "Total cost per month")
    assert total.startswith("$") and total != "$0.00"
    at.switch_page("views/partitions_page.py").run()
    assert not at.exception and any("partition" in m.label.lower() for m in at.main.metric)
    at.switch_page("views/consistency_page.py").run()
    assert not at.exception and at.main.dataframe


def test_build_from_scratch_yaml_tab_shows_the_built_design(open_app) -> None:
    """After form edits the YAML tab holds the design as it is now; applying it unchanged reverts nothing."""
    at = build_from_scratch(open_app)
    before = at.session_state["wb_design_json"]
    open_design(at, "YAML")
    text = at.text_area(key="w.yaml").value
    assert "checkout" in text and "ByStatus" in text
    at.button(key="yaml.apply").click().run()
    assert at.session_state["wb_design_json"] == before


def test_renaming_a_table_and_its_key_moves_every_reference(open_app) -> None:
    """A table rename follows into entities and patterns; a key rename follows into the key templates."""
    at = open_app("orders_by_customer")
    open_design(at, "Tables & indexes", "tablekeys.CustomerOrders")
    before = _design(at)
    table = before["tables"][0]["name"]
    pk = before["tables"][0]["partition_key"]["name"]
    at.text_input(key=f"w.tablekeys.{table}.name").input("Renamed")
    at.text_input(key=f"w.tablekeys.{table}.pk").input("pk_renamed")
    _submit(at, f"form.tablekeys.{table}", "Save name and keys")
    after = _design(at)
    assert after["tables"][0]["name"] == "Renamed" and after["tables"][0]["partition_key"]["name"] == "pk_renamed"
    assert all(e["table"] == "Renamed" for e in after["entities"])
    assert all(p["table"] == "Renamed" for p in after["access_patterns"])
    assert not any(k["attribute"] == pk for e in after["entities"] for k in e["keys"])
    assert any(k["attribute"] == "pk_renamed" for e in after["entities"] for k in e["keys"])


def test_an_index_in_use_is_deleted_only_by_moving_or_dropping_its_patterns(open_app) -> None:
    """team_users_gsi's index is read by a pattern: the delete offers to repoint it to the table (DOMAIN.md §2)."""
    at = open_app("team_users_gsi")
    open_design(at, "Tables & indexes", "index.TeamUsers.TeamRoleIndex")
    users = [p["name"] for p in _design(at)["access_patterns"] if p.get("index") == "TeamRoleIndex"]
    assert users and "delete.index.TeamUsers.TeamRoleIndex" not in [b.key for b in at.button]
    at.button(key="delete.index.repoint.TeamUsers.TeamRoleIndex").click().run()
    assert not at.exception
    after = _design(at)
    assert not after["tables"][0].get("gsis")
    moved = [p for p in after["access_patterns"] if p["name"] in users]
    assert moved and all("index" not in p for p in moved)


def test_renaming_an_index_repoints_its_patterns(open_app) -> None:
    at = open_app("team_users_gsi")
    open_design(at, "Tables & indexes", "index.TeamUsers.TeamRoleIndex")
    at.text_input(key="w.index.TeamUsers.TeamRoleIndex.name").input("ByRole")
    _submit(at, "form.index.TeamUsers.TeamRoleIndex", "Save index")
    after = _design(at)
    assert [g["name"] for g in after["tables"][0]["gsis"]] == ["ByRole"]
    assert any(p.get("index") == "ByRole" for p in after["access_patterns"])


def test_deleting_a_table_with_entities_asks_and_takes_them_along(open_app) -> None:
    at = open_app("github_single_table")
    open_design(at, "Tables & indexes")
    at.button(key="delete.table.Issues").click().run()
    assert any("Issues" in str(w.value) for w in at.main.warning)
    assert "Issues" in [t["name"] for t in _design(at)["tables"]]
    at.button(key="delete.table.all.Issues").click().run()
    after = _design(at)
    assert "Issues" not in [t["name"] for t in after["tables"]]
    assert not any(e["table"] == "Issues" for e in after["entities"])
    assert not any(p["table"] == "Issues" for p in after["access_patterns"])


def test_an_attribute_without_a_size_is_refused_next_to_its_form(open_app) -> None:
    """Never a silent 0 bytes: an S attribute needs a size or an example; BOOL is 1 byte (DOMAIN.md §1)."""
    at = open_app("page_views")
    open_design(at, "Entities", "entity.Page")
    before = at.session_state["wb_design_json"]
    at.text_input(key="w.attribute.Page.name").input("title")
    at.button(key="FormSubmitter:form.attribute.Page-Save attribute").click().run()
    errors = [e.value for e in at.main.error]
    assert any("title" in e and "size" in e for e in errors), errors
    assert at.session_state["wb_design_json"] == before
    at.text_input(key="w.attribute.Page.name").input("published")
    at.selectbox(key="w.attribute.Page.type").select("BOOL")
    _submit(at, "form.attribute.Page", "Save attribute")
    page = next(e for e in _design(at)["entities"] if e["name"] == "Page")
    assert {"name": "published", "type": "BOOL", "size_bytes": 1.0} in page["attributes"]


def test_on_demand_tables_show_no_provisioned_inputs_and_switching_shows_them(open_app) -> None:
    at = open_app("page_views")
    open_design(at, "Tables & indexes")
    keys = {n.key for n in at.number_input}
    assert "w.table.PageViews.rcu" not in keys and "w.table.PageViews.maxrru" in keys
    at.radio(key="w.table.PageViews.billing").set_value("provisioned").run()
    assert _design(at)["tables"][0]["billing"]["mode"] == "provisioned"
    keys = {n.key for n in at.number_input}
    assert "w.table.PageViews.rcu" in keys and "w.table.PageViews.maxrru" not in keys


def test_yaml_edited_before_a_form_change_is_not_applied_silently(open_app) -> None:
    """Edit the YAML in one render and a form in another: the stale apply is refused, the text is kept, and an
    explicit 'apply anyway' is the only way to replace the newer design."""
    at = open_app("page_views")
    open_design(at, "YAML")
    text = at.text_area(key="w.yaml").value
    at.text_area(key="w.yaml").input(text.replace("name: Page view counters", "name: Edited in YAML")).run()
    open_design(at, "Access patterns", "pattern.read article")  # another tab: the YAML editor is not built now
    at.number_input(key="w.pattern.read article.rate").set_value(7.0)
    _submit(at, "form.pattern.read article", "Save access pattern")
    assert "7.0" in at.session_state["wb_design_json"]
    open_design(at, "YAML")
    assert "Edited in YAML" in at.text_area(key="w.yaml").value      # the typed text is kept
    assert any("changed after you started editing" in str(w.value) for w in at.main.warning)
    at.button(key="yaml.apply").click().run()
    assert any("Not applied" in str(e.value) for e in at.main.error)
    assert '"requests_per_second": 7.0' in at.session_state["wb_design_json"]  # the form edit survives
    at.button(key="yaml.force").click().run()
    assert "Edited in YAML" in at.session_state["wb_design_json"]


def test_applying_unchanged_yaml_says_so(open_app) -> None:
    at = open_app("page_views")
    open_design(at, "YAML")
    before = at.session_state["wb_design_json"]
    at.button(key="yaml.apply").click().run()
    assert at.session_state["wb_design_json"] == before
    assert any("Nothing to apply" in str(s.value) for s in at.sidebar.success)


def test_the_entity_chart_edits_key_templates(open_app) -> None:
    at = open_app("page_views")
    open_design(at, "Overview")
    assert any("Entity chart" in str(m.value) for m in at.main.markdown)
    dot = [e for e in at.main.get("graphviz_chart")]
    assert dot and "PageViews" in dot[0].proto.spec


def test_an_attribute_gets_a_size_range_from_its_form(open_app) -> None:
    """Every attribute field has a form: min and max sizes as well as the average (issue 10)."""
    at = open_app("page_views")
    open_design(at, "Entities", "entity.Page")
    k = "w.attribute.Page"
    at.text_input(key=f"{k}.name").input("summary")
    at.number_input(key=f"{k}.size").set_value(300.0)
    at.number_input(key=f"{k}.min").set_value(100.0)
    at.number_input(key=f"{k}.max").set_value(900.0)
    _submit(at, "form.attribute.Page", "Save attribute")
    page = next(e for e in _design(at)["entities"] if e["name"] == "Page")
    assert {"name": "summary", "size_bytes": 300.0, "min_size_bytes": 100.0, "max_size_bytes": 900.0} in page["attributes"]


def test_saving_a_gsi_keeps_and_edits_its_auto_scaling(open_app) -> None:
    """A provisioned GSI's auto scaling survives an unchanged save and its target can be changed (issue 10)."""
    at = open_app("team_users_gsi")
    open_design(at, "Tables & indexes")
    at.radio(key="w.table.TeamUsers.billing").set_value("provisioned").run()
    open_design(at, "Tables & indexes", "index.TeamUsers.TeamRoleIndex")
    at.checkbox(key="w.index.TeamUsers.TeamRoleIndex.autoscale").check()
    at.number_input(key="w.index.TeamUsers.TeamRoleIndex.target").set_value(0.5)
    _submit(at, "form.index.TeamUsers.TeamRoleIndex", "Save index")
    gsi = _design(at)["tables"][0]["gsis"][0]
    assert gsi["provisioned"]["auto_scaling"]["target_utilization"] == 0.5
    before = at.session_state["wb_design_json"]
    _submit(at, "form.index.TeamUsers.TeamRoleIndex", "Save index")
    assert at.session_state["wb_design_json"] == before


def test_point_in_time_recovery_is_set_in_the_table_settings_and_exported(open_app) -> None:
    """Issue 13: exports carry point-in-time recovery; the table settings form sets it (and clears it)."""
    from engine.interop import export_design
    from engine.io import loads_model

    at = open_app("orders_by_customer")
    open_design(at, "Tables & indexes")
    at.checkbox(key="w.table.CustomerOrders.pitr").check()
    _submit(at, "form.table.CustomerOrders", "Save table settings")
    assert _design(at)["tables"][0]["point_in_time_recovery"] is True
    model = loads_model(at.session_state["wb_design_json"], "json")
    assert "PointInTimeRecoveryEnabled: true" in export_design(model, "cloudformation")
    at.checkbox(key="w.table.CustomerOrders.pitr").uncheck()
    _submit(at, "form.table.CustomerOrders", "Save table settings")
    assert "point_in_time_recovery" not in _design(at)["tables"][0]
