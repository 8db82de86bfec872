"""Every sample's "try this" can be done with the forms (issue 10): for each sample design, the lesson's change is
made through widgets only, and the page the lesson names shows the promised change (direction and rough size).
The lessons are in sample_models/<name>.yaml; the rules behind each effect are cited inline."""

from __future__ import annotations

import json
import re

import pytest
from app_harness import open_design
from streamlit.testing.v1 import AppTest

from engine.io import sample_names

CAPACITY = "views/capacity_page.py"
PARTITIONS = "views/partitions_page.py"
CONSISTENCY = "views/consistency_page.py"
COMPARE = "views/compare_page.py"


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text.split(" per ")[0].split("/")[0]))


def _metric(at: AppTest, label: str) -> float:
    return _number(next(m.value for m in at.main.metric if m.label == label))


def _pattern_row(at: AppTest, name: str) -> dict:
    table = next(df.value for df in at.main.dataframe if "$/month" in df.value.columns)
    return table[table["access pattern"] == name].iloc[0].to_dict()


def _screen_row(at: AppTest, name: str) -> dict:
    table = next(df.value for df in at.main.dataframe if "$ per million views" in df.value.columns)
    return table[table["screen"] == name].iloc[0].to_dict()


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    errors = [e.value for e in at.main.error]
    assert not errors, errors
    return at


def _save_pattern(at: AppTest, name: str) -> None:
    at.button(key=f"FormSubmitter:form.pattern.{name}-Save access pattern").click().run()
    _ok(at)


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def crm_complex_filtering(at: AppTest) -> None:
    """Changing AccountManager too moves the by-manager entry: old and new entries (DOMAIN.md §2, DG/GSI.html)."""
    name = "update last contact (five ALL GSIs)"
    before = _pattern_row(_page(at, CAPACITY), name)["WCU/req"]
    open_design(at, "Access patterns", f"pattern.{name}")
    changed = at.multiselect(key=f"w.pattern.{name}.changed")
    changed.set_value([*changed.value, "AccountManager"])
    _save_pattern(at, name)
    after = _pattern_row(_page(at, CAPACITY), name)["WCU/req"]
    assert after > before


def _busiest_partition(at: AppTest, target: str) -> float:
    table = next(df.value for df in at.main.dataframe if "headroom (%)" in df.value.columns)
    return 100 - table[table["table or index"] == target].iloc[0]["headroom (%)"]


def github_single_table(at: AppTest) -> None:
    """A steeper Zipf exponent concentrates traffic on the top repository: the single table's busiest partition
    goes from about 58 % to about 84 % of its limit at peak (DOMAIN.md §4)."""
    before = _busiest_partition(_page(at, PARTITIONS), "GitHub")
    open_design(at, "Entities", "entity.Repo")
    at.number_input(key="w.entity.Repo.zipf").set_value(1.5)
    at.button(key="FormSubmitter:form.entity.Repo-Save entity").click().run()
    _ok(at)
    after = _busiest_partition(_page(at, PARTITIONS), "GitHub")
    assert after > before + 15


def global_game_state(at: AppTest) -> None:
    """Lost updates grow with the product of two regions' write rates, and vanish when they write in one region."""
    label = "Writes lost to last-writer-wins"
    before = _metric(_page(at, CONSISTENCY), label)
    _page(at, CAPACITY)
    rate = at.number_input(key="w.rate.guild deposit (eu-west-1)")
    rate.set_value(rate.value * 4).run()
    _ok(at)
    raised = _metric(_page(at, CONSISTENCY), label)
    assert raised > 2 * before
    open_design(at, "Access patterns", "pattern.guild deposit (eu-west-1)")
    at.selectbox(key="w.pattern.guild deposit (eu-west-1).region").select("us-east-1")
    _save_pattern(at, "guild deposit (eu-west-1)")
    moved = _metric(_page(at, CONSISTENCY), label)
    assert moved < raised


def _throttled(at: AppTest) -> float:
    return _metric(_page(at, PARTITIONS), "Throttled")


def hot_enum_key(at: AppTest) -> None:
    """Write sharding spreads the PENDING key over 20 shards: throttling drops to nothing (DOMAIN.md §4, §6.6)."""
    before = _throttled(at)
    assert before > 10
    _page(at, "views/start_page.py")
    at.button(key="open-sample-hot_enum_key_sharded").click().run()
    _ok(at)
    assert _throttled(at) < before / 10


def hot_enum_key_sharded(at: AppTest) -> None:
    """Two shards give each 1,000 WCU/s on average, 1,500 at peak: over one partition's limit again."""
    before = _throttled(at)
    open_design(at, "Access patterns", "pattern.place order")
    at.text_input(key="w.pattern.place order.hot").input("PENDING#0=0.5, PENDING#1=0.5")
    _save_pattern(at, "place order")
    open_design(at, "Entities", "entity.Order")
    at.selectbox(key="w.variable.Order.name").select("shard")
    at.number_input(key="w.variable.Order.cardinality").set_value(2)
    at.button(key="FormSubmitter:form.variable.Order-Save variable").click().run()
    _ok(at)
    assert json.loads(at.session_state["wb_design_json"])["entities"][0]["variables"][3]["cardinality"] == 2
    assert _throttled(at) > before + 1


def orders_by_customer(at: AppTest) -> None:
    """An eventually consistent read costs half the units of a strong one (DOMAIN.md §2)."""
    name = "order history (Query)"
    before = _pattern_row(_page(at, CAPACITY), name)["RCU/req"]
    open_design(at, "Access patterns", f"pattern.{name}")
    at.selectbox(key=f"w.pattern.{name}.consistency").select("eventual")
    _save_pattern(at, name)
    after = _pattern_row(_page(at, CAPACITY), name)["RCU/req"]
    assert after == pytest.approx(before / 2, rel=0.05)


def orders_simple_key(at: AppTest) -> None:
    """A Scan reads the whole table: 20x its rate is about 20x its cost (DOMAIN.md §2)."""
    name = "orders of a customer (scan)"
    before = _pattern_row(_page(at, CAPACITY), name)["$/month"]
    at.number_input(key=f"w.rate.{name}").set_value(1.0).run()
    _ok(at)
    after = _pattern_row(at, name)["$/month"]
    assert after == pytest.approx(20 * before, rel=0.01)


def _texts(at: AppTest) -> str:
    from app_harness import page_texts

    return "\n".join(page_texts(at))


def orders_stream_totals(at: AppTest) -> None:
    """A stream consumer's writes follow the table's writes (issue 16, engine.streams): 40 + 60 = 100 records/s
    become 120 + 60 = 180 when "place order" triples, and the Lambda's counter update, 40% of the records, goes from
    40 to 72 writes/s with its cost. Marking the counter update idempotent (after the finding priced the marker
    transaction) clears DDB-R104; a parallelization factor of 2 gets each shard through 2 x 25 / 1 s / 0.4 = 125
    records/s, above the peak's 87.5, so the 2 minutes of lag through the peak are gone (DDB-L106)."""
    derived = "Orders.customer totals: UpdateItem CustomerTotals"
    before = _pattern_row(_page(at, CAPACITY), derived)
    assert before["req/s"] == pytest.approx(40)
    at.number_input(key="w.rate.place order").set_value(120.0).run()
    _ok(at)
    after = _pattern_row(at, derived)
    assert after["req/s"] == pytest.approx(72)
    assert after["$/month"] == pytest.approx(before["$/month"] * 72 / 40, rel=1e-6)
    assert next(m.value for m in at.main.metric if m.label == "Records (average)") == "180 records/s"
    # the finding shows what the idempotency marker adds: 3 more write units per record at 72 writes/s
    writes = next(df.value for df in at.main.dataframe if "write (its access-pattern row)" in df.value.columns)
    extra = writes.iloc[0]["+$/month if made idempotent"]
    assert extra == pytest.approx(197.10 * 72 / 40)
    text = _texts(at)
    assert f"${extra:,.2f}/month more on 'CustomerTotals'" in text and "DDB-L106" in text
    # make the counter update idempotent (Design page, the consumer's write)
    open_design(at, "Tables & indexes", "consumer.Orders.customer totals")
    at.checkbox(key="w.cwrite.Orders.customer totals.0.idempotent").check()
    at.button(key="FormSubmitter:form.cwrite.Orders.customer totals.0-Save write").click().run()
    _ok(at)
    text = _texts(_page(at, CAPACITY))
    assert "DDB-R104" not in text and "DDB-L106" in text
    # give the Lambda a parallelization factor of 2
    open_design(at, "Tables & indexes", "consumer.Orders.customer totals")
    at.number_input(key="w.consumer.Orders.customer totals.parallel").set_value(2)
    at.button(key="FormSubmitter:form.consumer.Orders.customer totals-Save consumer").click().run()
    _ok(at)
    _page(at, CAPACITY)
    assert "DDB-L106" not in _texts(at)
    assert any("Keeps up, even at the peak" in str(s.value) for s in at.main.success)
    assert next(m.value for m in at.main.metric if m.label == "Gets through per shard") == "125 records/s"
    assert next(m.value for m in at.main.metric if m.label == "Lag through a 5-minute peak") == "1 s"


def page_views(at: AppTest) -> None:
    """2023 prices were twice today's on-demand prices (DOMAIN.md §3): a million views cost twice as much."""
    at = _page(at, CAPACITY)
    screen = at.main.dataframe  # noqa: F841 - the screens table must be there
    name = "article page"
    before = _screen_row(at, name)["$ per million views"]
    at.radio(key="w.catalog").set_value("aws-2023").run()
    _ok(at)
    after = _screen_row(at, name)["$ per million views"]
    assert after == pytest.approx(2 * before, rel=0.01)


def page_views_vertical_sharding(at: AppTest) -> None:
    """Compared with page_views, the counter off the big item makes each million requests far cheaper (1 write
    unit per view instead of 10, DOMAIN.md §2); the Compare page opens with page_views as design B."""
    at = _page(at, COMPARE)
    assert at.selectbox(key="view.compare.b").value == "sample:page_views"
    texts = [str(m.value) for m in at.main.markdown]
    row = texts.index("**Cost per million requests**")
    a_cost, b_cost = _number(texts[row + 1].split("**")[-2]), _number(texts[row + 2])
    assert texts[row + 1].startswith(":green[") and a_cost < b_cost / 4


def team_users_gsi(at: AppTest) -> None:
    """With ALL, the index copies Profile: editing a profile now writes the index too (DOMAIN.md §2, DG/GSI.html)."""
    name = "edit user profile"
    assert _pattern_row(_page(at, CAPACITY), name)["index WCU"] == 0
    open_design(at, "Tables & indexes", "index.TeamUsers.TeamRoleIndex")
    at.selectbox(key="w.index.TeamUsers.TeamRoleIndex.projection").select("ALL")
    at.button(key="FormSubmitter:form.index.TeamUsers.TeamRoleIndex-Save index").click().run()
    _ok(at)
    assert _pattern_row(_page(at, CAPACITY), name)["index WCU"] > 0


def team_users_overread(at: AppTest) -> None:
    """Reading 40 users instead of 9 reads about 4x the bytes (DOMAIN.md §2: a Query pays for what it reads)."""
    name = "team admins (read whole team)"
    before = _pattern_row(_page(at, CAPACITY), name)["RCU/req"]
    open_design(at, "Access patterns", f"pattern.{name}")
    at.number_input(key=f"w.pattern.{name}.items").set_value(40.0)
    _save_pattern(at, name)
    after = _pattern_row(_page(at, CAPACITY), name)["RCU/req"]
    assert after > 3 * before


LESSONS = {f.__name__: f for f in (crm_complex_filtering, github_single_table, global_game_state, hot_enum_key,
                                   hot_enum_key_sharded, orders_by_customer, orders_simple_key, orders_stream_totals,
                                   page_views, page_views_vertical_sharding, team_users_gsi, team_users_overread)}


def test_every_sample_has_a_lesson_test() -> None:
    assert set(LESSONS) == set(sample_names())


@pytest.mark.parametrize("sample", sorted(LESSONS))
def test_lesson_try_this(sample: str, open_app) -> None:
    at = open_app(sample)
    LESSONS[sample](at)
