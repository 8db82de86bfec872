"""Consistency page for people: the MRSC "what if" explains the region rule in a sentence, the per-read table's
numbers carry units at a readable precision, and "make strong" never shows a bare None (DOMAIN.md §5)."""

from __future__ import annotations

import re

import pytest
from app_harness import page_texts, shown

CONSISTENCY = "views/consistency_page.py"


def _open(open_app, sample: str):
    at = open_app(sample)
    at.switch_page(CONSISTENCY).run()
    assert not at.exception
    return at


def test_the_mrsc_what_if_names_the_regions_the_sets_and_a_choice(open_app) -> None:
    # DG/multi-region-strong-consistency-gt.html: MRSC uses exactly 3 regions of one region set
    at = _open(open_app, "global_game_state")
    why = next(shown(w.value) for w in at.main.warning if "MRSC" in w.value)
    assert "tables[" not in why and "global_table" not in why            # no validation path for a person
    assert "us-east-1, eu-west-1 and ap-northeast-1" in why              # the regions the table has
    assert "exactly three regions from one region set" in why
    assert all(s in why for s in ("US: us-east-1, us-east-2 and us-west-2", "EU:", "AP:"))
    assert "keep us-east-1 and add us-east-2 and us-west-2 (the US set)" in why


def test_the_read_table_shows_units_sensible_precision_and_no_none(open_app) -> None:
    at = _open(open_app, "global_game_state")
    table = at.main.dataframe[0].value
    assert list(table.columns) == ["access pattern", "reads from", "read", "after write", "stale", "make strong",
                                   "latency", "strong helps"]
    for cell in table["stale"]:
        assert re.fullmatch(r"(0|< 0\.01|\d[\d,]*\.\d\d) %", cell), cell             # 2 decimals, never 4
    for cell in (*table["after write"], *table["latency"]):
        assert cell.endswith(" ms"), cell
    strong = list(table["make strong"])
    assert "None" not in strong and "nan" not in " ".join(strong)
    assert all(c.startswith("+$") or c.startswith("n/a") or c.startswith("not possible") or c == "—"
               for c in strong), strong
    assert "n/a (already strong)" in strong                 # the sample's MRSC read is strong already
    # the MREC reads' risk comes from other regions' writes, so their price says a strong read would not help
    assert any(c.startswith("+$") and c.endswith("(would not help)") for c in strong), strong


def test_gsi_reads_say_they_cannot_be_strong(open_app) -> None:
    # DG/GSI.html: GSI reads are eventually consistent only
    at = _open(open_app, "team_users_gsi")
    table = at.main.dataframe[0].value
    gsi = table[table["reads from"] == "GSI"]
    assert len(gsi) and set(gsi["make strong"]) == {"not possible (GSI)"}
    assert not any("None" in t for t in page_texts(at))



def _mrsc_why(open_app, design_id: str, change) -> str:
    """The MRSC "what if" warning on the Consistency page of global_game_state after `change(data)`."""
    from app_harness import store_sample

    from engine.io import design_data, dump_model, load_sample
    from engine.model import parse_model
    from ui import store

    data = design_data(load_sample("global_game_state"))
    data.pop("format_version")
    change(data)
    design_id = store_sample("global_game_state", design_id)
    store.save(store.DesignRecord(design_id=design_id, design_json=dump_model(parse_model(data), "json")))
    at = open_app(design_id=design_id)
    at.switch_page(CONSISTENCY).run()
    assert not at.exception
    return next(shown(w.value) for w in at.main.warning if "MRSC" in w.value)


def test_the_mrsc_advice_keeps_the_regions_of_one_set_and_adds_the_missing_one(open_app) -> None:
    """Four replicas, two of them in the US set: keep those two and add the third US region (DOMAIN.md §5)."""
    why = _mrsc_why(open_app, "mrscfourregions", lambda data: data["tables"][0]["global_table"].update(
        regions=["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]))
    assert "us-east-1, us-west-2, eu-west-1 and ap-northeast-1, 4 regions from different region sets" in why
    assert "keep us-east-1 and us-west-2 and add us-east-2 (the US set)" in why


def test_the_mrsc_what_if_gives_the_validators_other_reasons_without_their_paths(open_app) -> None:
    """A transaction on the MREC table also rules MRSC out (DG/multi-region-strong-consistency-gt.html): the page
    shows the validator's message from the problem record, without its path (access_patterns[i])."""
    trade = {"name": "trade items", "operation": "TransactWriteItems", "table": "GameStateMrec", "entities": ["Player"],
             "requests_per_second": 5, "actions": [{"action": "Update", "entity": "Player"}] * 2}
    why = _mrsc_why(open_app, "mrsctransaction", lambda data: data["access_patterns"].append(trade))
    assert "exactly three regions from one region set" in why                      # the page's own sentence
    assert "'trade items' uses TransactWriteItems on MRSC table 'GameStateMrec'; MRSC does not support " \
           "transactions" in why, why                                                # the record's message
    assert "access_patterns[" not in why and "tables[" not in why and "global_table" not in why


def _numbers_shown(at) -> str:
    parts = [f"{m.label}={m.value}" for m in at.main.metric]
    parts += [df.value.to_string() for df in at.main.dataframe]
    parts += [chart.proto.spec for chart in at.main.get("plotly_chart")]  # the stale-read curves are numbers too
    return "\n".join(parts)


@pytest.mark.parametrize("sample", ["global_game_state", "team_users_gsi", "orders_by_customer"])
def test_every_assumption_input_shown_changes_a_number(open_app, sample: str) -> None:
    """Issue 10: an assumption control that changes nothing is not shown; each one shown changes a number."""
    at = open_app(sample)
    at.switch_page(CONSISTENCY).run()
    keys = [n.key for n in at.main.number_input if n.key and n.key.startswith("view.assume.")]
    assert keys
    for key in keys:
        at = open_app(sample)
        at.switch_page(CONSISTENCY).run()
        before = _numbers_shown(at)
        widget = at.number_input(key=key)
        new = widget.value * 2 if widget.value * 2 <= widget.proto.max else widget.value / 2
        if key.endswith("replication_processing_median_ms"):
            new = widget.value / 2  # above the p99 it would be refused (tested below)
        if key.endswith("gsi_visible_share"):
            new = 0.9
        widget.set_value(new)
        at.button(key="FormSubmitter:form.assumptions-Apply assumptions").click().run()
        assert not at.exception
        assert "wb_assumption_error" not in at.session_state, at.session_state["wb_assumption_error"]
        assert _numbers_shown(at) != before, key


def test_an_incoherent_assumption_is_refused_with_its_label(open_app) -> None:
    at = open_app("global_game_state")
    at.switch_page(CONSISTENCY).run()
    at.number_input(key="view.assume.replication_processing_median_ms").set_value(5000.0)
    at.button(key="FormSubmitter:form.assumptions-Apply assumptions").click().run()
    assert not at.exception
    errors = [str(e.value) for e in at.main.error]
    assert any("Not applied" in e and "Global-table replication processing, p99" in e for e in errors), errors
    assert at.main.metric  # the page still shows its numbers
