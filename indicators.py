"""The indicator engine: periods, aggregation, RAG and direction, as pure functions on a return.

Public API used by scripts outside the app: `summarise`, `series`, `benchmark`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

import spc
from benchmarking import benchmark
from data_loaders.model import PerformanceReturn
from periods import FREQUENCIES, Period, parse_period
from units import DISPLAY_DECIMALS, SCALE, displayed

__all__ = ["summarise", "series", "benchmark", "period_values", "rag_status", "direction",
           "default_period", "available_periods"]

SMALL_DENOMINATOR = 30
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}
_RANK = {frequency: rank for rank, frequency in enumerate(FREQUENCIES)}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def with_totals(values: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Values plus a total row wherever a period has breakdown rows but no total row.

    The total adds the breakdowns' numerators and denominators (or values, for counts).
    """
    has_total = values.loc[values["breakdown"] == "", ["indicator_id", "period"]]
    parts = values[values["breakdown"] != ""]
    missing = parts.merge(has_total, on=["indicator_id", "period"], how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    if missing.empty:
        return values
    sums = (missing.groupby(["indicator_id", "period", "frequency", "period_start"], as_index=False)
            [["numerator", "denominator", "value"]].sum(min_count=1))
    units = sums["indicator_id"].map(indicators.set_index("indicator_id")["unit"])
    ratio = sums["numerator"] / sums["denominator"] * units.map(SCALE).astype("float64")
    sums["value"] = np.where(units == "count", sums["value"], ratio)
    sums["breakdown"] = ""
    return pd.concat([values, sums[values.columns]], ignore_index=True)


def _period_lookup(labels: pd.Series) -> dict[str, Period]:
    """Period objects for the distinct labels of a column."""
    return {label: parse_period(label) for label in labels.unique()}


def period_values(ret: PerformanceReturn, frequency: str) -> pd.DataFrame:
    """Every indicator's figures by period of `frequency`, breakdowns and totals included.

    Months add up to quarters and financial years by the indicator's aggregation: `sum`
    adds numerators and denominators (a quarter's percentage is never a mean of monthly
    percentages), `last` takes the latest month, `sum_numerator` adds numerators over the
    latest denominator. An indicator reported less often than `frequency` keeps its own periods.
    Columns: indicator_id, breakdown, period, period_start, frequency, numerator, denominator,
    value, complete, up_to (label of the last month or period present), periods_present.
    """
    if frequency not in FREQUENCIES:
        raise ValueError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    catalogue = ret.indicators.set_index("indicator_id")
    values = with_totals(ret.values, ret.indicators)
    values = values[values["indicator_id"].isin(catalogue.index)].sort_values("period_start")
    if values.empty:
        return pd.DataFrame(columns=["indicator_id", "breakdown", "period", "period_start", "frequency",
                                     "numerator", "denominator", "value", "complete", "up_to",
                                     "periods_present"])
    own = _period_lookup(values["period"])
    target = {label: (period.containing(frequency) if _RANK[period.frequency] < _RANK[frequency] else period)
              for label, period in own.items()}
    keys = ["indicator_id", "breakdown", "period_label"]
    values = values.assign(period_label=values["period"].map(lambda label: target[label].label))
    grouped = values.groupby(keys, sort=False)
    sums = grouped[["numerator", "denominator", "value"]].sum(min_count=1).add_suffix("_sum")
    latest = values.drop_duplicates(keys, keep="last").set_index(keys)
    result = latest[["numerator", "denominator", "value", "period", "frequency"]].join(sums)
    result = result.join(grouped.size().rename("periods_present")).reset_index()

    unit = result["indicator_id"].map(catalogue["unit"])
    aggregation = result["indicator_id"].map(catalogue["aggregation"])
    rolled = result["frequency"].map(_RANK) < _RANK[frequency]
    summed = rolled & (aggregation == "sum")
    by_latest_denominator = rolled & (aggregation == "sum_numerator")
    adds_numerators = summed | by_latest_denominator
    result["up_to"] = result["period"]
    result["numerator"] = result["numerator_sum"].where(adds_numerators, result["numerator"])
    result["denominator"] = result["denominator_sum"].where(summed, result["denominator"])
    derived = result["numerator"] / result["denominator"] * unit.map(SCALE).astype("float64")
    result["value"] = np.select([~adds_numerators, unit == "count"],
                                [result["value"], result["value_sum"]], default=derived)
    periods = _period_lookup(result["period_label"])
    expected = (result["period_label"].map(lambda label: _MONTHS[periods[label].frequency])
                // result["frequency"].map(_MONTHS))
    result["complete"] = ~rolled | (result["periods_present"] >= expected)
    result["period_start"] = pd.to_datetime(result["period_label"].map(lambda label: periods[label].start))
    result["frequency"] = result["period_label"].map(lambda label: periods[label].frequency)
    result = result.drop(columns="period").rename(columns={"period_label": "period"})
    return result[["indicator_id", "breakdown", "period", "period_start", "frequency", "numerator",
                   "denominator", "value", "complete", "up_to", "periods_present"]] \
        .sort_values(["indicator_id", "breakdown", "period_start"]).reset_index(drop=True)


def rag_status(value: float | None, target: float | None, tolerance: float | None,
               polarity: str, unit: str) -> str:
    """Red, amber or green on the value as displayed; `no target` or `no data` when it cannot be judged.

    higher_is_better: green at or above target, amber within `tolerance` below it, red below
    that; lower_is_better mirrors it. A blank tolerance means there is no amber band.
    """
    if value is None or _missing(value):
        return "no data"
    if polarity == "neutral" or target is None or _missing(target):
        return "no target"
    shown = displayed(value, unit)
    tolerance = 0.0 if tolerance is None or _missing(tolerance) else tolerance
    gap = shown - target if polarity == "higher_is_better" else target - shown
    gap = round(gap, DISPLAY_DECIMALS[unit] + 6)
    if gap >= 0:
        return "green"
    if tolerance > 0 and gap >= -tolerance:
        return "amber"
    return "red"


def movement(current: float | None, previous: float | None, unit: str) -> str:
    """Which way the figure as displayed moved: `up`, `down` or `no change`; "" if nothing to compare."""
    if current is None or previous is None or _missing(current) or _missing(previous):
        return ""
    change = displayed(current, unit) - displayed(previous, unit)
    if abs(change) < 10 ** -(DISPLAY_DECIMALS[unit] + 3):
        return "no change"
    return "up" if change > 0 else "down"


def direction(current: float | None, previous: float | None, polarity: str, unit: str) -> str:
    """`improving` / `worsening` / `no change` by polarity (`up` / `down` for neutral); "" if nothing to compare."""
    moved = movement(current, previous, unit)
    if moved in ("", "no change") or polarity == "neutral":
        return moved
    better = moved == "up" if polarity == "higher_is_better" else moved == "down"
    return "improving" if better else "worsening"


ARROWS = {"up": "↑", "down": "↓", "no change": "→"}


def change_words(direction_word: str, moved: str) -> str:
    """An arrow for which way the figure moved and a word for whether that is better: '↓ Improving'."""
    if not direction_word:
        return ""
    return f"{ARROWS[moved]} {direction_word.capitalize()}"


def _missing(value: object) -> bool:
    """True for None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def default_period(ret: PerformanceReturn, frequency: str) -> Period | None:
    """The period of `frequency` holding the return's latest month."""
    latest = ret.latest_month
    if latest is None:
        return None
    return Period(latest.year, latest.month).containing(frequency)


def period_or_latest(ret: PerformanceReturn, frequency: str, label: str | None) -> Period | None:
    """The period a link or filter names, if it is one of `frequency`, else the latest (never an error)."""
    try:
        period = parse_period(label) if label else None
    except ValueError:
        period = None
    if period is None or period.frequency != frequency:
        return default_period(ret, frequency)
    return period


def available_periods(ret: PerformanceReturn, frequency: str) -> list[Period]:
    """Every period of `frequency` from the earliest to the latest month in the return, newest first."""
    if ret.values.empty:
        return []
    first = ret.values["period_start"].min()
    last = default_period(ret, frequency)
    periods, current = [], last
    first_period = Period(first.year, first.month).containing(frequency)
    while current >= first_period:
        periods.append(current)
        current = current.shift(-1)
    return periods


def series(ret: PerformanceReturn, indicator_id: str, frequency: str,
           values: pd.DataFrame | None = None) -> pd.DataFrame:
    """The time series behind an indicator's chart at `frequency`, breakdowns included.

    `values` may pass `period_values(ret, frequency)` already worked out, to save repeating it.
    """
    table = period_values(ret, frequency) if values is None else values
    return table[table["indicator_id"] == indicator_id].reset_index(drop=True)


def _worsening_run(history: pd.DataFrame, polarity: str, unit: str) -> int:
    """How many consecutive periods up to the latest were each worse than the one before (a gap ends the run)."""
    run = 0
    newest_first = list(zip(history["period"], history["value"]))[::-1]
    for (newer_label, newer), (older_label, older) in zip(newest_first, newest_first[1:]):
        if parse_period(newer_label).shift(-1).label != older_label \
                or direction(newer, older, polarity, unit) != "worsening":
            break
        run += 1
    return run


def summarise(ret: PerformanceReturn, frequency: str, period: str | Period | None = None,
              values: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator for `period` (default the latest) with its value, RAG and direction.

    Columns include indicator_id, dashboard, title, unit, polarity, period, complete, value,
    numerator, denominator, target, rag, previous_value, direction, last_year_value, and
    period_display ("Q3 2025-26 to November 2025" when partial) and worsening_run.
    """
    chosen = default_period(ret, frequency) if period is None else parse_period(period)
    if chosen is not None and chosen.frequency != frequency:
        chosen = chosen.containing(frequency)
    table = period_values(ret, frequency) if values is None else values
    totals = table[table["breakdown"] == ""]
    by_indicator = {key: group.reset_index(drop=True) for key, group in totals.groupby("indicator_id")}
    rows = []
    for indicator in ret.indicators.sort_values("dashboard_number", kind="stable").itertuples(index=False):
        history = by_indicator.get(indicator.indicator_id)
        rows.append(_summary_row(indicator, history, chosen))
    return pd.DataFrame(rows)


def _summary_row(indicator, history: pd.DataFrame | None, chosen: Period | None) -> dict:
    """The summary figures of one indicator for the chosen period."""
    row = {
        "indicator_id": indicator.indicator_id, "dashboard": indicator.dashboard,
        "dashboard_number": indicator.dashboard_number, "title": indicator.title,
        "definition": indicator.definition, "unit": indicator.unit, "polarity": indicator.polarity,
        "aggregation": indicator.aggregation, "target": indicator.target,
        "amber_tolerance": indicator.amber_tolerance, "comparator_note": indicator.comparator_note,
        "source": indicator.source, "rolling_12_months": indicator.rolling_12_months,
        "period": chosen.label if chosen else "", "period_display": chosen.display() if chosen else "",
        "complete": False, "value": np.nan, "numerator": np.nan, "denominator": np.nan,
        "previous_period": "", "previous_value": np.nan, "previous_numerator": np.nan,
        "previous_denominator": np.nan, "direction": "", "movement": "",
        "last_year_period": "", "last_year_value": np.nan, "last_year_numerator": np.nan,
        "last_year_denominator": np.nan, "last_year_direction": "", "last_year_movement": "", "worsening_run": 0,
    }
    current = _current_row(history, chosen)
    if current is not None:
        own = parse_period(current["period"])
        up_to = parse_period(current["up_to"])
        previous = _row_for(history, own.shift(-1))
        last_year = _row_for(history, own.same_period_last_year())
        up_to_month = up_to.end_month if not current["complete"] else None
        row.update(
            period=own.label, period_display=own.display(up_to_month), complete=bool(current["complete"]),
            value=current["value"], numerator=current["numerator"], denominator=current["denominator"],
            previous_period=own.shift(-1).label, last_year_period=own.same_period_last_year().label,
        )
        if previous is not None:
            row.update(previous_value=previous["value"], previous_numerator=previous["numerator"],
                       previous_denominator=previous["denominator"],
                       movement=movement(current["value"], previous["value"], indicator.unit),
                       direction=direction(current["value"], previous["value"], indicator.polarity,
                                           indicator.unit))
        if last_year is not None:
            row.update(last_year_value=last_year["value"], last_year_numerator=last_year["numerator"],
                       last_year_denominator=last_year["denominator"],
                       last_year_movement=movement(current["value"], last_year["value"], indicator.unit),
                       last_year_direction=direction(current["value"], last_year["value"],
                                                     indicator.polarity, indicator.unit))
        upto_here = history[history["period_start"] <= current["period_start"]]
        row["worsening_run"] = _worsening_run(upto_here, indicator.polarity, indicator.unit)
    row["rag"] = rag_status(row["value"], indicator.target, indicator.amber_tolerance,
                            indicator.polarity, indicator.unit)
    return row


def _current_row(history: pd.DataFrame | None, chosen: Period | None):
    """The row for `chosen`, or for an indicator reported less often, its latest period by then."""
    if history is None or chosen is None or history.empty:
        return None
    exact = history[history["period"] == chosen.label]
    if not exact.empty:
        return exact.iloc[0]
    coarser = history[(history["frequency"].map(_RANK) > _RANK[chosen.frequency])
                      & (history["period_start"] <= pd.Timestamp(chosen.end_month.start))]
    return coarser.iloc[-1] if not coarser.empty else None


def _row_for(history: pd.DataFrame, period: Period):
    """The history row of exactly `period`, if any."""
    match = history[history["period"] == period.label]
    return match.iloc[0] if not match.empty else None


def commentary_for(commentary: pd.DataFrame, period: Period, indicator_id: str = "",
                   dashboard: str = "") -> pd.Series | None:
    """The narrative written for `period`, else for the narrowest period including its end, else the latest before.

    Commentary for a quarter still shows when members look at one of its months (and after,
    until newer is written), labelled with the period it was written for (`period_display`).
    """
    if indicator_id:
        rows = commentary[commentary["indicator_id"] == indicator_id]
    else:
        rows = commentary[(commentary["indicator_id"] == "") & (commentary["dashboard"] == dashboard)]
    rows = rows[rows["text"].str.strip() != ""]
    if rows.empty:
        return None
    own = _period_lookup(rows["period"])
    exact = rows[rows["period"] == period.label]
    if not exact.empty:
        chosen = exact.iloc[-1]
    else:
        months = rows["period"].map(lambda label: own[label].months())
        begun = [index for index in rows.index if months[index][0] <= period.end_month]
        if not begun:
            return None
        including = [index for index in begun if months[index][-1] >= period.end_month]
        if including:
            chosen = rows.loc[sorted(including, key=lambda index: -len(months[index]))[-1]]
        else:
            chosen = rows.loc[sorted(begun, key=lambda index: months[index][-1])[-1]]
    entry = chosen.copy()
    entry["period_display"] = own[entry["period"]].display()
    return entry


def dashboards(ret: PerformanceReturn) -> list[str]:
    """The return's dashboards in their numbered order."""
    ordered = ret.indicators.sort_values(["dashboard_number", "dashboard"], kind="stable")
    return list(dict.fromkeys(ordered["dashboard"]))


def wilson_interval(numerator: float, denominator: float, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a percentage, in percent; (nan, nan) without a denominator.

    Wilson rather than the normal approximation because it stays within 0 to 100 and is
    honest for the small denominators councils have (e.g. 12 care leavers).
    """
    if _missing(numerator) or _missing(denominator) or denominator <= 0:
        return (math.nan, math.nan)
    p = numerator / denominator
    centre = (p + z * z / (2 * denominator)) / (1 + z * z / denominator)
    half = z * math.sqrt(p * (1 - p) / denominator + z * z / (4 * denominator ** 2)) / (1 + z * z / denominator)
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))


def is_small_denominator(denominator: float, unit: str) -> bool:
    """True when a percentage or rate rests on so few cases that it can jump by chance."""
    return unit in ("percent", "rate_per_10k") and not _missing(denominator) and denominator < SMALL_DENOMINATOR


def spc_chart_data(history: pd.DataFrame, indicator) -> tuple[spc.SpcResult | None, str]:
    """The XmR result for an indicator's monthly totals, or None with the reason SPC is not shown.

    Limits and icons need 13 points; rolling 12-month measures are excluded because each month
    shares eleven months with the one before, so points are not independent and the rules
    would fire on ordinary overlap.
    """
    if indicator.rolling_12_months:
        return None, ("No SPC chart: this is a rolling 12-month measure, so each month shares eleven months "
                      "of data with the month before and the SPC rules would mislead.")
    monthly = history[(history["frequency"] == "month") & history["value"].notna()]
    if monthly.empty and not history.empty:
        return None, (f"No SPC chart: SPC is drawn for monthly figures and this indicator is reported by "
                      f"{history['frequency'].iloc[0]}.")
    if len(monthly) < spc.MIN_POINTS_FOR_SPC:
        return None, (f"Not enough points for SPC: {len(monthly)} monthly figures, and SPC needs at least "
                      f"{spc.MIN_POINTS_FOR_SPC}. The plain trend is shown instead.")
    rebase = _rebase_positions(monthly["period"].tolist(), indicator.spc_rebase)
    result = spc.xmr(monthly["value"].to_numpy(), IMPROVEMENT[indicator.polarity],
                     None if _missing(indicator.target) else indicator.target, rebase_at=rebase)
    return result, ""


def _rebase_positions(labels: list[str], rebase: str) -> list[int]:
    """Positions in a monthly series where the catalogue says SPC limits restart."""
    months = [parse_period(part.strip()).label for part in rebase.replace(";", ",").split(",") if part.strip()]
    return [labels.index(month) for month in months if month in labels and labels.index(month) > 1]


def spc_statuses(ret: PerformanceReturn, monthly_values: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's SPC variation and assurance icons (None where SPC is not shown)."""
    totals = monthly_values[monthly_values["breakdown"] == ""]
    rows = []
    for indicator in ret.indicators.itertuples(index=False):
        result, reason = spc_chart_data(totals[totals["indicator_id"] == indicator.indicator_id], indicator)
        rows.append({"indicator_id": indicator.indicator_id,
                     "variation": result.variation if result else None,
                     "assurance": result.assurance if result else None, "spc_reason": reason})
    return pd.DataFrame(rows)


def attention_reasons(row: pd.Series) -> list[str]:
    """Why an indicator needs members' attention: red, worsening for 2+ periods, or an SPC warning."""
    reasons = []
    if row["rag"] == "red":
        reasons.append("Red against target")
    if row["worsening_run"] >= 2:
        reasons.append(f"Worse for {row['worsening_run']} periods in a row")
    if str(row.get("variation") or "").startswith("concern"):
        reasons.append("SPC: special cause of concern")
    if row.get("assurance") == "consistent_fail":
        reasons.append("SPC: will consistently miss target")
    return reasons


def needs_attention(summary: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """Only the indicators that need attention, with their reasons, red ones first."""
    rows = summary.merge(statuses, on="indicator_id", how="left")
    rows["reasons"] = [attention_reasons(row) for _, row in rows.iterrows()]
    rows = rows[rows["reasons"].map(bool)].copy()
    rows["red_first"] = rows["rag"] != "red"
    return rows.sort_values(["red_first", "dashboard_number"], kind="stable").drop(columns="red_first") \
        .reset_index(drop=True)


def series_choices(values: pd.DataFrame, catalogue: pd.DataFrame) -> dict[str, str]:
    """Every indicator and breakdown that has figures, as `ID` or `ID|breakdown` -> words for people."""
    titles = catalogue.set_index("indicator_id")["title"]
    pairs = values[["indicator_id", "breakdown"]].drop_duplicates()
    order = {indicator_id: position for position, indicator_id in enumerate(catalogue["indicator_id"])}
    pairs = pairs.assign(order=pairs["indicator_id"].map(order)).sort_values(["order", "breakdown"])
    return {f"{i}|{b}" if b else i: f"{i} {titles.get(i, '')}" + (f": {b}" if b else "")
            for i, b in zip(pairs["indicator_id"], pairs["breakdown"])}


def combined_series(values: pd.DataFrame, catalogue: pd.DataFrame, picks: list[str]) -> pd.DataFrame:
    """The chosen indicators (and breakdowns) on one time axis, one `series` name each, for Explore."""
    names = series_choices(values, catalogue)
    units = catalogue.set_index("indicator_id")["unit"]
    parts = []
    for pick in picks:
        indicator_id, _, breakdown = pick.partition("|")
        rows = values[(values["indicator_id"] == indicator_id) & (values["breakdown"] == breakdown)]
        parts.append(rows.assign(series=names.get(pick, pick), unit=units.get(indicator_id, "number")))
    if not parts:
        return pd.DataFrame(columns=[*values.columns, "series", "unit"])
    return pd.concat(parts, ignore_index=True)
