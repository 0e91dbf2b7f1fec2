"""Child-level lists -> aggregate values: hand-checked figures, the fake SSDA903 tables, bad rows, no leaks."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from data_loaders.child_level import (CHILD_LEVEL_CATALOGUE, DURATION_BANDS, duration_band, load_child_level,
                                      parse_when)
from data_loaders.model import INDICATOR_COLUMNS, VALUE_COLUMNS, ReturnError
from child_data import annex_a_identifiers
from shared_data import ANNEX_A, require

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ssda903_fake"
needs_shared = pytest.mark.usefixtures("needs_ssda903")
LOG_HEADER = "child_ref,start,end,setting,rhi_offered,rhi_completed\n"


def load_log(rows: str, **kwargs):
    """A missing log built in the test, loaded as CSV bytes."""
    return load_child_level((LOG_HEADER + rows).encode(), "missing_log", filename="log.csv", **kwargs)


def row(result, indicator_id: str, period: str, breakdown: str = "") -> pd.Series:
    """The single values row for an indicator, month and breakdown."""
    values = result.values
    match = values[(values["indicator_id"] == indicator_id) & (values["period"] == period)
                   & (values["breakdown"] == breakdown)]
    assert len(match) == 1, f"{indicator_id} {period} {breakdown!r}: {len(match)} rows"
    return match.iloc[0]


def figure(result, indicator_id: str, period: str, breakdown: str = "") -> float:
    """The value of one values row."""
    return row(result, indicator_id, period, breakdown)["value"]


def problems_of(error: pytest.ExceptionInfo) -> set[tuple[int | None, str | None]]:
    """(row, column) of every problem raised."""
    return {(problem.row, problem.column) for problem in error.value.problems}


# --- the catalogue --------------------------------------------------------------------------------

def test_catalogue_has_every_id_with_the_agreed_unit_polarity_and_aggregation():
    expected = {
        "MFH01": ("count", "lower_is_better", "sum"), "MFH02": ("count", "lower_is_better", "sum"),
        "MFH03": ("count", "lower_is_better", "sum"), "MFH04": ("number", "neutral", "sum"),
        "MFH05": ("count", "neutral", "sum"), "MFH06": ("number", "neutral", "last"),
        "MFH07": ("percent", "higher_is_better", "sum"), "MFH08": ("percent", "higher_is_better", "sum"),
        "CL01": ("percent", "higher_is_better", "last"), "CL02": ("percent", "higher_is_better", "last"),
        "CL03": ("percent", "higher_is_better", "last"), "CL04": ("percent", "lower_is_better", "last"),
        "CL05": ("percent", "lower_is_better", "last"),
        # Ofsted Annex A (tests/test_annex_a.py checks their dashboards and rules)
        "AA01": ("count", "neutral", "sum"), "AA02": ("count", "neutral", "sum"), "AA03": ("count", "neutral", "sum"),
        "AA04": ("count", "neutral", "sum"), "AA05": ("percent", "lower_is_better", "sum"),
        "AA06": ("percent", "neutral", "sum"), "AA07": ("percent", "higher_is_better", "sum"),
        "AA08": ("count", "neutral", "sum"), "AA09": ("percent", "higher_is_better", "sum"),
        "AA10": ("count", "neutral", "sum"), "AA11": ("percent", "lower_is_better", "sum"),
        "AA12": ("count", "neutral", "last"), "AA13": ("percent", "lower_is_better", "last"),
        "AA14": ("count", "neutral", "last"), "AA15": ("percent", "lower_is_better", "last"),
        "AA16": ("percent", "higher_is_better", "last"), "AA17": ("percent", "higher_is_better", "last"),
        "AA18": ("percent", "higher_is_better", "last"),
    }
    catalogue = CHILD_LEVEL_CATALOGUE.set_index("indicator_id")
    assert list(CHILD_LEVEL_CATALOGUE.columns) == list(INDICATOR_COLUMNS)
    assert {i: tuple(catalogue.loc[i, ["unit", "polarity", "aggregation"]]) for i in catalogue.index} == expected
    assert set(catalogue.loc[catalogue.index.str.startswith("MFH"), "dashboard"]) == {"7 Missing from Home and Care"}
    assert set(catalogue.loc[catalogue.index.str.startswith("MFH"), "dashboard_number"]) == {7}
    assert set(catalogue.loc[catalogue.index.str.startswith("CL"), "dashboard"]) == {"6 Care Leavers"}
    assert set(catalogue.loc[catalogue.index.str.startswith("CL"), "dashboard_number"]) == {6}
    assert catalogue["definition"].str.len().min() > 60
    assert "once in each month" in catalogue.loc["MFH02", "definition"]


# --- missing log: hand-checked figures ---------------------------------------------------------------

def test_two_incidents_by_one_child_in_a_month():
    result = load_log("C1,03/04/2025 10:00,03/04/2025 20:00,home,,\n"
                      "C1,10/04/2025 08:00,12/04/2025 08:00,home,,\n")
    # 2 incidents, 1 child, who went missing twice; 2 incidents / 1 child = 2.0
    assert figure(result, "MFH01", "2025-04") == 2
    assert figure(result, "MFH02", "2025-04") == 1
    assert figure(result, "MFH03", "2025-04") == 1
    mfh04 = row(result, "MFH04", "2025-04")
    assert (mfh04["numerator"], mfh04["denominator"], mfh04["value"]) == (2, 1, 2.0)


def test_an_incident_spanning_a_month_end_counts_in_its_start_month():
    result = load_log("C2,30/04/2025 22:00,02/05/2025 06:00,care,,\n"
                      "C3,05/05/2025 09:00,05/05/2025 11:00,care,,\n")
    assert figure(result, "MFH01", "2025-04") == 1     # only C2, which started in April
    assert figure(result, "MFH01", "2025-05") == 1     # only C3: C2 is not counted again
    assert figure(result, "MFH06", "2025-04") == 32    # 22:00 on 30/04 to 06:00 on 02/05 = 2 + 24 + 6 hours


def test_duration_bands_at_their_boundaries_and_still_missing():
    result = load_log("A,01/06/2025 00:00,01/06/2025 23:59,home,,\n"     # 23h59m: under 24 hours
                      "B,02/06/2025 09:00,03/06/2025 09:00,home,,\n"     # exactly 24h: 1 to 7 days
                      "C,04/06/2025 09:00,11/06/2025 09:00,home,,\n"     # exactly 7 x 24h = 168h: 1 to 7 days
                      "D,05/06/2025 09:00,12/06/2025 09:01,home,,\n"     # 168h + 1 min: over 7 days
                      "E,06/06/2025 09:00,,home,,\n")                    # no end: still missing
    bands = {band: figure(result, "MFH05", "2025-06", band) for band in DURATION_BANDS}
    assert bands == {"Under 24 hours": 1, "1 to 7 days": 2, "Over 7 days": 1, "Still missing": 1}
    assert figure(result, "MFH05", "2025-06") == 5     # total: every incident starting in June
    # median of the four ended: 23.98, 24, 168, 168.02 hours -> (24 + 168) / 2 = 96
    assert figure(result, "MFH06", "2025-06") == 96


def test_duration_band_function_boundaries():
    hours = pd.Timedelta(hours=1)
    assert duration_band(24 * hours - pd.Timedelta(seconds=1)) == "Under 24 hours"
    assert duration_band(24 * hours) == "1 to 7 days"
    assert duration_band(168 * hours) == "1 to 7 days"
    assert duration_band(168 * hours + pd.Timedelta(seconds=1)) == "Over 7 days"
    assert duration_band(pd.NaT) == "Still missing"


def test_return_home_interview_at_exactly_72_hours_counts_and_one_minute_later_does_not():
    result = load_log("R1,01/07/2025 10:00,02/07/2025 12:00,home,03/07/2025,05/07/2025 12:00\n"   # 72h: in time
                      "R2,01/07/2025 11:00,02/07/2025 12:00,home,02/07/2025,05/07/2025 12:01\n"   # 72h 1m: late
                      "R3,01/07/2025 12:00,02/07/2025 12:00,care,,\n"                             # returned, no RHI
                      "R4,01/07/2025 13:00,,care,,\n")                                            # still missing
    # returned incidents R1-R3 = 3; within 72h: R1 -> 1/3; offered: R1, R2 -> 2/3
    mfh07, mfh08 = row(result, "MFH07", "2025-07"), row(result, "MFH08", "2025-07")
    assert (mfh07["numerator"], mfh07["denominator"]) == (1, 3)
    assert mfh07["value"] == pytest.approx(100 / 3)
    assert (mfh08["numerator"], mfh08["denominator"]) == (2, 3)
    assert mfh08["value"] == pytest.approx(200 / 3)
    # from home: R1, R2 -> 1/2 in time, 2/2 offered; from care: only R3 returned -> 0/1, 0/1
    assert figure(result, "MFH07", "2025-07", "From home") == 50
    assert figure(result, "MFH08", "2025-07", "From home") == 100
    assert figure(result, "MFH07", "2025-07", "From care") == 0
    assert figure(result, "MFH08", "2025-07", "From care") == 0


def test_home_and_care_breakdowns_beside_an_explicit_total():
    result = load_log("K1,01/08/2025 10:00,01/08/2025 12:00,home,,\n"    # 2h
                      "K1,05/08/2025 10:00,05/08/2025 20:00,care,,\n"    # 10h
                      "K2,10/08/2025 10:00,11/08/2025 16:00,home,,\n"    # 30h
                      "K2,20/08/2025 10:00,22/08/2025 12:00,home,,\n"    # 50h
                      "K3,15/08/2025 10:00,,care,,\n")                   # still missing
    month = "2025-08"
    # total: 5 incidents by K1, K2, K3; K1 and K2 each twice; median of 2, 10, 30, 50 = 20
    assert [figure(result, i, month) for i in ("MFH01", "MFH02", "MFH03", "MFH04", "MFH06")] == [5, 3, 2, 5 / 3, 20]
    # from home: K1, K2, K2 -> 3 incidents, 2 children, K2 twice, 3/2; median of 2, 30, 50 = 30
    assert [figure(result, i, month, "From home") for i in ("MFH01", "MFH02", "MFH03", "MFH04", "MFH06")] \
        == [3, 2, 1, 1.5, 30]
    # from care: K1, K3 -> 2 incidents, 2 children, none twice, 1.0; only K1 ended: 10
    assert [figure(result, i, month, "From care") for i in ("MFH01", "MFH02", "MFH03", "MFH04", "MFH06")] \
        == [2, 2, 0, 1.0, 10]
    # K1 went missing from both: once in each breakdown, once in the total (2 + 2 != 3)
    assert set(result.values["breakdown"]) == {"", "From home", "From care", *DURATION_BANDS}


def test_months_between_incidents_get_zero_counts_and_no_rates():
    result = load_log("G1,10/01/2025 10:00,10/01/2025 12:00,home,,\n"
                      "G2,10/03/2025 10:00,,care,,\n")
    assert sorted(set(result.values["period"])) == ["2025-01", "2025-02", "2025-03"]
    feb = result.values[result.values["period"] == "2025-02"]
    assert set(feb["indicator_id"]) == {"MFH01", "MFH02", "MFH03", "MFH05"}
    assert feb["value"].eq(0).all()
    # March: the only incident is still missing, so no median or interview rates
    assert not result.values[(result.values["period"] == "2025-03")
                             & result.values["indicator_id"].isin(["MFH06", "MFH07", "MFH08"])].size


def test_values_table_shape_and_month_columns():
    result = load_log("C1,03/04/2025 10:00,03/04/2025 20:00,home,,\n")
    assert list(result.values.columns) == list(VALUE_COLUMNS)
    assert set(result.values["frequency"]) == {"month"}
    assert set(result.values["period_start"]) == {pd.Timestamp(2025, 4, 1)}
    assert set(result.indicators["indicator_id"]) == {f"MFH0{n}" for n in range(1, 9)}
    assert list(result.indicators.columns) == list(INDICATOR_COLUMNS)


def test_period_keeps_only_incidents_starting_in_it():
    result = load_log("P1,31/03/2025 23:00,01/04/2025 02:00,home,,\n"
                      "P2,01/04/2025 00:00,01/04/2025 02:00,home,,\n", period="2025-26")
    assert set(result.values["period"]) == {"2025-04"}
    assert figure(result, "MFH01", "2025-04") == 1


def test_xlsx_log_with_date_cells_and_loose_column_names():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Missing log"
    sheet.append(["Child Ref", " START ", "MIS_END", "Setting"])
    sheet.append(["X1", dt.datetime(2025, 9, 1, 22, 30), dt.datetime(2025, 9, 2, 1, 30), "Home"])
    sheet.append([1234, "2025-09-03 08:00", None, "CARE"])
    sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    result = load_child_level(buffer.getvalue(), "missing_log", filename="log.xlsx")
    assert figure(result, "MFH01", "2025-09", "From home") == 1
    assert figure(result, "MFH05", "2025-09", "Still missing") == 1
    assert figure(result, "MFH06", "2025-09") == 3       # 22:30 to 01:30
    assert set(result.indicators["indicator_id"]) == {f"MFH0{n}" for n in range(1, 7)}   # no RHI columns


def test_file_like_source_and_unknown_kind():
    result = load_child_level(io.BytesIO((LOG_HEADER + "C1,03/04/2025,04/04/2025,home,,\n").encode()),
                              "missing_log")
    assert figure(result, "MFH05", "2025-04", "1 to 7 days") == 1    # dates only: midnight to midnight = 24h
    with pytest.raises(ValueError, match="kind must be one of"):
        load_child_level(b"", "annex_b")
    with pytest.raises(ValueError, match="period does not apply to Annex A"):
        load_child_level(b"", "annex_a", period="2025-26")
    with pytest.raises(ValueError, match="as_at applies to Annex A only"):
        load_child_level(b"", "missing_log", as_at="2025-06-30")


@pytest.mark.parametrize("data, kind, period", [(LOG_HEADER.encode(), "missing_log", None),
                                                (b"CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n", "ssda903_oc3", "2024-25")])
def test_a_list_with_no_rows_gives_no_values(data, kind, period):
    result = load_child_level(data, kind, period=period)
    assert result.values.empty and result.indicators.empty
    assert list(result.values.columns) == list(VALUE_COLUMNS)


def test_parse_when_forms():
    assert parse_when("05/12/2024") == pd.Timestamp(2024, 12, 5)
    assert parse_when("5/12/2024 7:05") == pd.Timestamp(2024, 12, 5, 7, 5)
    assert parse_when("2024-12-05 07:05:09") == pd.Timestamp(2024, 12, 5, 7, 5, 9)
    assert parse_when(dt.date(2024, 12, 5)) == pd.Timestamp(2024, 12, 5)
    assert parse_when("31/02/2024") is None
    assert parse_when("n/a") is None


# --- SSDA903 missing table ----------------------------------------------------------------------------

def test_ssda903_missing_breakdowns_and_codes():
    text = ("CHILD,DOB,MISSING,MIS_START,MIS_END\n"
            "S1,01/01/2010,M,01/10/2024,03/10/2024\n"
            "S1,01/01/2010,a,05/10/2024,\n"
            "S2,01/01/2011,A,06/10/2024,06/10/2024\n")
    result = load_child_level(text.encode(), "ssda903_missing")
    assert figure(result, "MFH01", "2024-10", "Missing") == 1
    assert figure(result, "MFH01", "2024-10", "Away without authorisation") == 2
    assert figure(result, "MFH02", "2024-10") == 2
    assert figure(result, "MFH03", "2024-10") == 1
    # 2 days = 48h and same day = 0h ended; median 24
    assert figure(result, "MFH06", "2024-10") == 24
    assert set(result.indicators["indicator_id"]) == {f"MFH0{n}" for n in range(1, 7)}


@needs_shared
def test_fake_ssda903_missing_end_to_end():
    result = load_child_level(SHARED / "missing.csv", "ssda903_missing")
    totals = result.values[(result.values["indicator_id"] == "MFH01") & (result.values["breakdown"] == "")]
    assert totals["value"].sum() == 43                 # 43 data rows, each a distinct incident
    assert (totals["period"].min(), totals["period"].max()) == ("2017-03", "2018-02")
    # November 2017 by hand: starts 02, 03, 13, 17, 20, 21, 24, 26 Nov; child 366621 twice (M and A)
    assert [figure(result, i, "2017-11") for i in ("MFH01", "MFH02", "MFH03")] == [8, 7, 1]
    assert figure(result, "MFH04", "2017-11") == pytest.approx(8 / 7)
    assert [figure(result, "MFH01", "2017-11", b) for b in ("Missing", "Away without authorisation")] == [4, 4]
    # lengths 12, 44, 20, 12, 49, 47, 14, 50 days -> all over 7 days; median (20 + 44) / 2 = 32 days = 768h
    assert figure(result, "MFH05", "2017-11", "Over 7 days") == 8
    assert figure(result, "MFH06", "2017-11") == 768
    # missing: 44, 20, 49, 14 days -> (20 + 44) / 2 = 32 days; away: 12, 12, 47, 50 -> (12 + 47) / 2 = 29.5 days
    assert figure(result, "MFH06", "2017-11", "Missing") == 768
    assert figure(result, "MFH06", "2017-11", "Away without authorisation") == 708
    # September 2017: 19, 3 and 4 days -> two in "1 to 7 days" (3 days = 72h), median 4 days = 96h
    assert figure(result, "MFH05", "2017-09", "1 to 7 days") == 2
    assert figure(result, "MFH06", "2017-09") == 96


@needs_shared
def test_fake_ssda903_missing_limited_to_its_collection_year():
    result = load_child_level(SHARED / "missing.csv", "ssda903_missing", period="2017-18")
    totals = result.values[(result.values["indicator_id"] == "MFH01") & (result.values["breakdown"] == "")]
    assert totals["value"].sum() == 40                 # 43 less the 3 that started in March 2017
    assert totals["period"].min() == "2017-04"


# --- OC3 care leavers ----------------------------------------------------------------------------------

OC3_ROWS = [  # collection year 2024-25: age at 31 March 2025
    ("Y01", "15/06/2007", "YES", "F2", "D1"),   # 17: in touch, EET, suitable
    ("Y02", "20/03/2008", "YES", "G5", "W2"),   # 17: in touch, NEET, bed and breakfast (unsuitable)
    ("Y03", "01/04/2006", "NO", "0", "0"),      # 18: not in touch, activity and accommodation not known
    ("Y04", "31/03/2007", "DIED", "0", "0"),    # 18: died -> left out of every figure
    ("Y05", "10/10/2005", "REFU", "0", "R1"),   # 19: refuses contact; residence not known -> out of CL03
    ("Y06", "02/02/2004", "YES", "P3", "U1"),   # 21: in touch, EET, suitable
    ("Y07", "05/05/2003", "NREQ", "G4", "G2"),  # 21: NEET; gone abroad -> out of CL03
    ("Y08", "12/12/2004", "RHOM", "0", "0"),    # 20: returned home -> left out of every figure
    ("Y09", "01/04/2004", "YES", "F4", "W1"),   # 20: in touch, EET, bed and breakfast (suitable)
]


def oc3_bytes(rows) -> bytes:
    """An OC3 table with DfE column names."""
    return ("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n" + "".join(",".join(r) + "\n" for r in rows)).encode()


def test_oc3_code_groups_and_age_groups():
    result = load_child_level(oc3_bytes(OC3_ROWS), "ssda903_oc3", filename="oc3.csv")
    # counted: all but Y04 (DIED) and Y08 (RHOM) = 7; 17-18: Y01, Y02, Y03 = 3; 19-21: Y05, Y06, Y07, Y09 = 4
    expected = {
        "CL01": {"": (4, 7), "17-18": (2, 3), "19-21": (2, 4)},  # YES: Y01, Y02 | Y06, Y09
        "CL02": {"": (3, 7), "17-18": (1, 3), "19-21": (2, 4)},  # F/P: Y01 | Y06, Y09
        "CL03": {"": (3, 5), "17-18": (1, 3), "19-21": (2, 2)},  # suitable of 7 less Y05 (R), Y07 (G)
        "CL04": {"": (2, 7), "17-18": (1, 3), "19-21": (1, 4)},  # G4-G6: Y02 | Y07
        "CL05": {"": (2, 7), "17-18": (1, 3), "19-21": (1, 4)},  # W: Y02 | Y09
    }
    for indicator_id, groups in expected.items():
        for breakdown, (numerator, denominator) in groups.items():
            found = row(result, indicator_id, "2025-03", breakdown)
            assert (found["numerator"], found["denominator"]) == (numerator, denominator), indicator_id
            assert found["value"] == pytest.approx(100 * numerator / denominator)
    assert set(result.values["period_start"]) == {pd.Timestamp(2025, 3, 1)}
    assert set(result.indicators["indicator_id"]) == {"CL01", "CL02", "CL03", "CL04", "CL05"}


@pytest.mark.parametrize("period", [None, "2024-25", "2024-09", "2025-03"])
def test_oc3_collection_year_from_period_or_dates_of_birth(period):
    result = load_child_level(oc3_bytes(OC3_ROWS), "ssda903_oc3", period=period)
    assert set(result.values["period"]) == {"2025-03"}


def test_oc3_young_person_outside_17_to_21_in_the_given_year():
    with pytest.raises(ReturnError) as error:
        load_child_level(oc3_bytes(OC3_ROWS), "ssda903_oc3", period="2023-24", filename="oc3.csv")
    # at 31 March 2024 Y01 and Y02 are 16: rows 2 and 3
    assert problems_of(error) == {(2, "DOB"), (3, "DOB")}
    assert "not aged 17 to 21 at 31 March 2024" in error.value.problems[0].message


@needs_shared
def test_fake_oc3_as_published_is_refused_with_every_problem():
    with pytest.raises(ReturnError) as error:
        load_child_level(SHARED / "oc3.csv", "ssda903_oc3")
    # the dates of birth (January to April 2001) fit four collection years, and three ACCOM codes are
    # not in the DfE list: 01 and 02 (0 is the code) and S1 (no fixed abode is never suitable)
    assert problems_of(error) == {(None, "DOB"), (2, "ACCOM"), (47, "ACCOM"), (54, "ACCOM")}
    assert "they fit 2018-19 to 2021-22" in str(error.value)


@needs_shared
def test_fake_oc3_end_to_end_with_its_bad_codes_corrected():
    published = (SHARED / "oc3.csv").read_bytes()
    corrected = published.replace(b",01\n", b",0\n").replace(b",02\n", b",0\n").replace(b",S1\n", b",S2\n")
    assert corrected.count(b"\n") == published.count(b"\n") and corrected != published
    result = load_child_level(corrected, "ssda903_oc3", period="2019-20", filename="oc3.csv")
    # 53 rows less 13 DIED and 8 RHOM = 32; born April 2001 -> 18 at 31 March 2020, the rest 19:
    # of the three born in April only one (REFU, G4, Y1) is counted, in 17-18
    assert row(result, "CL01", "2020-03")[["numerator", "denominator"]].tolist() == [13, 32]
    assert row(result, "CL02", "2020-03")[["numerator", "denominator"]].tolist() == [21, 32]
    assert row(result, "CL04", "2020-03")[["numerator", "denominator"]].tolist() == [9, 32]
    # suitability: 32 less 5 with G, H or R accommodation = 27, of whom 15 have a code ending in 1
    assert row(result, "CL03", "2020-03")[["numerator", "denominator"]].tolist() == [15, 27]
    assert figure(result, "CL05", "2020-03") == 0
    assert row(result, "CL04", "2020-03", "17-18")[["numerator", "denominator"]].tolist() == [1, 1]
    assert row(result, "CL02", "2020-03", "19-21")[["numerator", "denominator"]].tolist() == [21, 31]


# --- bad rows ------------------------------------------------------------------------------------------

def test_every_kind_of_bad_missing_log_row_is_listed_at_once():
    rows = ("BAD01,32/01/2025,,home,,\n"                                     # 2: start not a date
            "BAD02,01/02/2025 10:00,01/02/2025 09:00,care,,\n"               # 3: end before start
            "BAD03,01/01/2099,,home,,\n"                                     # 4: start in the future
            "BAD04,31/12/1999,,home,,\n"                                     # 5: start before 2000
            "BAD05,01/03/2025,02/03/2025,school,,\n"                         # 6: unknown setting
            "BAD06,01/03/2025 10:00,01/03/2025 12:00,home,,\n"               # 7: fine
            "BAD06,01/03/2025 10:00,01/03/2025 12:00,home,,\n"               # 8: duplicate of row 7
            "BAD07,01/03/2025 10:00,02/03/2025 10:00,home,,01/03/2025 12:00\n"   # 9: RHI before return
            "BAD08,01/03/2025 10:00,,home,,05/03/2025\n"                     # 10: RHI but no return
            ",01/03/2025,,home,,\n"                                          # 11: no child reference
            "BAD09,,,,n/a,\n")                                               # 12: blanks and 'n/a'
    with pytest.raises(ReturnError) as error:
        load_log(rows)
    assert problems_of(error) == {
        (2, "start"), (3, "end"), (4, "start"), (5, "start"), (6, "setting"), (8, "child_ref"),
        (9, "rhi_completed"), (10, "rhi_completed"), (11, "child_ref"), (12, "start"), (12, "setting"),
        (12, "rhi_offered")}
    messages = {(p.row, p.column): p.message for p in error.value.problems}
    assert messages[(2, "start")] == "the start is not a date: use dd/mm/yyyy, optionally with hh:mm"
    assert messages[(3, "end")] == "the end is before the start"
    assert messages[(4, "start")] == "the start is in the future"
    assert messages[(5, "start")] == "the start is before 2000"
    assert messages[(6, "setting")] == "the setting code is not valid: use one of home, care"
    assert messages[(8, "child_ref")] == "the same incident (same child and start) is already on row 7"
    assert messages[(9, "rhi_completed")] == "the return home interview was completed before the return (the end)"
    assert all(p.sheet == "log.csv" for p in error.value.problems)
    assert echoed(LOG_HEADER + rows, error) == set()


def test_missing_required_columns():
    with pytest.raises(ReturnError) as error:
        load_child_level(b"Child Ref,Start,Setting\nC1,01/01/2025,home\n", "missing_log", filename="log.csv")
    assert problems_of(error) == {(1, "end")}
    assert "row 1 must name the columns child_ref, start, end, setting" in str(error.value)
    with pytest.raises(ReturnError) as error:
        load_child_level(b"CHILD,DOB,MIS_START,MIS_END\n1,01/01/2010,01/01/2025,\n", "ssda903_missing")
    assert problems_of(error) == {(1, "missing")}


def test_a_child_reference_in_the_wrong_column_is_not_repeated():
    text = b"CHILD,DOB,MISSING,MIS_START,MIS_END\n556677,02/03/1999,556677,02/03/1999,\n"
    with pytest.raises(ReturnError) as error:
        load_child_level(text, "ssda903_missing")
    assert problems_of(error) == {(2, "MISSING"), (2, "MIS_START")}    # a shifted row: code and "before 2000"
    assert "556677" not in str(error.value) and "02/03/1999" not in " ".join(map(str, error.value.problems))


def test_bad_ssda903_missing_code():
    with pytest.raises(ReturnError) as error:
        load_child_level(b"CHILD,DOB,MISSING,MIS_START,MIS_END\n77,01/01/2010,X,01/01/2025,\n", "ssda903_missing")
    assert problems_of(error) == {(2, "MISSING")}
    assert error.value.problems[0].message == "the MISSING code is not valid: use one of M, A"


def echoed(text: str, error: pytest.ExceptionInfo) -> set[str]:
    """The cells of a CSV's data rows holding a digit (child references, dates, times) that appear in the
    error or any of its problems: the cells that could identify a child."""
    shown = str(error.value) + "\n".join(map(str, error.value.problems))
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return {cell for row in rows for cell in row if re.search(r"\d", cell) and cell in shown}


def test_shifted_columns_name_the_row_and_column_and_echo_no_cell():
    """A row shifted one column right puts the child's reference in DOB, the date of birth in MISSING and
    the code in MIS_START: each problem names the row and column, and no cell of the file is repeated."""
    text = ("CHILD,DOB,MISSING,MIS_START,MIS_END\n"
            ",C-424242,12/03/2002,M,01/01/2025\n"
            "C-515151,01/01/2010,A,32/13/2024,\n")
    with pytest.raises(ReturnError) as error:
        load_child_level(text.encode(), "ssda903_missing", filename="missing.csv")
    assert sorted(map(str, error.value.problems)) == [
        "missing.csv row 2, column CHILD: the child reference is blank",
        "missing.csv row 2, column MISSING: the MISSING code is not valid: use one of M, A",
        "missing.csv row 2, column MIS_START: the start is not a date: use dd/mm/yyyy, optionally with hh:mm",
        "missing.csv row 3, column MIS_START: the start is not a date: use dd/mm/yyyy, optionally with hh:mm",
    ]
    assert echoed(text, error) == set()


def test_every_kind_of_bad_oc3_row_is_listed_without_the_date_of_birth():
    rows = [("Z01", "31/02/2005", "YES", "F1", "U1"),    # 2: no 31 February
            ("Z02", "01/01/2099", "YES", "F1", "U1"),    # 3: born in the future
            ("Z03", "01/06/2005", "MAYBE", "F9", "S1"),  # 4: three unknown codes
            ("Z04", "01/06/2005", "YES", "F1", ""),      # 5: blank ACCOM
            ("Z04", "01/06/2005", "YES", "F1", "U1")]    # 6: same young person as row 5
    with pytest.raises(ReturnError) as error:
        load_child_level(oc3_bytes(rows), "ssda903_oc3", period="2024-25", filename="oc3.csv")
    assert problems_of(error) == {(2, "DOB"), (3, "DOB"), (4, "IN_TOUCH"), (4, "ACTIV"), (4, "ACCOM"),
                                  (5, "ACCOM"), (6, "CHILD")}
    text = str(error.value) + " ".join(p.message for p in error.value.problems)
    assert "31/02/2005" not in text and "2099" not in text and not re.search(r"Z0\d", text)


def test_bad_period_argument_is_a_problem():
    with pytest.raises(ReturnError, match="the period"):
        load_child_level(oc3_bytes(OC3_ROWS), "ssda903_oc3", period="next year")


# --- nothing child-level leaves the module -------------------------------------------------------------

def identifiers_in(data: bytes) -> set[str]:
    """Every child reference and date of birth (as written and as yyyy-mm-dd) in a CSV list."""
    found = set()
    for record in csv.DictReader(io.StringIO(data.decode())):
        found.add(record.get("CHILD") or record.get("child_ref"))
        if dob := record.get("DOB"):
            found |= {dob, dt.datetime.strptime(dob, "%d/%m/%Y").strftime("%Y-%m-%d")}
    return found - {"", None}


def every_cell_text(result) -> list[str]:
    """str() of every cell of every returned table, and of the `about` facts."""
    frames = [result.indicators, result.values, result.comparators, result.commentary]
    return [str(cell) for frame in frames for cell in frame.to_numpy().ravel()] + \
        [str(item) for pair in result.about.items() for item in pair]


@needs_shared
def test_no_child_reference_or_date_of_birth_in_any_output_or_problem():
    oc3 = (SHARED / "oc3.csv").read_bytes()
    corrected = oc3.replace(b",01\n", b",0\n").replace(b",02\n", b",0\n").replace(b",S1\n", b",S2\n")
    log = (LOG_HEADER + "LOG-C1,01/07/2025 10:00,02/07/2025 12:00,home,03/07/2025,05/07/2025 12:00\n"
           "LOG-C2,03/07/2025 10:00,,care,,\n").encode()
    loads = [((SHARED / "missing.csv").read_bytes(), "ssda903_missing", None),
             (corrected, "ssda903_oc3", "2019-20"), (oc3_bytes(OC3_ROWS), "ssda903_oc3", None),
             (log, "missing_log", None)]
    for data, kind, period in loads:
        identifiers = identifiers_in(data)
        assert len(identifiers) >= 2, kind
        cells = every_cell_text(load_child_level(data, kind, period=period))
        leaks = {i for i in identifiers for cell in cells if i in cell}
        assert not leaks, f"{kind}: {sorted(leaks)[:5]}"
    for data, kind, period in [(oc3, "ssda903_oc3", None), (oc3, "ssda903_oc3", "2017-18")]:
        with pytest.raises(ReturnError) as error:
            load_child_level(data, kind, period=period)
        text = str(error.value) + "\n".join(str(p) for p in error.value.problems)
        assert not {i for i in identifiers_in(data) if i in text}


# --- Annex A: no child reference, date of birth or worker name anywhere ---------------------------------

def annex_a_workbooks() -> list[tuple[str, bytes]]:
    """The shared Annex A sample and the demo authority's October export."""
    return [("shared sample", require(ANNEX_A / "Annex_A_sample.xlsx").read_bytes()),
            ("demo October export", (Path(__file__).resolve().parents[1] / "data" /
                                     "demo_annex_a_2026-10.xlsx").read_bytes())]


@pytest.mark.usefixtures("needs_annex_a")
def test_no_child_reference_date_of_birth_or_worker_name_from_annex_a():
    for label, data in annex_a_workbooks():
        identifiers = annex_a_identifiers(data)
        assert len(identifiers) > 20, label
        result = load_child_level(data, "annex_a", months=12)
        cells = every_cell_text(result) + list(result.notes)
        leaks = {i for i in identifiers for cell in cells if i in cell}
        assert not leaks, f"{label}: {sorted(leaks)[:5]}"
    # the same workbook with a child reference typed into a date and a worker name into a count is refused,
    # and the problems name the cells without repeating them
    book = openpyxl.load_workbook(io.BytesIO(annex_a_workbooks()[0][1]))
    child, worker = book["List 3"]["A2"].value, book["List 3"]["K2"].value
    book["List 3"]["F2"] = str(child)
    book["List 7"]["O3"] = worker
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ReturnError) as error:
        load_child_level(buffer.getvalue(), "annex_a")
    assert {(p.sheet, p.row, p.column) for p in error.value.problems} == {
        ("List 3", 2, "Date of Referral"), ("List 7", 3, "Number of Previous Child Protection Plans")}
    text = str(error.value) + "\n".join(str(problem) for problem in error.value.problems)
    assert not {i for i in annex_a_identifiers(buffer.getvalue()) if i in text}
    assert str(int(child)) not in text and worker.split("\xa0")[0] not in text


def test_a_workbook_whose_first_sheet_is_hidden_is_refused_not_read_from_the_hidden_sheet():
    """The list is read from the first sheet: a hidden one there would be read in place of the one on screen."""
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Old log"
    hidden.append(["child_ref", "start", "end", "setting"])
    hidden.append(["H1", "01/04/2025 10:00", "01/04/2025 12:00", "home"])
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("Missing log")
    shown.append(["child_ref", "start", "end", "setting"])
    shown.append(["S1", "02/05/2025 10:00", "02/05/2025 12:00", "care"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ReturnError) as error:
        load_child_level(buffer.getvalue(), "missing_log", filename="log.xlsx")
    assert [str(problem) for problem in error.value.problems] == [
        "log.xlsx: the workbook has hidden sheets: 'Old log' (hidden). A hidden sheet could be read instead of the "
        "one you see: delete it, or unhide it (right-click a sheet tab, Unhide) and check what it holds, then save "
        "again"]
