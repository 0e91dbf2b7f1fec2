"""Tests for periods: months, financial quarters (Q1 = April to June) and financial years (April to March)."""
import datetime as dt

import pandas as pd
import pytest

from periods import Period, financial_year_label, month, month_range, parse_period


# --- parsing every accepted form -----------------------------------------------------------------

@pytest.mark.parametrize("raw, label, frequency", [
    # months
    ("2025-04", "2025-04", "month"),
    ("2025/04", "2025-04", "month"),
    ("2025-4", "2025-04", "month"),
    ("2025-12", "2025-12", "month"),  # 12 is not 25 (the year after 2025), so a month, not a year
    ("2025-04-01", "2025-04", "month"),  # a date written as text means its month
    ("2025-04-01 00:00:00", "2025-04", "month"),  # how a date cell's text looks after str()
    ("2025-04-15T00:00", "2025-04", "month"),
    ("April 2025", "2025-04", "month"),
    ("Apr-25", "2025-04", "month"),  # two-digit year: 2000 + 25
    ("Sept 2025", "2025-09", "month"),
    ("sep-2025", "2025-09", "month"),
    ("Jan 26", "2026-01", "month"),
    # financial years
    ("2024-25", "2024-25", "year"),
    ("2025-26", "2025-26", "year"),
    ("2011-12", "2011-12", "year"),  # the year after 2011 is 12: a financial year, never December 2011
    ("2025-2026", "2025-26", "year"),
    ("2025/2026", "2025-26", "year"),
    ("2025 - 26", "2025-26", "year"),
    ("202526", "2025-26", "year"),  # the six-digit form DfE files use
    (202526.0, "2025-26", "year"),  # the same typed into a number cell
    ("201112", "2011-12", "year"),  # 12 is the year after 2011: a financial year, never December 2011
    ("202504", "2025-04", "month"),  # 04 is not the year after 2025 (26): the month yyyymm
    ("202512", "2025-12", "month"),
    (202504.0, "2025-04", "month"),
    ("2024-02-29", "2024-02", "month"),  # 2024 is a leap year
    ("2025/04/30", "2025-04", "month"),
    ("1999-00", "1999-00", "year"),  # across the century: 1999 + 1 = 2000 -> "00"
    # financial quarters
    ("2025-26 Q1", "2025-26 Q1", "quarter"),
    ("2025-26 Q4", "2025-26 Q4", "quarter"),
    ("Q4 2025-26", "2025-26 Q4", "quarter"),
    ("2025/26 q1", "2025-26 Q1", "quarter"),
    ("2025-26Q1", "2025-26 Q1", "quarter"),
    ("  2025-26   Q2 ", "2025-26 Q2", "quarter"),  # spaces collapsed and trimmed
])
def test_parse_period_accepts(raw, label, frequency):
    period = parse_period(raw)
    assert (period.label, period.frequency) == (label, frequency)


@pytest.mark.parametrize("raw, year, month_number, frequency", [
    ("2025-26 Q1", 2025, 4, "quarter"),  # April to June 2025
    ("2025-26 Q2", 2025, 7, "quarter"),  # July to September 2025
    ("2025-26 Q3", 2025, 10, "quarter"),  # October to December 2025
    ("2025-26 Q4", 2026, 1, "quarter"),  # January to March 2026: the calendar year after the FY starts
    ("2025-26", 2025, 4, "year"),
    ("2025-04", 2025, 4, "month"),
])
def test_a_period_is_identified_by_its_first_month(raw, year, month_number, frequency):
    assert parse_period(raw) == Period(year, month_number, frequency)


@pytest.mark.parametrize("raw", [
    dt.date(2025, 4, 30),
    dt.datetime(2025, 4, 1, 0, 0),
    dt.datetime(2025, 4, 15, 10, 30),  # an Excel date-time still means its month
    pd.Timestamp("2025-04-30"),
])
def test_excel_dates_mean_their_month(raw):
    assert parse_period(raw) == Period(2025, 4, "month")


def test_a_period_passes_through_unchanged():
    quarter = Period(2026, 1, "quarter")
    assert parse_period(quarter) is quarter


@pytest.mark.parametrize("raw, message", [
    ("2025-13", "'2025-13' has no month 13"),
    ("2025-00", "'2025-00' has no month 0"),
    ("2025-27", "'2025-27' has no month 27"),  # 27 is not the year after 2025 (26), so read as a month
    ("", "the period is blank"),
    ("   ", "the period is blank"),
    (None, "the period is blank"),
    (True, "the period is blank"),
    ("2025", "'2025' is not a period: use a month like 2025-04, a quarter like 2025-26 Q1 or a "
             "financial year like 2025-26"),
    ("2025-26 Q5", "'2025-26 Q5' is not a period: use a month like 2025-04, a quarter like 2025-26 Q1 "
                   "or a financial year like 2025-26"),
    ("Febr 2025", "'Febr 2025' is not a period: use a month like 2025-04, a quarter like 2025-26 Q1 or "
                  "a financial year like 2025-26"),
    ("n/a", "'n/a' is not a period: use a month like 2025-04, a quarter like 2025-26 Q1 or a "
            "financial year like 2025-26"),
    (45000, "'45000' is not a period: use a month like 2025-04, a quarter like 2025-26 Q1 or a "
            "financial year like 2025-26"),  # a bare Excel serial number is not read as a date
    # six digits: neither the next year (202526) nor a month 01-12 (202504)
    ("202513", "'202513' is neither a financial year (two consecutive years, as in 202526) nor a month (as in "
               "202504)"),
    ("202500", "'202500' is neither a financial year (two consecutive years, as in 202526) nor a month (as in "
               "202504)"),
    # dates that do not exist, in every date form a period accepts
    ("2025-02-31", "'2025-02-31' is not a date: February 2025 has 28 days"),
    ("2025/02/29", "'2025/02/29' is not a date: February 2025 has 28 days"),  # 2025 is not a leap year
    ("2025-04-31 00:00:00", "'2025-04-31 00:00:00' is not a date: April 2025 has 30 days"),
    ("2025-04-00", "'2025-04-00' is not a date: April 2025 has 30 days"),
])
def test_parse_period_rejects_with_words_an_officer_can_act_on(raw, message):
    with pytest.raises(ValueError) as error:
        parse_period(raw)
    assert str(error.value) == message


@pytest.mark.parametrize("raw", ["2025-2027", "2025/2024", "2025-24 Q1", "2025-2027 Q2", "2024/2026"])
def test_years_that_are_not_consecutive_are_rejected(raw):
    with pytest.raises(ValueError, match="is not a financial year \\(the years must be consecutive\\)"):
        parse_period(raw)


# --- labels, months and display --------------------------------------------------------------------

def test_labels_round_trip():
    for label in ("2025-04", "2026-03", "2025-26 Q1", "2025-26 Q4", "2025-26", "1999-00"):
        assert parse_period(label).label == label


def test_financial_year_label():
    assert financial_year_label(2025) == "2025-26"
    assert financial_year_label(1999) == "1999-00"  # (1999 + 1) % 100 = 0 -> "00"
    assert financial_year_label(2009) == "2009-10"


@pytest.mark.parametrize("label, fy_start, quarter", [
    ("2025-04", 2025, 1), ("2025-06", 2025, 1), ("2025-07", 2025, 2), ("2025-12", 2025, 3),
    ("2026-01", 2025, 4), ("2026-03", 2025, 4),  # January to March belong to the FY that started the April before
])
def test_fy_start_and_quarter_of_a_month(label, fy_start, quarter):
    period = parse_period(label)
    assert (period.fy_start, period.quarter) == (fy_start, quarter)


def test_months_of_each_frequency():
    assert [m.label for m in parse_period("2025-26 Q4").months()] == ["2026-01", "2026-02", "2026-03"]
    assert [m.label for m in parse_period("2025-26 Q3").months()] == ["2025-10", "2025-11", "2025-12"]
    year = parse_period("2025-26").months()
    assert len(year) == 12 and year[0].label == "2025-04" and year[-1].label == "2026-03"
    assert parse_period("2025-08").months() == (Period(2025, 8, "month"),)
    assert parse_period("2025-26").end_month == Period(2026, 3, "month")
    assert parse_period("2025-26 Q3").end_month == Period(2025, 12, "month")
    assert parse_period("2025-26 Q3").start == dt.date(2025, 10, 1)


@pytest.mark.parametrize("label, steps, expected", [
    ("2025-12", 1, "2026-01"),  # calendar year boundary
    ("2026-01", -1, "2025-12"),
    ("2026-03", 1, "2026-04"),  # financial year boundary
    ("2025-04", -13, "2024-03"),
    ("2025-26 Q4", 1, "2026-27 Q1"),  # Jan-Mar 2026 -> Apr-Jun 2026
    ("2025-26 Q1", -1, "2024-25 Q4"),  # Apr-Jun 2025 -> Jan-Mar 2025
    ("2025-26 Q3", 1, "2025-26 Q4"),  # Oct-Dec 2025 -> Jan-Mar 2026, same financial year
    ("2025-26 Q2", -6, "2023-24 Q4"),  # back 6: 25-26 Q1, 24-25 Q4, Q3, Q2, Q1, then 23-24 Q4
    ("2025-26", -1, "2024-25"),
    ("1999-00", 1, "2000-01"),
])
def test_shift_keeps_frequency_across_year_boundaries(label, steps, expected):
    moved = parse_period(label).shift(steps)
    assert moved.label == expected
    assert moved.frequency == parse_period(label).frequency


def test_same_period_last_year():
    assert parse_period("2026-01").same_period_last_year().label == "2025-01"
    assert parse_period("2025-26 Q4").same_period_last_year().label == "2024-25 Q4"
    assert parse_period("2025-26").same_period_last_year().label == "2024-25"


@pytest.mark.parametrize("label, frequency, expected", [
    ("2025-04", "quarter", "2025-26 Q1"),
    ("2025-06", "quarter", "2025-26 Q1"),
    ("2025-12", "quarter", "2025-26 Q3"),
    ("2026-01", "quarter", "2025-26 Q4"),  # January 2026 is in the 2025-26 financial year
    ("2026-03", "quarter", "2025-26 Q4"),
    ("2026-03", "year", "2025-26"),
    ("2026-04", "year", "2026-27"),
    ("2025-26 Q4", "year", "2025-26"),
    ("2025-26 Q4", "quarter", "2025-26 Q4"),
    ("2025-26 Q4", "month", "2026-01"),  # a coarser period's first month
    ("2025-26", "month", "2025-04"),
])
def test_containing(label, frequency, expected):
    contained = parse_period(label).containing(frequency)
    assert (contained.label, contained.frequency) == (expected, frequency)


def test_display_words_for_people():
    assert parse_period("2025-04").display() == "April 2025"
    assert parse_period("2025-26 Q3").display() == "Q3 2025-26"
    assert parse_period("2025-26").display() == "2025-26"


def test_display_of_a_partial_period_says_how_far_it_goes():
    assert parse_period("2025-26 Q3").display(month(2025, 11)) == "Q3 2025-26 to November 2025"
    assert parse_period("2025-26").display(month(2026, 1)) == "2025-26 to January 2026"
    # A period that reaches its last month is whole, so no "to ..." wording.
    assert parse_period("2025-26 Q3").display(month(2025, 12)) == "Q3 2025-26"
    assert parse_period("2025-26").display(month(2026, 3)) == "2025-26"


def test_periods_sort_in_time_order():
    labels = ["2026-01", "2025-04", "2025-12", "2025-05"]
    assert [p.label for p in sorted(parse_period(label) for label in labels)] == \
        ["2025-04", "2025-05", "2025-12", "2026-01"]


def test_month_range_is_inclusive_and_crosses_years():
    months = month_range(parse_period("2025-11"), parse_period("2026-02"))
    assert [m.label for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # A coarser last period runs to its last month: Q4 2025-26 ends in March 2026.
    assert month_range(parse_period("2026-02"), parse_period("2025-26 Q4"))[-1].label == "2026-03"
    assert month_range(parse_period("2025-05"), parse_period("2025-04")) == []
