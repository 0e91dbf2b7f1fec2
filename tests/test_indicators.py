"""Tests for the indicator engine: aggregation to quarters and years, RAG, direction, summaries and commentary.

Returns are built directly as PerformanceReturn tables (what the loader produces), so each test
states its figures; every expected number is worked out by hand in the comment beside it.
"""
import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import indicators
from data_loaders import PerformanceReturn, load_return
from periods import Period, parse_period

FRONT_DOOR = "3 Children's Social Care Front Door"
WORKFORCE = "10 Workforce"
REPO = Path(__file__).resolve().parents[1]


def catalogue_row(indicator_id, unit, polarity, aggregation, target=None, tolerance=None, dashboard=FRONT_DOOR,
                  rolling=False, rebase=""):
    """One Indicators row as the loader gives it."""
    return {"indicator_id": indicator_id, "dashboard": dashboard, "dashboard_number": int(dashboard.split()[0]),
            "title": f"Title of {indicator_id}", "definition": "", "unit": unit, "polarity": polarity,
            "aggregation": aggregation, "target": target, "amber_tolerance": tolerance, "comparator_note": "",
            "source": "", "rolling_12_months": rolling, "spc_rebase": rebase}


def make_return(catalogue: list[dict], values: list[tuple], commentary: list[dict] | None = None) -> PerformanceReturn:
    """A return from catalogue rows and (indicator_id, period, numerator, denominator, value[, breakdown]) tuples."""
    rows = []
    for indicator_id, label, numerator, denominator, value, *breakdown in values:
        period = parse_period(label)
        rows.append({"indicator_id": indicator_id, "period": period.label, "frequency": period.frequency,
                     "period_start": pd.Timestamp(period.start), "breakdown": breakdown[0] if breakdown else "",
                     "numerator": numerator, "denominator": denominator, "value": value})
    parts = {"indicators": pd.DataFrame(catalogue), "values": pd.DataFrame(rows)}
    if commentary:
        parts["commentary"] = pd.DataFrame(commentary)
    return PerformanceReturn(**parts)


def one(table: pd.DataFrame, **where) -> pd.Series:
    """The single row of `table` matching every column = value in `where`."""
    mask = pd.Series(True, index=table.index)
    for column, wanted in where.items():
        mask &= table[column] == wanted
    assert mask.sum() == 1, table[mask]
    return table[mask].iloc[0]


# --- aggregation months -> quarters and years ----------------------------------------------------------

AGGREGATION = make_return(
    [catalogue_row("S", "percent", "higher_is_better", "sum", 60, 5),
     catalogue_row("L", "percent", "higher_is_better", "last", 60, 5),
     catalogue_row("N", "rate_per_10k", "lower_is_better", "sum_numerator"),
     catalogue_row("C", "count", "neutral", "sum"),
     catalogue_row("K", "count", "neutral", "last"),
     catalogue_row("A", "number", "neutral", "sum")],
    [("S", "2025-04", 1, 10, 10.0), ("S", "2025-05", 9, 10, 90.0), ("S", "2025-06", 50, 80, 62.5),
     ("L", "2025-04", 1, 10, 10.0), ("L", "2025-05", 9, 10, 90.0), ("L", "2025-06", 50, 80, 62.5),
     ("N", "2025-04", 10, 20_000, 5.0), ("N", "2025-05", 20, 21_000, 20 / 21_000 * 10_000),
     ("N", "2025-06", 30, 22_000, 30 / 22_000 * 10_000),
     ("C", "2025-04", None, None, 3), ("C", "2025-05", None, None, 4), ("C", "2025-06", None, None, 5),
     ("C", "2025-07", None, None, 6),
     ("K", "2025-04", None, None, 100), ("K", "2025-05", None, None, 105), ("K", "2025-06", None, None, 103),
     ("A", "2025-04", 60, 40, 1.5), ("A", "2025-05", 144, 80, 1.8)])


def test_sum_adds_numerators_and_denominators_never_averages_percentages():
    quarter = one(indicators.period_values(AGGREGATION, "quarter"), indicator_id="S", breakdown="")
    # (1 + 9 + 50) / (10 + 10 + 80) = 60 / 100 = 60.0%; the mean of 10.0, 90.0 and 62.5 would be 54.2%.
    assert (quarter["numerator"], quarter["denominator"], quarter["value"]) == (60, 100, 60.0)
    assert (quarter["period"], quarter["complete"], quarter["up_to"], quarter["periods_present"]) == \
        ("2025-26 Q1", True, "2025-06", 3)
    year = one(indicators.period_values(AGGREGATION, "year"), indicator_id="S", breakdown="")
    assert (year["period"], year["value"], year["complete"]) == ("2025-26", 60.0, False)  # 3 of 12 months


def test_last_takes_the_snapshot_at_period_end():
    quarter = one(indicators.period_values(AGGREGATION, "quarter"), indicator_id="L")
    assert (quarter["numerator"], quarter["denominator"], quarter["value"]) == (50, 80, 62.5)  # June: 50 / 80
    year = one(indicators.period_values(AGGREGATION, "year"), indicator_id="L")
    assert (year["value"], year["complete"], year["up_to"]) == (62.5, False, "2025-06")  # the latest month so far
    snapshot = one(indicators.period_values(AGGREGATION, "quarter"), indicator_id="K")
    assert snapshot["value"] == 103  # June's count, not 100 + 105 + 103


def test_sum_numerator_adds_numerators_over_the_period_end_denominator():
    quarter = one(indicators.period_values(AGGREGATION, "quarter"), indicator_id="N")
    # (10 + 20 + 30) / 22,000 (June's population) x 10,000 = 60 / 22,000 x 10,000 = 27.2727... per 10,000
    assert (quarter["numerator"], quarter["denominator"]) == (60, 22_000)
    assert quarter["value"] == pytest.approx(27.272727, abs=1e-6)
    year = one(indicators.period_values(AGGREGATION, "year"), indicator_id="N")
    assert (year["numerator"], year["denominator"], year["complete"]) == (60, 22_000, False)  # April-June so far
    monthly = indicators.period_values(AGGREGATION, "month")
    assert one(monthly, indicator_id="N", period="2025-05")["value"] == pytest.approx(9.523810, abs=1e-6)  # 20/21,000


def test_sum_of_counts_and_of_an_average():
    quarters = indicators.period_values(AGGREGATION, "quarter")
    q1 = one(quarters, indicator_id="C", period="2025-26 Q1")
    assert (q1["value"], q1["complete"]) == (12, True)  # 3 + 4 + 5
    q2 = one(quarters, indicator_id="C", period="2025-26 Q2")
    assert (q2["value"], q2["complete"], q2["up_to"]) == (6, False, "2025-07")  # July only
    assert one(indicators.period_values(AGGREGATION, "year"), indicator_id="C")["value"] == 18  # 3+4+5+6
    average = one(quarters, indicator_id="A")
    # (60 + 144) / (40 + 80) = 204 / 120 = 1.7, not the mean of 1.5 and 1.8 (1.65)
    assert (average["numerator"], average["denominator"], average["value"]) == (204, 120, pytest.approx(1.7))


def test_monthly_view_keeps_months():
    months = indicators.period_values(AGGREGATION, "month")
    assert one(months, indicator_id="S", period="2025-05")["value"] == 90.0
    assert months["complete"].all()


def test_unknown_frequency_is_refused():
    with pytest.raises(ValueError, match="frequency must be one of month, quarter, year"):
        indicators.period_values(AGGREGATION, "week")


QUARTERLY = make_return(
    [catalogue_row("Q", "percent", "higher_is_better", "sum", 75, 5),
     catalogue_row("M", "count", "neutral", "sum")],
    [("Q", "2025-26 Q1", 6, 10, 60.0), ("Q", "2025-26 Q2", 7, 10, 70.0),
     ("M", "2025-10", None, None, 4), ("M", "2025-11", None, None, 5)])


def test_quarterly_indicator_keeps_its_quarters_in_a_monthly_view_and_adds_to_a_year():
    monthly = indicators.period_values(QUARTERLY, "month")
    assert monthly[monthly["indicator_id"] == "Q"]["period"].tolist() == ["2025-26 Q1", "2025-26 Q2"]
    year = one(indicators.period_values(QUARTERLY, "year"), indicator_id="Q")
    # (6 + 7) / (10 + 10) = 13 / 20 = 65.0%; two of four quarters, so incomplete, up to Q2
    assert (year["value"], year["complete"], year["up_to"], year["periods_present"]) == \
        (65.0, False, "2025-26 Q2", 2)


def test_quarterly_indicator_in_a_monthly_summary_shows_its_latest_quarter():
    summary = indicators.summarise(QUARTERLY, "month").set_index("indicator_id")
    assert summary.loc["M", "period"] == "2025-11"  # the latest month in the return
    quarterly = summary.loc["Q"]
    assert (quarterly["period"], quarterly["period_display"], quarterly["value"]) == \
        ("2025-26 Q2", "Q2 2025-26", 70.0)
    # Q2 70.0 against Q1 60.0, higher is better; 70.0 is within 5 of the target 75 -> amber
    assert (quarterly["previous_value"], quarterly["direction"], quarterly["rag"]) == (60.0, "improving", "amber")


# --- breakdown totals ------------------------------------------------------------------------------

BREAKDOWNS = make_return(
    [catalogue_row("M", "count", "lower_is_better", "sum"),
     catalogue_row("P", "percent", "higher_is_better", "sum", 80, 10),
     catalogue_row("D", "days", "lower_is_better", "sum")],
    [("M", "2025-04", None, None, 3, "From home"), ("M", "2025-04", None, None, 40, "From care"),
     ("M", "2025-05", None, None, 2, "From home"), ("M", "2025-05", None, None, 10, "From care"),
     ("M", "2025-05", None, None, 50, ""),  # a total row given: 50, though the parts add to 12
     ("P", "2025-04", 6, 10, 60.0, "From home"), ("P", "2025-04", 30, 40, 75.0, "From care"),
     ("D", "2025-04", 30, 3, 10.0, "A"), ("D", "2025-04", 60, 2, 30.0, "B")])


def test_total_is_the_sum_of_breakdowns_when_no_total_row_is_given():
    months = indicators.period_values(BREAKDOWNS, "month")
    assert one(months, indicator_id="M", period="2025-04", breakdown="")["value"] == 43  # 3 + 40
    percent = one(months, indicator_id="P", period="2025-04", breakdown="")
    # (6 + 30) / (10 + 40) = 36 / 50 = 72.0%, not the mean of 60.0 and 75.0 (67.5)
    assert (percent["numerator"], percent["denominator"], percent["value"]) == (36, 50, 72.0)
    days = one(months, indicator_id="D", period="2025-04", breakdown="")
    assert days["value"] == 18.0  # (30 + 60) days / (3 + 2) cases = 90 / 5 = 18 days


def test_a_given_total_row_is_kept_not_derived():
    months = indicators.period_values(BREAKDOWNS, "month")
    assert one(months, indicator_id="M", period="2025-05", breakdown="")["value"] == 50  # not 2 + 10 = 12


def test_series_includes_breakdowns_and_aggregates_them():
    months = indicators.series(BREAKDOWNS, "M", "month")
    assert months[["breakdown", "period", "value"]].values.tolist() == [
        ["", "2025-04", 43.0], ["", "2025-05", 50.0],
        ["From care", "2025-04", 40.0], ["From care", "2025-05", 10.0],
        ["From home", "2025-04", 3.0], ["From home", "2025-05", 2.0]]
    quarter = indicators.series(BREAKDOWNS, "M", "quarter")
    # total 43 + 50 = 93; from care 40 + 10 = 50; from home 3 + 2 = 5; April and May of Q1 only
    assert quarter[["breakdown", "value", "complete"]].values.tolist() == [
        ["", 93.0, False], ["From care", 50.0, False], ["From home", 5.0, False]]


# --- RAG -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, target, tolerance, polarity, unit, expected", [
    (60, 60, 5, "higher_is_better", "percent", "green"),  # exactly at target
    (55, 60, 5, "higher_is_better", "percent", "amber"),  # exactly at target - tolerance
    (54.94, 60, 5, "higher_is_better", "percent", "red"),  # displays 54.9: just beyond
    (54.95, 60, 5, "higher_is_better", "percent", "amber"),  # displays 55.0 (half away from zero)
    (59.95, 60, None, "higher_is_better", "percent", "green"),  # displays 60.0 = target
    (59.94, 60, None, "higher_is_better", "percent", "red"),  # displays 59.9; no tolerance, no amber
    (59.9, 60, float("nan"), "higher_is_better", "percent", "red"),  # a blank tolerance is no amber band
    (59.9, 60, 0.1, "higher_is_better", "percent", "amber"),  # 59.9 - 60 = -0.1000000000000014 in floats
    (1299 / 2000 * 100, 65, None, "higher_is_better", "percent", "green"),  # 64.94999... displays 65.0
    (20, 20, 2, "lower_is_better", "percent", "green"),
    (22, 20, 2, "lower_is_better", "percent", "amber"),  # exactly target + tolerance
    (22.04, 20, 2, "lower_is_better", "percent", "amber"),  # displays 22.0
    (22.05, 20, 2, "lower_is_better", "percent", "red"),  # displays 22.1: just beyond
    (20.05, 20, None, "lower_is_better", "percent", "red"),  # displays 20.1
    (20.04, 20, None, "lower_is_better", "percent", "green"),  # displays 20.0
    (0.04, 0, None, "lower_is_better", "percent", "green"),  # a zero target: 0.04 displays 0.0
    (13.05, 10, 3, "lower_is_better", "rate_per_10k", "red"),  # displays 13.1 > 10 + 3
    (3.4, 3, None, "lower_is_better", "count", "green"),  # a count displays 3
    (3.5, 3, 1, "lower_is_better", "count", "amber"),  # displays 4 = 3 + 1
    (3.5, 3, None, "lower_is_better", "count", "red"),
    (50, 60, 5, "neutral", "percent", "no target"),
    (50, None, 5, "higher_is_better", "percent", "no target"),
    (50, float("nan"), 5, "higher_is_better", "percent", "no target"),
    (float("nan"), 60, 5, "higher_is_better", "percent", "no data"),
    (None, 60, 5, "higher_is_better", "percent", "no data"),
    (float("nan"), None, None, "neutral", "count", "no data"),
])
def test_rag_status(value, target, tolerance, polarity, unit, expected):
    assert indicators.rag_status(value, target, tolerance, polarity, unit) == expected


@pytest.mark.parametrize("current, previous, polarity, unit, expected", [
    (62.55, 62.5, "higher_is_better", "percent", "improving"),  # 62.6 against 62.5
    (62.5, 62.55, "higher_is_better", "percent", "worsening"),
    (62.55, 62.5, "lower_is_better", "percent", "worsening"),
    (62.5, 62.55, "lower_is_better", "percent", "improving"),
    (62.55, 62.5, "neutral", "percent", "up"),
    (62.5, 62.55, "neutral", "percent", "down"),
    (62.54, 62.46, "higher_is_better", "percent", "no change"),  # both display 62.5
    (62.45, 62.5, "neutral", "percent", "no change"),  # 62.45 displays 62.5
    (5.4, 4.6, "neutral", "count", "no change"),  # both display 5
    (10, 9, "lower_is_better", "count", "worsening"),
    (float("nan"), 1, "higher_is_better", "count", ""),
    (1, None, "higher_is_better", "count", ""),
])
def test_direction(current, previous, polarity, unit, expected):
    assert indicators.direction(current, previous, polarity, unit) == expected


# --- summarise -------------------------------------------------------------------------------------------

SUMMARY = make_return(
    [catalogue_row("S", "percent", "higher_is_better", "sum", 60, 5),
     catalogue_row("C", "count", "lower_is_better", "sum", 10, 2, dashboard=WORKFORCE),
     catalogue_row("Q", "percent", "higher_is_better", "sum")],
    [("S", "2024-10", 5, 10, 50.0), ("S", "2025-09", 1, 10, 10.0), ("S", "2025-10", 9, 10, 90.0),
     ("S", "2025-11", 50, 80, 62.5),
     ("C", "2025-09", None, None, 3), ("C", "2025-10", None, None, 4), ("C", "2025-11", None, None, 4),
     ("Q", "2025-26 Q1", 6, 10, 60.0), ("Q", "2025-26 Q2", 7, 10, 70.0)])
SUMMARY_COLUMNS = ["indicator_id", "dashboard", "title", "unit", "polarity", "period", "complete", "value",
                   "numerator", "denominator", "target", "rag", "previous_value", "direction", "last_year_value",
                   "period_display", "worsening_run"]


def test_summary_has_one_row_per_indicator_in_dashboard_number_order():
    summary = indicators.summarise(SUMMARY, "month")
    assert set(SUMMARY_COLUMNS) <= set(summary.columns)
    # S and Q are on dashboard 3, C on dashboard 10: by number, so 10 comes after 3 (not as text "10" < "3").
    assert summary["indicator_id"].tolist() == ["S", "Q", "C"]


def test_monthly_summary_defaults_to_the_latest_month():
    summary = indicators.summarise(SUMMARY, "month").set_index("indicator_id")
    s = summary.loc["S"]
    assert (s["period"], s["period_display"], s["complete"]) == ("2025-11", "November 2025", True)
    assert (s["value"], s["numerator"], s["denominator"]) == (62.5, 50, 80)
    assert s["rag"] == "green"  # 62.5 >= 60
    assert (s["previous_value"], s["direction"]) == (90.0, "worsening")  # October 90.0, higher is better
    assert math.isnan(s["last_year_value"])  # no November 2024
    assert s["worsening_run"] == 1
    c = summary.loc["C"]
    assert (c["value"], c["rag"], c["direction"], c["worsening_run"]) == (4, "green", "no change", 0)


def test_quarterly_summary_of_a_partial_quarter():
    summary = indicators.summarise(SUMMARY, "quarter").set_index("indicator_id")
    s = summary.loc["S"]
    assert s["period"] == "2025-26 Q3"
    assert (s["complete"], s["period_display"]) == (False, "Q3 2025-26 to November 2025")
    # (9 + 50) / (10 + 80) = 59 / 90 = 65.5556% -> green at target 60
    assert (s["numerator"], s["denominator"]) == (59, 90)
    assert s["value"] == pytest.approx(65.555556, abs=1e-6)
    assert s["rag"] == "green"
    # October and November are compared like for like with July and August (S has neither) and with
    # October and November 2024 (S has October only): no comparison, and the labels say what was sought.
    assert (s["previous_period"], s["last_year_period"]) == ("July to August 2025", "October to November 2024")
    assert math.isnan(s["previous_value"]) and math.isnan(s["last_year_value"])
    assert (s["direction"], s["last_year_direction"], s["worsening_run"]) == ("", "", 0)
    c = summary.loc["C"]
    # 4 + 4 = 8 <= 10 is green; C has September only, not July and August, so nothing to compare
    assert (c["value"], c["rag"], c["direction"]) == (8, "green", "")
    assert math.isnan(c["previous_value"])
    q = summary.loc["Q"]  # reported by quarter, nothing for Q3 yet
    assert (q["period"], q["rag"], q["direction"]) == ("2025-26 Q3", "no data", "")
    assert math.isnan(q["value"])


def test_yearly_summary():
    summary = indicators.summarise(SUMMARY, "year").set_index("indicator_id")
    s = summary.loc["S"]
    # (1 + 9 + 50) / (10 + 10 + 80) = 60 / 100 = 60.0%: exactly at target -> green
    assert (s["value"], s["rag"], s["complete"]) == (60.0, "green", False)
    # S starts in September: the year so far is September to November, and says so
    assert s["period_display"] == "2025-26 (September to November 2025 only)"
    # the same months of 2024-25: S has October 2024 only, so no like-for-like figure
    assert (s["previous_period"], s["direction"]) == ("September to November 2024", "")
    assert math.isnan(s["previous_value"])
    c = summary.loc["C"]
    assert (c["value"], c["rag"]) == (11, "amber")  # 3 + 4 + 4 = 11: over 10 but within 10 + 2
    q = summary.loc["Q"]
    # (6 + 7) / (10 + 10) = 65.0%; Q has no target
    assert (q["value"], q["rag"], q["period_display"]) == (65.0, "no target", "2025-26 to September 2025")
    assert q["previous_period"] == "Q1 to Q2 2024-25"  # its own periods, a year earlier


# The committee's example: Early Help requests by month (a count; the polarity is set per test).
REQUESTS = {"2025-10": 300, "2025-11": 275, "2025-12": 222,  # Q3 2025-26: 797; October and November: 575
            "2026-07": 260, "2026-08": 240, "2026-09": 248,  # Q2 2026-27: 748; July and August: 500
            "2026-10": 320, "2026-11": 295}                  # Q3 2026-27 so far: 615


def requests_return(polarity: str) -> PerformanceReturn:
    """The requests above as one count indicator."""
    return make_return([catalogue_row("R", "count", polarity, "sum")],
                       [("R", month, None, None, count) for month, count in REQUESTS.items()])


def test_a_partial_quarter_is_compared_with_the_same_months_of_the_earlier_quarters():
    row = indicators.summarise(requests_return("higher_is_better"), "quarter", "2026-27 Q3").iloc[0]
    assert (row["value"], row["complete"], row["period_display"]) == (615, False, "Q3 2026-27 to November 2026")
    # not all of Q2 (748) nor all of Q3 2025-26 (797): their first two months
    assert (row["previous_value"], row["previous_period"]) == (500, "July to August 2026")
    assert (row["last_year_value"], row["last_year_period"]) == (575, "October to November 2025")
    # 615 is more than both: requests rose (a whole-quarter comparison would have said they fell)
    assert (row["direction"], row["movement"]) == ("improving", "up")
    assert (row["last_year_direction"], row["last_year_movement"]) == ("improving", "up")
    complete = indicators.summarise(requests_return("higher_is_better"), "quarter", "2026-27 Q2").iloc[0]
    # a complete quarter compares with the whole of the one before: Q1 2026-27 has no months, so nothing
    assert (complete["value"], complete["complete"], complete["previous_period"]) == (748, True, "Q1 2026-27")
    assert math.isnan(complete["previous_value"]) and complete["direction"] == ""
    assert complete["last_year_period"] == "Q2 2025-26" and \
        math.isnan(complete["last_year_value"])


def test_attention_follows_the_like_for_like_comparison():
    # lower is better: 615 against 500 is worse, though against all of Q2 (748) it would look better
    row = indicators.summarise(requests_return("lower_is_better"), "quarter", "2026-27 Q3").iloc[0]
    assert (row["direction"], row["worsening_run"]) == ("worsening", 1)  # Q2 itself has no Q1 to compare
    assert indicators.attention_reasons(row) == []


def test_a_partial_percentage_adds_the_same_months_numerators_and_denominators():
    ret = make_return([catalogue_row("P", "percent", "higher_is_better", "sum", 50, 5)],
                      [("P", "2026-04", 10, 20, 50.0), ("P", "2026-05", 30, 40, 75.0), ("P", "2026-06", 1, 40, 2.5),
                       ("P", "2026-07", 9, 10, 90.0)])
    row = indicators.summarise(ret, "quarter", "2026-27 Q2").iloc[0]
    # July alone, 9 / 10 = 90.0%, against April alone (10 / 20 = 50.0%), not all of Q1 (41 / 100 = 41.0%)
    assert (row["value"], row["previous_value"], row["previous_period"]) == (90.0, 50.0, "April 2026")
    assert (row["previous_numerator"], row["previous_denominator"]) == (10, 20)


def test_a_partial_sum_numerator_takes_the_latest_denominator_of_the_same_months():
    ret = make_return([catalogue_row("N", "rate_per_10k", "neutral", "sum_numerator")],
                      [("N", "2026-04", 10, 40000, 2.5), ("N", "2026-05", 20, 40000, 5.0),
                       ("N", "2026-06", 30, 41000, 30 / 4.1), ("N", "2026-07", 12, 42000, 12 / 4.2),
                       ("N", "2026-08", 14, 42000, 14 / 4.2)])
    row = indicators.summarise(ret, "quarter", "2026-27 Q2").iloc[0]
    # July and August: (12 + 14) / 42,000 x 10,000 = 6.19...; April and May: (10 + 20) / 40,000 x 10,000 = 7.5
    assert row["value"] == pytest.approx(26 / 42000 * 10000)
    assert (row["previous_value"], row["previous_period"]) == (pytest.approx(7.5), "April to May 2026")
    assert (row["previous_numerator"], row["previous_denominator"]) == (30, 40000)


def test_a_partial_snapshot_compares_period_end_snapshots():
    ret = make_return([catalogue_row("L", "count", "neutral", "last")],
                      [("L", "2026-09", None, None, 400), ("L", "2026-10", None, None, 410),
                       ("L", "2025-12", None, None, 380)])
    row = indicators.summarise(ret, "quarter", "2026-27 Q3").iloc[0]
    # the latest snapshot (October) against Q2's end (September) and Q3 2025-26's end (December)
    assert (row["value"], row["previous_value"], row["previous_period"]) == (410, 400, "Q2 2026-27")
    assert (row["last_year_value"], row["last_year_period"]) == (380, "Q3 2025-26")


def test_a_year_in_progress_is_compared_with_the_same_months_a_year_earlier():
    ret = make_return([catalogue_row("R", "count", "neutral", "sum")],
                      [("R", "2025-04", None, None, 10), ("R", "2025-05", None, None, 20),
                       ("R", "2025-06", None, None, 40), ("R", "2026-04", None, None, 11),
                       ("R", "2026-05", None, None, 22)])
    row = indicators.summarise(ret, "year", "2026-27").iloc[0]
    assert (row["value"], row["period_display"]) == (33, "2026-27 to May 2026")
    assert (row["previous_value"], row["previous_period"]) == (30, "April to May 2025")
    assert (row["last_year_value"], row["last_year_period"]) == (30, "April to May 2025")


def test_a_quarter_whose_first_month_is_missing_names_the_months_it_has():
    ret = make_return([catalogue_row("R", "count", "neutral", "sum")],
                      [("R", "2026-05", None, None, 5), ("R", "2026-06", None, None, 6)])
    row = indicators.summarise(ret, "quarter", "2026-27 Q1").iloc[0]
    assert (row["value"], row["complete"]) == (11, False)
    assert row["period_display"] == "Q1 2026-27 (May to June 2026 only)"
    assert row["previous_period"] == "February to March 2026"


def test_summary_for_a_chosen_period_as_text_or_period():
    by_text = indicators.summarise(SUMMARY, "month", "2025-10").set_index("indicator_id")
    by_period = indicators.summarise(SUMMARY, "month", Period(2025, 10, "month")).set_index("indicator_id")
    for summary in (by_text, by_period):
        assert (summary.loc["S", "value"], summary.loc["S", "direction"]) == (90.0, "improving")  # 90 vs 10
        assert (summary.loc["C", "direction"], summary.loc["C", "worsening_run"]) == ("worsening", 1)  # 4 vs 3
    # A month given for a quarterly summary means its quarter: October 2025 is in Q3 2025-26.
    assert indicators.summarise(SUMMARY, "quarter", "2025-10")["period"].unique().tolist() == ["2025-26 Q3"]


def test_summary_of_a_month_without_data():
    summary = indicators.summarise(SUMMARY, "month", "2025-08").set_index("indicator_id")
    s = summary.loc["S"]
    assert (s["period"], s["period_display"], s["rag"], s["direction"], s["complete"]) == \
        ("2025-08", "August 2025", "no data", "", False)
    assert math.isnan(s["value"])


def test_last_year_value_and_rounding_deciding_rag_in_a_summary():
    ret = make_return([catalogue_row("T", "percent", "higher_is_better", "last", 60, None)],
                      [("T", "2024-11", 1199, 2000, 59.95), ("T", "2025-10", 1, 2, 50.0),
                       ("T", "2025-11", 1199, 2000, 59.95)])
    row = indicators.summarise(ret, "month").iloc[0]
    # 1199 / 2000 = 59.95% displays 60.0: green at target 60, though the raw figure is below it
    assert row["rag"] == "green"
    assert (row["last_year_value"], row["last_year_direction"]) == (59.95, "no change")
    assert (row["previous_value"], row["direction"]) == (50.0, "improving")


WORSENING = make_return(
    [catalogue_row("W", "percent", "higher_is_better", "last", 80, None),
     catalogue_row("G", "percent", "higher_is_better", "last", 80, None, dashboard="1 Education")],
    [("W", "2025-04", 70, 100, 70.0), ("W", "2025-05", 65, 100, 65.0), ("W", "2025-06", 60, 100, 60.0),
     ("W", "2025-07", 55, 100, 55.0),
     ("G", "2025-03", 90, 100, 90.0), ("G", "2025-04", 70, 100, 70.0), ("G", "2025-06", 65, 100, 65.0),
     ("G", "2025-07", 60, 100, 60.0)])  # no May for G


def test_worsening_run_counts_consecutive_worse_periods_and_a_gap_ends_it():
    summary = indicators.summarise(WORSENING, "month").set_index("indicator_id")
    assert summary.loc["W", "worsening_run"] == 3  # 70 > 65 > 60 > 55: three falls in a row
    # G: July 60 < June 65 (1), but May is missing, so June cannot be compared: the run is 1, not 3.
    assert summary.loc["G", "worsening_run"] == 1
    assert indicators.summarise(WORSENING, "month", "2025-06").set_index("indicator_id") \
        .loc["G", "direction"] == ""  # June has no May to compare with
    assert indicators.summarise(WORSENING, "month", "2025-05").set_index("indicator_id") \
        .loc["W", "worsening_run"] == 1


def test_needs_attention_lists_reasons_red_first():
    attention = indicators.needs_attention(indicators.summarise(WORSENING, "month"))
    # Both are red (55 and 60 < 80); G's dashboard 1 comes before W's dashboard 3.
    assert attention["indicator_id"].tolist() == ["G", "W"]
    assert attention.set_index("indicator_id")["reasons"].to_dict() == {
        "G": ["Red against target"],
        "W": ["Red against target", "Worse for 3 periods in a row"]}


def test_attention_reasons_include_spc_warnings():
    row = pd.Series({"rag": "green", "worsening_run": 2, "spc_variation": "concern_low",
                     "spc_assurance": "consistent_fail"})
    assert indicators.attention_reasons(row) == ["Worse for 2 periods in a row", "SPC: special cause of concern",
                                                 "SPC: will consistently miss target"]
    calm = pd.Series({"rag": "amber", "worsening_run": 1, "spc_variation": "improvement_high", "spc_assurance": None})
    assert indicators.attention_reasons(calm) == []


def test_default_and_available_periods():
    assert indicators.default_period(SUMMARY, "month") == Period(2025, 11, "month")
    assert indicators.default_period(SUMMARY, "quarter").label == "2025-26 Q3"
    assert indicators.default_period(SUMMARY, "year").label == "2025-26"
    assert indicators.default_period(PerformanceReturn(), "month") is None
    # From the earliest month (October 2024) to the latest (November 2025), newest first.
    quarters = [period.label for period in indicators.available_periods(SUMMARY, "quarter")]
    assert quarters == ["2025-26 Q3", "2025-26 Q2", "2025-26 Q1", "2024-25 Q4", "2024-25 Q3"]
    assert [period.label for period in indicators.available_periods(SUMMARY, "year")] == ["2025-26", "2024-25"]
    assert len(indicators.available_periods(SUMMARY, "month")) == 14  # Oct 2024 to Nov 2025 inclusive
    assert indicators.available_periods(PerformanceReturn(), "month") == []


def test_dashboards_in_numbered_order():
    assert indicators.dashboards(SUMMARY) == [FRONT_DOOR, WORKFORCE]


# --- commentary -------------------------------------------------------------------------------------------

COMMENTARY = pd.DataFrame([
    {"indicator_id": "A", "dashboard": "", "period": "2025-26 Q1", "text": "Q1 narrative", "author": ""},
    {"indicator_id": "A", "dashboard": "", "period": "2025-26 Q2", "text": "Q2 narrative", "author": ""},
    {"indicator_id": "A", "dashboard": "", "period": "2025-10", "text": "   ", "author": ""},  # blank: ignored
    {"indicator_id": "", "dashboard": FRONT_DOOR, "period": "2025-08", "text": "August overview", "author": ""},
])


@pytest.mark.parametrize("viewed, text, written_for", [
    ("2025-26 Q2", "Q2 narrative", "Q2 2025-26"),  # exact
    ("2025-07", "Q2 narrative", "Q2 2025-26"),  # a month in the quarter shows the quarter's commentary
    ("2025-08", "Q2 narrative", "Q2 2025-26"),
    ("2025-09", "Q2 narrative", "Q2 2025-26"),
    ("2025-06", "Q1 narrative", "Q1 2025-26"),
    ("2025-26", "Q2 narrative", "Q2 2025-26"),  # the year overlaps both quarters: the later one
])
def test_current_commentary_is_for_the_period_or_one_sharing_its_months(viewed, text, written_for):
    entry = indicators.current_commentary(COMMENTARY, parse_period(viewed), indicator_id="A")
    assert (entry["text"], entry["period_display"]) == (text, written_for)


@pytest.mark.parametrize("viewed", ["2025-10", "2025-26 Q3", "2025-03"])
def test_commentary_for_an_earlier_period_is_never_current(viewed):
    # Q2's narrative is not about October or Q3; nothing was written for March 2025 or before
    assert indicators.current_commentary(COMMENTARY, parse_period(viewed), indicator_id="A") is None


def test_earlier_commentary_is_the_latest_written_before_the_period():
    entry = indicators.earlier_commentary(COMMENTARY, parse_period("2025-11"), indicator_id="A")
    assert (entry["text"], entry["period_display"]) == ("Q2 narrative", "Q2 2025-26")
    assert indicators.earlier_commentary(COMMENTARY, parse_period("2025-26 Q1"), indicator_id="A") is None
    columns = indicators.commentary_columns(COMMENTARY, parse_period("2025-26 Q3"), indicator_id="A")
    assert columns == {"commentary": "", "commentary_author": "", "commentary_period": "", "explained": False,
                       "earlier_commentary": "Q2 narrative", "earlier_commentary_author": "",
                       "earlier_commentary_period": "Q2 2025-26"}


def test_commentary_never_shows_a_later_period():
    assert indicators.current_commentary(COMMENTARY, parse_period("2025-03"), indicator_id="A") is None
    assert indicators.current_commentary(COMMENTARY, parse_period("2025-07"), dashboard=FRONT_DOOR) is None
    assert indicators.current_commentary(COMMENTARY, parse_period("2025-26 Q1"), dashboard=FRONT_DOOR) is None
    assert indicators.current_commentary(COMMENTARY, parse_period("2025-08"), indicator_id="B") is None
    assert indicators.earlier_commentary(COMMENTARY, parse_period("2025-07"), dashboard=FRONT_DOOR) is None


def test_commentary_for_a_month_is_current_for_its_quarter():
    entry = indicators.current_commentary(COMMENTARY, parse_period("2025-26 Q2"), dashboard=FRONT_DOOR)
    assert (entry["text"], entry["period_display"]) == ("August overview", "August 2025")


def test_current_commentary_prefers_the_narrowest_period_sharing_the_months():
    commentary = pd.concat([COMMENTARY, pd.DataFrame([
        {"indicator_id": "A", "dashboard": "", "period": "2025-26", "text": "Year narrative", "author": ""},
        {"indicator_id": "A", "dashboard": "", "period": "2025-11", "text": "November note", "author": ""}])],
        ignore_index=True)
    # April 2025 is in Q1 and in 2025-26: the quarter is the closer fit.
    assert indicators.current_commentary(commentary, parse_period("2025-04"), indicator_id="A")["text"] == \
        "Q1 narrative"
    assert indicators.current_commentary(commentary, parse_period("2025-08"), indicator_id="A")["text"] == \
        "Q2 narrative"
    # December 2025 is in no commented quarter or month, but in the year.
    assert indicators.current_commentary(commentary, parse_period("2025-12"), indicator_id="A")["text"] == \
        "Year narrative"
    # Q3 contains the November note: narrower than the year
    assert indicators.current_commentary(commentary, parse_period("2025-26 Q3"), indicator_id="A")["text"] == \
        "November note"
    # the year itself: its own narrative
    assert indicators.current_commentary(commentary, parse_period("2025-26"), indicator_id="A")["text"] == \
        "Year narrative"


def test_summary_carries_current_commentary_and_only_current_commentary_explains():
    ret = make_return([catalogue_row("A", "percent", "higher_is_better", "sum", 90, 1)],
                      [("A", "2025-09", 5, 10, 50.0), ("A", "2025-10", 5, 10, 50.0)],
                      COMMENTARY.to_dict("records"))
    september = indicators.summarise(ret, "month", "2025-09").iloc[0]
    assert (september["rag"], september["explained"], september["commentary"]) == ("red", True, "Q2 narrative")
    assert september["commentary_period"] == "Q2 2025-26"
    october = indicators.summarise(ret, "month", "2025-10").iloc[0]
    # the Q2 narrative is earlier commentary for October: it does not explain October's red figure
    assert (october["rag"], october["explained"], october["commentary"]) == ("red", False, "")
    assert (october["earlier_commentary"], october["earlier_commentary_period"]) == ("Q2 narrative", "Q2 2025-26")


# --- Wilson interval and small denominators ---------------------------------------------------------------

@pytest.mark.parametrize("numerator, denominator, low, high", [
    # Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison of seven
    # methods", Statistics in Medicine 17:857-872, Table II, method 3 (score method without continuity
    # correction): 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0.0000 to 0.1611;
    # 1/29 -> 0.0061 to 0.1718.
    (81, 263, 25.53, 36.62),
    (15, 148, 6.24, 16.05),
    (0, 20, 0.00, 16.11),
    (1, 29, 0.61, 17.18),
])
def test_wilson_interval_matches_newcombe_1998(numerator, denominator, low, high):
    lower, upper = indicators.wilson_interval(numerator, denominator)
    assert (round(lower, 2), round(upper, 2)) == (low, high)


def test_wilson_interval_by_hand_and_edge_cases():
    # 12 of 12: p = 1, z = 1.959964, z^2 = 3.841459; centre = (1 + 3.841459 / 24) / (1 + 3.841459 / 12)
    # = 1.160061 / 1.320122 = 0.878753; half = z x sqrt(0 + 3.841459 / 576) / 1.320122
    # = 1.959964 x 0.081665 / 1.320122 = 0.121247; so 0.878753 - 0.121247 = 75.7506% to 100%.
    lower, upper = indicators.wilson_interval(12, 12)
    assert lower == pytest.approx(75.7506, abs=1e-4) and upper == pytest.approx(100.0)
    for numerator, denominator in ((5, 0), (float("nan"), 10), (3, float("nan")), (None, 10)):
        assert all(math.isnan(bound) for bound in indicators.wilson_interval(numerator, denominator))


def test_small_denominator():
    assert indicators.is_small_denominator(29, "percent")
    assert not indicators.is_small_denominator(30, "percent")  # 30 or more is not small
    assert indicators.is_small_denominator(12, "rate_per_10k")
    assert not indicators.is_small_denominator(12, "count")
    assert not indicators.is_small_denominator(float("nan"), "percent")


# --- SPC chart data ------------------------------------------------------------------------------------

def monthly_return(values: list[float], **catalogue) -> PerformanceReturn:
    """One count indicator 'X' with a value per month from April 2024."""
    months = [Period(2024, 4, "month").shift(step).label for step in range(len(values))]
    row = catalogue_row("X", "count", catalogue.pop("polarity", "higher_is_better"), "sum", **catalogue)
    return make_return([row], [("X", month, None, None, value) for month, value in zip(months, values)])


def indicator_of(ret: PerformanceReturn):
    """The catalogue row of the return's single indicator, as the engine iterates it."""
    return next(ret.indicators.itertuples(index=False))


def test_spc_chart_data_by_hand():
    ret = monthly_return([10] * 12 + [30], target=12)
    result, reason = indicators.spc_chart_data(indicators.series(ret, "X", "month"), indicator_of(ret))
    assert reason == ""
    latest = result.points.iloc[-1]
    # mean = (12 x 10 + 30) / 13 = 150 / 13 = 11.538462; moving ranges: eleven 0s and one 20, mean 20 / 12
    # = 1.666667; limits = 11.538462 +/- 2.66 x 1.666667 = 11.538462 +/- 4.433333 -> 7.105128 to 15.971795
    assert latest["mean"] == pytest.approx(11.538462, abs=1e-6)
    assert (latest["lpl"], latest["upl"]) == (pytest.approx(7.105128, abs=1e-6), pytest.approx(15.971795, abs=1e-6))
    assert result.variation == "improvement_high"  # 30 is above the upper limit, and higher is better
    assert result.assurance == "inconsistent"  # the target 12 lies between the limits


def test_spc_chart_data_reasons_for_no_chart():
    short = monthly_return([10] * 12)
    assert indicators.spc_chart_data(indicators.series(short, "X", "month"), indicator_of(short)) == (
        None, "Not enough points for SPC: 12 monthly figures, and SPC needs at least 13. The plain trend is "
              "shown instead.")
    rolling = monthly_return([10] * 13, rolling=True)
    result, reason = indicators.spc_chart_data(indicators.series(rolling, "X", "month"), indicator_of(rolling))
    assert result is None and reason.startswith("No SPC chart: this is a rolling 12-month measure")
    quarterly = make_return([catalogue_row("X", "percent", "higher_is_better", "sum")],
                            [("X", "2025-26 Q1", 1, 2, 50.0)])
    assert indicators.spc_chart_data(indicators.series(quarterly, "X", "month"), indicator_of(quarterly)) == (
        None, "No SPC chart: SPC is drawn for monthly figures and this indicator is reported by quarter.")


def test_spc_rebase_starts_new_limits():
    # April 2024 + 6 months = October 2024, the 7th point (position 6).
    ret = monthly_return([10, 11, 12, 10, 11, 12, 20, 21, 22, 20, 21, 22, 21], rebase="2024-10")
    result, _ = indicators.spc_chart_data(indicators.series(ret, "X", "month"), indicator_of(ret))
    assert result.points["segment"].tolist() == [0] * 6 + [1] * 7
    # second segment mean = (20 + 21 + 22 + 20 + 21 + 22 + 21) / 7 = 147 / 7 = 21
    assert result.points["mean"].iloc[-1] == pytest.approx(21.0)


# --- choosing and combining series -----------------------------------------------------------------------

def test_series_choices_and_combined_series():
    months = indicators.period_values(BREAKDOWNS, "month")
    choices = indicators.series_choices(months, BREAKDOWNS.indicators)
    assert choices["M"] == "M Title of M"
    assert choices["M|From care"] == "M Title of M: From care"
    combined = indicators.combined_series(months, BREAKDOWNS.indicators, ["M|From care", "P"])
    assert combined[["series", "unit", "period", "value"]].values.tolist() == [
        ["M Title of M: From care", "count", "2025-04", 40.0], ["M Title of M: From care", "count", "2025-05", 10.0],
        ["P Title of P", "percent", "2025-04", 72.0]]  # P's total: 36 / 50
    assert indicators.combined_series(months, BREAKDOWNS.indicators, []).empty


# --- the real demo return ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo():
    return load_return(REPO / "data" / "demo_return.xlsx", today=dt.date(2026, 11, 29))


def test_demo_quarter_reproduces_the_figures_its_commentary_quotes(demo):
    summary = indicators.summarise(demo, "quarter", "2026-27 Q2").set_index("indicator_id")
    shown = {indicator_id: round(summary.loc[indicator_id, "value"], 1)
             for indicator_id in ("EHC01", "EHC03", "EH01", "EH02", "CSC03", "MFH01", "MFH02")}
    # The demo's Commentary sheet says: "54.9% in Q2 2026-27", "140 this quarter", "received 748 requests",
    # "completed 506 assessments", "Re-referrals were 22.9%", "204 missing incidents ... 120 child-months".
    assert shown == {"EHC01": 54.9, "EHC03": 140, "EH01": 748, "EH02": 506, "CSC03": 22.9, "MFH01": 204,
                     "MFH02": 120}
    breakdown = one(indicators.period_values(demo, "quarter"), indicator_id="MFH01", period="2026-27 Q2",
                    breakdown="From care")
    assert breakdown["value"] == 105  # "incidents from care (105)"
    assert summary["complete"].all()


def test_demo_quarter_matches_the_workbook_cells_added_by_hand(demo):
    book = openpyxl.load_workbook(REPO / "data" / "demo_return.xlsx", read_only=True)
    rows = book["Values"].iter_rows(values_only=True)
    header = [str(cell).strip().lower() for cell in next(rows)]
    numerator = denominator = 0
    for cells in rows:
        record = dict(zip(header, cells))
        if record["indicator_id"] == "EHC01" and not record["breakdown"] \
                and parse_period(record["period"]).label in ("2026-07", "2026-08", "2026-09"):
            numerator += record["numerator"]
            denominator += record["denominator"]
    book.close()
    engine = indicators.summarise(demo, "quarter", "2026-27 Q2").set_index("indicator_id").loc["EHC01"]
    assert (engine["numerator"], engine["denominator"]) == (numerator, denominator)  # 28+27+35 = 90; 52+53+59 = 164
    assert engine["value"] == pytest.approx(numerator / denominator * 100)  # 90 / 164 = 54.878%
    assert engine["rag"] == "red"  # 54.9 is below 60 - 5 = 55


def test_demo_default_periods_and_commentary(demo):
    assert indicators.default_period(demo, "month").label == "2026-10"
    entry = indicators.current_commentary(demo.commentary, parse_period("2026-08"), indicator_id="EHC01")
    assert entry["period"] == "2026-27 Q2"  # August 2026 is in Q2 2026-27


def test_arrow_follows_the_movement_and_the_word_the_verdict():
    # Missing incidents fell from 59 to 57, lower is better: the figure went down, which is an improvement.
    assert indicators.movement(57, 59, "count") == "down"
    assert indicators.direction(57, 59, "lower_is_better", "count") == "improving"
    assert indicators.change_words("improving", "down") == "↓ Improving"
    assert indicators.change_words("worsening", "up") == "↑ Worsening"
    assert indicators.change_words("up", "up") == "↑ Up"
    assert indicators.change_words("no change", "no change") == "→ No change"
    assert indicators.change_words("", "") == ""
    # 20.04% and 19.96% both show as 20.0%: no change as members read it
    assert indicators.movement(20.04, 19.96, "percent") == "no change"
