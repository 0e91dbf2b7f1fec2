"""Reading DfE Explore Education Statistics CSVs, the statistical neighbour model and the comparators map."""
import io
import math
from pathlib import Path

import pandas as pd
import pytest

from data_loaders import ReturnError
from data_loaders.ees import (BLANK, REFERENCES, REGIONS, load_authority_regions, load_comparators_map, load_ees,
                              load_statistical_neighbours, parse_filters, statistical_neighbour_table)
from shared_data import DFE

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
CLA = DFE / "cla_number_and_rate_per_10k_children__extract.csv"
CSWW = DFE / "csww_indicators_2017_to_2025__extract.csv"
LEAVERS = DFE / "la_care_leavers_activity__extract.csv"
MISSING = DFE / "la_children_who_were_missing_or_away_from_placement_without_authorisation__extract.csv"
D3 = DFE / "d3_cpps_subsequent_plan_2013_to_2025__extract.csv"
D5 = DFE / "d5_cpps_at31march_by_duration_2013_to_2025__extract.csv"
PLACEMENTS = DFE / "la_cla_placement_stability__extract.csv"
ACCOMMODATION = DFE / "la_care_leavers_accommodation_suitability__extract.csv"
SOCIAL_WORKERS = DFE / "la_cla_swcount__extract.csv"
SN_MODEL = DFE / "sn_model_2025_wide.csv"
EES_FILES = (C1, CLA, CSWW, LEAVERS, MISSING, D3, D5, PLACEMENTS, ACCOMMODATION, SOCIAL_WORKERS)

pytestmark = pytest.mark.usefixtures("needs_dfe")


def figure(tidy: pd.DataFrame, la_code: str, period: str, measure: str, **filters: str) -> pd.Series:
    """The one row of an authority's figure (la_code "" with level National or Regional rows)."""
    rows = tidy[(tidy["la_code"] == la_code) & (tidy["period"] == period) & (tidy["measure"] == measure)]
    for column, value in filters.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def problems_of(source, **kwargs) -> list[tuple]:
    """(sheet, row, column) and message of every problem load_ees raises for `source`."""
    with pytest.raises(ReturnError) as caught:
        load_ees(source, **kwargs)
    return [(p.sheet, p.row, p.column, p.message) for p in caught.value.problems]


# Published figures come out exactly

def test_wokingham_rereferrals_england_and_south_east_as_published():
    tidy = load_ees(C1)
    # c1 line 16: 2025,Reporting year,Local authority,...,872,E06000041,Wokingham,...,1778,298,16.8,...
    wokingham = figure(tidy, "872", "2024-25", "rereferral_percent")
    assert (wokingham["value"], wokingham["symbol"]) == (16.8, "")
    assert (wokingham["la_name"], wokingham["new_la_code"], wokingham["region_code"]) == \
        ("Wokingham", "E06000041", "E12000008")
    national = tidy[(tidy["geographic_level"] == "National") & (tidy["period"] == "2024-25")
                    & (tidy["measure"] == "rereferral_percent")]
    regional = tidy[(tidy["geographic_level"] == "Regional") & (tidy["period"] == "2024-25")
                    & (tidy["measure"] == "rereferral_percent")]
    assert national["value"].tolist() == [22.6]  # line 2
    assert regional[["region_code", "value"]].values.tolist() == [["E12000008", 28.4]]  # line 3


def test_every_figure_of_a_wide_row_is_one_tidy_row():
    tidy = load_ees(C1)
    row = tidy[(tidy["la_code"] == "872") & (tidy["period"] == "2024-25")]
    # line 16 in header order: referral_count 1778, rereferral_count 298, ... rereferral_child_percent 16.5
    assert dict(zip(row["measure"], row["value"])) == {
        "referral_count": 1778, "rereferral_count": 298, "rereferral_percent": 16.8,
        "no_further_action_count": 14, "no_further_action_percent": 0.8, "not_in_need_count": 606,
        "not_in_need_percent": 34.1, "referral_child_count": 1629, "rereferral_child_count": 268,
        "rereferral_child_percent": 16.5}
    assert set(row["category"]) == {"Referrals and Re-referrals"}


@pytest.mark.parametrize("path, filters, measures", [
    (C1, ["category"], 10),
    (CLA, ["population_type"], 3),  # population_estimate, children_count, rate_per_10000
    (CSWW, [], 22),
    (LEAVERS, ["care_leaver_age", "breakdown"], 2),
    (MISSING, ["cla_group"], 13),
    (D3, ["category"], 3),  # cpp_start, cpp_subsequent, cpp_subsequent_percent
    (D5, ["category"], 11),  # cpp_at31 and five lengths of plan, each a count and a percent
    (PLACEMENTS, ["cla_group", "placement_stability"], 2),  # children_count, children_percent
    (ACCOMMODATION, ["care_leaver_age", "breakdown"], 2),  # care_leaver_count, care_leaver_percent
    (SOCIAL_WORKERS, ["cla_group", "sw_stability"], 2),  # number, percentage: two columns, so not long
])
def test_values_and_filters_are_told_apart_from_the_cells(path, filters, measures):
    tidy = load_ees(path)
    fixed = ["dataset", "period", "geographic_level", "la_code", "la_name", "new_la_code",
             "region_code", "region_name", "joint_return"]
    assert tidy.columns.tolist() == fixed + filters + ["measure", "value", "symbol"]
    assert tidy["measure"].nunique() == measures
    assert tidy["value"].dtype == "float64"


def test_care_leaver_figure_by_age_and_activity():
    tidy = load_ees(LEAVERS)
    row = figure(tidy, "872", "2024-25", "care_leaver_percent", care_leaver_age="19 to 21 years",
                 breakdown="Total in education, employment or training")
    raw = pd.read_csv(LEAVERS, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    published = raw[(raw["old_la_code"] == "872") & (raw["time_period"] == "2025")
                    & (raw["care_leaver_age"] == "19 to 21 years")
                    & (raw["breakdown"] == "Total in education, employment or training")]
    assert row["value"] == float(published["care_leaver_percent"].item())


@pytest.mark.parametrize("path, la_code, period, measure, filters, published", [
    # d3 line 16, 2025 Wokingham: CPP_start 204, CPP_subsequent 42, CPP_subsequent_percent 20.6
    (D3, "872", "2024-25", "cpp_subsequent_percent", {}, 20.6),
    # d5 line 2, 2025 England: plans at 31 March 49,420, of which 2 years or more 1,130 = 2.3%
    (D5, "", "2024-25", "2_years_or_more_percent", {}, 2.3),
    # placement stability line 67, 2025 Wokingham: 7 children with 3 or more placements during the year, 5%
    (PLACEMENTS, "872", "2024-25", "children_percent",
     {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"}, 5.0),
    # accommodation line 2, 2025 England: 17 to 18 years, suitable 13,380, 91%
    (ACCOMMODATION, "", "2024-25", "care_leaver_percent",
     {"care_leaver_age": "17 to 18 years", "breakdown": "Accommodation considered suitable"}, 91.0),
    # social workers line 23, 2024 Wokingham: 14 of 137 children had 3 or more social workers, 10%
    (SOCIAL_WORKERS, "872", "2023-24", "percentage", {"sw_stability": "3 or more social workers during the year"},
     10.0),
])
def test_the_new_extracts_give_their_published_figures(path, la_code, period, measure, filters, published):
    tidy = load_ees(path)
    if not la_code:
        tidy = tidy[tidy["geographic_level"] == "National"]
    assert figure(tidy, la_code, period, measure, **filters)["value"] == published


def test_dataset_is_the_file_stem_without_extract_or_the_argument():
    assert set(load_ees(C1)["dataset"]) == {"c1_children_in_need_referrals_and_rereferrals_2013_to_2025"}
    assert set(load_ees(C1, dataset="c1")["dataset"]) == {"c1"}
    assert set(load_ees(C1.read_bytes())["dataset"]) == {""}
    named = io.BytesIO(CLA.read_bytes())
    named.name = "uploads/CLA_Number_And_Rate.csv"
    assert set(load_ees(named)["dataset"]) == {"cla_number_and_rate"}


# Suppression and status symbols never become numbers

@pytest.mark.parametrize("path, la_code, period, measure, symbol, filters", [
    # c1 line 31: West Berkshire 2024 no_further_action_count,no_further_action_percent = c,c
    (C1, "869", "2023-24", "no_further_action_percent", "c", {}),
    # c1 line 28: Hampshire 2024, every figure u
    (C1, "850", "2023-24", "referral_count", "u", {}),
    # csww line 149: Surrey 2017 agency_cover_fte x
    (CSWW, "936", "2016-17", "agency_cover_fte", "x", {}),
    # csww line 74: Rutland 2021 agency_cover_rate_fte z, absence_rate_fte low
    (CSWW, "857", "2020-21", "agency_cover_rate_fte", "z", {}),
    (CSWW, "857", "2020-21", "absence_rate_fte", "low", {}),
    # csww line 81: Surrey 2021 agency_cover_rate_fte u
    (CSWW, "936", "2020-21", "agency_cover_rate_fte", "u", {}),
    # care leavers line 51: Cheshire East 2025 17 to 18, higher education c
    (LEAVERS, "895", "2024-25", "care_leaver_percent", "c",
     {"care_leaver_age": "17 to 18 years", "breakdown": "Higher education i.e. studies beyond A level"}),
    # missing line 136: Wokingham 2024 children missing at 31 March c
    (MISSING, "872", "2023-24", "Children missing at 31 March", "c", {}),
])
def test_suppressed_cells_are_nan_with_their_symbol(path, la_code, period, measure, symbol, filters):
    row = figure(load_ees(path), la_code, period, measure, **filters)
    assert math.isnan(row["value"])
    assert row["symbol"] == symbol


def test_national_z_cell_keeps_its_symbol():
    # care leavers line 5: England 2025 17 to 18 years "In training or employment" z,z
    tidy = load_ees(LEAVERS)
    rows = tidy[(tidy["geographic_level"] == "National") & (tidy["period"] == "2024-25")
                & (tidy["care_leaver_age"] == "17 to 18 years") & (tidy["breakdown"] == "In training or employment")]
    assert rows["symbol"].tolist() == ["z", "z"] and rows["value"].isna().all()


@pytest.mark.parametrize("path", EES_FILES, ids=lambda path: path.name[:20])
def test_a_symbol_always_means_no_number_and_no_symbol_always_means_a_number(path):
    tidy = load_ees(path)
    assert (tidy["symbol"].eq("") == tidy["value"].notna()).all()
    assert not tidy.loc[tidy["symbol"].ne(""), "value"].eq(0).any()


def test_blank_value_cells_are_missing_not_zero():
    # West Berkshire 2025 (c1 line 14) with its rereferral_percent emptied
    lines = C1.read_text(encoding="utf-8").split("\n")
    cells = lines[13].split(",")
    assert cells[9] == "West Berkshire"
    cells[13] = ""
    lines[13] = ",".join(cells)
    row = figure(load_ees("\n".join(lines).encode()), "869", "2024-25", "rereferral_percent")
    assert math.isnan(row["value"]) and row["symbol"] == BLANK


# One test per quirk in shared/data/SOURCES.md

def test_bom_and_no_bom_headers_read_the_same():
    assert CLA.read_bytes().startswith(b"\xef\xbb\xbf") and not C1.read_bytes().startswith(b"\xef\xbb\xbf")
    with_bom = load_ees(CLA)
    without_bom = load_ees(CLA.read_bytes()[3:], dataset=with_bom["dataset"].iloc[0])
    pd.testing.assert_frame_equal(with_bom, without_bom)
    assert figure(load_ees(C1), "872", "2024-25", "referral_count")["value"] == 1778


def test_column_order_differs_between_files_but_names_land_in_place():
    # c1: old_la_code,new_la_code,la_name; cla: old_la_code,la_name,new_la_code
    for path in (C1, CLA):
        row = load_ees(path).query("la_code == '872'").iloc[0]
        assert (row["la_name"], row["new_la_code"]) == ("Wokingham", "E06000041")


def test_reversed_upper_case_crlf_bom_variant_reads_as_the_original():
    original = load_ees(C1, dataset="c1").query("period == '2024-25'")
    variant = load_ees(FIXTURES / "ees_c1_reordered_upper_crlf_bom.csv", dataset="c1")
    key = ["la_code", "geographic_level", "measure"]
    pd.testing.assert_frame_equal(original.sort_values(key).reset_index(drop=True),
                                  variant.sort_values(key).reset_index(drop=True))


def test_column_case_differs_cla_group_and_crlf_line_ends():
    raw = MISSING.read_bytes()
    assert b",CLA_group," in raw.split(b"\n")[0] and raw.count(b"\r\n") == 1106
    tidy = load_ees(MISSING)
    assert "cla_group" in tidy.columns
    assert not tidy["measure"].str.contains("\r").any() and not tidy["la_name"].str.contains("\r").any()
    lf_only = load_ees(raw.replace(b"\r\n", b"\n"), dataset=tidy["dataset"].iloc[0])
    pd.testing.assert_frame_equal(tidy, lf_only)


def test_missing_file_long_format_keeps_counts_percentages_and_averages_apart():
    tidy = load_ees(MISSING)
    # missing lines 133, 137, 142, 143: Wokingham 2024
    assert figure(tidy, "872", "2023-24", "Number of missing incidents during the year")["value"] == 31
    assert figure(tidy, "872", "2023-24", "Children who had a missing incident during the year")["value"] == 13
    assert figure(tidy, "872", "2023-24",
                  "Percentage of children who had a missing incident during the year")["value"] == 7
    assert figure(tidy, "872", "2023-24",
                  "Average number of missing incidents per looked after child who went missing")["value"] == 2.4
    assert (tidy["measure"] == tidy["cla_group"]).all()
    assert "number" not in set(tidy["measure"])


def test_joint_return_314_318_gives_one_row_per_member():
    tidy = load_ees(CSWW)
    # csww line 154: 2017, 314 / 318, E09000021 / E09000027,
    # Kingston upon Thames / Richmond upon Thames, inpost_fte 123.9
    rows = tidy[(tidy["joint_return"] == "314 / 318") & (tidy["period"] == "2016-17")
                & (tidy["measure"] == "inpost_fte")]
    assert rows[["la_code", "la_name", "new_la_code", "value"]].values.tolist() == [
        ["314", "Kingston upon Thames", "E09000021", 123.9],
        ["318", "Richmond upon Thames", "E09000027", 123.9]]
    assert not tidy["la_code"].str.contains("/").any()
    # 9 years x 22 measures for each member
    assert tidy[tidy["la_code"] == "318"].shape[0] == 9 * 22


def test_joint_name_that_does_not_split_evenly_stays_whole_on_both_members():
    text = CSWW.read_text(encoding="utf-8").replace("Kingston upon Thames / Richmond upon Thames",
                                                   "Kingston and Richmond")
    rows = load_ees(text.encode()).query("joint_return != '' and period == '2016-17' and measure == 'cases'")
    assert rows[["la_code", "la_name"]].values.tolist() == [["314", "Kingston and Richmond"],
                                                            ["318", "Kingston and Richmond"]]


def test_an_authority_published_alone_keeps_its_own_row_not_the_joint_share():
    lines = CSWW.read_text(encoding="utf-8").split("\n")
    joint = lines[153]
    assert "314 / 318" in joint
    alone = joint.replace("314 / 318,E09000021 / E09000027,Kingston upon Thames / Richmond upon Thames",
                          "318,E09000027,Richmond upon Thames").replace(",123.9,", ",50.5,", 1)
    rows = load_ees("\n".join(lines + [alone]).encode()).query("period == '2016-17' and measure == 'inpost_fte'")
    members = rows[rows["la_code"].isin(["314", "318"])]
    assert members[["la_code", "value", "joint_return"]].values.tolist() == [
        ["314", 123.9, "314 / 318"], ["318", 50.5, ""]]


@pytest.mark.parametrize("path, last_old_code_period", [(C1, "2019-20"), (CSWW, "2018-19")])
def test_buckinghamshire_is_one_authority_across_its_code_change(path, last_old_code_period):
    # c1: E10000002 up to time_period 2020 (year to 31 March 2020), E06000060 from 2021;
    # csww (census at 30 September): E10000002 to 2019, E06000060 from 2020
    tidy = load_ees(path)
    codes = tidy[tidy["la_code"] == "825"].groupby("period")["new_la_code"].first()
    assert set(tidy.loc[tidy["la_code"] == "825", "la_name"]) == {"Buckinghamshire"}
    assert codes.index.tolist() == sorted(tidy["period"].unique())
    assert set(codes[codes.index <= last_old_code_period]) == {"E10000002"}
    assert set(codes[codes.index > last_old_code_period]) == {"E06000060"}


def test_reporting_year_2025_is_financial_year_2024_25():
    assert sorted(load_ees(C1)["period"].unique()) == [f"{year}-{(year + 1) % 100:02d}" for year in range(2012, 2025)]
    assert sorted(load_ees(MISSING)["period"].unique())[-1] == "2023-24"  # time_period 2024


def test_six_digit_periods():
    tidy = load_ees(FIXTURES / "ees_c1_six_digit_periods.csv")
    assert set(tidy["period"]) == {"2024-25"}
    assert figure(tidy, "872", "2024-25", "rereferral_percent")["value"] == 16.8


def test_periods_that_are_not_financial_years_are_located():
    text = C1.read_text(encoding="utf-8").replace("2025,Reporting year", "2025,Calendar year")
    text = text.replace("2013,Reporting year", "201315,Reporting year", 1)  # line 206, the first 2013 row
    found = problems_of(text.encode())
    assert [(row, column) for _, row, column, _ in found] == [(2, "time_period"), (206, "time_period")]
    assert "Calendar year" in found[0][3] and "(and 16 more rows)" in found[0][3]
    assert "consecutive" in found[1][3]


# Problems are located and reported all at once

def test_unknown_symbols_are_located_problems():
    found = problems_of(FIXTURES / "ees_c1_unknown_symbol.csv")
    assert [(sheet, row, column) for sheet, row, column, _ in found] == [
        ("ees_c1_unknown_symbol.csv", 16, "referral_count"),
        ("ees_c1_unknown_symbol.csv", 17, "no_further_action_percent")]
    assert found[0][3].startswith("'12a' is not a number or a known symbol")
    assert found[1][3].startswith("'n/a' is not a number")


def test_ragged_lines_are_all_reported():
    found = problems_of(FIXTURES / "ees_c1_ragged.csv")
    assert [row for _, row, _, _ in found] == [13, 15]
    assert "22 cells but the header has 21" in found[0][3]


def test_a_file_that_is_not_ees_names_the_missing_columns():
    found = problems_of(SN_MODEL)
    assert [(row, column) for _, row, column, _ in found] == [(1, "time_period"), (1, "geographic_level")]


def test_an_excel_workbook_is_not_a_csv():
    found = problems_of(b"PK\x03\x04" + b"\x00" * 100)
    assert len(found) == 1 and "not a CSV" in found[0][3]


def test_a_header_without_rows_is_a_problem():
    header = C1.read_bytes().split(b"\n")[0] + b"\n"
    assert "no rows" in problems_of(header)[0][3]


def test_a_local_authority_row_without_a_proper_code_is_located():
    lines = C1.read_text(encoding="utf-8").split("\n")
    lines[15] = lines[15].replace(",872,", ",WOK,")
    assert problems_of("\n".join(lines).encode()) == [
        ("EES file", 16, "old_la_code", "'WOK' is not a three-digit local authority code")]


def test_windows_1252_text_is_read_without_error():
    tidy = load_ees(FIXTURES / "ees_c1_cp1252.csv")
    assert figure(tidy, "868", "2024-25", "rereferral_percent")["la_name"] == "Windsor and Maidenhead \u2013 RBWM"


def test_file_like_source_reads_like_a_path():
    with open(C1, "rb") as handle:
        from_handle = load_ees(handle)
    pd.testing.assert_frame_equal(from_handle, load_ees(C1))


def test_bundled_copies_are_byte_for_byte_the_shared_files():
    for path in (*EES_FILES, SN_MODEL):
        assert (REPO / "data" / "ees" / path.name).read_bytes() == path.read_bytes(), path.name


# Statistical neighbours

def test_statistical_neighbours_closest_first():
    neighbours = load_statistical_neighbours(SN_MODEL)
    assert len(neighbours) == 153 and all(len(codes) == 10 for codes in neighbours.values())
    # sn_model line 151: 872,Wokingham,6,South East,868,Close ,936,Close ,...,823,Close
    assert neighbours["872"] == ["868", "936", "825", "869", "305", "358", "318", "919", "867", "823"]


def test_closeness_labels_lose_their_trailing_spaces():
    assert b",Close ," in SN_MODEL.read_bytes()
    table = statistical_neighbour_table(SN_MODEL, "872")
    assert table.columns.tolist() == ["rank", "la_code", "la_name", "closeness"]
    assert table.iloc[0].tolist() == [1, "868", "Windsor and Maidenhead", "Close"]
    assert table["rank"].tolist() == list(range(1, 11))
    # line 2: Barking and Dagenham's 4th to 10th neighbours are "Somewhat close"
    barking = statistical_neighbour_table(SN_MODEL, "301")
    assert barking["closeness"].tolist() == ["Close"] * 3 + ["Somewhat close"] * 7


def test_neighbour_table_for_a_fictional_authority_is_empty():
    assert statistical_neighbour_table(SN_MODEL, None).empty
    assert statistical_neighbour_table(SN_MODEL, "999").empty


def test_every_authority_has_its_region_as_ees_names_it():
    regions = load_authority_regions(SN_MODEL)
    assert len(regions) == 153 and {code for code, _ in regions.values()} <= set(REGIONS)
    # sn_model lines 151, 3, 145, 52, 84, 47: the model says London; EES splits it (ONS statistical definition,
    # as DfE's dashboard does: Haringey and Newham are Inner London, Greenwich Outer)
    assert regions["872"] == ("E12000008", "South East")
    assert regions["302"] == ("E13000002", "Outer London")  # Barnet
    assert regions["213"] == ("E13000001", "Inner London")  # Westminster
    assert (regions["309"], regions["316"], regions["203"]) == (
        ("E13000001", "Inner London"), ("E13000001", "Inner London"), ("E13000002", "Outer London"))
    assert sum(name == "Inner London" for _, name in regions.values()) == 14
    assert sum(name == "Outer London" for _, name in regions.values()) == 19
    # the published rows agree: Bromley (305) and Richmond (318) are Outer London in every extract
    tidy = load_ees(C1)
    assert set(tidy.loc[tidy["la_code"].isin(["305", "318"]), "region_code"]) == {regions["305"][0]}


def test_a_region_the_model_does_not_know_is_located():
    text = SN_MODEL.read_text(encoding="utf-8-sig").replace("872,Wokingham,6,South East,", "872,Wokingham,6,Wessex,")
    with pytest.raises(ReturnError) as caught:
        load_authority_regions(text.encode())
    assert [(p.row, p.column) for p in caught.value.problems] == [(151, "region_name")]
    assert caught.value.problems[0].message.startswith("'Wessex' is not an English region")


def test_bad_neighbour_code_is_located():
    text = SN_MODEL.read_text(encoding="utf-8-sig").replace("872,Wokingham,6,South East,868,",
                                                            "872,Wokingham,6,South East,86,")
    with pytest.raises(ReturnError) as caught:
        load_statistical_neighbours(text.encode())
    assert [(p.row, p.column) for p in caught.value.problems] == [(151, "sn_1")]


# The comparators map

def test_bundled_comparators_map_is_valid():
    mapping = load_comparators_map(REPO / "data" / "comparators_map.csv")
    assert mapping.columns.tolist() == ["indicator_id", "breakdown", "dataset", "measure", "filters",
                                        "polarity_override", "reference", "source_label", "note"]
    assert set(mapping["indicator_id"]) == {"CSC01", "CSC03", "CSC06", "CP04", "CP06", "CLA01", "CLA02", "CLA03",
                                            "CLA04", "CLA07", "CL02", "CL03", "CL04", "MFH01", "MFH02", "MFH04",
                                            "WF01", "WF02", "WF03", "WF04",
                                            "AA05", "AA06", "AA11", "AA13", "AA15", "AA17", "AA18"}
    references = mapping.groupby("reference")["indicator_id"].unique().map(set).to_dict()
    assert references == {"year to 31 March": {"CSC01", "CSC03", "CSC06", "CP04", "CLA03", "CLA04", "CL02", "CL03",
                                                "CL04", "MFH01", "MFH02", "MFH04", "AA05", "AA06", "AA11", "AA15",
                                                "AA17", "AA18"},
                          "at 31 March": {"CP06", "CLA01", "CLA02", "CLA07", "AA13"},
                          "at 30 September": {"WF01", "WF03", "WF04"}, "year to 30 September": {"WF02"}}
    assert not mapping["note"].str.contains("here is DfE reporting year").any()
    cla03 = mapping.set_index("indicator_id").loc["CLA03"]
    assert "3 or more social workers" in cla03["note"] and "more than one" in cla03["note"]
    cl02 = mapping[mapping["indicator_id"] == "CL02"].set_index("breakdown")["filters"]
    assert cl02[""] == cl02["19-21"] == {  # the total is DfE's headline 19 to 21 measure
        "care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"}
    assert cl02["17-18"]["care_leaver_age"] == "17 to 18 years"


def test_comparators_map_problems_are_reported_together():
    text = (REPO / "data" / "comparators_map.csv").read_text(encoding="utf-8").split("\n")
    text[1] = text[1].replace("CSC03,,,rereferral_percent,,", "CSC03,,,rereferral_percent,category Referrals,up")
    text[2] = text[2].replace("CSC06,,,no_further_action_percent", "CSC03,,,no_further_action_percent")
    with pytest.raises(ReturnError) as caught:
        load_comparators_map("\n".join(text).encode())
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "filters"), (2, "polarity_override"), (3, "breakdown")]


def test_comparators_map_with_an_unknown_column():
    with pytest.raises(ReturnError) as caught:
        load_comparators_map(b"indicator_id,breakdown,dataset,measure,filters,polarity_override,source_label,notes\n")
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "notes"), (1, "reference"), (1, "note")]


def test_every_mapped_measure_says_what_date_it_is_for():
    lines = (REPO / "data" / "comparators_map.csv").read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("CSC03,,,rereferral_percent,,,year to 31 March,")
    lines[1] = lines[1].replace(",year to 31 March,", ",,", 1)
    lines[2] = lines[2].replace(",year to 31 March,", ",year to 30 June,", 1)
    lines[3] = lines[3].replace("{period}", "{period} {quarter}", 1)
    with pytest.raises(ReturnError) as caught:
        load_comparators_map("\n".join(lines).encode())
    found = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert [(row, column) for row, column, _ in found] == [(2, "reference"), (3, "reference"), (4, "source_label")]
    assert found[0][2].startswith(
        "'' is not one of year to 31 March, at 31 March, year to 30 September, at 30 September")
    assert found[1][2].startswith("'year to 30 June' is not one of")
    assert "{period}" in found[2][2] and "{year}" in found[2][2]
    assert set(REFERENCES) == {"year to 31 March", "at 31 March", "year to 30 September", "at 30 September"}


def test_parse_filters():
    assert parse_filters("care_leaver_age=19 to 21 years; breakdown=Total in education, employment or training") == {
        "care_leaver_age": "19 to 21 years", "breakdown": "Total in education, employment or training"}
    assert parse_filters("") == {}
    assert parse_filters("Population_Type = Children looked after on 31 March each year") == {
        "population_type": "Children looked after on 31 March each year"}
    with pytest.raises(ValueError, match="column=value"):
        parse_filters("breakdown")
    with pytest.raises(ValueError, match="twice"):
        parse_filters("a=1; A=2")
