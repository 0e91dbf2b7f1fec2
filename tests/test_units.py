"""Tests for units: rounding half away from zero as members read figures, derived values and display text."""
import math

import numpy as np
import pandas as pd
import pytest

from units import counts_text, derive_value, displayed, format_count, format_value, round_half_away


@pytest.mark.parametrize("value, decimals, expected", [
    (64.95, 1, 65.0),  # 64.95 is stored as 64.9500000000000028...; banker's or naive rounding can give 64.9
    (1299 / 2000 * 100, 1, 65.0),  # = 64.94999999999999 in floating point; the figure is 64.95 -> 65.0
    (601 / 2000 * 100, 1, 30.1),  # = 30.049999999999997; the figure is 30.05 -> 30.1
    (-2.5, 0, -3.0),  # half away from zero, not to even (Python's round gives -2)
    (2.5, 0, 3.0),  # Python's round(2.5) is 2
    (0.5, 0, 1.0),
    (-64.95, 1, -65.0),
    (0.15, 1, 0.2), (0.25, 1, 0.3), (0.35, 1, 0.4),  # each is a float just off .x5; all go up
    (2.675, 2, 2.68),  # the Python docs' example: round(2.675, 2) gives 2.67
    (1.005, 2, 1.01),
    (59.95, 1, 60.0),
    (64.94, 1, 64.9),
    (64.9499, 1, 64.9),  # a real 64.9499 is not noise: it rounds down
    (12.345, 0, 12.0),
    (0.0, 1, 0.0),
])
def test_round_half_away_from_zero(value, decimals, expected):
    assert round_half_away(value, decimals) == expected


def test_round_half_away_gives_no_negative_zero():
    # -0.04 to 1 dp is 0.0; "-0.0" would tell members a figure fell when it did not.
    assert math.copysign(1.0, round_half_away(-0.04, 1)) == 1.0
    assert format_value(-0.04, "number") == "0.0"
    assert round_half_away(-0.05, 1) == -0.1  # a real half still goes away from zero


def test_round_half_away_keeps_nan_and_the_shape_of_its_input():
    assert math.isnan(round_half_away(float("nan"), 1))
    series = pd.Series([0.5, 1.5, -0.5, np.nan], index=[3, 4, 5, 6], name="x")
    rounded = round_half_away(series, 0)
    assert isinstance(rounded, pd.Series)
    assert list(rounded.index) == [3, 4, 5, 6] and rounded.name == "x"
    assert rounded.iloc[:3].tolist() == [1.0, 2.0, -1.0]  # 0.5 -> 1, 1.5 -> 2, -0.5 -> -1
    assert math.isnan(rounded.iloc[3])
    array = round_half_away([0.05, 0.15], 1)
    assert isinstance(array, np.ndarray) and array.tolist() == [0.1, 0.2]
    assert isinstance(round_half_away(64.95, 1), float)


@pytest.mark.parametrize("value, unit, expected", [
    (64.95, "percent", 65.0),  # percent: 1 dp
    (31.25, "rate_per_10k", 31.3),  # rates: 1 dp
    (12.5, "days", 13.0),  # days: 0 dp
    (2.5, "count", 3.0),  # counts: 0 dp
    (1.25, "number", 1.3),  # number: 1 dp
])
def test_displayed_uses_each_units_precision(value, unit, expected):
    assert displayed(value, unit) == expected


@pytest.mark.parametrize("numerator, denominator, unit, expected", [
    (58, 80, "percent", 72.5),  # 58 / 80 = 0.725 -> 72.5%
    (5, 20_000, "rate_per_10k", 2.5),  # 5 / 20,000 x 10,000 = 2.5 per 10,000 children
    (204, 120, "number", 1.7),  # 204 / 120 = 1.7 episodes per child
    (30, 3, "days", 10.0),  # 30 days over 3 cases = 10 days each
    (7, 0, "count", 7),  # a count is its numerator, whatever the denominator
])
def test_derive_value(numerator, denominator, unit, expected):
    assert derive_value(numerator, denominator, unit) == pytest.approx(expected)


def test_derive_value_works_on_columns():
    derived = derive_value(pd.Series([1299.0, 601.0]), pd.Series([2000.0, 2000.0]), "percent")
    assert displayed(derived, "percent").tolist() == [65.0, 30.1]  # 64.95 -> 65.0, 30.05 -> 30.1


@pytest.mark.parametrize("value, unit, expected", [
    (64.95, "percent", "65.0%"),
    (1299 / 2000 * 100, "percent", "65.0%"),
    (1234.5, "count", "1,235"),  # 1,234.5 rounds half away to 1,235 (Python's format gives 1,234)
    (31.25, "rate_per_10k", "31.3 per 10,000 children"),
    (12.5, "days", "13 days"),
    (1.25, "number", "1.3"),
    (0.0, "percent", "0.0%"),
    (None, "percent", "—"),
    (float("nan"), "count", "—"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_format_value_without_unit():
    assert format_value(64.95, "percent", with_unit=False) == "65.0"
    assert format_value(31.25, "rate_per_10k", with_unit=False) == "31.3"


def test_format_count():
    assert format_count(2.5) == "3"
    assert format_count(1_234_567.4) == "1,234,567"
    assert format_count(None) == "—"
    assert format_count(float("nan")) == "—"


@pytest.mark.parametrize("args, expected", [
    ((58, 80, "percent"), "58 of 80"),
    ((1234, 56789, "rate_per_10k"), "1,234 of 56,789"),
    ((204, 120, "number"), "204 ÷ 120"),  # an average: incidents divided by children
    ((204, 120, "days"), "204 ÷ 120"),
    ((5, 5, "count"), ""),  # a count has no counts behind it
    ((5, None, "percent"), ""),  # nothing to show without a denominator
    ((5, float("nan"), "percent"), ""),
])
def test_counts_text(args, expected):
    assert counts_text(*args) == expected


def test_counts_text_shows_suppressed_counts_as_the_symbol():
    assert counts_text(3, 40, "percent", (True, False)) == "c of 40"
    assert counts_text(20, 4, "percent", (False, True)) == "20 of c"
    # A suppressed denominator is shown as withheld even though it was blanked to NaN.
    assert counts_text(5, float("nan"), "percent", (False, True)) == "5 of c"
    assert counts_text(3, 4, "number", (True, True), symbol="*") == "* ÷ *"
