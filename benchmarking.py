"""Benchmark a local authority against England, its region and its statistical neighbours.

Works on the tidy table `data_loaders.ees.load_ees` returns. A missing or suppressed figure is
None (or NaN in a table), never 0. Rank 1 is the best authority by the indicator's polarity; ties
share the better rank. Quartile A is the best quarter, cut at the 25th, 50th and 75th percentiles
of all authorities' figures (numpy's default linear interpolation, "type 7"); a figure exactly on
a cut goes to the better band.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from data_loaders.model import POLARITIES

NATIONAL = "National"
REGIONAL = "Regional"
LOCAL_AUTHORITY = "Local authority"
DEFAULT_REGION_CODE = "E12000008"  # South East, for a fictional authority with no published row
QUARTILES = ("A", "B", "C", "D")

COMPARATOR_TABLE_COLUMNS = {
    "indicator_id": "str", "breakdown": "str", "period": "str", "la_value": "float64", "la_symbol": "str",
    "england": "float64", "england_symbol": "str", "region": "float64", "region_symbol": "str",
    "sn_mean": "float64", "sn_median": "float64", "sn_count": "Int64", "rank": "Int64", "n_las": "Int64",
    "quartile": "str", "source": "str", "measure_label": "str",
}


def benchmark(ees: pd.DataFrame, la_code: str | None, measure: str, period: str, polarity: str,
              neighbours: Sequence[str], region_code: str | None = None) -> dict:
    """The authority's figure beside England, its region, its neighbours and its rank among all authorities.

    `ees` must already be narrowed to one filter combination. `region_code` is used only when
    the authority has no row of its own (a fictional authority).
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity '{polarity}' is not one of {', '.join(POLARITIES)}")
    rows = ees[(ees["measure"] == measure) & (ees["period"] == period)]
    authorities = rows[rows["geographic_level"] == LOCAL_AUTHORITY]
    duplicated = authorities["la_code"][authorities["la_code"].duplicated()]
    if not duplicated.empty:
        raise ValueError(f"{measure} {period} has several rows for authority {duplicated.iloc[0]}: "
                         "narrow the table to one filter combination first")
    by_code = authorities.set_index("la_code")
    la_code = str(la_code or "")
    value, symbol = _figure(by_code, la_code)
    region_code = _region_code(ees, la_code) or region_code or ""
    regions = rows[(rows["geographic_level"] == REGIONAL) & (rows["region_code"] == region_code)]
    england, england_symbol = _figure(rows[rows["geographic_level"] == NATIONAL], None)
    region, region_symbol = _figure(regions, None)
    names = ees.drop_duplicates("la_code").set_index("la_code")["la_name"]
    neighbour_values = [(code, names.get(code, ""), *_figure(by_code, code)) for code in neighbours]
    neighbour_numbers = [figure for _, _, figure, _ in neighbour_values if figure is not None]
    numbers = by_code["value"].dropna().to_numpy()
    rank, quartile = _rank_and_quartile(value, numbers, polarity)
    return {
        "value": value, "symbol": symbol,
        "england": england, "england_symbol": england_symbol,
        "region": region, "region_symbol": region_symbol, "region_code": region_code,
        "sn_mean": float(np.mean(neighbour_numbers)) if neighbour_numbers else None,
        "sn_median": float(np.median(neighbour_numbers)) if neighbour_numbers else None,
        "sn_count": len(neighbour_numbers),
        "rank": rank, "n_las": len(numbers), "quartile": quartile,
        "neighbour_values": neighbour_values,
    }


def comparators_from_ees(ees: pd.DataFrame, mapping: pd.DataFrame, la_code: str | None,
                         neighbours: Sequence[str], region_code: str = DEFAULT_REGION_CODE,
                         polarities: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One benchmark row for every mapping row and every period the data has for it.

    `mapping` is `load_comparators_map`'s table (filters parsed into dicts). The polarity is the mapping's
    `polarity_override`, else `polarities[indicator_id]` (the app's catalogue), else neutral.
    """
    records = []
    for row in mapping.itertuples(index=False):
        subset = _mapped_rows(ees, row.dataset, row.measure, row.filters, row.indicator_id)
        polarity = row.polarity_override or (polarities or {}).get(row.indicator_id, "neutral")
        for period in sorted(subset["period"].unique()):
            result = benchmark(subset, la_code, row.measure, period, polarity, neighbours, region_code)
            records.append({
                "indicator_id": row.indicator_id, "breakdown": row.breakdown, "period": period,
                "la_value": result["value"], "la_symbol": result["symbol"],
                "england": result["england"], "england_symbol": result["england_symbol"],
                "region": result["region"], "region_symbol": result["region_symbol"],
                "sn_mean": result["sn_mean"], "sn_median": result["sn_median"], "sn_count": result["sn_count"],
                "rank": result["rank"], "n_las": result["n_las"], "quartile": result["quartile"] or "",
                "source": row.source_label.replace("{period}", period),
                "measure_label": measure_label(row.measure, row.filters),
            })
    table = pd.DataFrame(records, columns=list(COMPARATOR_TABLE_COLUMNS))
    return table.astype(COMPARATOR_TABLE_COLUMNS).reset_index(drop=True)


def measure_label(measure: str, filters: Mapping[str, str]) -> str:
    """Words for a measure: `care_leaver_percent` + filters -> `Care leaver percent: 19 to 21 years, ...`."""
    words = measure.replace("_", " ") if " " not in measure else measure
    label = words[:1].upper() + words[1:]
    slices = [value for value in filters.values() if value != measure]
    return f"{label}: {', '.join(slices)}" if slices else label


def _figure(rows: pd.DataFrame, la_code: str | None) -> tuple[float | None, str]:
    """(value or None, symbol) of the row for `la_code` (or the only row); (None, "") when there is none."""
    if la_code is not None:
        if la_code not in rows.index:
            return None, ""
        row = rows.loc[la_code]
    elif rows.empty:
        return None, ""
    else:
        row = rows.iloc[0]
    return (None if pd.isna(row["value"]) else float(row["value"])), str(row["symbol"])


def _region_code(ees: pd.DataFrame, la_code: str) -> str:
    """The region of the authority's latest row, or "" when it has none."""
    rows = ees[(ees["geographic_level"] == LOCAL_AUTHORITY) & (ees["la_code"] == la_code)]
    return str(rows.sort_values("period")["region_code"].iloc[-1]) if la_code and not rows.empty else ""


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
    """Every authority's published figure for one mapped measure and year, neighbours marked, best first."""
    rows = _mapped_rows(ees, mapping_row.dataset, mapping_row.measure, mapping_row.filters, mapping_row.indicator_id)
    rows = rows[(rows["period"] == period) & (rows["geographic_level"] == LOCAL_AUTHORITY)]
    order = {code: position for position, code in enumerate(neighbours, start=1)}
    return pd.DataFrame({
        "la_code": rows["la_code"], "la_name": rows["la_name"], "value": rows["value"], "symbol": rows["symbol"],
        "neighbour_rank": rows["la_code"].map(order).astype("Int64"),
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


def comparator_points(table: pd.DataFrame, indicator_id: str, average: str = "mean",
                      breakdown: str = "") -> pd.DataFrame:
    """An indicator's comparators as chart points dated 31 March at the end of each financial year."""
    rows = table[(table["indicator_id"] == indicator_id) & (table["breakdown"] == breakdown)]
    series = {"Published (this authority)": "la_value", "England": "england", "Region": "region",
              "Statistical neighbours": f"sn_{average}"}
    points = [
        {"period": row.period, "period_end": pd.Timestamp(int(row.period[:4]) + 1, 3, 31), "series": name,
         "value": float(getattr(row, column)), "source": row.source}
        for row in rows.itertuples(index=False) for name, column in series.items()
        if not pd.isna(getattr(row, column))]
    return pd.DataFrame(points, columns=["period", "period_end", "series", "value", "source"])
