"""Every test input imports as a valid design that evaluates and generates sample items."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.evaluate import evaluate
from engine.interop import detect_format, import_file, parse_input
from engine.io import dump_model, loads_model
from engine.samples import generate_items

DATA = Path(__file__).parent / "data"
EXPECTED = {"nwb": "nosql-workbench", "describe": "describe-table", "cfn": "cloudformation",
            "sam": "cloudformation", "serverless": "cloudformation"}


@pytest.mark.parametrize("path", sorted(DATA.iterdir()), ids=lambda p: p.name)
def test_file_imports_validates_and_evaluates(path):
    expected = EXPECTED[path.stem.split("_")[0]]
    assert detect_format(parse_input(path.read_text(), path.name)) == expected
    result = import_file(path)
    assert result.format == expected
    assert loads_model(dump_model(result.model)) == result.model
    evaluation = evaluate(result.model)
    assert evaluation.total_monthly_usd >= 0
    items = generate_items(result.model, seed=0, max_items_per_entity=10)
    assert set(items) == {t.name for t in result.model.tables}
    assert any(n.what == "no access patterns imported" or "no entities and no access patterns" in n.what
               for n in result.notes)
