"""The indicator engine: periods, aggregation, RAG and direction, as pure functions on a return.

Public API used by scripts outside the app: `summarise`, `series`, `benchmark`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

import benchmarking
import spc
from benchmarking import benchmark
from data_loaders.child_level import DURATION_BANDS
from data_loaders.model import PerformanceReturn, empty_table
from periods import FREQUENCIES, MONTHS_IN, Period, parse_period, span_display, span_key
from units import DISPLAY_DECIMALS, derive_value, displayed, scaled_ratio

__all__ = ["summarise", "series", "benchmark", "period_values", "rag_status", "direction",
           "default_period", "available_periods"]

SMALL_DENOMINATOR = 30
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}
_RANK = {frequency: rank for rank, frequency in enumerate(FREQUENCIES)}


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
    ratio = scaled_ratio(sums["numerator"], sums["denominator"], units)
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
    derived = scaled_ratio(result["numerator"], result["denominator"], unit)
    result["value"] = np.select([~adds_numerators, unit == "count"],
                                [result["value"], result["value_sum"]], default=derived)
    periods = _period_lookup(result["period_label"])
    expected = (result["period_label"].map(lambda label: MONTHS_IN[periods[label].frequency])
                // result["frequency"].map(MONTHS_IN))
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


def latest_period(ret: PerformanceReturn) -> Period | None:
    """The return's "data as at": its latest month."""
    latest = ret.latest_month
    return None if latest is None else Period(latest.year, latest.month)


def default_period(ret: PerformanceReturn, frequency: str) -> Period | None:
    """The period of `frequency` holding the return's latest month."""
    latest = latest_period(ret)
    return None if latest is None else latest.containing(frequency)


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


SUMMARY_COMMENTARY_COLUMNS = ("commentary", "commentary_author", "commentary_period", "explained",
                              "earlier_commentary", "earlier_commentary_author", "earlier_commentary_period")


def summarise(ret: PerformanceReturn, frequency: str, period: str | Period | None = None,
              values: pd.DataFrame | None = None, own: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator: its complete state as at `period` (default the latest), in dashboard order.

    Columns: the catalogue's (indicator_id, dashboard, title, unit, polarity, target...), then
    period, period_display ("Q3 2025-26 to November 2025" when partial), complete, value,
    numerator, denominator, rag; previous_* and last_year_* (value, numerator, denominator,
    direction, movement) with previous_period and last_year_period saying in words what they
    are ("July to August 2025": a partial sum is compared like for like, with the same months
    of the earlier period); worsening_run; spc_variation, spc_assurance and spc_reason judged
    on the monthly totals up to the period's last month; and the current commentary
    (`SUMMARY_COMMENTARY_COLUMNS`: commentary written for an earlier period is only `earlier_*`).
    `values` and `own` may pass `period_values(ret, frequency)` and `period_values(ret, "month")`.
    """
    return _summarise(ret, frequency, _chosen(ret, frequency, period), values, own)[0]


def _chosen(ret: PerformanceReturn, frequency: str, period: str | Period | None) -> Period | None:
    """The period of `frequency` that `period` names or falls in; the latest when None."""
    chosen = default_period(ret, frequency) if period is None else parse_period(period)
    return chosen.containing(frequency) if chosen is not None and chosen.frequency != frequency else chosen


def _summarise(ret: PerformanceReturn, frequency: str, chosen: Period | None, values: pd.DataFrame | None,
               own: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, spc.SpcResult]]:
    """`summarise` and each indicator's SPC result (where SPC is shown), worked out together."""
    table = period_values(ret, frequency) if values is None else values
    own = period_values(ret, "month") if own is None else own
    by_indicator = _totals_by_indicator(table)
    own_by_indicator = _totals_by_indicator(own if chosen is None else own[own["period_start"] <= _end(chosen)])
    empty = table.iloc[0:0]
    rows, results = [], {}
    for indicator in ret.indicators.sort_values("dashboard_number", kind="stable").itertuples(index=False):
        own_history = own_by_indicator.get(indicator.indicator_id, empty)
        row = _summary_row(indicator, by_indicator.get(indicator.indicator_id), own_history, chosen)
        result, reason = spc_chart_data(own_history, indicator)
        if result is not None:
            results[indicator.indicator_id] = result
        row.update(spc_variation=result.variation if result else None,
                   spc_assurance=result.assurance if result else None, spc_reason=reason)
        row.update(commentary_columns(ret.commentary, chosen, indicator_id=indicator.indicator_id))
        rows.append(row)
    return pd.DataFrame(rows), results


def _end(period: Period) -> pd.Timestamp:
    """The start of a period's last month, as period_values dates rows."""
    return pd.Timestamp(period.end_month.start)


def _totals_by_indicator(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each indicator's total rows (no breakdowns) in time order."""
    totals = table[table["breakdown"] == ""]
    return {key: group.reset_index(drop=True) for key, group in totals.groupby("indicator_id", sort=False)}


def _summary_row(indicator, history: pd.DataFrame | None, own_history: pd.DataFrame, chosen: Period | None) -> dict:
    """The figures of one indicator for the chosen period, compared like for like."""
    row = {
        "indicator_id": indicator.indicator_id, "dashboard": indicator.dashboard,
        "dashboard_number": indicator.dashboard_number, "title": indicator.title,
        "definition": indicator.definition, "unit": indicator.unit, "polarity": indicator.polarity,
        "aggregation": indicator.aggregation, "target": indicator.target,
        "amber_tolerance": indicator.amber_tolerance, "comparator_note": indicator.comparator_note,
        "source": indicator.source, "rolling_12_months": indicator.rolling_12_months,
        "period": chosen.label if chosen else "", "period_display": chosen.display() if chosen else "",
        "complete": False, "value": np.nan, "numerator": np.nan, "denominator": np.nan, "worsening_run": 0,
    }
    for when in ("previous", "last_year"):
        row.update({f"{when}_period": "", f"{when}_key": "", f"{when}_value": np.nan, f"{when}_numerator": np.nan,
                    f"{when}_denominator": np.nan, f"{when}_direction": "", f"{when}_movement": ""})
    current = _current_row(history, chosen)
    if current is not None:
        own = parse_period(current["period"])
        covered = _covered(indicator, current, own, own_history)
        row.update(period=own.label, period_display=_period_words(own, current, covered),
                   complete=bool(current["complete"]), value=current["value"],
                   numerator=current["numerator"], denominator=current["denominator"])
        for when, months_back in (("previous", MONTHS_IN[own.frequency]), ("last_year", 12)):
            label, key, earlier = _comparison(history, own_history, own, covered, months_back,
                                              indicator.aggregation, indicator.unit)
            row[f"{when}_period"], row[f"{when}_key"] = label, key
            if earlier is not None:
                row.update({f"{when}_value": earlier["value"], f"{when}_numerator": earlier["numerator"],
                            f"{when}_denominator": earlier["denominator"],
                            f"{when}_movement": movement(current["value"], earlier["value"], indicator.unit),
                            f"{when}_direction": direction(current["value"], earlier["value"], indicator.polarity,
                                                           indicator.unit)})
        row["direction"], row["movement"] = row.pop("previous_direction"), row.pop("previous_movement")
        if row["direction"] == "worsening":
            before = history[history["period_start"] < pd.Timestamp(own.start)]
            row["worsening_run"] = 1 + _worsening_run(before, indicator.polarity, indicator.unit)
    else:
        row["direction"], row["movement"] = row.pop("previous_direction"), row.pop("previous_movement")
    row["rag"] = rag_status(row["value"], indicator.target, indicator.amber_tolerance,
                            indicator.polarity, indicator.unit)
    return row


def _covered(indicator, current: pd.Series, period: Period, own_history: pd.DataFrame) -> list[Period] | None:
    """The indicator's own periods a partial sum covers (e.g. October and November of Q3); None otherwise.

    A snapshot (`last`) and a complete period compare whole periods, so they need no list.
    """
    if bool(current["complete"]) or indicator.aggregation == "last":
        return None
    inside = own_history[(own_history["period_start"] >= pd.Timestamp(period.start))
                         & (own_history["period_start"] <= _end(period)) & own_history["value"].notna()]
    return [parse_period(label) for label in inside["period"]] or None


def _period_words(period: Period, current: pd.Series, covered: list[Period] | None) -> str:
    """The chosen period in words, saying how far a partial one goes ("Q3 2025-26 to November 2025")."""
    if bool(current["complete"]):
        return period.display()
    if covered and covered[0].start != period.start:  # months missing at the start: name the ones there are
        return f"{period.display()} ({span_display(covered[0], covered[-1])} only)"
    return period.display(parse_period(current["up_to"]).end_month)


def _comparison(history: pd.DataFrame, own_history: pd.DataFrame, period: Period, covered: list[Period] | None,
                months_back: int, aggregation: str, unit: str) -> tuple[str, str, pd.Series | None]:
    """What the current figure is compared with `months_back` months earlier: its words, its key (a period
    label, or the run of own periods of a like-for-like sum) and its figures (None if there is none).

    A partial sum is compared with the same own periods shifted back (like for like) and only when
    every one of them has a figure; a whole sum only with a whole earlier period; a snapshot with
    the earlier period's snapshot.
    """
    if covered is not None:
        earlier = [part.shift(-months_back // MONTHS_IN[part.frequency]) for part in covered]
        label, key = span_display(earlier[0], earlier[-1]), span_key(earlier[0].label, earlier[-1].label)
        rows = own_history[own_history["period"].isin([part.label for part in earlier])
                           & own_history["value"].notna()]
        if len(rows) != len(earlier):
            return label, key, None
        return label, key, _aggregate(rows, aggregation, unit)
    earlier_period = period.shift(-months_back // MONTHS_IN[period.frequency])
    match = _row_for(history, earlier_period)
    if match is None or (aggregation != "last" and not bool(match["complete"])):
        return earlier_period.display(), earlier_period.label, None
    return _period_words(earlier_period, match, None), earlier_period.label, match


def _aggregate(rows: pd.DataFrame, aggregation: str, unit: str) -> pd.Series:
    """Own-period rows of one indicator added up as period_values adds them (value, numerator, denominator)."""
    numerator = rows["numerator"].sum(min_count=1)
    denominator = rows["denominator"].sum(min_count=1) if aggregation == "sum" else rows["denominator"].iloc[-1]
    value = rows["value"].sum() if unit == "count" else derive_value(numerator, denominator, unit)
    return pd.Series({"value": value, "numerator": numerator, "denominator": denominator})


def _current_row(history: pd.DataFrame | None, chosen: Period | None):
    """The row for `chosen`, or for an indicator reported less often, its latest period by then."""
    if history is None or chosen is None or history.empty:
        return None
    exact = history[history["period"] == chosen.label]
    if not exact.empty:
        return exact.iloc[0]
    coarser = history[(history["frequency"].map(_RANK) > _RANK[chosen.frequency])
                      & (history["period_start"] <= _end(chosen))]
    return coarser.iloc[-1] if not coarser.empty else None


def _row_for(history: pd.DataFrame, period: Period):
    """The history row of exactly `period`, if any."""
    match = history[history["period"] == period.label]
    return match.iloc[0] if not match.empty else None


def _commentary_rows(commentary: pd.DataFrame, indicator_id: str = "", dashboard: str = "") -> pd.DataFrame:
    """The non-blank commentary about one indicator, or about a whole dashboard."""
    if indicator_id:
        rows = commentary[commentary["indicator_id"] == indicator_id]
    else:
        rows = commentary[(commentary["indicator_id"] == "") & (commentary["dashboard"] == dashboard)]
    return rows[rows["text"].str.strip() != ""]


def current_commentary(commentary: pd.DataFrame, period: Period, indicator_id: str = "",
                       dashboard: str = "") -> pd.Series | None:
    """The narrative current for `period`: written for it, else for the narrowest period sharing a month
    with it (one containing it, or inside it: October's note is current for Q3), the latest-ending
    first among equals. Commentary for a period that ended earlier is never current. None if none.

    The entry carries `period_display`, the period it was written for in words.
    """
    rows = _commentary_rows(commentary, indicator_id, dashboard)
    first, last = period.months()[0], period.end_month
    best, best_key = None, None
    for index, label in rows["period"].items():
        written = parse_period(label).months()
        if written[-1] < first or written[0] > last:
            continue  # no month in common
        key = (label == period.label, -len(written), written[-1], index)
        if best_key is None or key > best_key:
            best, best_key = index, key
    return None if best is None else _with_period_words(rows.loc[best])


def earlier_commentary(commentary: pd.DataFrame, period: Period, indicator_id: str = "",
                       dashboard: str = "") -> pd.Series | None:
    """The latest narrative written for a period that ended before `period` began (offered as earlier, never current)."""
    rows = _commentary_rows(commentary, indicator_id, dashboard)
    ends = {index: parse_period(label).end_month for index, label in rows["period"].items()}
    before = [index for index, end in ends.items() if end < period.months()[0]]
    if not before:
        return None
    return _with_period_words(rows.loc[max(before, key=lambda index: (ends[index], index))])


def _with_period_words(entry: pd.Series) -> pd.Series:
    """A commentary row with `period_display`, the period it was written for in words."""
    entry = entry.copy()
    entry["period_display"] = parse_period(entry["period"]).display()
    return entry


def commentary_columns(commentary: pd.DataFrame, period: Period | None, indicator_id: str = "",
                       dashboard: str = "") -> dict:
    """The summary's commentary columns for one indicator or dashboard (`SUMMARY_COMMENTARY_COLUMNS`)."""
    current = current_commentary(commentary, period, indicator_id, dashboard) if period else None
    earlier = earlier_commentary(commentary, period, indicator_id, dashboard) if period and current is None else None
    columns = {}
    for prefix, entry in (("", current), ("earlier_", earlier)):
        columns[f"{prefix}commentary"] = entry["text"] if entry is not None else ""
        columns[f"{prefix}commentary_author"] = entry["author"] if entry is not None else ""
        columns[f"{prefix}commentary_period"] = entry["period_display"] if entry is not None else ""
    columns["explained"] = current is not None
    return {name: columns[name] for name in SUMMARY_COMMENTARY_COLUMNS}


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


def attention_reasons(row: pd.Series) -> list[str]:
    """Why an indicator needs members' attention: red, worsening for 2+ periods, or an SPC warning."""
    reasons = []
    if row["rag"] == "red":
        reasons.append("Red against target")
    if row["worsening_run"] >= 2:
        reasons.append(f"Worse for {row['worsening_run']} periods in a row")
    if str(row.get("spc_variation") or "").startswith("concern"):
        reasons.append("SPC: special cause of concern")
    if row.get("spc_assurance") == "consistent_fail":
        reasons.append("SPC: will consistently miss target")
    return reasons


def needs_attention(summary: pd.DataFrame) -> pd.DataFrame:
    """Only the indicators that need attention, with their reasons, red ones first."""
    rows = summary.assign(reasons=[attention_reasons(row) for _, row in summary.iterrows()])
    rows = rows.loc[rows["reasons"].map(bool).astype(bool)]  # empty: still a mask, not a list of columns
    order = rows.assign(red_first=rows["rag"] != "red").sort_values(["red_first", "dashboard_number"], kind="stable")
    return rows.loc[order.index].reset_index(drop=True)


@dataclass(frozen=True)
class Report:
    """Every indicator as at one period: the one object every screen, committee mode and the pack read.

    `ret`: the return it was worked out from. `summary`: `summarise` (one row per indicator, dashboard
    order; `previous_key` and `last_year_key` name what the comparisons are, for disclosure). `history`: figures at
    `frequency` up to the period's end, totals and breakdowns, with each indicator's unit.
    `own`: each indicator's figures at its own frequency (months, usually) up to the period's
    last month. `spc`: the SPC result behind each indicator's icons. `dashboard_notes`: each
    dashboard's commentary (the summary's commentary columns). `published`: published
    comparators for the years up to the period's. `attention`: `needs_attention(summary)`.
    """

    ret: PerformanceReturn
    frequency: str
    period: Period | None
    latest_month: Period | None
    summary: pd.DataFrame
    history: pd.DataFrame
    own: pd.DataFrame
    spc: Mapping[str, spc.SpcResult]
    dashboard_notes: pd.DataFrame
    published: pd.DataFrame
    attention: pd.DataFrame

    def dashboards(self) -> list[str]:
        """The dashboards in their numbered order."""
        return list(dict.fromkeys(self.summary["dashboard"]))

    @cached_property
    def _rows(self) -> dict[str, pd.Series]:
        """Each indicator's summary row, found once (the pack and the pages ask for every one)."""
        return {row["indicator_id"]: row for _, row in self.summary.iterrows()}

    @cached_property
    def _histories(self) -> dict[str, pd.DataFrame]:
        """Each indicator's figures at the report's frequency, split once."""
        return {key: rows.reset_index(drop=True) for key, rows in self.history.groupby("indicator_id", sort=False)}

    @cached_property
    def _published_by_indicator(self) -> dict[str, pd.DataFrame]:
        """Each indicator's published comparators, split once."""
        return dict(tuple(self.published.groupby("indicator_id", sort=False)))

    def indicator(self, indicator_id: str) -> pd.Series:
        """One indicator's summary row."""
        return self._rows[indicator_id]

    def rows_of(self, dashboard: str) -> pd.DataFrame:
        """The summary rows of one dashboard."""
        return self.summary[self.summary["dashboard"] == dashboard]

    def history_of(self, indicator_id: str) -> pd.DataFrame:
        """One indicator's figures at the report's frequency, breakdowns included, in time order."""
        return self._histories.get(indicator_id, self.history.iloc[:0])

    def published_of(self, indicator_id: str) -> pd.DataFrame:
        """One indicator's published comparators up to the report's period (every breakdown)."""
        return self._published_by_indicator.get(indicator_id, self.published.iloc[:0])

    def own_of(self, indicator_id: str) -> pd.DataFrame:
        """One indicator's figures at its own frequency, breakdowns included, in time order."""
        return self.own[self.own["indicator_id"] == indicator_id].reset_index(drop=True)

    def figures_at(self, indicator_id: str) -> pd.DataFrame:
        """One indicator's total and breakdown figures for the report's period (or its latest by then)."""
        history = self.history_of(indicator_id)
        label = self.indicator(indicator_id)["period"]
        return history[history["period"] == label].reset_index(drop=True)

    def dashboard_note(self, dashboard: str) -> pd.Series:
        """A dashboard's commentary columns."""
        return self.dashboard_notes.set_index("dashboard").loc[dashboard]

    def latest_published(self, indicator_id: str, breakdown: str = "") -> pd.Series | None:
        """The newest published comparators of an indicator up to the report's period, if any."""
        published = self.published_of(indicator_id)
        rows = published[published["breakdown"] == breakdown]
        return rows.sort_values("period").iloc[-1] if not rows.empty else None


def report(ret: PerformanceReturn, frequency: str, period: str | Period | None = None,
           published: pd.DataFrame | None = None, tables: Mapping[str, pd.DataFrame] | None = None) -> Report:
    """Every indicator's complete state as at `period` of `frequency` (default the latest), worked out once.

    `published`: the comparator table (benchmarking.merge_comparators); by default the
    comparators typed into the return. `tables` may give `period_values` already worked out, by frequency.
    """
    chosen = _chosen(ret, frequency, period)
    tables = tables or {}
    table = tables[frequency] if frequency in tables else period_values(ret, frequency)
    own = tables["month"] if "month" in tables else period_values(ret, "month")
    if chosen is not None:
        table, own = table[table["period_start"] <= _end(chosen)], own[own["period_start"] <= _end(chosen)]
    summary, results = _summarise(ret, frequency, chosen, table, own)
    units = ret.indicators.set_index("indicator_id")["unit"]
    notes = pd.DataFrame([{"dashboard": name, **commentary_columns(ret.commentary, chosen, dashboard=name)}
                          for name in dashboards(ret)], columns=["dashboard", *SUMMARY_COMMENTARY_COLUMNS])
    if published is None:
        published = benchmarking.merge_comparators(ret.comparators, empty_table(benchmarking.COMPARATOR_TABLE_COLUMNS))
    figures = Report(ret=ret, frequency=frequency, period=chosen, latest_month=latest_period(ret),
                     summary=summary, history=table.assign(unit=table["indicator_id"].map(units)),
                     own=own.assign(unit=own["indicator_id"].map(units)), spc=results, dashboard_notes=notes,
                     published=published.iloc[:0], attention=needs_attention(summary))
    return with_published(figures, published)


def with_published(figures: Report, published: pd.DataFrame) -> Report:
    """The report with its published comparators (the years up to its period's). Nothing in the summary
    depends on them, so the app shows the summary before DfE's files are read and attaches them after."""
    if figures.period is not None:
        years = published["period"].map(lambda label: parse_period(label).fy_start)
        published = published[years <= figures.period.fy_start]
    return replace(figures, published=published.reset_index(drop=True))


MISSING_IDS = {"incidents": "MFH01", "children": "MFH02", "repeat": "MFH03", "per_child": "MFH04",
               "duration": "MFH05", "median": "MFH06", "interviews": "MFH07", "offered": "MFH08"}
MISSING_SETTINGS = ("From home", "From care", "Missing", "Away without authorisation")
MISSING_HEADLINES = ("MFH01", "MFH02", "MFH07")  # the three trends committee mode shows beside the overview


def has_missing_overview(ids) -> bool:
    """True when a dashboard holds incidents and children (dashboard 7), so it gets the overview."""
    return {MISSING_IDS["incidents"], MISSING_IDS["children"]} <= set(ids)


def missing_overview(report: Report, dashboard: str) -> pd.DataFrame | None:
    """Dashboard 7's answers to the committee's four questions for the report's period, one row per figure.

    Columns: question (children, setting, duration, interviews), label, indicator_id,
    breakdown, then the figure's columns from `report.history` (value, numerator,
    denominator, unit, and any suppression flags). None when the dashboard has no overview.
    """
    ids = set(report.rows_of(dashboard)["indicator_id"])
    if not has_missing_overview(ids):
        return None
    figures = pd.concat([report.figures_at(indicator_id) for indicator_id in sorted(ids)], ignore_index=True)
    wanted = [("children", "Missing incidents", "incidents", ""),
              ("children", "Children who went missing", "children", ""),
              ("children", "Children missing more than once", "repeat", ""),
              ("children", "Incidents per child", "per_child", "")]
    present = set(zip(figures["indicator_id"], figures["breakdown"]))
    for setting in MISSING_SETTINGS:
        if (MISSING_IDS["incidents"], setting) in present:
            wanted += [("setting", f"{setting}: incidents", "incidents", setting),
                       ("setting", f"{setting}: children", "children", setting)]
    wanted += [("duration", band, "duration", band) for band in DURATION_BANDS]
    wanted += [("duration", "Median length (hours)", "median", ""),
               ("interviews", "Return home interviews within 72 hours", "interviews", ""),
               ("interviews", "Return home interviews offered", "offered", "")]
    rows = []
    for question, label, key, breakdown in wanted:
        indicator_id = MISSING_IDS[key]
        if indicator_id not in ids:
            continue
        match = figures[(figures["indicator_id"] == indicator_id) & (figures["breakdown"] == breakdown)]
        figure = match.iloc[0].to_dict() if not match.empty else {
            "indicator_id": indicator_id, "breakdown": breakdown, "value": np.nan, "numerator": np.nan,
            "denominator": np.nan, "unit": report.indicator(indicator_id)["unit"]}
        rows.append({"question": question, "label": label, **figure})
    return pd.DataFrame(rows)


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
