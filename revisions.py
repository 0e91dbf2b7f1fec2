"""How an upload changes the current return, and what it would change before it is saved.

Pure pandas: the store folds `apply_version` over saved versions; the upload page shows
`preview_changes` so an officer sees every new, revised and dropped figure before saving.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data_loaders.model import VALUE_KEY, PerformanceReturn
from periods import MONTHS_IN

MODES = ("complete", "partial")
CATALOGUE_POLICIES = ("replace", "fill_gaps")
INDICATOR_KEY = ["indicator_id"]
COMPARATOR_KEY = ["indicator_id", "period"]
COMMENTARY_KEY = ["indicator_id", "dashboard", "period"]
COMPARED_NUMBERS = ("value", "numerator", "denominator")
PREVIEW_COLUMNS = [*VALUE_KEY, "status",
                   *(f"{age}_{number}" for number in COMPARED_NUMBERS for age in ("old", "new")),
                   "is_past_period"]
RELATIVE_TOLERANCE = 1e-9
STATUS_ORDER = ("revised", "no longer current", "removed", "new", "unchanged")  # display order


def apply_version(current: PerformanceReturn | None, incoming: PerformanceReturn, mode: str,
                  catalogue_policy: str = "replace") -> PerformanceReturn:
    """The return after `incoming` is applied to `current` as a complete or partial upload."""
    _check_choice("mode", mode, MODES)
    _check_choice("catalogue_policy", catalogue_policy, CATALOGUE_POLICIES)
    current = current or PerformanceReturn()
    if mode == "complete":
        values, comparators, commentary = incoming.values, incoming.comparators, incoming.commentary
    else:
        values = upsert(current.values, incoming.values, VALUE_KEY)
        comparators = upsert(current.comparators, incoming.comparators, COMPARATOR_KEY)
        commentary = upsert(current.commentary, incoming.commentary, COMMENTARY_KEY)
    return PerformanceReturn(
        indicators=_merged_catalogue(current.indicators, incoming.indicators, mode, catalogue_policy),
        values=values, comparators=comparators, commentary=commentary,
        about=merge_about(current.about, incoming.about))


def upsert(current: pd.DataFrame, incoming: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """`current` with rows of `incoming` replacing those with the same key, new keys appended."""
    return _latest_per_key(pd.concat([current, incoming], ignore_index=True), key)


def _latest_per_key(rows: pd.DataFrame, key: list[str], latest_by: str | None = None) -> pd.DataFrame:
    """The last row of each key (last by `latest_by`, else by position), in order of first appearance."""
    first_seen = rows.groupby(key, sort=False, dropna=False).ngroup()
    ranked = rows if latest_by is None else rows.sort_values(latest_by, kind="stable")
    latest = ranked.drop_duplicates(key, keep="last")
    return latest.iloc[np.argsort(first_seen[latest.index].to_numpy(), kind="stable")] \
        .reset_index(drop=True)


def merge_about(current: dict[str, str], incoming: dict[str, str]) -> dict[str, str]:
    """`current` facts updated by every non-empty fact of `incoming`."""
    return {**current, **{k: v for k, v in incoming.items() if str(v).strip()}}


def overlay_commentary(commentary: pd.DataFrame, edits: pd.DataFrame) -> pd.DataFrame:
    """For each key the most recently saved text; an empty latest text means no commentary.

    Both frames carry a `saved_at` column; on a tie the edit wins (it is listed second).
    """
    latest = _latest_per_key(pd.concat([commentary, edits], ignore_index=True), COMMENTARY_KEY,
                             latest_by="saved_at")
    return latest[latest["text"].str.strip() != ""].reset_index(drop=True)


def preview_changes(current: PerformanceReturn | None, incoming: PerformanceReturn,
                    mode: str) -> pd.DataFrame:
    """One row per value the upload touches: new, revised, unchanged or no longer current.

    Values of `current` that the upload leaves alone (partial mode) are not listed.
    `is_past_period` marks revised or dropped values of periods that end before the
    upload's latest month, so changes to months already reported stand out.
    """
    _check_choice("mode", mode, MODES)
    dropped = "no longer current" if mode == "complete" else None
    return _value_changes(current or PerformanceReturn(), incoming, dropped)


def compare_returns(older: PerformanceReturn | None, newer: PerformanceReturn | None) -> pd.DataFrame:
    """Every value of two returns as new, revised, unchanged or removed (same shape as a preview)."""
    return _value_changes(older or PerformanceReturn(), newer or PerformanceReturn(), "removed")


def change_counts(preview: pd.DataFrame) -> dict[str, int]:
    """How many rows of a preview or comparison have each status, in display order."""
    counts = preview["status"].value_counts()
    return {status: int(counts[status]) for status in STATUS_ORDER if status in counts}


def _value_changes(old: PerformanceReturn, new: PerformanceReturn,
                   dropped_status: str | None) -> pd.DataFrame:
    """Outer comparison of two returns' values; rows only in `old` get `dropped_status` or go."""
    numbers = list(COMPARED_NUMBERS)
    side = ["period_start", "frequency", *numbers]
    merged = old.values[VALUE_KEY + side].merge(
        new.values[VALUE_KEY + side], on=VALUE_KEY, how="outer", suffixes=("_old", "_new"),
        indicator=True, sort=False)
    if dropped_status is None:
        merged = merged[merged["_merge"] != "left_only"]
    same = np.logical_and.reduce([numbers_equal(merged[f"{n}_old"], merged[f"{n}_new"]) for n in numbers])
    # a count is its value: one file giving its numerator and another not (a child-level list and a
    # workbook) is no revision when the figures agree
    counts = merged["denominator_old"].isna() & merged["denominator_new"].isna() & \
        (merged["numerator_old"].isna() | merged["numerator_new"].isna())
    same |= counts.to_numpy() & numbers_equal(merged["value_old"], merged["value_new"])
    status = pd.Series(np.where(same, "unchanged", "revised"), index=merged.index, dtype="str")
    status[merged["_merge"] == "right_only"] = "new"
    if dropped_status is not None:
        status[merged["_merge"] == "left_only"] = dropped_status
    period_end = _period_end_month(merged["period_start_new"].fillna(merged["period_start_old"]),
                                   merged["frequency_new"].fillna(merged["frequency_old"]))
    latest = new.latest_month
    is_past = status.isin(["revised", dropped_status]) & (
        period_end < _month_number(latest) if latest is not None else False)
    out = pd.DataFrame({
        **{k: merged[k].astype("str") for k in VALUE_KEY},
        "status": status,
        **{f"{age}_{n}": merged[f"{n}_{age}"].astype("float64")
           for n in numbers for age in ("old", "new")},
        "is_past_period": is_past.astype("bool"),
        "_order": status.map(STATUS_ORDER.index),
        "_period_end": period_end,
    })[PREVIEW_COLUMNS + ["_order", "_period_end"]]
    return out.sort_values(["_order", "is_past_period", "indicator_id", "_period_end", "period",
                            "breakdown"], ascending=[True, False, True, True, True, True],
                           kind="stable").drop(columns=["_order", "_period_end"]).reset_index(drop=True)


def numbers_equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality within a relative tolerance of 1e-9, where NaN equals NaN."""
    x, y = a.to_numpy("float64", na_value=np.nan), b.to_numpy("float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        close = np.abs(x - y) <= RELATIVE_TOLERANCE * np.maximum(np.abs(x), np.abs(y))
    return close | (x == y) | (np.isnan(x) & np.isnan(y))


def _period_end_month(period_start: pd.Series, frequency: pd.Series) -> pd.Series:
    """The month number (year * 12 + month) of each period's last month."""
    start = pd.to_datetime(period_start)
    return start.dt.year * 12 + start.dt.month - 1 + frequency.map(MONTHS_IN) - 1


def _month_number(month: pd.Timestamp) -> int:
    """The month number (year * 12 + month) of a timestamp, comparable with `_period_end_month`."""
    return month.year * 12 + month.month - 1


def _merged_catalogue(current: pd.DataFrame, incoming: pd.DataFrame, mode: str,
                      policy: str) -> pd.DataFrame:
    """The catalogue after an upload: replaced, upserted, or only gaps filled."""
    if policy == "fill_gaps":
        return pd.concat([current, incoming[~incoming["indicator_id"].isin(current["indicator_id"])]],
                         ignore_index=True)
    if mode == "complete":
        return incoming
    return upsert(current, incoming, INDICATOR_KEY)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    """Raise a plain ValueError when `value` is not one of `choices`."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")

