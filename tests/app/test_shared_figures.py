"""Charts are built once for every session (issue 11): ui.cache.figure gives each call a new Figure equal to the
one engine.charts builds, and a session changing its Figure changes no other session's."""

from __future__ import annotations

import importlib
import json

import numpy as np
import plotly.io

from engine import charts
from engine.io import load_sample
from ui import cache


def _json(fig) -> dict:
    return json.loads(plotly.io.to_json(fig, validate=False))


def test_a_shared_figure_shows_what_the_builder_builds_and_stays_private() -> None:
    evaluate = importlib.import_module("engine.evaluate")
    heat = importlib.import_module("engine.heat")
    model = load_sample("hot_enum_key")
    ev = evaluate.evaluate(model, evaluate.EvaluateOptions())
    result = heat.simulate_heat(model, heat.HeatOptions(horizon_seconds=600), np.random.default_rng(0), ev)
    cases = [(charts.cost_breakdown_figure, (ev,)), (charts.billing_figure, (ev.tables[0],)),
             (charts.throttling_figure, (result,)),
             (charts.heatmap_figure, (result.heatmaps[0], result.horizon_seconds)),
             (charts.compare_cost_figure, ([("A: x", ev), ("B: y", ev)],))]
    for builder, args in cases:
        first = cache.figure(builder, *args)
        assert _json(first) == _json(builder(*args)), builder.__name__
        first.update_layout(title="changed by one session")
        if first.data:
            first.data[0].update(name="changed too")
        again = cache.figure(builder, *args)
        assert again is not first
        assert _json(again) == _json(builder(*args)), f"{builder.__name__}: a change reached the shared spec"


def test_figures_of_different_results_are_not_confused() -> None:
    evaluate = importlib.import_module("engine.evaluate")
    a = evaluate.evaluate(load_sample("page_views"), evaluate.EvaluateOptions())
    b = evaluate.evaluate(load_sample("page_views_vertical_sharding"), evaluate.EvaluateOptions())
    assert _json(cache.figure(charts.cost_breakdown_figure, a)) == _json(charts.cost_breakdown_figure(a))
    assert _json(cache.figure(charts.cost_breakdown_figure, b)) == _json(charts.cost_breakdown_figure(b))
    assert _json(cache.figure(charts.compare_cost_figure, [("A", a), ("B", b)])) != \
        _json(cache.figure(charts.compare_cost_figure, [("A", b), ("B", a)]))
