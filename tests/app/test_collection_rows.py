"""Item collection rows: one column per attribute, blank where an entity lacks it (never 'None')."""

from __future__ import annotations

from engine.io import load_sample
from engine.samples import generate_samples
from ui.collections import collection_rows


def test_heterogeneous_collections_show_missing_attributes_blank():
    # github_single_table keeps Repo, Issue and Star items in one table with different attributes
    model = load_sample("github_single_table")
    rows = collection_rows(model, generate_samples(model, seed=0), "GitHub")
    assert {r["entity"] for r in rows} >= {"Star"}
    columns = set(rows[0])
    assert all(set(r) == columns for r in rows)
    stars = [r for r in rows if r["entity"] == "Star"]
    assert stars and all(r["Title"] == "" for r in stars)
    assert all(v is not None for r in rows for v in r.values())
