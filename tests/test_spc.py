"""Tests for spc: XmR charts, MDC rules, icons and assurance.

Worked examples come from NHS-R's NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots)
and its Python port nhspy-plotthedots; the rest are boundary cases worked out by hand.
Process limits are mean +/- 2.66 x mean moving range (mR); 2-sigma lines mean +/- 1.773333 x mR
(2 x 2.66 / 3 = 1.773333).
"""
import dataclasses

import numpy as np
import pandas as pd
import pytest

import spc

# set.seed(123); rnorm(20) in R: the series behind NHSRplotthedots' snapshot tests
# (tests/testthat/test-ptd_spc_standard.R, test-ptd_spc.R; values as printed in _snaps/ptd_spc_standard.md).
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
             -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
             -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141]


def published(actual: float, text: str) -> bool:
    """Whether `actual` rounds to the figure a reference printed, to the decimals it printed."""
    return round(actual, len(text.split(".")[1])) == float(text)


def only(points: pd.DataFrame, column: str, positions) -> None:
    """Assert that `column` is True exactly at `positions`."""
    assert list(np.flatnonzero(points[column].to_numpy())) == list(positions)


# --- NHSRplotthedots worked examples -------------------------------------------------------------

@pytest.mark.parametrize("screen", [False, True])
def test_reference_limits_rnorm_123(screen):
    # _snaps/ptd_spc_standard.md (r1): mean_col 0.1416238, lpl -3.01138, upl 3.294627; all 20 points
    # common cause (_snaps/ptd_spc.md summary: n 20, common_cause 20).
    # sum = 2.83247607, mean = 2.83247607 / 20 = 0.14162380
    # sum of the 19 moving ranges = 22.52145284, mR = 22.52145284 / 19 = 1.18533962
    # 2.66 x 1.18533962 = 3.15300339; 0.14162380 - 3.15300339 = -3.01137960; + = 3.29462720
    # Screening drops nothing: the largest range 2.66797306 < 3.267 x 1.18533962 = 3.8725.
    result = spc.xmr(RNORM_123, "increase", screen_outliers=screen)
    points = result.points
    assert published(points["mean"].iloc[0], "0.1416238")
    assert published(points["lpl"].iloc[0], "-3.01138")
    assert published(points["upl"].iloc[0], "3.294627")
    assert (points["point_type"] == "common_cause").all()
    assert result.variation == "common_cause"


def test_reference_facets_equal_a_rebase_at_ten():
    # _snaps/ptd_spc.md (facet 0 = first 10 points, facet 1 = last 10): 0.0746 / -2.60 / 2.75 and
    # 0.209 / -3.28 / 3.70. A rebase at position 10 computes each half alone in the same way.
    # First half: mean 0.74625645 / 10 = 0.07462565; mR 9.05146596 / 9 = 1.00571844;
    #   2.66 x 1.00571844 = 2.67521105 -> -2.60058541, 2.74983670.
    # Second half: mean 2.08621962 / 10 = 0.20862196; mR 11.80024311 / 9 = 1.31113812;
    #   2.66 x 1.31113812 = 3.48762741 -> -3.27900545, 3.69624937.
    points = spc.xmr(RNORM_123, "increase", rebase_at=[10], screen_outliers=True).points
    first, second = points.iloc[0], points.iloc[10]
    assert (published(first["mean"], "0.0746") and published(first["lpl"], "-2.60")
            and published(first["upl"], "2.75"))
    assert (published(second["mean"], "0.209") and published(second["lpl"], "-3.28")
            and published(second["upl"], "3.70"))
    assert points["segment"].tolist() == [0] * 10 + [1] * 10
    assert np.isnan(points["moving_range"].iloc[10])  # a segment's first point has no moving range


def test_reference_screening_of_an_outlier():
    # test-ptd_spc_standard.R: y[15] <- 10. _snaps/ptd_spc_standard.md: mean 0.6694159 both ways;
    # screened lpl -2.383666, upl 3.722497 (r2); unscreened lpl -4.596625, upl 5.935457 (r3).
    # mean = 13.3883172 / 20 = 0.66941586
    # unscreened mR = 37.61457886 / 19 = 1.97971468; 2.66 x 1.97971468 = 5.26604105
    #   -> 0.66941586 -/+ 5.26604105 = -4.59662519, 5.93545691
    # screening: 3.267 x 1.97971468 = 6.4677 drops |10 - 0.11068272| = 9.88931728 and
    #   |1.78691314 - 10| = 8.21308686; mR = (37.61457886 - 18.10240414) / 17 = 1.14777498;
    #   2.66 x 1.14777498 = 3.05308146 -> -2.38366560, 3.72249732
    values = list(RNORM_123)
    values[14] = 10
    screened = spc.xmr(values, "increase", screen_outliers=True).points.iloc[0]
    unscreened = spc.xmr(values, "increase").points.iloc[0]
    assert published(screened["mean"], "0.6694159") and published(unscreened["mean"], "0.6694159")
    assert published(screened["lpl"], "-2.383666") and published(screened["upl"], "3.722497")
    assert published(unscreened["lpl"], "-4.596625") and published(unscreened["upl"], "5.935457")


def test_reference_two_close_points_on_opposite_sides_are_common_cause():
    # test-ptd_spc_standard.R: 1, -1 repeated 8 times, then points 15 and 16 set to 5.5 and -5.5.
    # mean = (7 x 1 + 7 x -1 + 5.5 - 5.5) / 16 = 0
    # moving ranges: 13 x 2, |5.5 - -1| = 6.5, |-5.5 - 5.5| = 11 -> mR = 43.5 / 15 = 2.9
    # 2-sigma lines +/- 1.773333 x 2.9 = +/-5.142667; limits +/- 2.66 x 2.9 = +/-7.714
    # 5.5 and -5.5 are each beyond a 2-sigma line, inside the limits, on opposite sides.
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    points = spc.xmr(values, "increase").points
    assert points["upper_2sigma"].iloc[0] == pytest.approx(5.142667, abs=1e-6)
    assert points["upl"].iloc[0] == pytest.approx(7.714, abs=1e-9)
    assert points["point_type"].tail(2).tolist() == ["common_cause", "common_cause"]
    assert not points["two_of_three"].any()


@pytest.mark.parametrize(("improvement", "expected"), [
    ("increase", ["consistent_fail", "consistent_pass", "inconsistent"]),
    ("decrease", ["consistent_pass", "consistent_fail", "inconsistent"]),
    ("neutral", [None, None, None]),
])
def test_reference_assurance(improvement, expected):
    # test-ptd_calculate_assurance_type.R: limits (1, 3), (5, 7), (1, 5) with target 4:
    # above the band, below the band, inside the band.
    bands = [(1, 3), (5, 7), (1, 5)]
    assert [spc.assurance(lpl, upl, 4, improvement) for lpl, upl in bands] == expected


@pytest.mark.parametrize(("sides", "expected"), [
    # test-ptd_calculate_point_type.R, ptd_seven_point_one_side_mean + ptd_part_of_seven_trend
    ([1] * 6, [0] * 6),
    ([1] * 6 + [-1], [0] * 7),
    ([1] * 8 + [-1], [1] * 8 + [0]),
    ([-1] * 8 + [1], [-1] * 8 + [0]),
    ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
])
def test_reference_shift_runs(sides, expected):
    # The reference tests feed sides of the mean; values equal to the sides with mean 0 give the same.
    assert spc.shifts(np.array(sides, float), 0.0).tolist() == expected


@pytest.mark.parametrize(("values", "expected"), [
    # test-ptd_calculate_point_type.R, ptd_seven_point_trend + ptd_part_of_seven_trend
    ([1, 2, 3, 4, 5, 6], [0] * 6),                       # six rising points are not enough
    ([1, 2, 3, 3, 4, 5, 6], [0] * 7),                    # an equal value breaks the run
    ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
    ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
    ([7, 6, 5, 4, 3, 2, 1], [-1] * 7),
    ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
])
def test_reference_trend_runs(values, expected):
    assert spc.trends(np.array(values, float)).tolist() == expected


@pytest.mark.parametrize(("beyond", "sides", "expected"), [
    # test-ptd_calculate_point_type.R, ptd_two_in_three + ptd_part_of_two_in_three:
    # `beyond` marks points past the 2-sigma line; only those points are flagged.
    ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
    ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
    ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
    ([1, 0, 1], [1, -1, 1], [0, 0, 0]),                  # the middle point is across the mean
    ([0, 1, 1, 0], [-1, -1, -1, -1], [0, -1, -1, 0]),    # the same below the mean
])
def test_reference_two_of_three(beyond, sides, expected):
    # Mean 0, 2-sigma lines at -2 and 2: a point beyond is +/-2.5, one not beyond +/-1.
    values = np.array([side * (2.5 if past else 1) for past, side in zip(beyond, sides)])
    assert spc.two_of_three(values, 0.0, -2.0, 2.0).tolist() == expected


def test_reference_colours():
    # R/ptd_spc_colours.R: common cause #a6a6a6, improvement #00b0f0 (blue), neutral #490092
    # (purple), concern #e46c0a (orange).
    assert {kind: colour.lower() for kind, colour in spc.POINT_COLOURS.items()} == {
        "common_cause": "#a6a6a6", "improvement": "#00b0f0", "concern": "#e46c0a", "neutral": "#490092"}


def test_mdc_video_example_from_python_port():
    # nhspy-plotthedots tests/unittests/test_pandas_spc_x_calc.py (after MDC's SPC tool video):
    # mean 76.67, lpl 57, upl 96, only the 12th point (54) outside.
    # sum = 1150, mean = 1150 / 15 = 76.666667
    # moving ranges 3 11 2 4 7 2 6 2 6 5 23 12 11 9 = 103, mR = 103 / 14 = 7.357143
    # 2.66 x 7.357143 = 19.57 -> lpl 57.096667, upl 96.236667; 54 < 57.096667
    values = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]
    result = spc.xmr(values, "increase")
    points = result.points
    assert published(points["mean"].iloc[0], "76.67")
    assert round(points["lpl"].iloc[0]) == 57 and round(points["upl"].iloc[0]) == 96  # places=0
    assert points["lpl"].iloc[0] == pytest.approx(57.096667, abs=1e-6)
    only(points, "outside_limits", [11])
    assert points["point_type"].tolist() == ["common_cause"] * 11 + ["concern"] + ["common_cause"] * 3
    assert result.variation == "common_cause"


# --- Hand-worked boundary cases ------------------------------------------------------------------

def test_a_point_exactly_on_a_limit_is_not_outside():
    # Limits -3 and 3: 3 and -3 sit on them; 3.5 and -3.5 are beyond.
    values = np.array([3.0, -3.0, 3.5, -3.5])
    assert spc.outside_limits(values, -3.0, 3.0).tolist() == [0, 0, 1, -1]


def test_points_exactly_on_a_two_sigma_line_are_not_beyond_it():
    # Mean 0, 2-sigma lines +/-2: three points at 2 are on the line, so nothing fires; 2.5 is beyond.
    assert spc.two_of_three(np.array([2.0, 2.0, 2.0]), 0.0, -2.0, 2.0).tolist() == [0, 0, 0]
    assert spc.two_of_three(np.array([2.5, 2.0, 2.5]), 0.0, -2.0, 2.0).tolist() == [1, 0, 1]


def test_seven_points_on_one_side_are_a_shift_and_six_are_not():
    # 5 1 5 1 5 1 5 then -5 -1 -5 -1 -5 -1 -5: sum 23 - 23 = 0, mean 0.
    # moving ranges 6 x 4, 10, 6 x 4 = 58, mR = 58 / 13 = 4.461538; 2-sigma +/-7.911795,
    # limits +/-11.867692: no point near them, no trend (zigzag). Runs of 7 above, then 7 below.
    seven = spc.xmr([5, 1, 5, 1, 5, 1, 5, -5, -1, -5, -1, -5, -1, -5], "increase")
    assert seven.points["upper_2sigma"].iloc[0] == pytest.approx(7.911795, abs=1e-6)
    assert seven.points["shift"].all()
    assert seven.points["point_type"].tolist() == ["improvement"] * 7 + ["concern"] * 7
    assert seven.variation == "concern_low"
    # Drop one point from each run: 5 1 5 1 5 1 | -1 -5 -1 -5 -1 -5, mean (18 - 18) / 12 = 0.
    six = spc.xmr([5, 1, 5, 1, 5, 1, -1, -5, -1, -5, -1, -5], "increase")
    assert not six.points["shift"].any()
    assert six.variation == "common_cause"


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # As above with one point of each run set to 0: sum (22) + (-22) = 0, mean exactly 0.
    # Sides + + + 0 + + + | - - - 0 - - -: the longest run is 3.
    points = spc.xmr([5, 1, 5, 0, 5, 1, 5, -5, -1, -5, 0, -5, -1, -5], "increase").points
    assert points["mean"].iloc[0] == 0.0
    assert not points["shift"].any()
    assert (points["point_type"] == "common_cause").all()


def test_a_peak_point_takes_the_later_trends_direction():
    # 1..7 rises (7 points), 7..1 falls (7 points); the 7 belongs to both and is counted falling,
    # as NHSRplotthedots uses the right-hand side for a point in two trends.
    values = np.array([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], float)
    assert spc.trends(values).tolist() == [1] * 6 + [-1] * 7


def test_two_of_three_needs_the_third_point_on_the_same_side():
    # 1 0 repeated 10 times, then 3 3 1: sum 10 + 7 = 17, mean 17 / 23 = 0.739130
    # moving ranges 19 x 1, |3 - 0| = 3, 0, |1 - 3| = 2 -> 24, mR = 24 / 22 = 1.090909
    # upper 2-sigma 0.739130 + 1.773333 x 1.090909 = 2.673676; upl 0.739130 + 2.901818 = 3.640949
    # 3, 3 are beyond the 2-sigma line, inside the limit; 1 > 0.739130 is on the same side.
    same_side = spc.xmr([1, 0] * 10 + [3, 3, 1], "increase").points
    assert same_side["upper_2sigma"].iloc[0] == pytest.approx(2.673676, abs=1e-6)
    only(same_side, "two_of_three", [20, 21])
    assert same_side["point_type"].tail(3).tolist() == ["improvement", "improvement", "common_cause"]
    # Third point 0 instead: mean 16 / 23 = 0.695652, mR (19 + 3 + 0 + 3) / 22 = 1.136364,
    # upper 2-sigma 0.695652 + 2.015152 = 2.710804 (3 still beyond), but 0 is below the mean
    # and the point before the 3s is 0, also below: no window of three on one side.
    other_side = spc.xmr([1, 0] * 10 + [3, 3, 0], "increase").points
    assert other_side["upper_2sigma"].iloc[0] == pytest.approx(2.710804, abs=1e-6)
    assert not other_side["two_of_three"].any()
    assert (other_side["point_type"] == "common_cause").all()


def test_two_of_three_counts_a_point_beyond_the_process_limit():
    # MDC's 2023 rule (NHSRplotthedots issue #194): a point beyond the limit counts as beyond 2 sigma.
    # 0 1 repeated 10 times, then 4 9 2: sum 10 + 15 = 25, mean 25 / 23 = 1.086957
    # moving ranges 19 x 1, 3, 5, 7 -> 34, mR = 34 / 22 = 1.545455
    # upper 2-sigma 1.086957 + 2.740606 = 3.827563; upl 1.086957 + 4.110909 = 5.197866
    # 4 is between the 2-sigma line and the limit, 9 beyond the limit, 2 above the mean:
    # 4 is special cause by two of three (NHSRplotthedots, counting only 4, would leave it grey).
    points = spc.xmr([0, 1] * 10 + [4, 9, 2], "increase").points
    assert points["upl"].iloc[0] == pytest.approx(5.197866, abs=1e-6)
    only(points, "outside_limits", [21])
    only(points, "two_of_three", [20, 21])
    assert points["point_type"].tail(3).tolist() == ["improvement", "improvement", "common_cause"]


def test_outside_the_limits_takes_precedence_over_a_trend():
    # 20 zeros then 100 90 80 70 60 50 40: sum 490, mean 490 / 27 = 18.148148
    # moving ranges 19 x 0, 100, 6 x 10 -> 160, mR = 160 / 26 = 6.153846; upl 18.148148 + 16.369231
    # = 34.517379. The last 7 fall (trend down) but lie above the upper limit: outside wins, so they
    # are improvement (high) for "increase".
    result = spc.xmr([0] * 20 + [100, 90, 80, 70, 60, 50, 40], "increase")
    tail = result.points.tail(7)
    assert result.points["upl"].iloc[0] == pytest.approx(34.517379, abs=1e-6)
    assert tail["outside_limits"].all() and tail["trend"].all()
    assert (tail["point_type"] == "improvement").all()
    assert result.variation == "improvement_high"


@pytest.mark.parametrize(("improvement", "trend_type", "variation"), [
    ("increase", "concern", "concern_low"),
    ("decrease", "improvement", "improvement_low"),
    ("neutral", "neutral", "neutral_low"),
])
def test_a_trend_takes_its_own_direction_over_a_shift(improvement, trend_type, variation):
    # 0 16 repeated 4 times, then 16 15.5 15 14.5 14 13.5 13: sum 64 + 101.5 = 165.5,
    # mean 165.5 / 15 = 11.033333; moving ranges 7 x 16, 0, 6 x 0.5 -> 115, mR = 115 / 14 = 8.214286
    # 2-sigma lines 11.033333 -/+ 14.566667 = -3.533333, 25.6: nothing beyond.
    # Positions 7-14 (16 16 15.5 ... 13) are 8 above the mean: a shift, high.
    # Positions 8-14 fall (16 -> 16 is equal, so the trend starts at 8): a trend, low, which wins.
    result = spc.xmr([0, 16] * 4 + [16, 15.5, 15, 14.5, 14, 13.5, 13], improvement)
    points = result.points
    assert points["mean"].iloc[0] == pytest.approx(11.033333, abs=1e-6)
    only(points, "shift", range(7, 15))
    only(points, "trend", range(8, 15))
    assert points["direction"].tolist()[7:] == [1] + [-1] * 7
    assert (points["point_type"].iloc[8:] == trend_type).all()
    assert result.variation == variation


def test_target_exactly_on_a_limit_is_inconsistent():
    # 1, 3: mean 2, mR 2, limits 2 -/+ 5.32 = -3.32, 7.32.
    points = spc.xmr([1, 3], "increase").points
    lpl, upl = points["lpl"].iloc[0], points["upl"].iloc[0]
    assert (lpl, upl) == pytest.approx((-3.32, 7.32))
    for target in (lpl, upl):
        assert spc.xmr([1, 3], "increase", target).assurance == "inconsistent"
        assert spc.xmr([1, 3], "decrease", target).assurance == "inconsistent"
    assert spc.xmr([1, 3], "increase", 7.33).assurance == "consistent_fail"
    assert spc.xmr([1, 3], "decrease", 7.33).assurance == "consistent_pass"
    assert spc.xmr([1, 3], "increase", -3.33).assurance == "consistent_pass"
    assert spc.xmr([1, 3], "decrease", -3.33).assurance == "consistent_fail"


def test_no_assurance_without_a_target_or_for_neutral_measures():
    assert spc.xmr([1, 3], "increase").assurance is None
    assert spc.xmr([1, 3], "increase", float("nan")).assurance is None
    assert spc.xmr([1, 3], "neutral", 2).assurance is None


@pytest.mark.parametrize("screen", [False, True])
def test_a_constant_series(screen):
    # 13 x 5: mean 5, every moving range 0, so limits and 2-sigma lines are all 5. Every point is
    # exactly on the limits and on the mean: nothing is outside, no shift, no trend (equal values).
    # Assurance: a target of 5 sits on both limits (inconsistent); 6 is above the band, 4 below.
    result = spc.xmr([5] * 13, "increase", 5, screen_outliers=screen)
    points = result.points
    numbers = points[["value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma"]].to_numpy()
    assert (numbers == 5.0).all()
    assert points["moving_range"].isna().tolist() == [True] + [False] * 12
    assert np.isfinite(points["moving_range"].iloc[1:]).all()
    assert not points[["outside_limits", "shift", "trend", "two_of_three"]].to_numpy().any()
    assert result.variation == "common_cause"
    assert result.assurance == "inconsistent"
    assert spc.xmr([5] * 13, "increase", 6, screen_outliers=screen).assurance == "consistent_fail"
    assert spc.xmr([5] * 13, "increase", 4, screen_outliers=screen).assurance == "consistent_pass"


def test_a_two_point_series():
    # 1, 3: mean 2, moving range 2; limits 2 -/+ 2.66 x 2 = -3.32, 7.32;
    # 2-sigma lines 2 -/+ 1.773333 x 2 = -1.546667, 5.546667.
    result = spc.xmr([1, 3], "increase")
    points = result.points
    assert points["moving_range"].isna().tolist() == [True, False]
    assert points["moving_range"].iloc[1] == 2
    assert points["mean"].tolist() == [2.0, 2.0]
    assert points["lower_2sigma"].iloc[0] == pytest.approx(-1.546667, abs=1e-6)
    assert points["upper_2sigma"].iloc[0] == pytest.approx(5.546667, abs=1e-6)
    assert result.variation == "common_cause"
    assert not result.enough_points


def test_a_rebase_splits_a_trend():
    # 10 3 4 5 6 7 8 9 2: 3..9 is a rising run of 7 (positions 1-7).
    values = [10, 3, 4, 5, 6, 7, 8, 9, 2]
    only(spc.xmr(values, "increase").points, "trend", range(1, 8))
    # Rebased at 4: [10 3 4 5] and [6 7 8 9 2] hold rising runs of 3 and 4 only.
    # Means (10 + 3 + 4 + 5) / 4 = 5.5 and (6 + 7 + 8 + 9 + 2) / 5 = 6.4.
    points = spc.xmr(values, "increase", rebase_at=[4]).points
    assert not points["trend"].any()
    assert points["segment"].tolist() == [0] * 4 + [1] * 5
    assert points["mean"].tolist() == [5.5] * 4 + [6.4] * 5
    # Segment 1's limits use its own moving ranges 1 1 1 7: mR 10 / 4 = 2.5, upl 6.4 + 6.65 = 13.05
    assert points["upl"].iloc[4] == pytest.approx(13.05)


def test_screening_changes_the_limits():
    # 0 1 0 1 0 1 0 1 0 1 11: mean 16 / 11 = 1.454545
    # moving ranges 9 x 1 and 10: mR = 19 / 10 = 1.9; upl 1.454545 + 2.66 x 1.9 = 6.508545
    # screening: 10 >= 3.267 x 1.9 = 6.2073 is dropped, mR = 9 / 9 = 1; upl 1.454545 + 2.66 = 4.114545,
    # lpl 1.454545 - 2.66 = -1.205455. The moving_range column still shows the raw 10.
    values = [0, 1] * 5 + [11]
    plain = spc.xmr(values, "increase").points.iloc[-1]
    screened = spc.xmr(values, "increase", screen_outliers=True).points.iloc[-1]
    assert plain["upl"] == pytest.approx(6.508545, abs=1e-6)
    assert plain["lpl"] == pytest.approx(-3.599455, abs=1e-6)
    assert screened["upl"] == pytest.approx(4.114545, abs=1e-6)
    assert screened["lpl"] == pytest.approx(-1.205455, abs=1e-6)
    assert screened["moving_range"] == 10


def test_enough_points_counts_the_latest_segment():
    assert not spc.xmr([1, 2] * 6, "increase").enough_points          # 12 points
    assert spc.xmr([1, 2] * 6 + [1], "increase").enough_points        # 13 points
    assert not spc.xmr([1, 2] * 10, "increase", rebase_at=[8]).enough_points  # latest segment 12
    assert spc.MIN_POINTS_FOR_SPC == 13


def test_inputs_may_be_a_list_an_array_or_a_series():
    values = [89, 86, 75, 77, 81, 74, 72, 78]
    expected = spc.xmr(values, "decrease").points
    for same in (np.array(values), pd.Series(values, index=range(100, 108)), tuple(values)):
        pd.testing.assert_frame_equal(spc.xmr(same, "decrease").points, expected)
    assert list(expected.index) == list(range(8))


def test_points_columns_and_types():
    points = spc.xmr([1, 3, 2, 5], "increase").points
    assert list(points.columns) == ["value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma",
                                    "moving_range", "outside_limits", "shift", "trend", "two_of_three",
                                    "direction", "point_type", "segment"]
    assert points["outside_limits"].dtype == bool and points["segment"].dtype == "int64"
    assert points["point_type"].dtype == "str"


def test_the_result_is_frozen():
    result = spc.xmr([1, 3], "increase")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.variation = "improvement_high"


@pytest.mark.parametrize(("values", "message"), [
    ([1, None, 3], "position(s) 1"),
    ([1, 2, float("nan")], "position(s) 2"),
    ([1, "n/a", 3, None], "position(s) 1, 3"),
    (np.array([1.0, np.inf]), "position(s) 1"),
    ([4], "at least two values"),
    ([], "at least two values"),
])
def test_bad_values_are_refused_in_plain_words(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        spc.xmr(values, "increase")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"improvement": "up"}, "improvement must be one of increase, decrease, neutral"),
    ({"target": "90%"}, "target must be a number"),
    ({"rebase_at": [5]}, r"rebase position\(s\) \[5\] are outside the series of 5 values"),
    ({"rebase_at": [4]}, "segment starting at position 4 has fewer than two values"),
    ({"rebase_at": [1]}, "segment starting at position 0 has fewer than two values"),
    ({"rebase_at": [2.5]}, "rebase positions must be whole numbers"),
])
def test_bad_options_are_refused_in_plain_words(kwargs, message):
    arguments = {"improvement": "increase"} | kwargs
    with pytest.raises(ValueError, match=message):
        spc.xmr([1, 2, 3, 4, 5], **arguments)


def test_a_rebase_at_zero_changes_nothing():
    values = [1, 3, 2, 5, 4]
    pd.testing.assert_frame_equal(spc.xmr(values, "increase", rebase_at=[0]).points,
                                  spc.xmr(values, "increase").points)


def test_every_icon_has_a_plain_english_explanation():
    icons = {"common_cause"} | {f"{kind}_{side}" for kind in ("improvement", "concern", "neutral")
                                for side in ("high", "low")}
    assert set(spc.VARIATION_TEXT) == icons
    assert set(spc.ASSURANCE_TEXT) == {"consistent_pass", "consistent_fail", "inconsistent"}
    assert spc.VARIATION_TEXT["concern_high"].startswith("Special cause of concern: unusually high")
