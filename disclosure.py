"""Small-number suppression for public views and exports (DfE convention: counts of 1 to 5 show as `c`).

A count of 1 to 5 could identify a child in a public, webcast meeting. Suppression is
primary (the small count itself), then secondary (where a total and the other breakdowns
would reveal it, the next smallest breakdown is suppressed too), and any percentage or rate
whose numerator or denominator is suppressed is not shown. Zero is not suppressed.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

SMALLEST, LARGEST = 1, 5
SYMBOL = "c"
FOOTNOTE = ("c = a number from 1 to 5, or a figure that would reveal one, is not shown to protect "
            "children's privacy (Department for Education convention).")


def is_small(numbers: pd.Series) -> pd.Series:
    """True where a count would be shown as 1 to 5."""
    rounded = np.floor(pd.to_numeric(numbers, errors="coerce").abs() + 0.5)
    return rounded.between(SMALLEST, LARGEST)


def primary(frame: pd.DataFrame) -> pd.DataFrame:
    """Flags `numerator_c`, `denominator_c`, `value_c` for small counts and figures built on them.

    `frame` needs unit, numerator, denominator and value columns.
    """
    out = frame.copy()
    out["numerator_c"] = is_small(out["numerator"])
    out["denominator_c"] = is_small(out["denominator"])
    is_count = out["unit"] == "count"
    out["value_c"] = np.where(is_count, is_small(out["value"]) | out["numerator_c"],
                              out["numerator_c"] | out["denominator_c"])
    return out


def secondary(flagged: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Where a shown total would give away suppressed breakdowns, suppress more of them.

    Rows with breakdown "" are totals; `group` names the columns of one table (e.g.
    indicator_id and period). The next smallest non-zero breakdowns are suppressed until the
    hidden ones add up to more than 5 (hiding a zero protects nothing: 57 - 43 - 13 would
    still give the hidden 1); when that is impossible the total is suppressed too. Applies to
    the figure that is a count: the value for count indicators, the numerator otherwise.
    """
    out = flagged.copy()
    for _, rows in out.groupby(group, sort=False):
        parts = rows[rows["breakdown"] != ""]
        totals = rows[rows["breakdown"] == ""]
        count_column = "value" if (rows["unit"] == "count").all() else "numerator"
        flag = f"{count_column}_c"
        flags = list(dict.fromkeys([flag, "value_c"]))  # a count's value is its own figure
        if len(parts) < 2 or totals.empty or totals[flag].all() or not parts[flag].any():
            continue
        hidden_sum = parts.loc[parts[flag], count_column].sum()
        candidates = parts[~parts[flag] & (parts[count_column] > 0)].sort_values(count_column, kind="stable")
        for victim, number in candidates[count_column].items():
            if hidden_sum > LARGEST:
                break
            out.loc[victim, flags] = True
            hidden_sum += number
        if hidden_sum <= LARGEST:
            out.loc[totals.index, flags] = True
    return out


def suppress(frame: pd.DataFrame, group: list[str] | None = None) -> pd.DataFrame:
    """Primary then (when `group` is given) secondary suppression, with the suppressed figures blanked.

    Adds `suppressed` (True where anything in the row was withheld); blanked cells become NaN
    so no chart or export can show them by accident.
    """
    flagged = primary(frame)
    if group:
        flagged = secondary(flagged, group)
    for column in ("numerator", "denominator", "value"):
        flagged[column] = flagged[column].where(~flagged[f"{column}_c"])
    flagged["suppressed"] = flagged[["numerator_c", "denominator_c", "value_c"]].any(axis=1)
    return flagged


def suppress_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """A summary table fit for public view: current, previous and last year's figures suppressed."""
    out = suppress(summary)
    for when in ("previous", "last_year"):
        earlier = primary(pd.DataFrame({"unit": summary["unit"], "value": summary[f"{when}_value"],
                                        "numerator": summary.get(f"{when}_numerator", np.nan),
                                        "denominator": summary.get(f"{when}_denominator", np.nan)}))
        out[f"{when}_value"] = summary[f"{when}_value"].where(~earlier["value_c"])
        out[f"{when}_value_c"] = earlier["value_c"]
    return out


def public_report(report):
    """A report as published (committee mode, the pack): the same indicators, periods and attention list,
    with small numbers and the figures that would reveal them withheld (`*_c` flags, values blanked)."""
    summary = suppress_summary(report.summary)
    published = summary.set_index("indicator_id")
    attention = published.loc[list(report.attention["indicator_id"])].reset_index()
    attention["reasons"] = list(report.attention["reasons"])
    return dataclasses.replace(report, summary=summary, attention=attention,
                               history=suppress(report.history, group=["indicator_id", "period"]),
                               own=suppress(report.own, group=["indicator_id", "period"]))
