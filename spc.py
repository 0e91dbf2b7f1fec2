"""XmR statistical process control charts as NHS England's "Making Data Count" (MDC) draws them.

The calculations follow MDC's single chart tool and NHS-R's reference implementation
NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots: R/ptd_spc_standard.R,
R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R):

- Mean, and moving range |x[i] - x[i-1]|; process limits are mean +/- 2.66 x mean moving range,
  the 2-sigma lines mean +/- (2/3) x 2.66 x mean moving range.
- Rules for special cause, each computed within a segment (runs never cross a rebase):
  1. a point strictly beyond a process limit (a point exactly on a limit is not outside);
  2. a shift: 7 or more consecutive points all above or all below the mean (a point exactly on
     the mean breaks the run); every point of the run is flagged;
  3. a trend: 7 or more consecutive points all rising or all falling (an equal consecutive value
     breaks the run); every point of the run is flagged;
  4. two out of three consecutive points strictly beyond the same 2-sigma line, all three on that
     side of the mean; only the points beyond the line are flagged. Points beyond the process limit
     count, as in MDC's tool since its 2023 change (NHSRplotthedots issue #194). NHSRplotthedots
     itself still counts only points between the 2-sigma line and the limit.
- A special-cause point's direction is its side of the mean, except for a trend, whose direction is
  the trend's. When rules disagree the first that fired wins, in NHSRplotthedots' order: outside
  the limits, trend, two of three, shift. Improvement or concern follows from that direction.
- Outlier screening (off by default, as in MDC's Excel tool; NHSRplotthedots' `screen_outliers`):
  moving ranges not below 3.267 x the mean moving range are dropped and the mean moving range
  recomputed once. A segment whose moving ranges are all zero is left as it is.
- Assurance (latest segment): a target strictly beyond a process limit gives consistent pass or
  fail; a target between the limits or exactly on one, including a constant series whose mean
  equals the target, is inconsistent (NHSRplotthedots uses strict comparisons).
"""
from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_POINTS_FOR_SPC = 13
IMPROVEMENTS = ("increase", "decrease", "neutral")
LIMIT_SCALE = 2.66  # 3 / d2, where d2 = 1.128 for moving ranges of two points
TWO_SIGMA_SCALE = 2 * (LIMIT_SCALE / 3)
SCREEN_SCALE = 3.267  # upper range limit D4 for ranges of two points
RUN_LENGTH = 7

POINT_COLOURS = {
    "common_cause": "#A6A6A6",
    "improvement": "#00B0F0",
    "concern": "#E46C0A",
    "neutral": "#490092",
}

VARIATION_TEXT = {
    "common_cause": "Common cause variation: no significant change; the latest figure is within "
                    "the range expected from the past.",
    "improvement_high": "Special cause of improvement: unusually high or rising, where higher is better.",
    "improvement_low": "Special cause of improvement: unusually low or falling, where lower is better.",
    "concern_high": "Special cause of concern: unusually high or rising, where lower is better.",
    "concern_low": "Special cause of concern: unusually low or falling, where higher is better.",
    "neutral_high": "Special cause: unusually high or rising; neither direction is better.",
    "neutral_low": "Special cause: unusually low or falling; neither direction is better.",
}

ASSURANCE_TEXT = {
    "consistent_pass": "The process limits are all on the passing side of the target: if nothing "
                       "changes, the target will be met every month.",
    "consistent_fail": "The process limits are all on the failing side of the target: if nothing "
                       "changes, the target will be missed every month.",
    "inconsistent": "The target lies within (or on) the process limits: if nothing changes, the "
                    "target will sometimes be met and sometimes missed.",
}

COLUMNS = ["value", "mean", "lpl", "upl", "lower_2sigma", "upper_2sigma", "moving_range",
           "outside_limits", "shift", "trend", "two_of_three", "direction", "point_type", "segment"]


@dataclass(frozen=True)
class SpcResult:
    """An XmR chart: one row per point, the latest point's variation icon and the assurance icon.

    `points.direction` is +1 for a special cause that is high or rising, -1 for low or falling,
    0 for common cause. `variation` describes the latest point; `assurance` the latest segment.
    """

    points: pd.DataFrame
    variation: str
    assurance: str | None

    @property
    def enough_points(self) -> bool:
        """Whether the latest segment, which the icons describe, has enough points to show them."""
        segments = self.points["segment"]
        return int((segments == segments.iloc[-1]).sum()) >= MIN_POINTS_FOR_SPC


def xmr(values: Iterable[float], improvement: str, target: float | None = None, *,
        rebase_at: Iterable[int] = (), screen_outliers: bool = False) -> SpcResult:
    """The XmR chart of `values` (time order) with MDC's rules, icons and assurance.

    `improvement` is "increase", "decrease" or "neutral"; `target` a number, or None or NaN for
    none; `rebase_at` the 0-based positions where a new segment starts.
    """
    series = _checked_values(values)
    if improvement not in IMPROVEMENTS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}")
    target = _checked_target(target)
    starts = segment_starts(len(series), rebase_at)
    segments = [segment_points(series[start:stop], screen_outliers).assign(segment=number)
                for number, (start, stop) in enumerate(zip(starts, starts[1:] + [len(series)]))]
    points = pd.concat(segments, ignore_index=True)
    points["point_type"] = point_types(points["direction"].to_numpy(), improvement)
    latest = points.iloc[-1]
    return SpcResult(
        points=points[COLUMNS],
        variation=variation_icon(int(latest["direction"]), latest["point_type"]),
        assurance=assurance(float(latest["lpl"]), float(latest["upl"]), target, improvement),
    )


def _checked_values(values) -> np.ndarray:
    """`values` as a float array; ValueError with a plain message if any is missing or not a number."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = [str(position) for position, (raw, number) in enumerate(zip(series, numbers))
           if isinstance(raw, (str, bool, np.bool_)) or not math.isfinite(number)]
    if bad:
        raise ValueError("SPC needs a number at every position; missing or not a number at "
                         f"position(s) {', '.join(bad)} (counting from 0)")
    if len(numbers) < 2:
        raise ValueError(f"SPC needs at least two values; got {len(numbers)}")
    return numbers


def _checked_target(target) -> float | None:
    """`target` as a float, or None when there is no target (None or NaN)."""
    if target is None or (isinstance(target, (int, float, np.number)) and math.isnan(target)):
        return None
    if isinstance(target, (bool, np.bool_)) or not isinstance(target, (int, float, np.number)):
        raise ValueError(f"target must be a number or None, not {target!r}")
    if math.isinf(target):
        raise ValueError("target must be a finite number")
    return float(target)


def segment_starts(length: int, rebase_at: Iterable[int]) -> list[int]:
    """Sorted first positions of each segment; every segment must hold at least two points."""
    try:
        positions = {operator.index(position) for position in rebase_at}
    except TypeError:
        raise ValueError(f"rebase positions must be whole numbers, not {list(rebase_at)!r}") from None
    outside = sorted(position for position in positions if not 0 <= position < length)
    if outside:
        raise ValueError(f"rebase position(s) {outside} are outside the series of {length} values")
    starts = sorted(positions | {0})
    for start, stop in zip(starts, starts[1:] + [length]):
        if stop - start < 2:
            raise ValueError(f"the segment starting at position {start} has fewer than two values; "
                             "every stretch between rebases needs at least two")
    return starts


def segment_points(values: np.ndarray, screen_outliers: bool) -> pd.DataFrame:
    """Limits and rule flags of one segment (no rebase inside it)."""
    ranges = moving_ranges(values)
    mean = float(values.mean())
    spread = mean_moving_range(ranges, screen_outliers)
    lpl, upl = mean - LIMIT_SCALE * spread, mean + LIMIT_SCALE * spread
    lower_2sigma, upper_2sigma = mean - TWO_SIGMA_SCALE * spread, mean + TWO_SIGMA_SCALE * spread
    outside = outside_limits(values, lpl, upl)
    trend = trends(values)
    two_of_3 = two_of_three(values, mean, lower_2sigma, upper_2sigma)
    shift = shifts(values, mean)
    return pd.DataFrame({
        "value": values, "mean": mean, "lpl": lpl, "upl": upl,
        "lower_2sigma": lower_2sigma, "upper_2sigma": upper_2sigma, "moving_range": ranges,
        "outside_limits": outside != 0, "shift": shift != 0, "trend": trend != 0,
        "two_of_three": two_of_3 != 0,
        "direction": special_cause_direction(outside, trend, two_of_3, shift),
    })


def moving_ranges(values: np.ndarray) -> np.ndarray:
    """|x[i] - x[i-1]| for each point; NaN for the first, which has no predecessor."""
    return np.concatenate([[np.nan], np.abs(np.diff(values))])


def mean_moving_range(ranges: np.ndarray, screen_outliers: bool) -> float:
    """Mean of the moving ranges, optionally recomputed once without those >= 3.267 x the mean."""
    ranges = ranges[~np.isnan(ranges)]
    spread = float(ranges.mean())
    if screen_outliers and spread > 0:
        spread = float(ranges[ranges < SCREEN_SCALE * spread].mean())
    return spread


def outside_limits(values: np.ndarray, lpl: float, upl: float) -> np.ndarray:
    """+1 above the upper process limit, -1 below the lower, else 0 (a point on a limit is inside)."""
    return np.where(values > upl, 1, np.where(values < lpl, -1, 0)).astype(np.int8)


def shifts(values: np.ndarray, mean: float) -> np.ndarray:
    """+1 / -1 for points in a run of 7+ all above / all below the mean, else 0."""
    sides = np.sign(values - mean).astype(np.int8)
    direction = np.zeros(len(values), np.int8)
    for start, stop, side in _runs(sides):
        if side != 0 and stop - start >= RUN_LENGTH:
            direction[start:stop] = side
    return direction


def trends(values: np.ndarray) -> np.ndarray:
    """+1 / -1 for points in a run of 7+ each higher / lower than the one before, else 0.

    A point that ends one trend and starts the opposite one takes the later trend's direction,
    as NHSRplotthedots does.
    """
    steps = np.sign(np.diff(values)).astype(np.int8)
    direction = np.zeros(len(values), np.int8)
    for start, stop, step in _runs(steps):
        if step != 0 and stop - start >= RUN_LENGTH - 1:
            direction[start:stop + 1] = step
    return direction


def two_of_three(values: np.ndarray, mean: float, lower_2sigma: float, upper_2sigma: float) -> np.ndarray:
    """+1 / -1 for points beyond a 2-sigma line in 3 consecutive points, all on that side of the
    mean, at least 2 of them beyond that line; else 0."""
    sides = np.sign(values - mean).astype(np.int8)
    beyond = np.where(sides > 0, values > upper_2sigma, values < lower_2sigma)
    flagged = np.zeros(len(values), bool)
    for start in range(len(values) - 2):
        window = slice(start, start + 3)
        if abs(int(sides[window].sum())) == 3 and beyond[window].sum() >= 2:
            flagged[window] |= beyond[window]
    return np.where(flagged, sides, 0).astype(np.int8)


def _runs(keys: Sequence) -> Iterator[tuple[int, int, int]]:
    """(start, stop, key) of each maximal run of equal consecutive keys."""
    start = 0
    for position in range(1, len(keys) + 1):
        if position == len(keys) or keys[position] != keys[start]:
            yield start, position, int(keys[start])
            start = position


def special_cause_direction(outside: np.ndarray, trend: np.ndarray, two_of_3: np.ndarray,
                            shift: np.ndarray) -> np.ndarray:
    """Each point's direction from the first rule that fired: outside, trend, two of three, shift."""
    rules = [outside, trend, two_of_3, shift]
    return np.select([rule != 0 for rule in rules], rules, 0).astype(np.int8)


def point_types(direction: np.ndarray, improvement: str) -> pd.Series:
    """common_cause, improvement, concern or neutral for each point's special-cause direction."""
    if improvement == "neutral":
        kinds = np.where(direction != 0, "neutral", "common_cause")
    else:
        better = 1 if improvement == "increase" else -1
        kinds = np.select([direction == 0, direction == better], ["common_cause", "improvement"], "concern")
    return pd.Series(kinds, dtype="str")


def variation_icon(direction: int, point_type: str) -> str:
    """MDC variation icon of a point: common_cause, or its type with high (above/rising) or low."""
    if point_type == "common_cause":
        return "common_cause"
    return f"{point_type}_{'high' if direction > 0 else 'low'}"


def assurance(lpl: float, upl: float, target: float | None, improvement: str) -> str | None:
    """MDC assurance icon: where the target lies against the process limits; None without one."""
    if target is None or improvement == "neutral":
        return None
    if lpl <= target <= upl:
        return "inconsistent"
    # A target below the whole band is always beaten when higher is better, never when lower is.
    below_band = target < lpl
    return "consistent_pass" if below_band == (improvement == "increase") else "consistent_fail"
