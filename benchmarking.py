"""Benchmark a local authority against England, its region and its statistical neighbours.

Works on the tidy table `data_loaders.ees.load_ees` returns. A missing or suppressed figure is
None (or NaN in a table), never 0. Rank 1 is the best authority by the indicator's polarity; ties
share the better rank. Quartile A is the best quarter, cut at the 25th, 50th and 75th percentiles
of all authorities' figures (numpy's default linear interpolation, "type 7"); a figure exactly on
a cut goes to the better band. A joint return (Kingston upon Thames and Richmond upon Thames in the
workforce census) is one figure: each member shows it, but it is ranked and counted once.

The neighbours' figure is worked out as DfE's Children's Social Care outcomes and enablers dashboard
does: the median of the neighbours that have a figure, rounded half up to the number of decimal places
DfE publishes the measure at (read from the published figures themselves). The mean, as DfE's LAIT
tool shows it, is rounded the same way. An authority with no figure of its own that year (it did not
exist yet, or the figure is `z`, not applicable) gets no neighbours' figure, rank or quartile.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_loaders.ees import REFERENCES, REGIONS
from data_loaders.model import POLARITIES
from periods import parse_period
from units import round_half_away

NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
DEFAULT_REGION_CODE = "E12000008"  # South East, for a fictional authority with no published row
QUARTILES = ("A", "B", "C", "D")
NEIGHBOUR_AVERAGES = {"median": "Median (as DfE's CSC outcomes and enablers dashboard)",
                      "mean": "Mean (as DfE's LAIT)"}
DEFAULT_NEIGHBOUR_AVERAGE = "median"  # the one DfE's current dashboard shows
NOT_APPLICABLE = "z"  # DfE's symbol for a figure that does not apply, e.g. an authority not yet created
MAX_DECIMALS = 6
# The columns a comparison reads; filter columns are dropped first, as copying them made it slow.
_PYTHON_STR = pd.StringDtype("python", na_value=np.nan)  # `str` held as Python strings: cheaper to subset often
_COMPARED_COLUMNS = ["period", "geographic_level", "la_code", "la_name", "region_code", "joint_return", "measure",
                     "value", "symbol"]

COMPARATOR_TABLE_COLUMNS = {
    "indicator_id": "str", "breakdown": "str", "period": "str", "la_value": "float64", "la_symbol": "str",
    "england": "float64", "england_symbol": "str", "region": "float64", "region_symbol": "str",
    "sn_mean": "float64", "sn_median": "float64", "sn_count": "Int64", "rank": "Int64", "n_las": "Int64",
    "quartile": "str", "joint_return": "str", "decimals": "Int64", "reference": "str", "source": "str",
    "measure_label": "str", "note": "str",
}


def benchmark(ees: pd.DataFrame, la_code: str | None, measure: str, period: str, polarity: str,
              neighbours: Sequence[str], region_code: str | None = None) -> dict:
    """The authority's figure beside England, its region, its neighbours and its rank among all authorities.

    `ees` must already be narrowed to one filter combination. `region_code` is used only when
    the authority has no row of its own (see `authority_region`). `sn_median` and `sn_mean` are
    rounded half up to `decimals`, the places DfE publishes the measure at; `joint_return` names
    the joint return the authority's figure belongs to ("" for its own).
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity '{polarity}' is not one of {', '.join(POLARITIES)}")
    of_measure = ees[ees["measure"] == measure]
    facts = _measure_facts(ees, of_measure, str(la_code or ""), region_code)
    return _benchmark_year(of_measure[of_measure["period"] == period], facts, polarity, neighbours)


def comparators_from_ees(ees: pd.DataFrame, mapping: pd.DataFrame, la_code: str | None,
                         neighbours: Sequence[str], region_code: str = DEFAULT_REGION_CODE,
                         polarities: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One benchmark row for every mapping row and every period the data has for it.

    `mapping` is `load_comparators_map`'s table (filters parsed into dicts). The polarity is the mapping's
    `polarity_override`, else `polarities[indicator_id]` (the app's catalogue), else neutral. `region_code`
    is the region for an authority with no published row (`authority_region` gives it for any authority).
    """
    records = []
    for row in mapping.itertuples(index=False):
        subset = _compared(_mapped_rows(ees, row.dataset, row.measure, row.filters, row.indicator_id))
        polarity = row.polarity_override or (polarities or {}).get(row.indicator_id, "neutral")
        if polarity not in POLARITIES:
            raise ValueError(f"polarity '{polarity}' is not one of {', '.join(POLARITIES)}")
        facts = _measure_facts(subset, subset, str(la_code or ""), region_code)
        for period, rows in subset.groupby("period", sort=True):
            result = _benchmark_year(rows, facts, polarity, neighbours)
            records.append({
                "indicator_id": row.indicator_id, "breakdown": row.breakdown, "period": period,
                "la_value": result["value"], "la_symbol": result["symbol"],
                "england": result["england"], "england_symbol": result["england_symbol"],
                "region": result["region"], "region_symbol": result["region_symbol"],
                "sn_mean": result["sn_mean"], "sn_median": result["sn_median"], "sn_count": result["sn_count"],
                "rank": result["rank"], "n_las": result["n_las"], "quartile": result["quartile"] or "",
                "joint_return": result["joint_return"], "decimals": result["decimals"], "reference": row.reference,
                "source": source_words(row.source_label, period),
                "measure_label": measure_label(row.measure, row.filters), "note": row.note,
            })
    table = pd.DataFrame(records, columns=list(COMPARATOR_TABLE_COLUMNS))
    return table.astype(COMPARATOR_TABLE_COLUMNS).reset_index(drop=True)


def _compared(rows: pd.DataFrame) -> pd.DataFrame:
    """Only the columns a comparison reads (those the table has), ready to be cut into years many times."""
    compared = rows[[column for column in _COMPARED_COLUMNS if column in rows.columns]]
    return compared.astype({column: _PYTHON_STR for column in compared.columns if column != "value"})


@dataclass(frozen=True)
class _MeasureFacts:
    """What every year of one measure shares: the authority, its region, names and published places."""

    la_code: str
    region_code: str
    names: dict[str, str]
    decimals: int | None


def _measure_facts(ees: pd.DataFrame, of_measure: pd.DataFrame, la_code: str,
                   region_code: str | None) -> _MeasureFacts:
    """The authority's region (its own latest row, else `region_code`), every name, the published places."""
    names = ees.drop_duplicates("la_code")
    return _MeasureFacts(la_code, _region_code(ees, la_code) or region_code or "",
                         dict(zip(names["la_code"], names["la_name"])), published_decimals(of_measure["value"]))


def _benchmark_year(rows: pd.DataFrame, facts: _MeasureFacts, polarity: str, neighbours: Sequence[str]) -> dict:
    """`benchmark`'s result from one year's rows of one measure."""
    authorities = rows[rows["geographic_level"] == LOCAL_AUTHORITY]
    duplicated = authorities["la_code"][authorities["la_code"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"{rows['measure'].iloc[0]} {rows['period'].iloc[0]} has several rows for authority "
                         f"{duplicated.iloc[0]}: narrow the table to one filter combination first")
    figures = {code: (None if pd.isna(value) else float(value), str(symbol)) for code, value, symbol
               in zip(authorities["la_code"], authorities["value"], authorities["symbol"])}
    value, symbol = figures.get(facts.la_code, (None, ""))
    regions = rows[(rows["geographic_level"] == REGIONAL) & (rows["region_code"] == facts.region_code)]
    england, england_symbol = _figure(rows[rows["geographic_level"] == NATIONAL])
    region, region_symbol = _figure(regions)
    neighbour_values = [(code, facts.names.get(code, ""), *figures.get(code, (None, ""))) for code in neighbours]
    exists = facts.la_code in figures and symbol != NOT_APPLICABLE
    neighbour_numbers = [figure for _, _, figure, _ in neighbour_values if figure is not None] if exists else []
    numbers = _one_row_per_return(authorities)["value"].dropna().to_numpy()
    rank, quartile = _rank_and_quartile(value, numbers, polarity)
    return {
        "value": value, "symbol": symbol,
        "england": england, "england_symbol": england_symbol,
        "region": region, "region_symbol": region_symbol, "region_code": facts.region_code,
        "sn_mean": _rounded(np.mean(neighbour_numbers), facts.decimals) if neighbour_numbers else None,
        "sn_median": _rounded(np.median(neighbour_numbers), facts.decimals) if neighbour_numbers else None,
        "sn_count": len(neighbour_numbers),
        "rank": rank, "n_las": len(numbers), "quartile": quartile,
        "joint_return": _joint_return_name(authorities, facts.la_code),
        "decimals": facts.decimals,
        "neighbour_values": neighbour_values,
    }


def source_words(label: str, period: str) -> str:
    """A map's source label for one year: {period} -> `2024-25`, {year} -> DfE's reporting year `2025`."""
    return label.replace("{period}", period).replace("{year}", str(parse_period(period).fy_start + 1))


def reference_date(period: str, reference: str) -> pd.Timestamp:
    """The date a published figure is for: 31 March or 30 September at the end of DfE's reporting year.

    `2024-25` is DfE's reporting year 2025: `year to 31 March` -> 31 March 2025, `at 30 September` ->
    30 September 2025 (the workforce census). A figure typed into a return (no reference) is 31 March.
    """
    month, day = REFERENCES.get(reference, REFERENCES["year to 31 March"])
    return pd.Timestamp(parse_period(period).fy_start + 1, month, day)


def published_period_words(period: str, reference: str) -> str:
    """Words for a published figure's date: `year to 31 March 2025`, `at 30 September 2025`; else the period."""
    if reference not in REFERENCES:
        return period
    when = reference_date(period, reference)
    return f"{reference} {when.year}"


def published_decimals(values) -> int | None:
    """The decimal places DfE publishes a measure at: the fewest that hold every published figure exactly.

    Whole numbers (looked-after rates, care-leaver and placement percentages) give 0; re-referral and
    workforce rates 1. None when there is no figure at all.
    """
    numbers = np.asarray(values, dtype="float64")
    numbers = numbers[~np.isnan(numbers)]
    if not numbers.size:
        return None
    return next((places for places in range(MAX_DECIMALS)
                 if np.allclose(numbers, np.round(numbers, places), rtol=0, atol=1e-9)), MAX_DECIMALS)


def authority_region(ees: pd.DataFrame, la_code: str | None, region_code: str = DEFAULT_REGION_CODE,
                     regions: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """(code, name) of the region an authority's figures are compared with, named as DfE names it.

    From the authority's latest published row (a London borough is in Inner or Outer London); else
    from `regions` (`data_loaders.ees.load_authority_regions`); else `region_code`, the return's own
    region for a fictional authority. The name comes from the published rows, else ONS's name.
    """
    la_code = str(la_code or "")
    code = _region_code(ees, la_code) or (regions or {}).get(la_code, ("", ""))[0] or region_code
    named = ees.loc[(ees["region_code"] == code) & ees["region_name"].ne(""), "region_name"] \
        if "region_name" in ees.columns else pd.Series(dtype="str")
    return code, str(named.iloc[-1]) if len(named) else REGIONS.get(code, "Region")


def measure_label(measure: str, filters: Mapping[str, str]) -> str:
    """Words for a measure: `care_leaver_percent` + filters -> `Care leaver percent: 19 to 21 years, ...`."""
    words = measure.replace("_", " ") if " " not in measure else measure
    label = words[:1].upper() + words[1:]
    slices = [value for value in filters.values() if value != measure]
    return f"{label}: {', '.join(slices)}" if slices else label


def _figure(rows: pd.DataFrame) -> tuple[float | None, str]:
    """(value or None, symbol) of the only row (England's, a region's); (None, "") when there is none."""
    if rows.empty:
        return None, ""
    row = rows.iloc[0]
    return (None if pd.isna(row["value"]) else float(row["value"])), str(row["symbol"])


def _region_code(ees: pd.DataFrame, la_code: str) -> str:
    """The region of the authority's latest row, or "" when it has none."""
    rows = ees[(ees["geographic_level"] == LOCAL_AUTHORITY) & (ees["la_code"] == la_code)]
    return str(rows.sort_values("period")["region_code"].iloc[-1]) if la_code and not rows.empty else ""


def _rounded(number: float, decimals: int | None) -> float:
    """A neighbours' average rounded half up, as DfE rounds it, to the places the measure is published at."""
    return float(round_half_away(number, MAX_DECIMALS if decimals is None else decimals))


def _joint_rows(authorities: pd.DataFrame) -> pd.Series:
    """Which authority rows are a member's share of a joint return."""
    if "joint_return" not in authorities.columns:
        return pd.Series(False, index=authorities.index)
    return authorities["joint_return"].fillna("").ne("")


def _one_row_per_return(authorities: pd.DataFrame) -> pd.DataFrame:
    """The authority rows with a joint return kept once (its first member), for ranking and counting."""
    joint = _joint_rows(authorities)
    return authorities[~joint | ~authorities["joint_return"].duplicated()] if joint.any() else authorities


def _joint_return_name(authorities: pd.DataFrame, la_code: str) -> str:
    """`Kingston upon Thames and Richmond upon Thames (joint return)` for a member's row; "" otherwise."""
    joint = _joint_rows(authorities)
    mine = authorities[joint & (authorities["la_code"] == la_code)]
    if mine.empty:
        return ""
    members = authorities.loc[joint & (authorities["joint_return"] == mine["joint_return"].iloc[0]), "la_name"]
    names = list(dict.fromkeys(members))
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} (joint return)"


def _rank_and_quartile(value: float | None, numbers: np.ndarray, polarity: str) -> tuple[int | None, str | None]:
    """Rank (1 = best, ties share the better rank) and quartile band A-D; None for neutral or no figure."""
    if value is None or polarity == "neutral" or len(numbers) == 0:
        return None, None
    lower, middle, upper = np.percentile(numbers, [25, 50, 75])
    if polarity == "higher_is_better":
        rank = 1 + int((numbers > value).sum())
        band = 0 if value >= upper else 1 if value >= middle else 2 if value >= lower else 3
    else:
        rank = 1 + int((numbers < value).sum())
        band = 0 if value <= lower else 1 if value <= middle else 2 if value <= upper else 3
    return rank, QUARTILES[band]


def _mapped_rows(ees: pd.DataFrame, dataset: str, measure: str, filters: Mapping[str, str],
                 indicator_id: str) -> pd.DataFrame:
    """The rows of one mapping: its measure, dataset (if given) and filters; ValueError if still ambiguous."""
    keep = ees["measure"] == measure
    if dataset:
        keep &= ees["dataset"] == dataset
    for column, wanted in filters.items():
        keep &= (ees[column] == wanted) if column in ees.columns else False
    subset = ees[keep]
    key = ["period", "geographic_level", "la_code", "region_code"]
    clash = subset.duplicated(key, keep=False)
    if clash.any():
        spread = subset[clash].drop(columns=["value", "symbol"]).groupby(key).nunique().max()
        raise ValueError(f"{indicator_id} '{measure}' matches several rows per authority and period; "
                         f"add a filter or dataset for: {', '.join(spread[spread > 1].index) or 'repeated rows'}")
    return subset


def combine_published(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several load_ees tables as one; where two give the same figure, the later (newer upload) wins.

    The same figure from a bundled extract and an uploaded full file counts as one, whatever
    the files were called, so the dataset name is not part of what makes a figure the same.
    """
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=["dataset", "period", "geographic_level", "la_code", "measure", "value", "symbol"])
    combined = pd.concat(frames, ignore_index=True)
    text = [column for column in combined.columns if column not in ("value", "symbol")]
    combined[text] = combined[text].fillna("")
    same_figure = [column for column in text if column != "dataset"]
    return combined.drop_duplicates(subset=same_figure, keep="last").reset_index(drop=True)


def authority_figures(ees: pd.DataFrame, mapping_row, period: str, neighbours: Sequence[str]) -> pd.DataFrame:
    """Every authority's published figure for one mapped measure and year, neighbours marked, best first.

    A joint return is one row: code `314 / 318`, name `Kingston upon Thames and Richmond upon Thames
    (joint return)`, marked with its closest member's neighbour rank.
    """
    rows = _mapped_rows(ees, mapping_row.dataset, mapping_row.measure, mapping_row.filters, mapping_row.indicator_id)
    rows = rows[(rows["period"] == period) & (rows["geographic_level"] == LOCAL_AUTHORITY)]
    order = {code: position for position, code in enumerate(neighbours, start=1)}
    ranks = rows["la_code"].map(order)
    joint = _joint_rows(rows)
    if joint.any():
        returns = rows["joint_return"].where(joint, rows["la_code"])
        ranks = ranks.groupby(returns).transform("min")
        rows = rows.assign(la_name=[_joint_return_name(rows, code) if is_joint else name
                                    for code, name, is_joint in zip(rows["la_code"], rows["la_name"], joint)],
                           la_code=returns)
        keep = ~joint | ~rows["la_code"].duplicated()
        rows, ranks = rows[keep], ranks[keep]
    return pd.DataFrame({
        "la_code": rows["la_code"], "la_name": rows["la_name"], "value": rows["value"], "symbol": rows["symbol"],
        "neighbour_rank": ranks.astype("Int64"),
    }).sort_values("value", na_position="last").reset_index(drop=True)


def merge_comparators(typed: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Comparators typed into the return, overridden by published DfE figures for the same year.

    Typed rows carry England, region and a single neighbour figure (taken as the mean).
    """
    from_return = pd.DataFrame({
        "indicator_id": typed["indicator_id"], "breakdown": "", "period": typed["period"],
        "england": typed["england"], "region": typed["region"], "sn_mean": typed["statistical_neighbours"],
        "source": typed["source"],
    })
    combined = pd.concat([from_return.reindex(columns=list(COMPARATOR_TABLE_COLUMNS)), published],
                         ignore_index=True)
    for column, dtype in COMPARATOR_TABLE_COLUMNS.items():
        combined[column] = combined[column].fillna("") if dtype == "str" else combined[column]
    combined = combined.astype(COMPARATOR_TABLE_COLUMNS)
    return combined.drop_duplicates(["indicator_id", "breakdown", "period"], keep="last").reset_index(drop=True)


def comparator_points(table: pd.DataFrame, indicator_id: str, average: str = DEFAULT_NEIGHBOUR_AVERAGE,
                      breakdown: str = "") -> pd.DataFrame:
    """An indicator's comparators as chart points, each dated by its reference (`reference_date`).

    A workforce figure sits at 30 September, the census date; every other at 31 March. `when` gives
    the words for the date (`at 30 September 2025`) and `decimals` the places DfE publishes it at, for
    a tooltip or a label.
    """
    rows = table[(table["indicator_id"] == indicator_id) & (table["breakdown"] == breakdown)]
    series = {"Published (this authority)": "la_value", "England": "england", "Region": "region",
              "Statistical neighbours": f"sn_{average}"}
    rows = rows.reindex(columns=list(dict.fromkeys([*rows.columns, "reference", "decimals"])))
    other = "sn_mean" if average == "median" else "sn_median"
    points = []
    for row in rows.itertuples(index=False):
        for name, column in series.items():
            figure = getattr(row, column)
            if column.startswith("sn_") and pd.isna(figure):
                figure = getattr(row, other)  # a neighbour figure typed into a return is a mean
            if not pd.isna(figure):
                points.append({"period": row.period, "period_end": reference_date(row.period, row.reference),
                               "when": published_period_words(row.period, row.reference), "series": name,
                               "value": float(figure), "decimals": row.decimals, "source": row.source})
    columns = ["period", "period_end", "when", "series", "value", "decimals", "source"]
    return pd.DataFrame(points, columns=columns).astype({"decimals": "Int64"})
