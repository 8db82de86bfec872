"""DynamoDB Streams in the browser (issue 16): the Design page edits stream consumers of every kind, their writes and
TTL deletions through widgets (bad input shows the validator's message under its form); the Capacity & cost page
shows what the consumers cost as a metric that adds up with the others, a Streams section per table and consumer
(records, shards as an assumption, readers per shard, a verdict with its reasons, iterator age, cost by kind and
usage, derived writes as their access-pattern rows, an idempotent toggle with its extra cost) and the stream
findings next to them; the Partitions page draws each consumer's lag through its traffic scenario."""

from __future__ import annotations

import json
import re

import pytest
from app_harness import open_design, page_texts, shown
from streamlit.testing.v1 import AppTest

from engine.io import design_data, dump_model, load_sample
from engine.model import parse_model
from ui import format as fmt

SAMPLE = "orders_stream_totals"
CAPACITY = "views/capacity_page.py"
PARTITIONS = "views/partitions_page.py"
CONSISTENCY = "views/consistency_page.py"
CONSUMER = "customer totals"
PANEL = f"consumer.Orders.{CONSUMER}"
K = f"w.consumer.Orders.{CONSUMER}"
WRITE = f"w.cwrite.Orders.{CONSUMER}"
STREAM_KINDS = ("stream reads", "change data capture", "kinesis", "lambda", "pipes")


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    errors = [shown(e.value) for e in at.main.error]
    assert not errors, errors
    return at


def _design(at: AppTest) -> dict:
    return json.loads(at.session_state["wb_design_json"])


def _consumers(at: AppTest, table: str = "Orders") -> list[dict]:
    return next(t for t in _design(at)["tables"] if t["name"] == table).get("stream_consumers", [])


def _submit(at: AppTest, form: str, label: str) -> AppTest:
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    return "\n".join(page_texts(at))


def _metric(at: AppTest, label: str) -> str:
    return next(shown(m.value) for m in at.main.metric if m.label == label)


def _store(data: dict, design_id: str) -> str:
    from ui import store

    store.save(store.DesignRecord(design_id=design_id, design_json=dump_model(parse_model(data), "json")))
    return design_id


def _every_kind() -> dict:
    """The sample with a consumer of every kind on Orders: three readers of each shard (one too many: DDB-L105), a
    custom reader too slow for the average rate (DDB-L107), a provisioned Kinesis stream a consumer needs in order
    (DDB-R105)."""
    data = design_data(load_sample(SAMPLE))
    data.pop("format_version")
    data["tables"][0]["stream_consumers"] += [
        {"kind": "pipes", "name": "to search", "batch_size": 50, "avg_duration_ms": 200.0},
        {"kind": "other", "name": "nightly audit", "polls_per_second_per_shard": 0.01},
        {"kind": "kinesis", "name": "analytics", "capacity_mode": "provisioned", "shards": 2, "needs_order": True},
    ]
    return data


# ----------------------------------------------------------------------------- Capacity & cost


def test_capacity_page_shows_what_the_consumers_cost_and_the_metrics_add_up(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    at.switch_page(CAPACITY).run()
    _ok(at)
    from engine.evaluate import evaluate

    ev = evaluate(load_sample(SAMPLE))
    kinds = ev.cost_by_kind()
    assert _metric(at, "Stream consumers") == fmt.usd(sum(kinds[k] for k in STREAM_KINDS), per="")
    shown_usd = [float(re.sub(r"[^0-9.]", "", shown(m.value))) for m in at.main.metric
                 if m.label in ("Reads per month", "Writes + indexes", "Storage per month", "Stream consumers")]
    assert sum(shown_usd) == pytest.approx(ev.total_monthly_usd, abs=0.03)


def test_streams_section_explains_records_shards_verdict_and_cost(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    at.switch_page(CAPACITY).run()
    text = _text(_ok(at))
    assert "Streams" in [s.value for s in at.main.subheader]
    assert _metric(at, "Records (average)") == "100 records/s"
    assert _metric(at, "Records at the peak") == "350 records/s"
    assert _metric(at, "Shards (assumed)") == "4 shards"
    assert _metric(at, "Readers per shard") == "1 of 2"
    assert "Shards are an assumption" in text and "on-demand warm throughput" in text
    # the verdict and why: 87.5 records/s per shard at the peak against 62.5 (2 minutes of lag through the peak)
    warning = next(shown(w.value) for w in at.main.warning if "falls behind at the peak" in shown(w.value))
    assert "87.5 records/s at the peak" in warning and "62.5 records/s per shard" in warning
    assert "up to 2 minutes" in warning
    assert _metric(at, "Gets through per shard") == "62.5 records/s"
    assert _metric(at, "Concurrency") == "4 batches"
    assert _metric(at, "Lag through a 5-minute peak") == "2 minutes"
    assert "Cost: Lambda $45.90/month (10.5 M requests and 2.6 M GB-seconds of Lambda a month" in text
    # the derived write is the access-pattern row of the same name, with the same money
    writes = next(df.value for df in at.main.dataframe if "write (its access-pattern row)" in df.value.columns)
    patterns = next(df.value for df in at.main.dataframe if "access pattern" in df.value.columns)
    name = "Orders.customer totals: UpdateItem CustomerTotals"
    row = writes[writes["write (its access-pattern row)"] == name].iloc[0]
    assert row["$/month"] == patterns[patterns["access pattern"] == name].iloc[0]["$/month"]
    assert row["+$/month if made idempotent"] == pytest.approx(197.10)
    # the stream findings are with their consumer, once; R104 is not on the Consistency page
    markdowns = [shown(m.value) for m in at.main.markdown]
    assert sum("DDB-L106 · Stream consumer lags at the peak" in m for m in markdowns) == 1
    assert sum("DDB-R104 · Non-idempotent write" in m for m in markdowns) == 1
    assert any("2 more shown with their stream in the Streams section above: DDB-L106, DDB-R104" in shown(c.value)
               for c in at.main.caption)
    at.switch_page(CONSISTENCY).run()
    assert "DDB-R104" not in _text(_ok(at))


def test_the_idempotent_toggle_changes_the_design_and_clears_the_finding(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    at.switch_page(CAPACITY).run()
    toggle = at.toggle(key=f"w.idempotent.Orders.{CONSUMER}.0")
    assert "$197.10/month more" in shown(toggle.label) and "4 WCU per write instead of 1 WCU" in shown(toggle.label)
    toggle.set_value(True).run()
    _ok(at)
    assert _consumers(at)[0]["writes"][0]["idempotent"] is True
    assert "DDB-R104" not in _text(at)
    writes = next(df.value for df in at.main.dataframe if "write (its access-pattern row)" in df.value.columns)
    assert list(writes["idempotent"]) == ["yes"]


def test_every_kind_of_consumer_has_its_verdict_and_its_findings(open_app) -> None:
    at = _ok(open_app(design_id=_store(_every_kind(), "teverykind")))
    at.switch_page(CAPACITY).run()
    assert not at.exception, at.exception
    text = _text(at)
    for title in ("**Lambda `customer totals`**", "**EventBridge Pipes `to search`**",
                  "**Custom reader `nightly audit`**", "**Kinesis Data Streams `analytics`**"):
        assert any(m.startswith(title) for m in (shown(x.value) for x in at.main.markdown)), title
    assert _metric(at, "Readers per shard") == "3 of 2"
    assert "DDB-L105 · Too many readers of a stream shard" in text
    # the custom reader gets through 10 records/s per shard against 25 arriving: lost after 24 / (1 - 10/25) = 40 h
    lost = next(shown(e.value) for e in at.main.error if "nightly audit" in text and "records lost after" in
                shown(e.value))
    assert "records lost after 40 hours" in lost and "15 records/s per shard are trimmed unread" in lost
    assert "DDB-L107 · Stream records lost past the 24-hour retention" in text
    kinesis = next(shown(i.value) for i in at.main.info if "Fed by DynamoDB" in shown(i.value))
    assert "the design provisions 2 shards" in kinesis
    assert "DDB-R105 · Kinesis Data Streams for DynamoDB reorders and repeats changes" in text
    assert "Pipes request" in text and "change data capture unit" in text and "billed stream read" in text


# ----------------------------------------------------------------------------- Design page


def test_a_consumer_is_edited_renamed_and_converted_with_its_writes_kept(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    open_design(at, "Tables & indexes", PANEL)
    at.number_input(key=f"{K}.parallel").set_value(2)
    at.number_input(key=f"{K}.batch").set_value(40)
    _ok(_submit(at, f"form.{PANEL}", "Save consumer"))
    consumer = _consumers(at)[0]
    assert (consumer["parallelization_factor"], consumer["batch_size"], consumer["memory_mb"]) == (2, 40, 256)
    # another kind and name: Pipes has no memory; the panel stays open under the new name
    at.selectbox(key=f"{K}.kind").select("pipes").run()
    assert not [n for n in at.main.number_input if n.key == f"{K}.memory"]
    at.text_input(key=f"{K}.name").input("totals pipe")
    _ok(_submit(at, f"form.{PANEL}", "Save consumer"))
    consumer = _consumers(at)[0]
    assert (consumer["kind"], consumer["name"], consumer["batch_size"]) == ("pipes", "totals pipe", 40)
    assert "memory_mb" not in consumer and consumer["writes"][0]["table"] == "CustomerTotals"
    assert at.session_state["panel.consumer.Orders.totals pipe"] is True
    assert at.number_input(key="w.consumer.Orders.totals pipe.batch").value == 40


def test_consumers_of_every_kind_are_added_and_bad_input_shows_the_validator_message(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    new = "w.newconsumer.Orders"
    open_design(at, "Tables & indexes", "addconsumer.Orders")
    at.selectbox(key=f"{new}.kind").select("kinesis").run()
    at.text_input(key=f"{new}.name").input("analytics")
    at.selectbox(key=f"{new}.mode").select("provisioned")
    _submit(at, "form.newconsumer.Orders", "Add consumer")
    errors = [shown(e.value) for e in at.main.error]
    assert any("provisioned but gives no `shards`" in e and "add the shard count" in e for e in errors), errors
    assert len(_consumers(at)) == 1  # nothing saved, the form keeps what was typed
    assert at.text_input(key=f"{new}.name").value == "analytics"
    at.number_input(key=f"{new}.shards").set_value(3)
    _ok(_submit(at, "form.newconsumer.Orders", "Add consumer"))
    assert _consumers(at)[1] == {"kind": "kinesis", "name": "analytics", "capacity_mode": "provisioned", "shards": 3}
    at.selectbox(key=f"{new}.kind").select("other").run()
    at.text_input(key=f"{new}.name").input("audit")
    at.number_input(key=f"{new}.polls").set_value(2.0)
    _ok(_submit(at, "form.newconsumer.Orders", "Add consumer"))
    assert _consumers(at)[2]["polls_per_second_per_shard"] == 2.0
    # a duplicate name is refused with the fix
    at.selectbox(key=f"{new}.kind").select("pipes").run()
    at.text_input(key=f"{new}.name").input("audit")
    _submit(at, "form.newconsumer.Orders", "Add consumer")
    assert any("already exists; pick another name" in shown(e.value) for e in at.main.error)
    # delete one
    open_design(at, "Tables & indexes", "consumer.Orders.audit")
    at.button(key="delete.consumer.Orders.audit").click().run()
    assert not at.exception, at.exception
    assert [c["name"] for c in _consumers(at)] == [CONSUMER, "analytics"]


def test_writes_are_added_retargeted_and_deleted(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    open_design(at, "Tables & indexes", PANEL)
    # a write sized in bytes, on the stream's own table
    at.selectbox(key=f"{WRITE}.new.target").select(("Orders", None)).run()
    at.selectbox(key=f"{WRITE}.new.op").select("PutItem")
    at.number_input(key=f"{WRITE}.new.size.Orders").set_value(300.0)
    at.number_input(key=f"{WRITE}.new.per").set_value(0.5)
    _ok(_submit(at, f"form.cwrite.Orders.{CONSUMER}.new", "Add write"))
    assert _consumers(at)[0]["writes"][1] == {"table": "Orders", "operation": "PutItem", "item_size_bytes": 300.0,
                                              "per_record": 0.5}
    # the first write: only the entity's attributes are offered; mark it idempotent
    changed = at.multiselect(key=f"{WRITE}.0.changed.CustomerTotal")
    assert set(changed.options) == {"OrderCount", "TotalSpent", "UpdatedAt"}
    changed.set_value(["OrderCount", "TotalSpent", "UpdatedAt"])
    at.checkbox(key=f"{WRITE}.0.idempotent").check()
    _ok(_submit(at, f"form.cwrite.Orders.{CONSUMER}.0", "Save write"))
    first = _consumers(at)[0]["writes"][0]
    assert first["idempotent"] is True and first["changed_attributes"] == ["OrderCount", "TotalSpent", "UpdatedAt"]
    # retarget it to an Order: the form lists Order's attributes
    at.selectbox(key=f"{WRITE}.0.target").select(("Orders", "Order")).run()
    assert "Status" in at.multiselect(key=f"{WRITE}.0.changed.Order").options
    at.button(key=f"delete.cwrite.Orders.{CONSUMER}.1").click().run()
    _ok(at)
    assert len(_consumers(at)[0]["writes"]) == 1


def test_ttl_deletions_need_a_ttl_attribute_and_then_make_records(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    open_design(at, "Tables & indexes")
    at.number_input(key="w.table.Orders.ttlrate").set_value(20.0)
    _submit(at, "form.table.Orders", "Save table settings")
    assert any("ttl_deletions_per_second 20: table 'Orders' has no ttl_attribute" in shown(e.value)
               for e in at.main.error)
    at.text_input(key="w.table.Orders.ttl").input("ExpiresAt")
    _ok(_submit(at, "form.table.Orders", "Save table settings"))
    assert _design(at)["tables"][0]["ttl_deletions_per_second"] == 20.0
    at.switch_page(CAPACITY).run()
    assert _metric(_ok(at), "Records (average)") == "120 records/s"
    assert "20 records/s from TTL deletions" in _text(at)


def test_deleting_the_table_a_consumer_writes_to_names_the_consumer(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    open_design(at, "Tables & indexes")
    at.button(key="delete.table.CustomerTotals").click().run()
    warning = next(shown(w.value) for w in at.main.warning if "CustomerTotals" in shown(w.value))
    assert "Stream consumers Orders.customer totals write to it" in warning
    at.button(key="delete.table.all.CustomerTotals").click().run()
    _ok(at)
    assert _consumers(at)[0].get("writes", []) == []


def test_a_table_without_a_stream_has_no_consumer_panels(open_app) -> None:
    at = _ok(open_app("page_views"))
    open_design(at, "Tables & indexes")
    assert not [e for e in at.main.expander if "stream consumer" in e.label.lower()]


# ----------------------------------------------------------------------------- Partitions & hot keys


def test_partitions_page_draws_each_consumers_lag_through_the_scenario(open_app) -> None:
    at = _ok(open_app(SAMPLE))
    at.switch_page(PARTITIONS).run()
    _ok(at)
    assert "Stream consumers' lag" in [s.value for s in at.main.subheader]
    chart = next(c for c in at.main.get("plotly_chart") if "consumer lag" in c.proto.spec)
    spec = json.loads(chart.proto.spec)
    titles = {spec["layout"][axis]["title"]["text"] for axis in ("xaxis2", "yaxis", "yaxis2")}
    assert titles == {"time (minutes)", "records/s per shard", "iterator age (s)"}
    # 3x the average for 10 minutes: 75 records/s per shard against 62.5: the lag peaks at 600 x (75/62.5 - 1) s
    caption = next(shown(c.value) for c in at.main.caption if "iterator age" in shown(c.value))
    assert "a spike to 3x the average rate at minute 5 for 10 minutes" in caption
    assert "Largest here: 2 minutes (customer totals)" in caption
    at.number_input(key="view.heat.multiplier").set_value(2.0).run()
    caption = next(shown(c.value) for c in _ok(at).main.caption if "iterator age" in shown(c.value))
    assert "Largest here: 1 s" in caption  # 50 records/s per shard: it keeps up


def test_pages_without_streams_show_no_stream_sections(open_app) -> None:
    at = _ok(open_app("page_views"))
    at.switch_page(CAPACITY).run()
    _ok(at)
    assert "Streams" not in [s.value for s in at.main.subheader]
    assert not [m for m in at.main.metric if m.label == "Stream consumers"]
