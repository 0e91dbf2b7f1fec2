"""Tests for small-number suppression (counts of 1 to 5 shown as `c`), primary and secondary, on hand tables."""
import math

import pandas as pd
import pytest

from disclosure import FOOTNOTE, SYMBOL, is_small, primary, suppress, suppress_summary
from units import counts_text

GROUP = ["indicator_id", "period"]


def table(rows: list[tuple]) -> pd.DataFrame:
    """(indicator_id, period, breakdown, unit, numerator, denominator, value) rows as a frame."""
    return pd.DataFrame(rows, columns=["indicator_id", "period", "breakdown", "unit", "numerator", "denominator",
                                       "value"]).astype({"numerator": "float64", "denominator": "float64",
                                                         "value": "float64"})


def shown(frame: pd.DataFrame, column: str) -> list:
    """A column as a list with blanked (suppressed) cells as SYMBOL, for comparing with a hand table."""
    return [SYMBOL if flag else value for value, flag in zip(frame[column], frame[f"{column}_c"])]


@pytest.mark.parametrize("number, small", [
    (0, False),  # zero reveals no child: shown
    (0.4, False),  # displays 0
    (0.5, True),  # displays 1 (half away from zero)
    (1, True), (3, True), (5, True),
    (5.4, True),  # displays 5
    (5.5, False),  # displays 6
    (6, False), (43, False),
    (float("nan"), False),
])
def test_is_small(number, small):
    assert is_small(pd.Series([number])).iloc[0] == small


def test_count_breakdown_home_3_care_40_total_43():
    # Hand table:            shown
    #   total      43   ->   43
    #   from home   3   ->   c   (primary: 1 to 5)
    #   from care  40   ->   c   (secondary: 43 - 40 would reveal home's 3)
    frame = table([("M", "2025-04", "", "count", None, None, 43),
                   ("M", "2025-04", "From home", "count", None, None, 3),
                   ("M", "2025-04", "From care", "count", None, None, 40)])
    out = suppress(frame, GROUP)
    assert shown(out, "value") == [43.0, SYMBOL, SYMBOL]
    assert out["value"].isna().tolist() == [False, True, True]  # blanked, so nothing can draw them
    assert out["suppressed"].tolist() == [False, True, True]


def test_secondary_suppression_takes_the_next_smallest_breakdown():
    # total 55 = 3 + 12 + 40: 3 is suppressed, then 12 (the smallest shown) so neither can be worked out.
    frame = table([("M", "2025-04", "", "count", None, None, 55),
                   ("M", "2025-04", "A", "count", None, None, 40),
                   ("M", "2025-04", "B", "count", None, None, 3),
                   ("M", "2025-04", "C", "count", None, None, 12)])
    assert shown(suppress(frame, GROUP), "value") == [55.0, 40.0, SYMBOL, SYMBOL]


def test_no_secondary_when_two_breakdowns_are_already_withheld_or_the_total_is():
    # 47 = 3 + 4 + 40: 47 - 40 = 7 = 3 + 4 reveals neither, so 40 stays.
    two_small = table([("M", "2025-04", "", "count", None, None, 47),
                       ("M", "2025-04", "A", "count", None, None, 3),
                       ("M", "2025-04", "B", "count", None, None, 4),
                       ("M", "2025-04", "C", "count", None, None, 40)])
    assert shown(suppress(two_small, GROUP), "value") == [47.0, SYMBOL, SYMBOL, 40.0]
    # total 5 = 0 + 5: the total itself is withheld, so nothing can be subtracted; 0 stays shown.
    small_total = table([("M", "2025-04", "", "count", None, None, 5),
                         ("M", "2025-04", "A", "count", None, None, 0),
                         ("M", "2025-04", "B", "count", None, None, 5)])
    assert shown(suppress(small_total, GROUP), "value") == [SYMBOL, 0.0, SYMBOL]


def test_secondary_suppression_is_within_each_table_and_only_when_asked():
    frame = table([("M", "2025-04", "", "count", None, None, 43),
                   ("M", "2025-04", "From home", "count", None, None, 3),
                   ("M", "2025-04", "From care", "count", None, None, 40),
                   ("M", "2025-05", "", "count", None, None, 50),  # May: nothing small
                   ("M", "2025-05", "From home", "count", None, None, 10),
                   ("M", "2025-05", "From care", "count", None, None, 40)])
    assert shown(suppress(frame, GROUP), "value") == [43.0, SYMBOL, SYMBOL, 50.0, 10.0, 40.0]
    assert shown(suppress(frame), "value") == [43.0, SYMBOL, 40.0, 50.0, 10.0, 40.0]  # primary only


def test_percentage_with_a_suppressed_numerator_is_not_shown():
    # 4 of 50 = 8.0%: the numerator 4 is withheld, and so is the 8.0% it would reveal (8% of 50 = 4).
    frame = table([("P", "2025-04", "", "percent", 4, 50, 8.0),
                   ("P", "2025-05", "", "percent", 0, 50, 0.0),  # zero: shown
                   ("P", "2025-06", "", "percent", 2, 4, 50.0),  # both small
                   ("P", "2025-07", "", "percent", 20, 40, 50.0)])
    out = suppress(frame)
    assert shown(out, "numerator") == [SYMBOL, 0.0, SYMBOL, 20.0]
    assert shown(out, "denominator") == [50.0, 50.0, SYMBOL, 40.0]
    assert shown(out, "value") == [SYMBOL, 0.0, SYMBOL, 50.0]
    first = out.iloc[0]
    assert counts_text(first["numerator"], first["denominator"], "percent",
                       (first["numerator_c"], first["denominator_c"])) == "c of 50"


def test_percentage_breakdowns_get_secondary_suppression_on_their_numerators():
    # total 43 of 100; home 3 of 10 (c); care 40 of 90 -> its numerator is withheld too, and with it
    # its percentage (44.4%), because 43 - 40 = 3. The denominators reveal no child and are shown.
    frame = table([("P", "2025-04", "", "percent", 43, 100, 43.0),
                   ("P", "2025-04", "From home", "percent", 3, 10, 30.0),
                   ("P", "2025-04", "From care", "percent", 40, 90, 40 / 90 * 100)])
    out = suppress(frame, GROUP)
    assert shown(out, "numerator") == [43.0, SYMBOL, SYMBOL]
    assert shown(out, "denominator") == [100.0, 10.0, 90.0]
    assert shown(out, "value") == [43.0, SYMBOL, SYMBOL]


def test_count_with_a_small_numerator_column_is_withheld():
    frame = table([("C", "2025-04", "", "count", 3, None, 3), ("C", "2025-05", "", "count", None, None, 6)])
    flagged = primary(frame)
    assert flagged["value_c"].tolist() == [True, False]
    assert flagged["numerator_c"].tolist() == [True, False]


def test_suppress_summary_withholds_small_previous_and_last_year_counts():
    summary = pd.DataFrame([
        {"indicator_id": "C", "unit": "count", "numerator": None, "denominator": None, "value": 12.0,
         "previous_value": 4.0, "last_year_value": 9.0},
        {"indicator_id": "P", "unit": "percent", "numerator": 4.0, "denominator": 50.0, "value": 8.0,
         "previous_value": 3.0, "last_year_value": 5.0},  # percentages of 3 and 5 are not counts
    ])
    out = suppress_summary(summary)
    assert out["value"].tolist()[0] == 12.0 and math.isnan(out["value"].tolist()[1])  # 4 of 50 withheld
    assert math.isnan(out.loc[0, "previous_value"]) and out.loc[0, "previous_value_c"]
    assert out.loc[0, "last_year_value"] == 9.0 and not out.loc[0, "last_year_value_c"]
    assert out.loc[1, ["previous_value", "last_year_value"]].tolist() == [3.0, 5.0]


def test_the_footnote_explains_the_symbol():
    assert FOOTNOTE.startswith("c = a number from 1 to 5")
    assert SYMBOL == "c"


def test_public_summary_withholds_an_earlier_percentage_resting_on_a_small_count():
    # Last month 3 of 80 care leavers were in bed and breakfast: 3.75% would reveal the 3.
    # A year ago 12 of 80 (15.0%) is safe; this month 0 of 80 (zero is never suppressed).
    summary = pd.DataFrame([{
        "unit": "percent", "value": 0.0, "numerator": 0.0, "denominator": 80.0,
        "previous_value": 3.75, "previous_numerator": 3.0, "previous_denominator": 80.0,
        "last_year_value": 15.0, "last_year_numerator": 12.0, "last_year_denominator": 80.0,
    }])
    public = suppress_summary(summary)
    assert public["previous_value_c"].tolist() == [True] and public["previous_value"].isna().all()
    assert public["last_year_value_c"].tolist() == [False] and public["last_year_value"].tolist() == [15.0]
    assert public["value"].tolist() == [0.0]


def test_secondary_suppression_never_hides_a_zero_to_protect_a_small_count():
    # October's duration profile: total 57 = 43 + 13 + 1 + 0. Hiding the 1 and the 0 would still
    # give 57 - 43 - 13 = 1, so the next smallest non-zero band (13) is hidden too: 1 + 13 = 14 > 5.
    frame = pd.DataFrame({"indicator_id": "MFH05", "period": "2026-10", "unit": "count",
                          "breakdown": ["", "Under 24 hours", "1 to 7 days", "Over 7 days", "Still missing"],
                          "numerator": float("nan"), "denominator": float("nan"),
                          "value": [57.0, 43.0, 13.0, 1.0, 0.0]})
    public = suppress(frame, group=["indicator_id", "period"]).set_index("breakdown")
    assert public["value_c"].to_dict() == {"": False, "Under 24 hours": False, "1 to 7 days": True,
                                           "Over 7 days": True, "Still missing": False}


def test_total_is_suppressed_when_the_other_breakdowns_cannot_cover_a_small_count():
    # 4 = 3 + 1: both breakdowns are small and together only 4, so the total must go too.
    frame = pd.DataFrame({"indicator_id": "X", "period": "2026-10", "unit": "count",
                          "breakdown": ["", "From home", "From care"], "numerator": float("nan"),
                          "denominator": float("nan"), "value": [4.0, 3.0, 1.0]})
    assert suppress(frame, group=["indicator_id", "period"])["value_c"].tolist() == [True, True, True]
