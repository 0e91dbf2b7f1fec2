"""Benchmarking an authority against England, its region and its statistical neighbours."""
import math
from pathlib import Path

import pandas as pd
import pytest

from benchmarking import benchmark, comparators_from_ees, measure_label
from data_loaders.ees import load_comparators_map, load_ees, load_statistical_neighbours

REPO = Path(__file__).resolve().parents[1]
DFE = REPO.parent / "shared" / "data" / "dfe"
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
CSWW = DFE / "csww_indicators_2017_to_2025__extract.csv"
needs_dfe = pytest.mark.usefixtures("needs_dfe")


def tidy(authorities: dict[str, object], england: object = 50.0, regions: dict[str, object] | None = None,
         region_of: dict[str, str] | None = None) -> pd.DataFrame:
    """A tidy EES frame of one measure `m` in 2024-25; a str figure is a symbol."""
    def row(level, la_code, region_code, figure):
        is_symbol = isinstance(figure, str)
        return {"dataset": "t", "period": "2024-25", "geographic_level": level, "la_code": la_code,
                "la_name": f"LA {la_code}" if la_code else "", "region_code": region_code, "measure": "m",
                "value": math.nan if is_symbol else float(figure), "symbol": figure if is_symbol else ""}
    regions = {"E12000008": 40.0} if regions is None else regions
    region_of = region_of or {}
    rows = [row("National", "", "", england)]
    rows += [row("Regional", "", code, figure) for code, figure in regions.items()]
    rows += [row("Local authority", code, region_of.get(code, "E12000008"), figure)
             for code, figure in authorities.items()]
    return pd.DataFrame(rows).astype({"value": "float64"})


def run(frame, la_code, polarity="higher_is_better", neighbours=(), **kwargs):
    """benchmark() on measure m, 2024-25."""
    return benchmark(frame, la_code, "m", "2024-25", polarity, list(neighbours), **kwargs)


# Rank and quartile on small hand-made frames

def test_ties_share_the_better_rank_in_both_polarities():
    frame = tidy({"101": 10, "102": 20, "103": 20, "104": 30})
    assert [run(frame, code)["rank"] for code in ("104", "102", "103", "101")] == [1, 2, 2, 4]
    assert [run(frame, code, "lower_is_better")["rank"] for code in ("101", "102", "103", "104")] == [1, 2, 2, 4]


@pytest.mark.parametrize("polarity, expected", [
    # values 1..5: type-7 quartiles sit on members: Q1 = 2, median = 3, Q3 = 4
    ("higher_is_better", {"101": "D", "102": "C", "103": "B", "104": "A", "105": "A"}),
    ("lower_is_better", {"101": "A", "102": "A", "103": "B", "104": "C", "105": "D"}),
])
def test_a_value_on_a_quartile_boundary_goes_to_the_better_band(polarity, expected):
    frame = tidy({"101": 1, "102": 2, "103": 3, "104": 4, "105": 5})
    assert {code: run(frame, code, polarity)["quartile"] for code in expected} == expected


def test_quartiles_interpolate_between_values():
    # values 1, 2, 3, 4: Q1 = 1 + 0.75 * (2 - 1) = 1.75, median = 2.5, Q3 = 3 + 0.25 * (4 - 3) = 3.25
    frame = tidy({"101": 1, "102": 2, "103": 3, "104": 4})
    assert [run(frame, code)["quartile"] for code in ("101", "102", "103", "104")] == ["D", "C", "B", "A"]
    assert [run(frame, code, "lower_is_better")["quartile"] for code in ("101", "102", "103", "104")] == \
        ["A", "B", "C", "D"]


def test_neutral_polarity_has_no_rank_or_quartile_but_still_compares():
    result = run(tidy({"101": 10, "102": 20, "103": 30}), "102", "neutral", neighbours=["101", "103"])
    assert (result["rank"], result["quartile"]) == (None, None)
    assert (result["value"], result["england"], result["region"], result["sn_mean"], result["n_las"]) == \
        (20.0, 50.0, 40.0, 20.0, 3)


def test_a_suppressed_authority_has_no_figure_rank_or_quartile_and_is_not_counted():
    result = run(tidy({"101": 10, "102": "c", "103": 30}), "102", neighbours=["101", "103"])
    assert (result["value"], result["symbol"], result["rank"], result["quartile"]) == (None, "c", None, None)
    assert result["n_las"] == 2


def test_neighbour_statistics_skip_symbols_and_authorities_not_in_the_data():
    frame = tidy({"101": 10, "102": "x", "103": 30, "104": 5, "105": 0})
    result = run(frame, "101", neighbours=["103", "102", "999", "104", "105"])
    # numbers 30, 5 and 0 (a true zero counts): mean 35 / 3 = 11.67, median 5
    assert result["sn_count"] == 3
    assert result["sn_mean"] == pytest.approx(35 / 3) and result["sn_median"] == 5.0
    assert result["neighbour_values"] == [("103", "LA 103", 30.0, ""), ("102", "LA 102", None, "x"),
                                          ("999", "", None, ""), ("104", "LA 104", 5.0, ""),
                                          ("105", "LA 105", 0.0, "")]


def test_missing_comparators_are_none_never_zero():
    result = run(tidy({"101": 10}, england="c", regions={}), "101", neighbours=["102"])
    assert (result["england"], result["england_symbol"], result["region"], result["region_symbol"]) == \
        (None, "c", None, "")
    assert (result["sn_mean"], result["sn_median"], result["sn_count"]) == (None, None, 0)


def test_region_is_the_authoritys_own_region():
    frame = tidy({"101": 10, "201": 20}, regions={"E12000008": 40, "E12000002": 45},
                 region_of={"201": "E12000002"})
    assert (run(frame, "201")["region"], run(frame, "201")["region_code"]) == (45.0, "E12000002")
    assert run(frame, "101", region_code="E12000002")["region"] == 40.0  # its own row wins over the argument


def test_a_fictional_authority_gets_england_and_the_given_region():
    frame = tidy({"101": 10, "201": 20}, regions={"E12000008": 40, "E12000002": 45})
    result = run(frame, None, region_code="E12000002")
    assert (result["value"], result["rank"], result["england"], result["region"], result["n_las"]) == \
        (None, None, 50.0, 45.0, 2)


def test_an_unnarrowed_frame_or_unknown_polarity_is_refused():
    frame = tidy({"101": 10})
    with pytest.raises(ValueError, match="one filter combination"):
        run(pd.concat([frame, frame]), "101")
    with pytest.raises(ValueError, match="polarity"):
        run(frame, "101", "up")


def test_measure_label():
    assert measure_label("care_leaver_percent", {"care_leaver_age": "19 to 21 years"}) == \
        "Care leaver percent: 19 to 21 years"
    assert measure_label("Number of missing incidents during the year",
                         {"cla_group": "Number of missing incidents during the year"}) == \
        "Number of missing incidents during the year"


# Real published figures

@needs_dfe
def test_wokingham_rereferrals_against_published_comparators():
    neighbours = load_statistical_neighbours(DFE / "sn_model_2025_wide.csv")["872"]
    result = benchmark(load_ees(C1), "872", "rereferral_percent", "2024-25", "lower_is_better", neighbours)
    # c1 lines 2, 3, 16: England 22.6, South East 28.4, Wokingham 16.8
    assert (result["value"], result["england"], result["region"], result["region_code"]) == \
        (16.8, 22.6, 28.4, "E12000008")
    # Neighbours 868 19.6, 936 20.5, 825 22.8, 869 21.7, 305 23.8, 358 18, 318 16.4, 919 15.8, 867 19.2, 823 15.9:
    # sum 193.7, mean 19.37; sorted 15.8 15.9 16.4 18 19.2 | 19.6 20.5 21.7 22.8 23.8, median (19.2 + 19.6) / 2 = 19.4
    assert result["sn_count"] == 10
    assert result["sn_mean"] == pytest.approx(19.37) and result["sn_median"] == pytest.approx(19.4)
    # 15 authorities; lower than 16.8: 15.8, 15.8, 15.9, 16.4 -> rank 5.
    # Sorted: 15.8 15.8 15.9 16.4 16.8 17.7 18 19.2 19.6 20.5 21.7 22.8 23.8 26.8 41
    # Q1 at position 14 * 0.25 = 3.5: (16.4 + 16.8) / 2 = 16.6; median position 7: 19.2 -> 16.6 < 16.8 <= 19.2: B
    assert (result["rank"], result["n_las"], result["quartile"]) == (5, 15, "B")
    assert result["neighbour_values"][0] == ("868", "Windsor and Maidenhead", 19.6, "")


@needs_dfe
def test_suppressed_neighbour_and_a_real_tie():
    neighbours = load_statistical_neighbours(DFE / "sn_model_2025_wide.csv")["872"]
    result = benchmark(load_ees(C1), "872", "no_further_action_percent", "2023-24", "lower_is_better", neighbours)
    # 2024 figures: West Berkshire 869 is c (line 31), Hampshire 850 is u (line 28).
    # Neighbours with numbers: 5.5, 6.8, 1.7, 8.1, 5, 0.6, 10.8, 11.3, 1.3: sum 51.1, mean 5.678;
    # sorted 0.6 1.3 1.7 5 5.5 6.8 8.1 10.8 11.3, median 5.5
    assert ("869", "West Berkshire", None, "c") in result["neighbour_values"]
    assert result["sn_count"] == 9
    assert result["sn_mean"] == pytest.approx(51.1 / 9) and result["sn_median"] == 5.5
    # 13 authorities with numbers; below 5: 0.6, 1.3, 1.7, 3.7 -> rank 5, shared with Trafford (also 5).
    # Sorted: 0.6 1.3 1.7 3.7 5 5 5.5 6.8 8.1 8.5 10.8 11.3 27.5; Q1 (position 3) 3.7, median (position 6) 5.5 -> B
    assert (result["value"], result["rank"], result["n_las"], result["quartile"]) == (5.0, 5, 13, "B")
    trafford = benchmark(load_ees(C1), "358", "no_further_action_percent", "2023-24", "lower_is_better", [])
    assert trafford["rank"] == 5


@needs_dfe
def test_richmond_neighbour_takes_the_kingston_richmond_joint_figure():
    neighbours = load_statistical_neighbours(DFE / "sn_model_2025_wide.csv")["872"]
    result = benchmark(load_ees(CSWW), "872", "agency_rate_fte", "2024-25", "lower_is_better", neighbours)
    # csww line 18: 2025, 314 / 318, ..., agency_rate_fte 14.9; line 16: Wokingham 14.5; line 2: England 13
    assert ("318", "Richmond upon Thames", 14.9, "") in result["neighbour_values"]
    assert (result["value"], result["england"]) == (14.5, 13.0)
    assert result["n_las"] == 16  # 15 authorities, Kingston and Richmond both counted


@needs_dfe
def test_comparators_from_the_bundled_data_and_map():
    ees = pd.concat([load_ees(path) for path in sorted((REPO / "data" / "ees").glob("*__extract.csv"))])
    mapping = load_comparators_map(REPO / "data" / "comparators_map.csv")
    neighbours = load_statistical_neighbours(REPO / "data" / "ees" / "sn_model_2025_wide.csv")["872"]
    table = comparators_from_ees(ees, mapping, "872", neighbours, polarities={"CSC03": "lower_is_better"})
    assert set(mapping["indicator_id"]) == set(table["indicator_id"])
    csc03 = table[(table["indicator_id"] == "CSC03") & (table["period"] == "2024-25")].iloc[0]
    assert (csc03["la_value"], csc03["england"], csc03["region"], csc03["rank"], csc03["quartile"]) == \
        (16.8, 22.6, 28.4, 5, "B")
    assert csc03["source"] == "DfE, Characteristics of children in need 2024-25, table C1"
    cl02 = table[(table["indicator_id"] == "CL02") & (table["period"] == "2024-25")].set_index("breakdown")
    # care leavers lines 23, 47, 263: 19 to 21 in education, employment or training: England 54, SE 52, Wokingham 56
    assert cl02.loc["", ["la_value", "england", "region"]].tolist() == [56.0, 54.0, 52.0]
    assert cl02.loc["19-21", "la_value"] == cl02.loc["", "la_value"]
    assert cl02.loc["", "rank"] is pd.NA  # no polarity given: neutral
    mfh01 = table[(table["indicator_id"] == "MFH01") & (table["period"] == "2023-24")].iloc[0]
    assert (mfh01["breakdown"], mfh01["la_value"]) == ("From care", 31.0)


@needs_dfe
def test_comparators_for_a_fictional_authority_still_give_england_and_south_east():
    ees = load_ees(C1)
    mapping = load_comparators_map(REPO / "data" / "comparators_map.csv")
    table = comparators_from_ees(ees, mapping, None, [])
    row = table[(table["indicator_id"] == "CSC03") & (table["period"] == "2024-25")].iloc[0]
    assert math.isnan(row["la_value"]) and row["la_symbol"] == ""
    assert (row["england"], row["region"], row["sn_count"], row["n_las"]) == (22.6, 28.4, 0, 15)
    assert row["rank"] is pd.NA and row["quartile"] == ""


@needs_dfe
def test_polarity_override_in_the_map_wins():
    mapping = load_comparators_map(REPO / "data" / "comparators_map.csv")
    mapping = mapping[mapping["indicator_id"] == "CSC03"].assign(polarity_override="higher_is_better")
    table = comparators_from_ees(load_ees(C1), mapping, "872", [], polarities={"CSC03": "lower_is_better"})
    # higher is better: 10 of the 15 authorities are above 16.8 -> rank 11
    assert table.set_index("period").loc["2024-25", "rank"] == 11


@needs_dfe
def test_a_mapping_that_leaves_several_rows_per_authority_is_refused():
    mapping = pd.DataFrame([{"indicator_id": "CL02", "breakdown": "", "dataset": "", "measure": "care_leaver_percent",
                             "filters": {"care_leaver_age": "19 to 21 years"}, "polarity_override": "",
                             "source_label": "", "note": ""}])
    with pytest.raises(ValueError, match="add a filter or dataset for: breakdown"):
        comparators_from_ees(load_ees(DFE / "la_care_leavers_activity__extract.csv"), mapping, "872", [])
