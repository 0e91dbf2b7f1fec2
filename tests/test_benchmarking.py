"""Benchmarking an authority against England, its region and its statistical neighbours."""
import functools
import math
from pathlib import Path

import pandas as pd
import pytest

from benchmarking import (DEFAULT_NEIGHBOUR_AVERAGE, authority_figures, authority_region, benchmark,
                          combine_published, comparator_points, comparators_from_ees, measure_label,
                          merge_comparators, published_decimals, published_period_words, reference_date,
                          source_words)
from data_loaders.ees import load_authority_regions, load_comparators_map, load_ees, load_statistical_neighbours
from shared_data import DFE

REPO = Path(__file__).resolve().parents[1]
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
CSWW = DFE / "csww_indicators_2017_to_2025__extract.csv"
SN_MODEL = DFE / "sn_model_2025_wide.csv"
MAP = REPO / "data" / "comparators_map.csv"
# Wokingham's ten statistical neighbours in DfE's 2025 model, closest first (sn_model line 151)
WOKINGHAM_NEIGHBOURS = ["868", "936", "825", "869", "305", "358", "318", "919", "867", "823"]
needs_dfe = pytest.mark.usefixtures("needs_dfe")


def tidy(authorities: dict[str, object], england: object = 50.0, regions: dict[str, object] | None = None,
         region_of: dict[str, str] | None = None, joint: dict[str, str] | None = None) -> pd.DataFrame:
    """A tidy EES frame of one measure `m` in 2024-25; a str figure is a symbol; `joint`: code -> joint return."""
    def row(level, la_code, region_code, figure):
        is_symbol = isinstance(figure, str)
        return {"dataset": "t", "period": "2024-25", "geographic_level": level, "la_code": la_code,
                "la_name": f"LA {la_code}" if la_code else "", "region_code": region_code,
                "joint_return": (joint or {}).get(la_code, ""), "measure": "m",
                "value": math.nan if is_symbol else float(figure), "symbol": figure if is_symbol else ""}
    regions = {"E12000008": 40.0} if regions is None else regions
    region_of = region_of or {}
    rows = [row("National", "", "", england)]
    rows += [row("Regional", "", code, figure) for code, figure in regions.items()]
    rows += [row("Local authority", code, region_of.get(code, "E12000008"), figure)
             for code, figure in authorities.items()]
    return pd.DataFrame(rows).astype({"value": "float64"})


@functools.cache
def bundled_ees() -> pd.DataFrame:
    """Every shared DfE extract, combined as the app combines them."""
    return combine_published([load_ees(path) for path in sorted(DFE.glob("*__extract.csv"))])


def mapped(ees: pd.DataFrame, indicator_id: str, breakdown: str = "") -> pd.DataFrame:
    """The rows one line of the bundled map picks, narrowed by hand from its filters."""
    row = load_comparators_map(MAP).set_index(["indicator_id", "breakdown"]).loc[(indicator_id, breakdown)]
    keep = ees["measure"] == row["measure"]
    for column, wanted in row["filters"].items():
        keep &= ees[column] == wanted
    return ees[keep]


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
    # numbers 30, 5 and 0 (a true zero counts): mean 35 / 3 = 11.67, median 5. Every figure of m is a whole
    # number, so DfE publishes it to 0 places and the mean is rounded half up to 12.
    assert (result["sn_count"], result["decimals"]) == (3, 0)
    assert result["sn_mean"] == 12.0 and result["sn_median"] == 5.0
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
    # sum 193.7, mean 19.37; sorted 15.8 15.9 16.4 18 19.2 | 19.6 20.5 21.7 22.8 23.8, median (19.2 + 19.6) / 2 = 19.4.
    # DfE publishes re-referrals to 1 place, so the mean shows as 19.4 too.
    assert (result["sn_count"], result["decimals"]) == (10, 1)
    assert result["sn_mean"] == 19.4 and result["sn_median"] == 19.4
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
    # Neighbours with numbers: 5.5, 6.8, 1.7, 8.1, 5, 0.6, 10.8, 11.3, 1.3: sum 51.1, mean 5.678 -> 5.7 (1 place);
    # sorted 0.6 1.3 1.7 5 5.5 6.8 8.1 10.8 11.3, median 5.5
    assert ("869", "West Berkshire", None, "c") in result["neighbour_values"]
    assert result["sn_count"] == 9
    assert result["sn_mean"] == 5.7 and result["sn_median"] == 5.5
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
    # 15 returns: 13 authorities alone and the one joint return of Kingston (314) and Richmond (318)
    assert result["n_las"] == 15 and result["joint_return"] == ""


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


# The neighbours' figure as DfE's CSC outcomes and enablers dashboard shows it

def test_the_default_neighbour_figure_is_the_median():
    assert DEFAULT_NEIGHBOUR_AVERAGE == "median"
    table = pd.DataFrame({"indicator_id": ["A"], "breakdown": [""], "period": ["2024-25"], "la_value": [10.0],
                          "england": [math.nan], "region": [math.nan], "sn_mean": [20.0], "sn_median": [30.0],
                          "reference": ["year to 31 March"], "source": ["s"]})
    points = comparator_points(table, "A")
    assert points.set_index("series").loc["Statistical neighbours", "value"] == 30.0


# Each case lists Wokingham's ten neighbours' published figures closest first (868 Windsor and Maidenhead,
# 936 Surrey, 825 Buckinghamshire, 869 West Berkshire, 305 Bromley, 358 Trafford, 318 Richmond upon Thames,
# 919 Hertfordshire, 867 Bracknell Forest, 823 Central Bedfordshire), then works the median out by hand and
# rounds it half up to the places DfE publishes the measure at, as the dashboard does.
@needs_dfe
@pytest.mark.parametrize("indicator_id, breakdown, period, figures, expected", [
    # Care leavers aged 17 to 18 in education, employment or training, published as whole numbers.
    # Sorted 59 63 65 67 70 | 73 73 75 78 81: median (70 + 73) / 2 = 71.5 -> 72 (DfE shows 72%; we showed 71.5).
    ("CL02", "17-18", "2024-25", [73, 65, 59, 73, 63, 67, 78, 75, 70, 81], 72.0),
    # Aged 19 to 21, 2023-24: sorted 50 51 52 54 56 | 57 59 60 66 74: (56 + 57) / 2 = 56.5 -> 57
    ("CL02", "", "2023-24", [60, 56, 51, 66, 57, 50, 59, 52, 54, 74], 57.0),
    # Looked-after rate per 10,000, whole numbers. 2023-24: sorted 25 35 36 41 41 | 48 48 52 54 67 -> 44.5 -> 45
    ("CLA02", "", "2023-24", [41, 36, 41, 52, 48, 67, 25, 35, 48, 54], 45.0),
    # 2024-25: sorted 27 35 36 40 40 | 42 47 48 53 62 -> (40 + 42) / 2 = 41, nothing to round
    ("CLA02", "", "2024-25", [40, 35, 40, 53, 47, 62, 27, 36, 42, 48], 41.0),
    # Re-referrals, one place. 2022-23: sorted 15.4 17.3 17.4 19.9 21.4 | 21.4 21.8 22.6 22.8 39.1 -> 21.4
    ("CSC03", "", "2022-23", [21.4, 17.3, 39.1, 21.4, 21.8, 19.9, 17.4, 15.4, 22.6, 22.8], 21.4),
    # Workforce (census at 30 September), one place; Richmond (318) shows the Kingston and Richmond joint
    # return, 14.9. Agency rate 2024-25: sorted 7.4 11.4 13.1 14.9 16.6 | 17.1 20.6 23.2 25.6 29:
    # (16.6 + 17.1) / 2 = 16.85 -> 16.9 half up (Python's round and numpy's give 16.8).
    ("WF01", "", "2024-25", [25.6, 20.6, 23.2, 11.4, 13.1, 29.0, 14.9, 7.4, 16.6, 17.1], 16.9),
    # Caseload 2022-23, Richmond's joint 12.3: sorted 12.3 13.7 13.9 14.5 14.9 | 15 16.3 16.3 16.8 18:
    # (14.9 + 15) / 2 = 14.95 -> 15.0
    ("WF04", "", "2022-23", [16.8, 14.9, 18.0, 14.5, 13.9, 16.3, 12.3, 13.7, 16.3, 15.0], 15.0),
    # Children in care with 3 or more placements, whole numbers: sorted 6 7 8 10 10 | 11 11 11 12 14 -> 10.5 -> 11
    ("CLA04", "", "2024-25", [11, 8, 10, 12, 11, 6, 7, 11, 14, 10], 11.0),
    # Second or subsequent child protection plans, one place:
    # sorted 13.8 20.8 21.2 23.2 23.4 | 24.3 24.3 26.3 27.5 34.9 -> (23.4 + 24.3) / 2 = 23.85 -> 23.9
    ("CP04", "", "2024-25", [23.2, 24.3, 24.3, 34.9, 21.2, 27.5, 20.8, 23.4, 26.3, 13.8], 23.9),
])
def test_wokingham_neighbour_median_as_dfe_shows_it(indicator_id, breakdown, period, figures, expected):
    ees = bundled_ees()
    neighbours = load_statistical_neighbours(SN_MODEL)["872"]
    assert neighbours == WOKINGHAM_NEIGHBOURS
    subset = mapped(ees, indicator_id, breakdown)
    result = benchmark(subset, "872", subset["measure"].iloc[0], period, "neutral", neighbours)
    assert [figure for _, _, figure, _ in result["neighbour_values"]] == figures
    mapping = load_comparators_map(MAP)
    table = comparators_from_ees(ees, mapping[mapping["indicator_id"] == indicator_id], "872", neighbours)
    row = table.set_index(["breakdown", "period"]).loc[(breakdown, period)]
    assert (row[f"sn_{DEFAULT_NEIGHBOUR_AVERAGE}"], row["sn_count"]) == (expected, 10)


@needs_dfe
def test_every_published_figure_carries_the_places_dfe_publishes_it_at():
    table = comparators_from_ees(bundled_ees(), load_comparators_map(MAP), "872", WOKINGHAM_NEIGHBOURS)
    places = table.groupby("indicator_id")["decimals"].unique().map(list).to_dict()
    # whole numbers: counts, the looked-after rate, care-leaver, placement and social-worker percentages;
    # one place: re-referrals, no further action, plan percentages, missing averages, workforce rates
    assert places == {
        "CSC01": [0], "CSC03": [1], "CSC06": [1], "CP04": [1], "CP06": [1], "CLA01": [0], "CLA02": [0],
        "CLA03": [0], "CLA04": [0], "CLA07": [0], "CL02": [0], "CL03": [0], "CL04": [0], "MFH01": [0],
        "MFH02": [0], "MFH04": [1], "WF01": [1], "WF02": [1], "WF03": [1], "WF04": [1],
        # the Annex A indicators take the places of the same DfE measures
        "AA05": [1], "AA06": [1], "AA11": [1], "AA13": [1], "AA15": [0], "AA17": [0], "AA18": [0]}


def test_published_decimals():
    assert published_decimals([56.0, 54.0, math.nan, 100.0]) == 0
    assert published_decimals([16.8, 18.0, 0.6]) == 1
    assert published_decimals([2.25, 1.0]) == 2
    assert published_decimals([math.nan]) is None and published_decimals([]) is None


# A joint return is one return

def test_a_joint_return_is_ranked_and_counted_once():
    frame = tidy({"101": 10, "314": 20, "318": 20, "102": 30, "103": 40},
                 joint={"314": "314 / 318", "318": "314 / 318"})
    # four returns: 10, 20 (joint), 30, 40. Higher is better: 40, 30, 20 -> the joint return is 3rd of 4.
    # Quartiles of 10 20 30 40: Q1 17.5, median 25, Q3 32.5 -> 20 is in C for both members.
    for member in ("314", "318"):
        result = run(frame, member)
        assert (result["rank"], result["n_las"], result["quartile"]) == (3, 4, "C")
        assert result["joint_return"] == "LA 314 and LA 318 (joint return)"
    assert (run(frame, "101")["rank"], run(frame, "101")["n_las"], run(frame, "101")["joint_return"]) == (4, 4, "")


@needs_dfe
def test_kingston_and_richmond_share_one_rank_among_15_returns():
    ees = load_ees(CSWW)
    # csww 2025: lower than the joint 14.9 are Hertfordshire 7.4, Rutland 8.4, Hampshire 9.1, West Berkshire 11.4,
    # Bromley 13.1 and Wokingham 14.5 -> rank 7 of 15 returns (16 authorities, one return for 314 and 318)
    for member in ("314", "318"):
        result = benchmark(ees, member, "agency_rate_fte", "2024-25", "lower_is_better", [])
        assert (result["value"], result["rank"], result["n_las"]) == (14.9, 7, 15)
        assert result["joint_return"] == "Kingston upon Thames and Richmond upon Thames (joint return)"


@needs_dfe
def test_every_authoritys_bar_shows_a_joint_return_once():
    mapping = load_comparators_map(MAP).set_index("indicator_id")
    row = mapping.loc["WF01"].copy()
    row["indicator_id"] = "WF01"
    bars = authority_figures(load_ees(CSWW), row, "2024-25", WOKINGHAM_NEIGHBOURS)
    assert len(bars) == 15 and not bars["la_code"].isin(["314", "318"]).any()
    joint = bars[bars["la_code"] == "314 / 318"].iloc[0]
    # Richmond is Wokingham's 7th neighbour, so the joint bar is marked 7
    assert (joint["la_name"], joint["value"], joint["neighbour_rank"]) == (
        "Kingston upon Thames and Richmond upon Thames (joint return)", 14.9, 7)
    assert bars["value"].tolist() == sorted(bars["value"].tolist())


# An authority in a year it did not exist (or whose own figure is `z`)

def test_an_authority_that_did_not_exist_yet_gets_no_neighbour_figure_rank_or_quartile():
    # 941 West Northamptonshire has no row (created April 2021); 942 has `z`, not applicable
    frame = tidy({"101": 10, "102": 20, "103": 30, "942": "z"})
    for code in ("941", "942"):
        result = run(frame, code, neighbours=["101", "102", "103"], region_code="E12000008")
        assert (result["value"], result["sn_median"], result["sn_mean"], result["sn_count"]) == (None, None, None, 0)
        assert (result["rank"], result["quartile"], result["n_las"]) == (None, None, 3)
        assert (result["england"], result["region"]) == (50.0, 40.0)  # England and region are still shown
    # a suppressed figure (`c`) is an authority that existed: DfE still shows its neighbours' median
    suppressed = run(tidy({"101": 10, "102": 20, "103": "c"}), "103", neighbours=["101", "102"])
    assert (suppressed["sn_median"], suppressed["sn_count"]) == (15.0, 2)


def test_a_neighbour_that_did_not_exist_is_left_out_and_the_count_says_so():
    frame = tidy({"101": 10, "102": 20, "103": 30, "104": 41})
    result = run(frame, "101", neighbours=["941", "102", "103", "104"])
    # 941 has no row: the median of 20, 30 and 41 is 30, from 3 neighbours
    assert (result["sn_median"], result["sn_count"]) == (30.0, 3)


@needs_dfe
def test_published_rows_before_an_authority_existed():
    # As if Wokingham (872) and its neighbour Bracknell Forest (867) were created in April 2025: their
    # 2023-24 rows removed from the real re-referral figures.
    ees = load_ees(C1)
    ees = ees[~(ees["la_code"].isin(["872", "867"]) & (ees["period"] == "2023-24"))]
    mapping = load_comparators_map(MAP)
    table = comparators_from_ees(ees, mapping[mapping["indicator_id"] == "CSC03"], "872", WOKINGHAM_NEIGHBOURS,
                                 polarities={"CSC03": "lower_is_better"}).set_index("period")
    before = table.loc["2023-24"]
    assert math.isnan(before["la_value"]) and math.isnan(before["sn_median"]) and math.isnan(before["sn_mean"])
    assert (before["sn_count"], before["rank"], before["quartile"]) == (0, pd.NA, "")
    assert (before["england"], before["region"]) == (22.4, 26.6)  # c1 lines 18, 19: England and South East 2024
    assert table.loc["2024-25", "sn_count"] == 10
    # Windsor and Maidenhead (868) in 2023-24, when neither of its neighbours Wokingham and Bracknell Forest
    # existed: 936 16.3, 825 23.3, 358 20.4, 919 16.9, 869 21.8, 305 23.6, 823 18.5, 931 18.6 (c1 2024 lines);
    # sorted 16.3 16.9 18.5 18.6 | 20.4 21.8 23.3 23.6: median (18.6 + 20.4) / 2 = 19.5 from 8 of 10
    neighbours = load_statistical_neighbours(SN_MODEL)["868"]
    assert neighbours == ["936", "825", "872", "358", "919", "869", "305", "823", "931", "867"]
    result = benchmark(ees, "868", "rereferral_percent", "2023-24", "lower_is_better", neighbours)
    assert (result["sn_median"], result["sn_count"]) == (19.5, 8)


# The region: the chosen authority's own, as DfE names it

@needs_dfe
def test_barnet_is_compared_with_outer_london_not_the_councils_own_region():
    regions = load_authority_regions(SN_MODEL)
    ees = load_ees(C1)
    # Barnet (302) has no row in the extract: its region comes from DfE's model, London split as EES splits it
    assert authority_region(ees, "302", "E12000008", regions) == ("E13000002", "Outer London")
    assert authority_region(ees, "305", "E12000008") == ("E13000002", "Outer London")  # Bromley's own rows
    assert authority_region(ees, "", "E12000008", regions) == ("E12000008", "South East")  # fictional
    assert authority_region(ees, "302", "E12000008") == ("E12000008", "South East")  # no model: the fallback
    # The published figure: the extract with Outer London's 2025 regional line added (19.6, as in issue 14)
    lines = C1.read_text(encoding="utf-8").split("\n")
    assert lines[2].startswith("2025,Reporting year,Regional,E92000001,England,E12000008,South East,")
    outer = lines[2].replace("E12000008,South East,", "E13000002,Outer London,").replace(",28.4,", ",19.6,")
    ees = load_ees("\n".join([*lines[:3], outer, *lines[3:]]).encode())
    code, name = authority_region(ees, "302", "E12000008", regions)
    assert name == "Outer London"
    mapping = load_comparators_map(MAP)
    table = comparators_from_ees(ees, mapping[mapping["indicator_id"] == "CSC03"], "302",
                                 load_statistical_neighbours(SN_MODEL)["302"], code).set_index("period")
    assert (table.loc["2024-25", "region"], table.loc["2024-25", "england"]) == (19.6, 22.6)
    south_east = comparators_from_ees(ees, mapping[mapping["indicator_id"] == "CSC03"], "872", [])
    assert south_east.set_index("period").loc["2024-25", "region"] == 28.4


# Reference dates: a year to 31 March, at 31 March, at 30 September

def test_the_words_for_a_published_period_follow_its_reference():
    assert published_period_words("2024-25", "year to 31 March") == "year to 31 March 2025"
    assert published_period_words("2024-25", "at 31 March") == "at 31 March 2025"
    assert published_period_words("2024-25", "at 30 September") == "at 30 September 2025"
    assert published_period_words("2024-25", "year to 30 September") == "year to 30 September 2025"
    assert published_period_words("2024-25", "") == "2024-25"  # typed into a return: no reference known
    assert source_words("DfE, workforce, reporting year {year}, {period}", "2024-25") == \
        "DfE, workforce, reporting year 2025, 2024-25"


@needs_dfe
def test_workforce_points_sit_at_30_september_and_others_at_31_march():
    mapping = load_comparators_map(MAP)
    table = comparators_from_ees(bundled_ees(), mapping[mapping["indicator_id"].isin(["WF01", "CSC03"])], "872", [])
    workforce = comparator_points(table, "WF01").set_index(["period", "series"])
    # DfE's workforce reporting year 2025 (shown as 2024-25) is the census at 30 September 2025
    assert workforce.loc[("2024-25", "Published (this authority)"), "period_end"] == pd.Timestamp(2025, 9, 30)
    assert workforce.loc[("2024-25", "Published (this authority)"), "value"] == 14.5
    assert workforce.loc[("2024-25", "England"), ["when", "decimals"]].tolist() == ["at 30 September 2025", 1]
    referrals = comparator_points(table, "CSC03").set_index(["period", "series"])
    assert referrals.loc[("2024-25", "England"), "period_end"] == pd.Timestamp(2025, 3, 31)
    assert referrals.loc[("2024-25", "England"), "when"] == "year to 31 March 2025"
    wf01 = table[table["indicator_id"] == "WF01"].set_index("period").loc["2024-25"]
    assert (wf01["reference"], wf01["source"]) == (
        "at 30 September", "DfE, Children's social work workforce, reporting year 2025, indicators")
    # a comparator typed into a return has no reference and stays at 31 March
    typed = pd.DataFrame({"indicator_id": ["WF01"], "period": ["2023-24"], "england": [16.2], "region": [math.nan],
                          "statistical_neighbours": [math.nan], "source": ["typed"]})
    merged = merge_comparators(typed, table[table["indicator_id"] == "CSC03"])
    typed_points = comparator_points(merged, "WF01")
    assert typed_points["period_end"].tolist() == [pd.Timestamp(2024, 3, 31)]
    assert typed_points["decimals"].isna().all() and typed_points["when"].tolist() == ["2023-24"]
    assert reference_date("2023-24", "at 30 September") == pd.Timestamp(2024, 9, 30)
