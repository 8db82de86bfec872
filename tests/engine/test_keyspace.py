"""Key spaces: deterministic key values by rank and popularity shares (zipf, hot keys, uniform)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.io import load_sample
from engine.keyspace import key_count, key_label, key_labels, popularity, variable_value
from engine.model import Entity, HotKey, HotKeys, KeyTemplate, Uniform, Variable, Zipf


def entity(*variables: Variable, template: str = "K#{a}#{b}") -> Entity:
    return Entity(name="E", table="t", item_count=1, keys=(KeyTemplate(attribute="pk", template=template),),
                  variables=variables)


def test_labels_are_distinct_and_enumerate_the_product_of_cardinalities():
    e = entity(Variable(name="a", cardinality=3, kind="enum", values=("X", "Y", "Z")), Variable(name="b", cardinality=4))
    labels = key_labels(e, "K#{a}#{b}")
    assert key_count(e, "K#{a}#{b}") == 12 == len(set(labels))
    assert labels[0] == "K#X#b-000000" and labels[-1] == "K#Z#b-000003"


def test_zero_padded_ids_sort_like_their_rank():
    v = Variable(name="issue", cardinality=1500)
    values = [variable_value(v, i) for i in range(1500)]
    assert values == sorted(values)


def test_timestamps_grow_monotonically():
    v = Variable(name="t", cardinality=10, kind="timestamp")
    values = [variable_value(v, i) for i in range(10)]
    assert values == sorted(values) and values[0] == "2026-01-01T00:00:00Z"


def test_zipf_shares_follow_rank_power_law():
    shares = popularity(Zipf(exponent=1.0), 4)
    assert shares == pytest.approx(np.array([1, 1 / 2, 1 / 3, 1 / 4]) / (1 + 1 / 2 + 1 / 3 + 1 / 4))


def test_hot_keys_get_their_share_and_the_rest_is_uniform():
    shares = popularity(HotKeys(keys=(HotKey(key="B", share=0.5),)), 3, labels=["A", "B", "C"])
    assert shares.tolist() == pytest.approx([0.25, 0.5, 0.25])


def test_hot_enum_sample_puts_all_new_orders_on_pending():
    model = load_sample("hot_enum_key")
    order = model.entity("Order")
    pattern = model.access_pattern("place order")
    labels = key_labels(order, "{status}")
    shares = popularity(pattern.key_distribution, len(labels), labels)
    assert labels[int(np.argmax(shares))] == "PENDING" and shares.max() == pytest.approx(1.0)


@given(st.integers(1, 5000), st.sampled_from([Uniform(), Zipf(exponent=0.5), Zipf(exponent=1.5),
                                               HotKeys(keys=(HotKey(key="k", share=0.3),))]))
def test_shares_are_a_distribution(n, dist):
    shares = popularity(dist, n)
    assert shares.shape == (n,) and (shares >= 0).all() and shares.sum() == pytest.approx(1.0)


@given(st.integers(0, 10_000))
def test_label_of_rank_is_stable(rank):
    e = entity(Variable(name="a", cardinality=100), Variable(name="b", cardinality=100))
    assert key_label(e, "K#{a}#{b}", rank) == key_label(e, "K#{a}#{b}", rank)
    assert key_label(e, "K#{a}#{b}", rank) == f"K#a-{rank // 100:06d}#b-{rank % 100:06d}"


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["id", "number", "timestamp", "enum", "values", "undeclared"]),
       cardinality=st.integers(min_value=1, max_value=10**15), rank_share=st.floats(min_value=0, max_value=1))
def test_variable_value_bytes_equals_the_rendered_values_size(kind: str, cardinality: int, rank_share: float) -> None:
    """The item-size grid sizes key values without rendering them: it must agree with variable_value."""
    from engine.keyspace import variable_value_bytes

    if kind == "undeclared":
        variable = None
    elif kind == "values":
        variable = Variable(name="status", cardinality=3, kind="enum", values=("NEW", "PAÏD", "x"))
    else:
        variable = Variable(name="user_id", cardinality=cardinality, kind=kind)
    ranks = [0, min(cardinality - 1, int(rank_share * cardinality)), cardinality - 1]
    assert variable_value_bytes(variable, ranks, "user_id") == [
        len(variable_value(variable, r, "user_id").encode("utf-8")) for r in ranks]
