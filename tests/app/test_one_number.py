"""One number everywhere (issue 14): every money figure the Capacity & cost page shows is the figure
`ddb-workbench cost --json` prints for the same design, written the same way, for every sample design and its
provisioned, reserved, Standard-IA and global-table variants (the page once read a third computation that
disagreed on provisioned tables: 67.79 vs 100.78 $/month on page_views)."""

from __future__ import annotations

import json
import re

import pytest
from app_harness import APP, TIMEOUT_S
from streamlit.testing.v1 import AppTest

from engine.cli import main as cli_main
from engine.io import design_data, dump_model, load_sample, sample_names
from engine.model import parse_model
from ui import format as fmt

CAPACITY = "views/capacity_page.py"
STREAM_KINDS = ("stream reads", "change data capture", "kinesis", "lambda", "pipes")


def _variant(sample: str, variant: str):
    data = design_data(load_sample(sample))
    data.pop("format_version")
    for table in data["tables"]:
        if variant == "provisioned":
            table["billing"] = {"mode": "provisioned", "read_capacity_units": 500.0, "write_capacity_units": 200.0}
            for gsi in table.get("gsis", []):
                gsi["provisioned"] = {"read_capacity_units": 100.0, "write_capacity_units": 100.0}
        elif variant == "reserved":
            table["billing"] = {"mode": "provisioned", "read_capacity_units": 100.0, "write_capacity_units": 100.0,
                                "auto_scaling": {"target_utilization": 0.7},
                                "reserved_read_capacity_units": 100, "reserved_write_capacity_units": 100}
            for gsi in table.get("gsis", []):
                gsi["provisioned"] = {"read_capacity_units": 10.0, "write_capacity_units": 10.0,
                                      "auto_scaling": {"target_utilization": 0.5}}
        elif variant == "standard_ia":
            table["table_class"] = "STANDARD_INFREQUENT_ACCESS"
        elif variant == "global" and table.get("global_table") is None:
            table.pop("ttl_attribute", None)
            table["global_table"] = {"regions": ["us-east-1", "eu-west-1"], "mode": "MREC"}
    return parse_model(data)


def _cost_json(model, tmp_path, capsys) -> dict:
    path = tmp_path / "design.json"
    path.write_text(dump_model(model, "json"), encoding="utf-8")
    capsys.readouterr()
    assert cli_main(["cost", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _capacity_page(model) -> AppTest:
    from ui import store

    store.save(store.DesignRecord(design_id="onenumber", design_json=dump_model(model, "json")))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["design"] = "onenumber"
    at.run()
    at.switch_page(CAPACITY).run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.main.metric]


@pytest.mark.parametrize("variant", ["as designed", "provisioned", "reserved", "standard_ia", "global"])
@pytest.mark.parametrize("sample", sample_names())
def test_page_money_is_the_cli_money(sample: str, variant: str, tmp_path, capsys) -> None:
    model = load_sample(sample) if variant == "as designed" else _variant(sample, variant)
    payload = _cost_json(model, tmp_path, capsys)
    at = _capacity_page(model)
    metrics = _metrics(at)
    usd = lambda v: fmt.usd(v, per="")  # noqa: E731
    kinds = payload["cost_by_kind_monthly_usd"]
    expected = {"Total cost per month": usd(payload["total_monthly_usd"]),
                "Reads per month": usd(kinds["reads"]),
                "Writes + indexes": usd(kinds["writes"] + kinds["index writes"]),
                "Storage per month": usd(kinds["storage"])}
    if kinds["replication"] > 0:
        expected["Replicated writes"] = usd(kinds["replication"])
    if kinds["idle capacity"] > 0:
        expected["Idle capacity"] = usd(kinds["idle capacity"])
    if any(s["consumers"] for s in payload["streams"]):
        expected["Stream consumers"] = usd(sum(kinds[k] for k in STREAM_KINDS))
    assert {k: v for k, v in metrics if k in expected} == expected
    assert sum(kinds.values()) == pytest.approx(payload["total_monthly_usd"], rel=1e-9, abs=1e-9)

    # per access pattern: numeric cells holding exactly the CLI's figures
    if payload["access_patterns"]:
        table = next(df.value for df in at.main.dataframe if "$/month" in df.value.columns)
        by_name = {row["access pattern"]: row for row in table.to_dict("records")}
        for p in payload["access_patterns"]:
            row = by_name[p["name"]]
            assert isinstance(row["$/month"], float)
            assert row["$/month"] == pytest.approx(p["monthly_usd"], rel=1e-12, abs=1e-12), p["name"]
            if "replication $/month" in row:
                assert row["replication $/month"] == pytest.approx(p["replication_monthly_usd"], rel=1e-12, abs=1e-12)
            assert row["$ per +1 req/s"] == pytest.approx(p["monthly_usd_per_request_per_second"], rel=1e-12)

    # per table: the header's total, the billing options and the table classes, in table order
    texts = [str(md.value) for md in at.main.markdown]
    for t in payload["tables"]:
        header = next(x for x in texts if x.startswith(f"**`{t['name']}`**"))
        assert header.endswith(fmt.usd(t["monthly_usd"])), header
        classes = t["table_class_options_monthly_usd"]
        assert any(x.startswith(f"**Table class:** Standard {fmt.usd(classes['STANDARD'])}, Standard-IA "
                                f"{fmt.usd(classes['STANDARD_INFREQUENT_ACCESS'])};") for x in texts)
    options = payload["tables"]
    on_demand = [v for k, v in metrics if k == "On-demand"]
    assert on_demand == [fmt.usd(t["billing_options_monthly_usd"]["on_demand"]) for t in options]
    provisioned = [v for k, v in metrics if k.startswith("Provisioned at ")]
    assert provisioned == [fmt.usd(t["billing_options_monthly_usd"]["provisioned"]) for t in options]
    reserved = [v for k, v in metrics if k == "Reserved (1 year)"]
    assert reserved == [fmt.usd(t["billing_options_monthly_usd"]["reserved"]) for t in options
                        if t["billing_options_monthly_usd"]["reserved"] is not None]

    # per stream and consumer (the Streams section): what its consumers cost, and each write's idempotent alternative
    for stream in payload["streams"]:
        header = next(x for x in texts if x.startswith(f"**Stream of table `{stream['table']}`**"))
        assert header.endswith(f"consumers cost {fmt.usd(stream['monthly_usd'])}"), header
        for c in stream["consumers"]:
            line = next(x for x in texts if x.startswith("**") and f"`{c['name']}`**" in x)
            assert line.endswith(fmt.usd(c["monthly_usd"])), line
            extras = [w["idempotent_alternative_extra_monthly_usd"] for w in c["writes"]]
            if c["writes"]:
                table = next(df.value for df in at.main.dataframe
                             if "write (its access-pattern row)" in df.value.columns
                             and set(df.value["write (its access-pattern row)"]) == {w["pattern"] for w in c["writes"]})
                for value, extra in zip(table["+$/month if made idempotent"], extras, strict=True):
                    assert (value != value and extra is None) or value == pytest.approx(extra, rel=1e-12)

    # the cost chart's bar totals are the pattern, idle, storage and stream consumer figures (nothing computed a
    # second time)
    chart = next(c for c in at.main.get("plotly_chart"))
    spec = json.loads(chart.proto.spec)
    totals = sorted(float(re.sub(r"[^0-9.]", "", s)) for s in spec["data"][-1]["text"])
    rows = [p["monthly_usd"] + p["replication_monthly_usd"] for p in payload["access_patterns"]]
    rows += [t["storage_monthly_usd"] for t in payload["tables"]]
    rows += [t["idle_capacity_monthly_usd"] for t in payload["tables"] if t["idle_capacity_monthly_usd"] > 0]
    rows += [c["monthly_usd"] for s in payload["streams"] for c in s["consumers"] if c["monthly_usd"] > 0]
    assert totals == pytest.approx(sorted(round(r, 2) for r in rows), abs=0.006)


def test_provisioned_page_views_agrees_with_the_cli(tmp_path, capsys) -> None:
    """The case the issue measured: a provisioned page_views priced twice (67.79 vs 100.78 $/month)."""
    model = _variant("page_views", "provisioned")
    payload = _cost_json(model, tmp_path, capsys)
    patterns = payload["access_patterns"]
    table = payload["tables"][0]
    # the patterns share the table's request bill: they add up to it, whatever their demand at 70 %
    assert sum(p["monthly_usd"] for p in patterns) == pytest.approx(table["throughput_monthly_usd"])
    assert any(p["demand_monthly_usd"] != pytest.approx(p["monthly_usd"]) for p in patterns)
