"""Units of measure: how values are derived, rounded for display and written for people."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

DISPLAY_DECIMALS = {"percent": 1, "rate_per_10k": 1, "count": 0, "days": 0, "number": 1}
SCALE = {"percent": 100.0, "rate_per_10k": 10_000.0, "days": 1.0, "number": 1.0}
UNIT_LABELS = {"percent": "%", "rate_per_10k": "per 10,000 children", "count": "",
               "days": "days", "number": ""}


def round_half_away(values, decimals: int):
    """Round half away from zero, as members read the figure (64.95 -> 65.0, not banker's 64.9).

    Scaled values are first rounded to 6 places so float noise (1299/2000*100 =
    64.94999999999999) does not decide the rounding.
    """
    array = np.asarray(values, dtype="float64")
    scaled = np.round(np.abs(array) * 10.0 ** decimals, 6)
    rounded = np.sign(array) * np.floor(scaled + 0.5) / 10.0 ** decimals + 0.0  # + 0.0: -0.0 shows as 0.0
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    return float(rounded) if np.ndim(rounded) == 0 else rounded


def displayed(value: float, unit: str) -> float:
    """The value as it is shown for its unit."""
    return round_half_away(value, DISPLAY_DECIMALS[unit])


def derive_value(numerator, denominator, unit: str):
    """The value a numerator and denominator give in this unit (a count is its numerator)."""
    if unit == "count":
        return numerator
    return scaled_ratio(numerator, denominator, unit)


def scaled_ratio(numerator, denominator, unit):
    """numerator / denominator on the unit's scale (x100 for a percentage, x10,000 for a rate). `unit` may be
    a Series giving each row's unit; a count there has no ratio, so NaN."""
    scale = unit.map(SCALE).astype("float64") if isinstance(unit, pd.Series) else SCALE[unit]
    return numerator / denominator * scale


def format_value(value: float | None, unit: str, *, with_unit: bool = True, decimals: int | None = None) -> str:
    """`64.9%`, `1,234`, `31.2 per 10,000 children`, `12 days`; an em dash for no value.

    `decimals` overrides the unit's places (a published figure is shown at the places DfE publishes it at).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    decimals = DISPLAY_DECIMALS[unit] if decimals is None or pd.isna(decimals) else int(decimals)
    text = f"{round_half_away(value, decimals):,.{decimals}f}"
    if not with_unit or not UNIT_LABELS[unit]:
        return text
    return f"{text}%" if unit == "percent" else f"{text} {UNIT_LABELS[unit]}"


def format_value_parts(value: float | None, unit: str) -> tuple[str, str]:
    """The figure and its unit words apart ('48.6', 'per 10,000 children'), for large-type tiles."""
    if unit == "percent":
        return format_value(value, unit), ""
    return format_value(value, unit, with_unit=False), UNIT_LABELS[unit]


def format_count(value: float | None) -> str:
    """A whole number with thousands separators, or an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{round_half_away(value, 0):,.0f}"


def counts_text(numerator: float, denominator: float, unit: str, suppressed: tuple[bool, bool] = (False, False),
                symbol: str = "c") -> str:
    """The counts behind a figure: '58 of 80' for a percentage or rate, '204 ÷ 120' for an average.

    `suppressed` says whether the numerator and denominator are withheld (shown as `symbol`).
    """
    if unit == "count" or (pd.isna(denominator) and not suppressed[1]):
        return ""
    top = symbol if suppressed[0] else format_count(numerator)
    bottom = symbol if suppressed[1] else format_count(denominator)
    return f"{top} of {bottom}" if unit in ("percent", "rate_per_10k") else f"{top} ÷ {bottom}"
