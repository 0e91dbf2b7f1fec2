"""The demo return's indicators that DfE's newer measures are mapped to, and their published comparators."""
import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import indicators
from data_loaders.child_level import CHILD_LEVEL_CATALOGUE
from data_loaders import load_return
from data_loaders.ees import load_comparators_map

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo_return.xlsx"


@pytest.fixture(scope="module")
def demo():
    return load_return(DEMO, today=dt.date(2026, 11, 29))


def test_every_mapped_indicator_is_in_the_demo_or_comes_from_annex_a(demo):
    mapped = set(load_comparators_map(REPO / "data" / "comparators_map.csv")["indicator_id"])
    annex_a = {indicator_id for indicator_id in mapped if indicator_id.startswith("AA")}
    assert mapped - annex_a <= set(demo.indicators["indicator_id"])
    assert annex_a <= set(CHILD_LEVEL_CATALOGUE["indicator_id"])  # added when an officer uploads Annex A


def test_added_indicators_sit_in_their_dashboards_with_levels_like_the_published_ones(demo):
    catalogue = demo.indicators.set_index("indicator_id")
    assert catalogue.loc["CP06", "dashboard"] == "4 Child Protection"
    assert catalogue.loc["CLA07", "dashboard"] == "5 Children in Care"
    assert (catalogue.loc["CP06", "polarity"], catalogue.loc["CLA07", "polarity"]) == ("lower_is_better",
                                                                                      "higher_is_better")
    monthly = demo.values[demo.values["indicator_id"].isin(["CP06", "CLA07"])]
    assert monthly.groupby("indicator_id").size().tolist() == [55, 55]  # April 2022 to October 2026
    # England 2024-25: 2.3% of plans open 2 years or more, 69% of long-term children with the same carer
    last_year = indicators.summarise(demo, "year", "2025-26").set_index("indicator_id")
    assert 0 < last_year.loc["CP06", "value"] < 5 and 60 < last_year.loc["CLA07", "value"] < 75
    # the denominators are the demo's own plans (CP01) and a share of its children in care (CLA01)
    def column(indicator_id: str, name: str) -> pd.Series:
        return demo.values[demo.values["indicator_id"] == indicator_id].set_index("period")[name]
    assert column("CP06", "denominator").tolist() == column("CP01", "value").tolist()
    assert (column("CLA07", "denominator") < column("CLA01", "value")).all()


def test_the_demo_comparators_are_real_published_england_and_south_east_figures():
    book = openpyxl.load_workbook(DEMO, read_only=True)
    rows = list(book["Comparators"].iter_rows(values_only=True))
    book.close()
    table = pd.DataFrame(rows[1:], columns=rows[0]).set_index(["indicator_id", "period"])
    # d5 lines 2-3, d3 lines 2-3, placement stability and accommodation 2025 (England, South East)
    assert table.loc[("CP06", "2024-25"), ["england", "region"]].tolist() == [2.3, 2.5]
    assert table.loc[("CP04", "2024-25"), ["england", "region"]].tolist() == [24.5, 26.3]
    assert table.loc[("CLA07", "2024-25"), ["england", "region"]].tolist() == [69, 68]
    assert table.loc[("CLA04", "2024-25"), ["england", "region"]].tolist() == [10, 12]
    assert table.loc[("CL03", "2024-25"), ["england", "region"]].tolist() == [89, 83]
    # DfE's 3 or more social workers, reporting year 2024 only (la_cla_swcount lines 3, 5)
    assert table.loc[("CLA03", "2023-24"), ["england", "region"]].tolist() == [27, 25]
    assert table.loc[("WF01", "2024-25"), "source"] == \
        "DfE, Children's social work workforce, reporting year 2025, indicators"
    assert table["statistical_neighbours"].isna().all()
