"""Whatever validation accepts, every engine pass handles (issue 14): designs mutated from the samples (extremes,
wrong types, dropped keys, huge numbers, lists multiplied) are either rejected with a message or go through parse,
evaluate, partitions, heat, consistency and patterns without an internal error. A bounded run here;
benchmarks/fuzz_designs.py runs 10,000 with time and memory limits."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from design_fuzz import mutate, run_passes  # noqa: E402

from engine.io import iter_samples, to_data  # noqa: E402

SAMPLES = [to_data(model) for _, model in iter_samples()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), sample=st.integers(min_value=0, max_value=len(SAMPLES) - 1))
def test_a_mutated_design_is_rejected_or_handled_by_every_pass(seed, sample) -> None:
    outcome = run_passes(mutate(SAMPLES[sample], random.Random(seed)), patterns_items=10)
    assert outcome.status in ("rejected", "ok", "refused"), f"{outcome.stage}: {outcome.error}"


def test_a_number_of_more_than_4300_digits_is_a_validation_problem_not_an_internal_error() -> None:
    from engine.errors import DesignValidationError
    from engine.model import parse_model

    data = dict(SAMPLES[0])
    data["access_patterns"] = [{**data["access_patterns"][0], "requests_per_second": 10**4400}]
    with pytest.raises(DesignValidationError, match="4,300 digits"):
        parse_model(data)


def test_a_lone_surrogate_anywhere_in_the_design_is_a_validation_problem_with_its_path() -> None:
    """JSON can escape half of a UTF-16 pair ('\\ud800'); such text is not Unicode and broke item sizes and key
    hashing after validation (found by the fuzz). It is refused with the path of every such text."""
    from engine.errors import DesignValidationError
    from engine.model import parse_model

    data = dict(SAMPLES[0])
    data["description"] = "ok"
    data["entities"] = [{**data["entities"][0], "name": "Bad\ud800"}, *data["entities"][1:]]
    with pytest.raises(DesignValidationError, match=r"entities\[0\]\.name: text holds a lone surrogate"):
        parse_model(data)


def test_sort_keys_of_huge_cardinality_products_generate_samples() -> None:
    """Two sort-key variables of 10^15 values each: their product (10^30) overflowed the int64 arrays sample
    generation compares it with (found by the fuzz); a partition's capacity is capped at the sample size."""
    from engine.model import parse_model
    from engine.samples import generate_items

    data = {"name": "wide", "tables": [{"name": "Events", "partition_key": {"name": "PK"},
                                        "sort_key": {"name": "SK"}}],
            "entities": [{"name": "Event", "table": "Events", "item_count": 1000,
                          "keys": [{"attribute": "PK", "template": "DEV#{device}"},
                                   {"attribute": "SK", "template": "{a}#{b}"}],
                          "variables": [{"name": "device", "cardinality": 10},
                                        {"name": "a", "cardinality": 10**15}, {"name": "b", "cardinality": 10**15}]}]}
    items = generate_items(parse_model(data), seed=0, max_items_per_entity=50)["Events"]
    assert len(items) == 50 and len({(i["PK"]["S"], i["SK"]["S"]) for i in items}) == 50
