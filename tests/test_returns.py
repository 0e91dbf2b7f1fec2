"""Tests for the return loader (`load_return`): sheets, columns, derived values and every validation problem.

Workbooks are built in the test with openpyxl. A problem is compared as an officer reads it:
`str(problem)` is "Sheet row N, column X: message", row being the spreadsheet row (header = row 1).
"""
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font

from shared_data import require

from data_loaders import PerformanceReturn, ReturnError, load_return

TODAY = dt.date(2026, 1, 15)
FRONT_DOOR = "3 Children's Social Care Front Door"
INDICATOR_HEADER = ["indicator_id", "dashboard", "title", "definition", "unit", "polarity", "aggregation",
                    "target", "amber_tolerance", "comparator_note", "source"]
VALUES_HEADER = ["indicator_id", "period", "numerator", "denominator", "value", "breakdown"]
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def indicator(indicator_id, unit="percent", polarity="higher_is_better", aggregation="sum", target=None,
              tolerance=None, dashboard=FRONT_DOOR, title=None):
    """One Indicators row in INDICATOR_HEADER order."""
    return [indicator_id, dashboard, title or f"Title of {indicator_id}", "A definition", unit, polarity,
            aggregation, target, tolerance, "", "Local system"]


def workbook(sheets: dict[str, list[list]], edit=None) -> bytes:
    """An .xlsx with one sheet per entry (rows as lists); `edit(book)` may merge cells or add formulas."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(data, filename="return.xlsx", **kwargs) -> PerformanceReturn:
    """load_return on a fixed 'today' (15 January 2026) unless the test gives one."""
    kwargs.setdefault("today", TODAY)
    return load_return(data, filename, **kwargs)


def problems(data, filename="return.xlsx", **kwargs) -> list[str]:
    """Every problem the loader reports, as the officer reads them, sorted (their order is not the contract)."""
    with pytest.raises(ReturnError) as error:
        load(data, filename, **kwargs)
    return sorted(str(problem) for problem in error.value.problems)


def simple_book(value_rows, indicators=None, **extra_sheets) -> bytes:
    """A workbook with an Indicators sheet (default: A percent sum, C count sum) and these Values rows."""
    indicators = indicators or [indicator("A"), indicator("C", "count", "neutral")]
    return workbook({"Indicators": [INDICATOR_HEADER, *indicators],
                     "Values": [VALUES_HEADER, *value_rows], **extra_sheets})


def row_of(ret: PerformanceReturn, indicator_id: str, period: str, breakdown: str = "") -> pd.Series:
    """The one tidy values row for an indicator, period and breakdown."""
    values = ret.values
    found = values[(values["indicator_id"] == indicator_id) & (values["period"] == period)
                   & (values["breakdown"] == breakdown)]
    assert len(found) == 1, found
    return found.iloc[0]


# --- a good workbook -----------------------------------------------------------------------------

def test_a_good_workbook_gives_tidy_tables_with_values_derived():
    data = simple_book(
        [["A", "2025-04", 58, 80, None, None],  # 58 / 80 x 100 = 72.5%
         ["A", "2025-05", 1299, 2000, 65.0, None],  # given 65.0; 1299 / 2000 x 100 = 64.95 -> 65.0 agrees
         ["C", "2025-04", None, None, 7, None],
         ["C", "2025-05", 3, None, None, None],  # a count's value is its numerator: 3
         ["R", "2025-04", 12, 40_000, None, None],  # 12 / 40,000 x 10,000 = 3.0 per 10,000
         ["D", "2025-04", 31, 3, None, None],  # 31 / 3 = 10.33 days
         ["A", dt.datetime(2025, 6, 30), 6, 10, None, None]],  # an Excel date means its month: 2025-06
        indicators=[indicator("A"), indicator("C", "count", "neutral"),
                    indicator("R", "rate_per_10k", "neutral", "sum_numerator"),
                    indicator("D", "days", "lower_is_better", "last")])
    ret = load(data)
    assert row_of(ret, "A", "2025-04")["value"] == 72.5
    assert row_of(ret, "A", "2025-05")["value"] == 65.0  # the given value is kept
    assert row_of(ret, "A", "2025-06")[["numerator", "denominator", "value"]].tolist() == [6, 10, 60.0]
    assert row_of(ret, "C", "2025-04")["value"] == 7
    assert row_of(ret, "C", "2025-05")["value"] == 3
    assert row_of(ret, "R", "2025-04")["value"] == pytest.approx(3.0)
    assert row_of(ret, "D", "2025-04")["value"] == pytest.approx(31 / 3)
    assert len(ret.values) == 7  # every row kept
    first = row_of(ret, "A", "2025-04")
    assert (first["frequency"], first["period_start"]) == ("month", pd.Timestamp("2025-04-01"))
    assert list(ret.indicators["indicator_id"]) == ["A", "C", "R", "D"]
    assert ret.indicators.set_index("indicator_id").loc["A", "dashboard_number"] == 3


def test_source_may_be_a_path_bytes_or_file_like(tmp_path):
    data = simple_book([["A", "2025-04", 58, 80, None, None]])
    path = tmp_path / "returns_april.xlsx"
    path.write_bytes(data)
    from_path = load_return(path, today=TODAY)
    from_bytes = load_return(data, today=TODAY)
    from_file = load_return(io.BytesIO(data), today=TODAY)
    for ret in (from_path, from_bytes, from_file):
        assert ret.values["value"].tolist() == [72.5]


def test_sheet_and_column_names_match_ignoring_case_and_spaces():
    def edit(book):
        book["values"]["A1"] = "Indicator\u00a0ID"  # a non-breaking space, as pasted from a web page
    data = workbook({
        " INDICATORS ": [["Indicator ID", " Dashboard", "TITLE", "Definition", "Unit", "Polarity", "Aggregation",
                          "Target", "Amber  Tolerance", "Comparator_Note", "Source"],
                         ["A", FRONT_DOOR, "T", "D", "Percent ", "Higher Is Better", "SUM", 60, 5, "", ""]],
        "values": [["indicator id", "PERIOD", "Numerator", "Denominator", "Value", " BREAKDOWN"],
                   ["A", "2025-04", 58, 80, None, None], ["A", "2025-04", 20, 40, None, "From care"]],
    }, edit)
    ret = load(data)
    assert ret.values["breakdown"].tolist() == ["", "From care"]
    catalogue = ret.indicators.iloc[0]
    assert (catalogue["unit"], catalogue["polarity"], catalogue["aggregation"]) == \
        ("percent", "higher_is_better", "sum")
    assert (catalogue["target"], catalogue["amber_tolerance"]) == (60.0, 5.0)
    assert ret.values["value"].tolist() == [72.5, 50.0]  # 58 / 80; 20 / 40


def test_header_may_sit_under_a_title():
    data = workbook({
        "Indicators": [["Children's Services performance return"], [], INDICATOR_HEADER, indicator("A")],
        "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None], ["A", "2025-05", "n/a", 2, None, None]],
    })
    ret_problems = problems(data)
    # Values rows are numbered as in the spreadsheet: the header is row 1, so "n/a" sits on row 3.
    assert "Values row 3, column numerator: 'n/a' is not a number" in ret_problems
    good = workbook({
        "Indicators": [["Children's Services performance return"], [], INDICATOR_HEADER, indicator("A")],
        "Values": [["Values for April"], VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]],
    })
    assert load(good).values["value"].tolist() == [50.0]  # 1 / 2 = 50%


def test_total_breakdown_names_and_blank_rows():
    ret = load(simple_book([
        ["C", "2025-04", None, None, 43, "Total"],
        ["C", "2025-05", None, None, 50, "all"],
        [None, None, None, None, None, None],  # a wholly blank row is not data
        ["C", "2025-06", None, None, 52, " Overall "],
        ["C", "2025-06", None, None, 9, "From home"],
    ]))
    assert ret.values[["period", "breakdown"]].values.tolist() == [
        ["2025-04", ""], ["2025-05", ""], ["2025-06", ""], ["2025-06", "From home"]]


def test_optional_columns_and_sheets():
    header = INDICATOR_HEADER + ["rolling_12_months", "spc_rebase"]
    data = workbook({
        "Indicators": [header, indicator("A") + ["Yes", "2025-06"],
                       indicator("W", "number", "lower_is_better", "last", dashboard="10 Workforce") + ["n", None]],
        "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None], ["W", "2025-04", None, None, 15.5, None]],
        "Comparators": [["indicator_id", "period", "england", "region", "statistical_neighbours", "source"],
                        ["A", "2024-25", 22.6, 28.4, None, "DfE C1"]],
        "Commentary": [["indicator_id", "dashboard", "period", "text", "author"],
                       [None, "3", "2025-04", "Front door narrative", "Head of Service"],  # by dashboard number
                       ["A", None, "2025-26 Q1", "Quarter narrative", None]],
        "About": [["Field", "Value"], ["Authority", "Ashcombe"], ["LA code", 872], ["committee", None]],
    })
    ret = load(data)
    catalogue = ret.indicators.set_index("indicator_id")
    assert catalogue.loc["A", "rolling_12_months"] and not catalogue.loc["W", "rolling_12_months"]
    assert catalogue.loc["A", "spc_rebase"] == "2025-06"
    assert catalogue.loc["W", "dashboard_number"] == 10  # leading number, so 10 sorts after 3
    assert ret.comparators.iloc[0][["period", "england", "region"]].tolist() == ["2024-25", 22.6, 28.4]
    assert pd.isna(ret.comparators.iloc[0]["statistical_neighbours"])
    assert ret.commentary[["indicator_id", "dashboard", "period", "text"]].values.tolist() == [
        ["", FRONT_DOOR, "2025-04", "Front door narrative"],  # "3" names the dashboard in full
        ["A", "", "2025-26 Q1", "Quarter narrative"]]
    assert ret.about == {"authority": "Ashcombe", "la_code": "872"}  # blank committee left out


def test_a_workbook_without_optional_sheets_has_empty_tables():
    ret = load(simple_book([["A", "2025-04", 1, 2, None, None]]))
    assert ret.comparators.empty and ret.commentary.empty and ret.about == {}


# --- derived values and agreement to display precision ----------------------------------------------

@pytest.mark.parametrize("row", [
    ["A", "2025-04", 601, 2000, 30.05, None],  # 601 / 2000 x 100 = 30.049999999999997, shown 30.1; 30.05 shown 30.1
    ["A", "2025-04", 1299, 2000, 65, None],  # 64.95 -> 65.0 and 65 -> 65.0
    ["A", "2025-04", 1299, 2000, 64.96, None],  # 64.96 -> 65.0: agrees to 1 dp
    ["D", "2025-04", 31, 3, 10, None],  # days 0 dp: 31 / 3 = 10.33 -> 10
    ["C", "2025-04", 7, None, 7.4, None],  # count 0 dp: 7.4 -> 7 and 7 -> 7
    ["N", "2025-04", 204, 120, 1.7, None],  # number 1 dp: 204 / 120 = 1.7
])
def test_values_agreeing_to_display_precision_are_accepted(row):
    indicators = [indicator("A"), indicator("C", "count", "neutral"),
                  indicator("D", "days", "lower_is_better", "last"), indicator("N", "number", "neutral", "last")]
    assert len(load(simple_book([row], indicators)).values) == 1


@pytest.mark.parametrize("row, message", [
    (["A", "2025-04", 601, 2000, 30.0, None],
     "Values row 2, column value: 30 does not match the numerator and denominator, which give 30.1"),
    (["A", "2025-04", 1299, 2000, 64.9, None],  # 64.9 vs 64.95 -> 65.0
     "Values row 2, column value: 64.9 does not match the numerator and denominator, which give 65"),
    (["D", "2025-04", 31, 3, 11, None],  # 31 / 3 -> 10 days
     "Values row 2, column value: 11 does not match the numerator and denominator, which give 10"),
    (["C", "2025-04", 8, None, 7, None],
     "Values row 2, column value: 7 does not match the numerator and denominator, which give 8"),
    (["R", "2025-04", 12, 40_000, 3.1, None],  # 12 / 40,000 x 10,000 = 3.0
     "Values row 2, column value: 3.1 does not match the numerator and denominator, which give 3"),
])
def test_values_disagreeing_at_display_precision_are_reported(row, message):
    indicators = [indicator("A"), indicator("C", "count", "neutral"),
                  indicator("D", "days", "lower_is_better", "last"),
                  indicator("R", "rate_per_10k", "neutral", "last")]
    assert problems(simple_book([row], indicators)) == [message]


# --- each validation problem, located ---------------------------------------------------------------

@pytest.mark.parametrize("row, expected", [
    (["ZZ", "2025-04", 1, 2, None, None],
     ["Values row 2, column indicator_id: unknown indicator 'ZZ': it is not on the Indicators sheet"]),
    ([None, "2025-04", 1, 2, None, None], ["Values row 2, column indicator_id: the indicator id is blank"]),
    (["A", "2025-13", 1, 2, None, None], ["Values row 2, column period: '2025-13' has no month 13"]),
    (["A", "April", 1, 2, None, None],
     ["Values row 2, column period: 'April' is not a period: use a month like 2025-04, a quarter like "
      "2025-26 Q1 or a financial year like 2025-26"]),
    (["A", None, 1, 2, None, None], ["Values row 2, column period: the period is blank"]),
    (["C", "2025-04", -3, None, None, None],
     ["Values row 2, column numerator: -3 is negative: counts cannot be below zero"]),
    (["C", "2025-04", None, None, -3, None], ["Values row 2, column value: -3 is negative"]),
    (["A", "2025-04", 90, 80, None, None],
     ["Values row 2, column numerator: the numerator 90 is larger than the denominator 80 for a percentage"]),
    (["Q", "2025-04", None, None, 100.5, None],
     ["Values row 2, column value: 100.5 is more than 100 for a percentage"]),
    (["A", "2026-02", 1, 2, None, None], ["Values row 2, column period: 2026-02 is in the future"]),
    (["Q", "2026-27 Q1", None, None, 50, None],  # starts April 2026, after January 2026
     ["Values row 2, column period: 2026-27 Q1 is in the future"]),
    (["A", "1999-12", 1, 2, None, None],
     ["Values row 2, column period: 1999-12 is before 2000: check the year"]),
    (["A", "2025-08", "n/a", 80, None, None],  # kept and reported, once: not again as "no value"
     ["Values row 2, column numerator: 'n/a' is not a number"]),
    (["A", "2025-08", 5, dt.datetime(2025, 4, 1), None, None],  # a date typed where a count belongs
     ["Values row 2, column denominator: '2025-04-01' is not a number"]),
    (["A", "2025-08", None, None, None, None],
     ["Values row 2, column value: no value: give the value, or the numerator and denominator"]),
    (["A", "2025-08", 5, None, None, None],
     ["Values row 2, column value: no value: a numerator needs its denominator (or give the value)"]),
    (["A", "2025-08", None, None, 62.5, None],  # a `sum` percentage must add numerators over months
     ["Values row 2, column numerator: A adds up over months (sum), so each row needs its numerator and "
      "denominator"]),
])
def test_each_values_problem_is_located_and_worded(row, expected):
    indicators = [indicator("A"), indicator("C", "count", "neutral"), indicator("Q", aggregation="last")]
    assert problems(simple_book([row], indicators)) == sorted(expected)


def test_zero_denominator():
    found = problems(simple_book([["A", "2025-07", 5, 0, None, None], ["A", "2025-08", 0, 0, None, None]]))
    assert "Values row 2, column denominator: the denominator is 0, so no value can be worked out" in found
    assert "Values row 3, column denominator: the denominator is 0, so no value can be worked out" in found
    assert not any("no value: give" in problem for problem in found)  # the zero is the one reason given


def test_a_quarter_in_progress_is_not_in_the_future():
    # On 15 January 2026 the quarter January to March 2026 (2025-26 Q4) has begun, and so has 2025-26.
    indicators = [indicator("Q", aggregation="last"), indicator("Y", aggregation="last")]
    ret = load(simple_book([["Q", "2025-26 Q4", None, None, 50, None], ["Y", "2025-26", None, None, 40, None]],
                           indicators))
    assert ret.values["period"].tolist() == ["2025-26 Q4", "2025-26"]
    assert problems(simple_book([["Q", "2026-02", None, None, 50, None]], indicators),
                    today=dt.date(2026, 1, 31)) == ["Values row 2, column period: 2026-02 is in the future"]
    assert len(load(simple_book([["Q", "2026-02", None, None, 50, None]], indicators),
                    today=dt.date(2026, 2, 1)).values) == 1


def test_duplicate_key():
    found = problems(simple_book([
        ["A", "2025-04", 1, 2, None, None],
        ["A", "2025-04", 1, 4, None, "Total"],  # "Total" is the total row again
        ["C", "2025-04", None, None, 3, "From home"],
        ["C", "2025-04", None, None, 4, "From home"],
        ["C", dt.datetime(2025, 4, 1), None, None, 9, None],  # the date means 2025-04 too, but no clash: a total
    ]))
    assert found == ["Values row 3, column indicator_id: A 2025-04 is already given on row 2",
                     "Values row 5, column indicator_id: C 2025-04 (From home) is already given on row 4"]


def test_mixed_frequency_names_the_usual_one():
    found = problems(simple_book([
        ["A", "2025-04", 1, 2, None, None], ["A", "2025-05", 1, 2, None, None],
        ["A", "2025-26 Q2", 1, 2, None, None]]))
    assert found == ["Values row 4, column period: 2025-26 Q2 is a quarter but A is reported by month: one "
                     "indicator's values share one frequency"]


def test_formula_without_a_saved_result_is_reported_at_its_cell():
    def edit(book):
        values = book["Values"]
        values["C3"].font = Font(bold=True)  # an empty styled cell, saved as <c r="C3" s="1"/>, just before...
        values["D3"] = "=40*2"  # ...a formula; openpyxl saves it with an empty <v />: no cached result
        values["E4"] = "=C4/D4*100"
    data = workbook({"Indicators": [INDICATOR_HEADER, indicator("A", aggregation="last")],
                     "Values": [VALUES_HEADER, ["A", "2025-04", 58, 80, None, None],
                                ["A", "2025-05", None, None, 62.5, None],
                                ["A", "2025-06", 5, 10, None, None]]}, edit)
    assert problems(data) == [
        "Values row 3, column denominator: the cell holds the formula =40*2 but no saved result: open the file "
        "in Excel so it calculates, then save it again",
        "Values row 4, column value: the cell holds the formula =C4/D4*100 but no saved result: open the file "
        "in Excel so it calculates, then save it again"]


def test_merged_header_cells():
    def merge_title_into_dashboard(book):
        book["Indicators"].merge_cells("B1:C1")  # "title" in C1 is lost under the merge
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A")],
                               "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]]},
                              merge_title_into_dashboard))
    assert found == ["Indicators row 1: the header cells B1:C1 are merged: unmerge them so every column has its "
                     "own header"]

    def merge_value_and_breakdown(book):
        book["Values"].merge_cells("E1:F1")  # every required column still has a header
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A")],
                               "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]]},
                              merge_value_and_breakdown))
    assert found == ["Values row 1: the header cells E1:F1 are merged: unmerge them so every column has its "
                     "own header"]


def test_duplicate_column():
    found = problems(workbook({
        "Indicators": [INDICATOR_HEADER, indicator("A")],
        "Values": [["indicator_id", "period", "numerator", "Numerator ", "value"], ["A", "2025-04", 1, 2, None]],
    }))
    assert found == ["Values row 1, column Numerator: the column 'Numerator' appears twice"]


def test_no_header_row():
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A")],
                               "Values": [["id", "when", "how many"], ["A", "2025-04", 1]]}))
    assert found == ["Values: no header row found: the first 10 rows must include a row with the columns "
                     "indicator_id"]


def test_indicators_problems():
    header = INDICATOR_HEADER + ["rolling_12_months", "spc_rebase"]
    found = problems(workbook({
        "Indicators": [header,
                       indicator("A") + ["yes", None],
                       indicator("A") + [None, None],  # row 3: repeats A
                       indicator("B", "pct", "up", "mean", None, -1) + ["maybe", "2025-26 Q1"],  # row 4
                       indicator("C", dashboard="Front door") + [None, "2025-13"],  # row 5
                       [None, "1 Early Help", None, None, "count", "neutral", "sum"],  # row 6
                       indicator("D", target=120) + [None, None]],  # row 7
        "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]],
    }))
    assert found == sorted([
        "Indicators row 3, column indicator_id: the indicator id 'A' is already used on row 2",
        "Indicators row 4, column unit: 'pct' is not one of percent, count, rate_per_10k, days, number",
        "Indicators row 4, column polarity: 'up' is not one of higher_is_better, lower_is_better, neutral",
        "Indicators row 4, column aggregation: 'mean' is not one of sum, last, sum_numerator",
        "Indicators row 4, column amber_tolerance: the amber tolerance cannot be negative",
        "Indicators row 4, column rolling_12_months: 'maybe' is not yes or no",
        "Indicators row 4, column spc_rebase: '2025-26 Q1' is not a month",
        "Indicators row 5, column dashboard: 'Front door' must start with the dashboard's number, e.g. "
        "'3 Children's Social Care Front Door'",
        "Indicators row 5, column spc_rebase: '2025-13' has no month 13",
        "Indicators row 6, column indicator_id: the indicator id is blank",
        "Indicators row 6, column title: the title is blank",
        "Indicators row 7, column target: a percentage target must be between 0 and 100, not 120",
    ])


def test_blank_choice_cells_say_what_to_give():
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, ["A", FRONT_DOOR, "T", "", None, None, None]],
                               "Values": [VALUES_HEADER, ["A", "2025-04", None, None, 5, None]]}))
    assert {"Indicators row 2, column unit: blank: give one of percent, count, rate_per_10k, days, number",
            "Indicators row 2, column polarity: blank: give one of higher_is_better, lower_is_better, neutral",
            "Indicators row 2, column aggregation: blank: give one of sum, last, sum_numerator"} <= set(found)


def test_comparators_and_commentary_problems():
    found = problems(simple_book(
        [["A", "2025-04", 1, 2, None, None]],
        Comparators=[["indicator_id", "period", "england", "region", "statistical_neighbours", "source"],
                     ["A", "2024-25", 50, "n/a", None, "x"],
                     ["Z", "2024-25 Q1", 1, 2, 3, "y"]],
        Commentary=[["indicator_id", "dashboard", "period", "text", "author"],
                    ["Z", None, "2025-04", "t", "a"],
                    [None, "9 Nowhere", "2025-04", "t", "a"],
                    ["A", None, "2025-04", None, "a"],
                    [None, None, "2025-04", "Orphan text", None],
                    ["A", None, "next year", "t", None]]))
    assert found == sorted([
        "Comparators row 2, column region: 'n/a' is not a number",
        "Comparators row 3, column indicator_id: unknown indicator 'Z': it is not on the Indicators sheet",
        "Comparators row 3, column period: 2024-25 Q1 is not a financial year such as 2024-25",
        "Commentary row 2, column indicator_id: unknown indicator 'Z': it is not on the Indicators sheet",
        "Commentary row 3, column dashboard: unknown dashboard '9 Nowhere'",
        "Commentary row 4, column text: the commentary text is blank",
        "Commentary row 5, column indicator_id: give an indicator id or a dashboard for the commentary",
        "Commentary row 6, column period: 'next year' is not a period: use a month like 2025-04, a quarter "
        "like 2025-26 Q1 or a financial year like 2025-26",
    ])


def test_every_problem_in_every_sheet_is_reported_at_once():
    def formula(book):
        book["Values"]["C6"] = "=2*3"
    data = workbook({
        "Indicators": [INDICATOR_HEADER, indicator("A"), indicator("C", "counts", "neutral")],
        "Values": [VALUES_HEADER,
                   ["ZZ", "2025-04", 1, 2, None, None],  # row 2
                   ["A", "2025-13", 1, 2, None, None],  # row 3
                   ["A", "2025-04", 9, 8, None, None],  # row 4
                   ["A", "2025-05", 1, "n/a", None, None],  # row 5
                   ["A", "2025-06", None, 2, None, None]],  # row 6: a formula in C6
        "Commentary": [["indicator_id", "dashboard", "period", "text"], [None, None, "2025-04", "t"]],
    }, formula)
    with pytest.raises(ReturnError) as error:
        load(data)
    found = [str(problem) for problem in error.value.problems]
    for expected in [
        "Values row 6, column numerator: the cell holds the formula =2*3 but no saved result: open the file in "
        "Excel so it calculates, then save it again",
        "Indicators row 3, column unit: 'counts' is not one of percent, count, rate_per_10k, days, number",
        "Values row 2, column indicator_id: unknown indicator 'ZZ': it is not on the Indicators sheet",
        "Values row 3, column period: '2025-13' has no month 13",
        "Values row 4, column numerator: the numerator 9 is larger than the denominator 8 for a percentage",
        "Values row 5, column denominator: 'n/a' is not a number",
        "Commentary row 2, column indicator_id: give an indicator id or a dashboard for the commentary",
    ]:
        assert expected in found
    assert str(error.value).startswith(f"{len(found)} problems in the file: ")
    assert str(error.value).endswith(f"(and {len(found) - 3} more)")


def test_a_repeated_indicator_id_is_a_problem_not_a_traceback():
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A"), indicator("A", "count")],
                               "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]]}))
    assert found == ["Indicators row 3, column indicator_id: the indicator id 'A' is already used on row 2"]


# --- wide Values sheet ----------------------------------------------------------------------------------

def test_wide_values_sheet_is_reshaped():
    indicators = [indicator("A", aggregation="last"), indicator("C", "count", "neutral")]
    ret = load(workbook({
        "Indicators": [INDICATOR_HEADER, *indicators],
        "Values": [["indicator_id", "breakdown", "2025-04", dt.datetime(2025, 5, 1), "Jun 2025", "notes"],
                   ["A", None, 61.25, None, 62, "a note is not a period and is ignored"],
                   ["C", None, 3, 4, 5, None],
                   ["C", "From care", 1, None, 2, None]],
    }))
    table = ret.values.sort_values(["indicator_id", "period", "breakdown"])
    assert table[["indicator_id", "period", "breakdown", "value"]].values.tolist() == [
        ["A", "2025-04", "", 61.25], ["A", "2025-06", "", 62.0],  # blank May: no row, not a zero
        ["C", "2025-04", "", 3.0], ["C", "2025-04", "From care", 1.0],
        ["C", "2025-05", "", 4.0],
        ["C", "2025-06", "", 5.0], ["C", "2025-06", "From care", 2.0]]


def test_wide_values_sheet_problems_name_the_periods_column():
    indicators = [indicator("A", aggregation="last"), indicator("S")]
    found = problems(workbook({
        "Indicators": [INDICATOR_HEADER, *indicators],
        "Values": [["indicator_id", "2025-04", "2025-05"], ["A", 61.25, "x"], ["S", 60, 61], [None, 1, None]],
    }))
    assert found == sorted([
        "Values row 2, column 2025-05: 'x' is not a number",
        "Values row 4, column indicator_id: the indicator id is blank",
        # A wide sheet holds values only, so an indicator that adds numerators up cannot be given in it.
        "Values row 3, column numerator: S adds up over months (sum), so each row needs its numerator and "
        "denominator",
        "Values row 3, column numerator: S adds up over months (sum), so each row needs its numerator and "
        "denominator",
    ])


def test_wide_sheet_headings_that_are_not_periods_are_reported_not_dropped():
    indicators = [indicator("A", aggregation="last")]
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, *indicators],
                               "Values": [["indicator_id", "2025-04", "2025-13"], ["A", 61.25, 62]]}))
    assert found == ["Values, column 2025-13: the heading is not a period: '2025-13' has no month 13"]


def test_values_sheet_without_any_period_is_a_problem_not_a_traceback():
    found = problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A")],
                               "Values": [["indicator_id", "month", "numerator", "denominator", "value"],
                                          ["A", "2025-04", 1, 2, None]]}))
    assert found == ["Values: there is no period column, and no column is headed by a period such as 2025-04 "
                     "(one column per month)"]


# --- CSV of the Values table ------------------------------------------------------------------------

CATALOGUE_BOOK = simple_book([["A", "2025-04", 58, 80, None, None]])


def test_csv_with_a_catalogue():
    catalogue = load(CATALOGUE_BOOK).indicators
    csv = ("\ufeffIndicator ID,Period,Numerator,Denominator,Value,Breakdown\r\n"
           "A,2025-05,30,40,,\r\n"  # 30 / 40 = 75%
           "A,2025-06,1,2,50.0,\r\n"
           "C,2025-06,,,12,From home\r\n").encode("utf-8")
    ret = load(csv, "values.csv", catalogue=catalogue)
    assert ret.values[["indicator_id", "period", "breakdown", "value"]].values.tolist() == [
        ["A", "2025-05", "", 75.0], ["A", "2025-06", "", 50.0], ["C", "2025-06", "From home", 12.0]]
    assert list(ret.indicators["indicator_id"]) == ["A", "C"]


def test_csv_problems_are_located_by_line_and_header_as_written():
    catalogue = load(CATALOGUE_BOOK).indicators
    csv = b"Indicator ID,Period,Numerator,Denominator,Value\nA,2025-05,30,40,\nA,2025-06,n/a,40,\nB,2025-06,1,2,\n"
    assert problems(csv, "values.csv", catalogue=catalogue) == sorted([
        "values.csv row 4, column Indicator ID: unknown indicator 'B': it is not on the Indicators sheet",
        "values.csv row 3, column Numerator: 'n/a' is not a number",
    ])


def test_csv_without_a_catalogue_is_a_problem():
    csv = b"indicator_id,period,value\nA,2025-05,3\n"
    assert problems(csv, "values.csv") == [
        "values.csv: a CSV holds the Values table only: load a workbook with an Indicators sheet first"]


def test_real_dfe_csv_given_as_a_return_csv_is_reported_not_a_traceback():
    path = SHARED_DATA / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
    require(path)
    catalogue = load(CATALOGUE_BOOK).indicators
    found = problems(path.read_bytes(), path.name, catalogue=catalogue)
    # The DfE file has time_period, la_name, referral_count... but no indicator_id column to key on.
    assert found == [f"{path.name}: no header row found: the first 10 rows must include a row with the "
                     "columns indicator_id"]
    # Named .xlsx by mistake, the same text file is said to be no workbook.
    assert problems(path.read_bytes(), "c1.xlsx", catalogue=catalogue) == [
        "c1.xlsx: the file is named like an Excel workbook but is not one: open it in Excel and save it as an "
        "Excel Workbook (.xlsx)"]


def test_real_dfe_csv_with_an_indicator_id_column_names_its_unknown_ids(tmp_path):
    path = SHARED_DATA / "dfe" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025__extract.csv"
    require(path)
    # Rename two real columns so the file has the Values shape: category -> indicator_id, time_period -> period.
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    lines[0] = lines[0].replace("time_period", "period").replace("category", "indicator_id") \
        .replace("rereferral_percent", "value")
    variant = tmp_path / "returns_c1_as_values.csv"
    variant.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    catalogue = load(CATALOGUE_BOOK).indicators
    found = problems(variant, None, catalogue=catalogue)  # named by its path
    # Line 2 is England 2025 ("2025" is a calendar year, not a period), line 3 the South East.
    assert found == sorted([
        "returns_c1_as_values.csv row 2, column indicator_id: unknown indicator 'Referrals and Re-referrals': "
        "it is not on the Indicators sheet",
        "returns_c1_as_values.csv row 3, column indicator_id: unknown indicator 'Referrals and Re-referrals': "
        "it is not on the Indicators sheet",
        "returns_c1_as_values.csv row 2, column period: '2025' is not a period: use a month like 2025-04, a "
        "quarter like 2025-26 Q1 or a financial year like 2025-26",
        "returns_c1_as_values.csv row 3, column period: '2025' is not a period: use a month like 2025-04, a "
        "quarter like 2025-26 Q1 or a financial year like 2025-26",
    ])


# --- whole-file problems -------------------------------------------------------------------------------

def test_whole_file_problems():
    assert problems(b"", "r.xlsx") == ["r.xlsx: the file is empty"]
    assert problems(workbook({"Sheet1": [["a"]]})) == [
        "return.xlsx: the workbook has none of the sheets Indicators, Values, Comparators, Commentary (sheets "
        "found: Sheet1)"]
    assert problems(workbook({"Indicators": [INDICATOR_HEADER, indicator("A")]})) == [
        "return.xlsx: the workbook has no Values sheet"]
    assert problems(workbook({"Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]]})) == [
        "return.xlsx: the workbook has no Indicators sheet (the catalogue of indicators)"]


def test_a_values_only_workbook_is_checked_against_a_catalogue():
    catalogue = load(CATALOGUE_BOOK).indicators
    data = workbook({"Values": [VALUES_HEADER, ["A", "2025-05", 3, 4, None, None]]})
    assert load(data, catalogue=catalogue).values["value"].tolist() == [75.0]  # 3 / 4 = 75%


# --- the real demo return ----------------------------------------------------------------------------

def test_demo_return_loads_without_problems_and_keeps_every_row():
    path = REPO / "data" / "demo_return.xlsx"
    ret = load_return(path, today=dt.date(2026, 11, 29))  # the demo runs to October 2026
    book = openpyxl.load_workbook(path, read_only=True)
    data_rows = sum(1 for row in book["Values"].iter_rows(min_row=2, values_only=True)
                    if any(cell not in (None, "") for cell in row))
    book.close()
    assert len(ret.values) == data_rows  # nothing silently dropped
    assert ret.values["value"].notna().all()
    assert ret.indicators["indicator_id"].is_unique
    assert set(ret.indicators["unit"]) <= {"percent", "count", "rate_per_10k", "days", "number"}
    assert ret.latest_month == pd.Timestamp("2026-10-01")
    assert ret.about["authority"] == "Ashcombe Borough Council (fictional)"
    assert not ret.commentary.empty and not ret.comparators.empty


# --- cells read as the officer saw them ------------------------------------------------------------------

def test_percentage_formatted_cells_are_read_as_the_percentage_shown():
    """0.85 typed as 85% (Excel stores 0.85 in a cell formatted 0%) is 85, not 0.85%."""
    def edit(book):
        values = book["Values"]
        values["E2"].number_format = "0%"        # built-in format 9: 0.85 shows 85%
        values["E3"].number_format = "0.0%"      # a custom format with %: 0.129 shows 12.9%
        values["E4"].number_format = '0.0"%"'    # a literal % sign: 0.5 shows 0.5%, so it stays 0.5
        values["E5"].number_format = "0.00%"     # built-in format 10 on a blank cell: nothing to scale
        book["Indicators"]["H3"].number_format = "0%"  # a target of 0.2 shown as 20%
    data = workbook({"Indicators": [INDICATOR_HEADER, indicator("A", aggregation="last"),
                                    indicator("B", aggregation="last", target=0.2)],
                     "Values": [VALUES_HEADER, ["A", "2025-04", None, None, 0.85, None],
                                ["A", "2025-05", None, None, 0.129, None],
                                ["A", "2025-06", None, None, 0.5, None],
                                ["B", "2025-04", 1, 4, None, None]]}, edit)
    ret = load(data)
    assert [row_of(ret, "A", month)["value"] for month in ("2025-04", "2025-05", "2025-06")] == [85.0, 12.9, 0.5]
    assert row_of(ret, "B", "2025-04")["value"] == 25.0  # 1 / 4 x 100, untouched: its cells are not percentages
    assert ret.indicators.set_index("indicator_id").at["B", "target"] == 20.0


def test_a_percentage_format_on_29_percent_gives_exactly_29():
    """Scaled in decimal: 0.29 x 100 in binary floating point is 28.999999999999996."""
    data = workbook({"Indicators": [INDICATOR_HEADER, indicator("A", aggregation="last")],
                     "Values": [VALUES_HEADER, ["A", "2025-04", None, None, 0.29, None]]},
                    lambda book: setattr(book["Values"]["E2"], "number_format", "0%"))
    assert load(data).values["value"].tolist() == [29.0]


def test_true_and_false_cells_are_text_not_one_and_zero():
    data = workbook({"Indicators": [INDICATOR_HEADER + ["rolling_12_months"], indicator("A") + [True],
                                    indicator("B") + [False]],
                     "Values": [VALUES_HEADER, ["A", "2025-04", True, 2, None, None],
                                ["B", "2025-04", 1, 2, None, None]]})
    assert problems(data) == ["Values row 2, column numerator: 'TRUE' is not a number"]
    good = workbook({"Indicators": [INDICATOR_HEADER + ["rolling_12_months"], indicator("A") + [True],
                                    indicator("B") + [False]],
                     "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None], ["B", "2025-04", 1, 2, None, None]]})
    assert load(good).indicators["rolling_12_months"].tolist() == [True, False]


def test_six_digit_months_and_years_in_the_values():
    ret = load(simple_book([["A", "202504", 1, 2, None, None], ["C", "202425", None, None, 7, None]]))
    assert row_of(ret, "A", "2025-04")["frequency"] == "month"
    assert row_of(ret, "C", "2024-25")["frequency"] == "year"


# --- values that would break the pages, the pack or the database ------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("inf", "'inf' is not a number"),
    ("-inf", "'-inf' is not a number"),
    ("Infinity", "'Infinity' is not a number"),
    ("NaN", "'NaN' is not a number"),
    ("1e400", "'1e400' is not a finite number: type the figure itself, or leave the cell blank"),
    ("-1e999", "'-1e999' is not a finite number: type the figure itself, or leave the cell blank"),
])
def test_non_finite_numbers_are_refused_where_they_are(text, message):
    catalogue = load(CATALOGUE_BOOK).indicators
    csv = f"indicator_id,period,value\nC,2025-05,{text}\n".encode()
    assert problems(csv, "values.csv", catalogue=catalogue) == [f"values.csv row 2, column value: {message}"]


def test_a_large_finite_number_is_still_a_number():
    ret = load(simple_book([["C", "2025-04", None, None, 1e300, None]],
                           indicators=[indicator("C", "number", "neutral", "last")]))
    assert ret.values["value"].tolist() == [1e300]


def test_nul_bytes_in_a_csv_are_located_wherever_they_are():
    catalogue = load(CATALOGUE_BOOK).indicators
    padding = "".join(f"C,2025-{month:02d},,,{month},\n" for month in range(1, 13)) * 40  # past the first 4 KB
    text = "indicator_id,period,numerator,denominator,value,breakdown\n" + padding + "C,2025-06,,,5,Fr\x00om\n"
    found = problems(text.encode(), "values.csv", catalogue=catalogue)
    assert found == [f"values.csv row {2 + 480}, column F: the cell holds a NUL character (an invisible zero byte) "
                     "that no spreadsheet or database can store: retype the cell, or save the file again from Excel"]
    utf16 = problems(text.encode("utf-16"), "values.csv", catalogue=catalogue)
    assert utf16 == found


def test_a_nul_byte_in_a_workbook_cell_is_located():
    data = simple_book([["A", "2025-04", 1, 2, None, "From home"]])
    refused = problems(with_xml(data, "xl/worksheets/sheet2.xml", b"From home", b"From\x00home"))
    assert refused == ["Values row 2, column F: the cell holds a NUL character (an invisible zero byte) that no "
                       "spreadsheet or database can store: retype the cell, or save the file again from Excel"]


@pytest.mark.parametrize("column, limit, sheet, row", [
    ("title", 200, "Indicators", 2), ("dashboard", 200, "Indicators", 2), ("definition", 1_000, "Indicators", 2),
    ("comparator_note", 500, "Indicators", 2), ("source", 500, "Indicators", 2),
])
def test_catalogue_text_longer_than_its_limit_is_refused(column, limit, sheet, row):
    def catalogue_with(length):
        cells = dict(zip(INDICATOR_HEADER, indicator("A")))
        cells[column] = "3 " + "x" * (length - 2) if column == "dashboard" else "x" * length  # a dashboard's number
        return workbook({"Indicators": [INDICATOR_HEADER, [cells[name] for name in INDICATOR_HEADER]],
                         "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]]})
    assert len(load(catalogue_with(limit)).indicators) == 1
    assert problems(catalogue_with(limit + 1)) == [
        f"{sheet} row {row}, column {column}: the {column.replace('_', ' ')} is {limit + 1:,} characters long; "
        f"the most is {limit:,}: shorten it"]


def test_commentary_about_and_breakdown_lengths():
    def book(text_length, author_length, about_length, breakdown_length):
        return simple_book(
            [["C", "2025-04", None, None, 7, "b" * breakdown_length]],
            Commentary=[["indicator_id", "period", "text", "author"], ["C", "2025-04", "t" * text_length,
                                                                       "a" * author_length]],
            About=[["field", "value"], ["authority", "v" * about_length]])
    assert load(book(3_000, 200, 200, 200)).commentary["text"].str.len().tolist() == [3_000]
    assert problems(book(3_001, 201, 201, 201)) == sorted([
        "Commentary row 2, column text: the text is 3,001 characters long; the most is 3,000: shorten it",
        "Commentary row 2, column author: the author is 201 characters long; the most is 200: shorten it",
        "About row 2, column value: the value is 201 characters long; the most is 200: shorten it",
        "Values row 2, column breakdown: the breakdown is 201 characters long; the most is 200: shorten it",
    ])


# --- identifiers that look alike but are not ---------------------------------------------------------------

def test_indicator_ids_are_compared_after_unicode_normalisation():
    """Full-width letters (as an East Asian keyboard types them) are the same id once NFKC-normalised."""
    ret = load(simple_book([["ＣＳＣ０１", "2025-04", None, None, 7, None]], indicators=[indicator("CSC01", "count")]))
    assert ret.values["indicator_id"].tolist() == ["CSC01"]


@pytest.mark.parametrize("written, shown, character", [
    ("CSC01\u200b", "CSC01[U+200B]", "U+200B ZERO WIDTH SPACE"),
    ("\u0421SC01", "[U+0421]SC01", "U+0421 CYRILLIC CAPITAL LETTER ES"),
    ("CSC\u00a001", "CSC 01", "a space"),  # a non-breaking space is a space, and ids have none
    ("CSC01?", "CSC01?", "'?'"),
])
def test_indicator_ids_that_are_not_plain_are_refused_naming_the_character(written, shown, character):
    found = problems(simple_book([["A", "2025-04", 1, 2, None, None]], indicators=[indicator("A"), indicator(written)]))
    assert found == [f"Indicators row 3, column indicator_id: the indicator id '{shown}' holds {character}, which is "
                     "not allowed: retype it using only the letters A-Z, digits, -, _ and ."]


def test_a_look_alike_id_in_the_values_is_named_not_just_unknown():
    found = problems(simple_book([["A\u200b", "2025-04", 1, 2, None, None]]))
    assert found == ["Values row 2, column indicator_id: the indicator id 'A[U+200B]' holds U+200B ZERO WIDTH SPACE, "
                     "which is not allowed: retype it using only the letters A-Z, digits, -, _ and ."]


def test_breakdown_names_keep_single_spaces_and_refuse_other_characters():
    ret = load(simple_book([["C", "2025-04", None, None, 7, "From\u00a0 home"]]))  # NFKC and spaces collapsed
    assert ret.values["breakdown"].tolist() == ["From home"]
    assert problems(simple_book([["C", "2025-04", None, None, 7, "Black/Black British"]])) == [
        "Values row 2, column breakdown: the breakdown 'Black/Black British' holds '/', which is not allowed: retype "
        "it using only the letters A-Z, digits, spaces, -, _ and ."]


# --- whole-file limits --------------------------------------------------------------------------------------

def with_xml(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """A workbook with `old` replaced by `new` in one part's XML."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, content.replace(old, new) if info.filename == part else content)
    return out.getvalue()


def test_hidden_and_very_hidden_sheets_are_refused_by_name():
    def hide(state):
        def edit(book):
            book["Notes"].sheet_state = state
        return simple_book([["A", "2025-04", 1, 2, None, None]], Notes=[["a note"]]) if state == "visible" else \
            workbook({"Indicators": [INDICATOR_HEADER, indicator("A")],
                      "Values": [VALUES_HEADER, ["A", "2025-04", 1, 2, None, None]], "Notes": [["x"]]}, edit)
    assert len(load(hide("visible")).values) == 1
    for state, words in (("hidden", "hidden"), ("veryHidden", "very hidden")):
        assert problems(hide(state)) == [
            f"return.xlsx: the workbook has hidden sheets: 'Notes' ({words}). A hidden sheet could be read instead of "
            "the one you see: delete it, or unhide it (right-click a sheet tab, Unhide) and check what it holds, then "
            "save again"]


def test_sheets_whose_names_differ_only_in_case_or_spaces_are_refused():
    data = simple_book([["A", "2025-04", 1, 2, None, None]], **{" values ": [VALUES_HEADER]})
    assert problems(data) == ["return.xlsx: the sheets 'Values' and ' values ' have the same name once case and "
                              "spaces are ignored, so either could be read: rename or delete one, then save again"]


@pytest.mark.parametrize("marker", ["part", "content type"])
def test_macros_are_refused_whether_found_by_part_or_content_type(marker):
    data = simple_book([["A", "2025-04", 1, 2, None, None]])
    if marker == "part":
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
        data = out.getvalue()
    else:
        data = with_xml(data, "[Content_Types].xml", b"spreadsheetml.sheet.main+xml",
                        b"ms-excel.sheet.macroEnabled.main+xml")
    assert problems(data, "innocent.xlsx") == [
        "innocent.xlsx: the workbook contains macros (code that runs in Excel): save it in Excel as an Excel Workbook "
        "(.xlsx), which leaves the macros out, and upload that file"]


def test_the_sheet_extent_is_the_same_read_quickly_or_carefully():
    """The quick (numpy) reading of cell references and the careful (any spelling) one agree on real files, and
    the quick one vouches for every sheet openpyxl wrote (an = in a cell's text is no attribute)."""
    from data_loaders import files
    for path in [REPO / "data" / "demo_return.xlsx", REPO / "data" / "return_template.xlsx"]:
        data = path.read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/"):
                grids = [files._scan_pieces(data, info, frozenset(), False, files._Budget("x"), "x", careful).grid()
                         for careful in (False, True)]
                assert grids[0] == grids[1] != (0, 0), info.filename


def test_a_check_failing_on_thousands_of_rows_lists_the_first_and_counts_the_rest(monkeypatch):
    from data_loaders import returns
    monkeypatch.setattr(returns, "LISTED_PER_CHECK", 3)
    found = problems(simple_book([["C", "2025-04", None, None, "n/a", f"Group{n}"] for n in range(5)]))
    assert found == sorted([f"Values row {row}, column value: 'n/a' is not a number" for row in (2, 3, 4)]
                           + ["Values, column value: 2 more rows have a problem like the rows listed for this column: "
                              "fix those, then load the file again"])


def test_a_percentage_style_on_a_row_changes_no_cell():
    """Excel can style a whole row: that style is the row's, not a cell's, so no figure is scaled."""
    def edit(book):
        book["Values"].row_dimensions[2].number_format = "0%"  # openpyxl writes <row r="2" s=".." customFormat="1">
    data = workbook({"Indicators": [INDICATOR_HEADER, indicator("A", aggregation="last")],
                     "Values": [["indicator_id", "period", "value"], ["A", "2025-04", 0.85]]}, edit)
    assert b'customFormat="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    assert load(data).values["value"].tolist() == [0.85]


def test_percentages_are_read_in_a_sheet_written_unusually_too():
    """A sheet with namespace prefixes (<x:c>) is read by the careful scan, percentages included."""
    data = workbook({"Indicators": [INDICATOR_HEADER, indicator("A", aggregation="last")],
                     "Values": [VALUES_HEADER, ["A", "2025-04", None, None, 0.85, None]]},
                    lambda book: setattr(book["Values"]["E2"], "number_format", "0%"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    prefixed = re.sub(rb"<(/?)(sheetData|row|c|v|is|t)\b", rb"<\1x:\2", xml).replace(
        b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ')
    assert load(with_xml(data, "xl/worksheets/sheet2.xml", xml, prefixed)).values["value"].tolist() == [85.0]


def test_a_sheet_with_more_error_cells_than_can_be_listed_is_refused_unread(monkeypatch):
    from data_loaders import files
    monkeypatch.setattr(files, "MAX_FLAGGED_CELLS", 2)
    data = simple_book([["C", f"2025-0{month}", None, None, 1, None] for month in (4, 5, 6)])
    errors = data
    for row in (2, 3, 4):
        errors = with_xml(errors, "xl/worksheets/sheet2.xml", b'<c r="E%d" t="n"><v>1</v></c>' % row,
                          b'<c r="E%d" t="e"><v>#N/A</v></c>' % row)
    assert problems(errors) == ["Values: the sheet has more than 2 cells showing an Excel error such as #N/A or "
                                "#DIV/0!: open it in Excel, fix the formulas so they calculate, then save it again"]
