"""Every page with money names the price list it comes from: catalog, region and date (issue 12, "Regions and
assumptions in every output"); a design homed in another region is told that the prices are not its region's."""

from __future__ import annotations

from app_harness import shown
from streamlit.testing.v1 import AppTest

from engine.io import dump_model, load_sample
from engine.model import parse_model
from ui import store

CAPACITY = "views/capacity_page.py"
COMPARE = "views/compare_page.py"


def _captions(at: AppTest) -> list[str]:
    return [shown(c.value) for c in at.main.caption]


def test_the_capacity_page_names_catalog_region_and_date(open_app) -> None:
    at = open_app("page_views").switch_page(CAPACITY).run()
    line = next(c for c in _captions(at) if c.startswith("All $ figures"))
    assert "catalog aws-2024-11" in line and "region us-east-1" in line and "dated 2024-11-01" in line
    assert "home region is us-east-1" in line


def test_a_design_in_another_region_is_told_the_prices_are_not_its_own(open_app) -> None:
    from engine.io import design_data

    data = design_data(load_sample("page_views"))
    data.pop("format_version", None)
    data["region"] = "eu-west-1"
    store.save(store.DesignRecord("euwest0001", dump_model(parse_model(data), "json")))
    at = open_app(design_id="euwest0001").switch_page(CAPACITY).run()
    line = next(c for c in _captions(at) if c.startswith("All $ figures"))
    assert "home region is eu-west-1: these are us-east-1 prices" in line and "DDB-C109" in line


def test_the_compare_page_names_the_price_list(open_app) -> None:
    at = open_app("hot_enum_key").switch_page(COMPARE).run()
    assert any(c.startswith("$ figures of A and B:") and "region us-east-1" in c for c in _captions(at)), \
        _captions(at)
