"""Disclosure control: one pass that decides every figure the public may see (committee mode, the pack).

A count of 1 to 5 children (DfE convention) is withheld, shown as `c`. Then, repeatedly until nothing
changes, anything from which a withheld count could be worked out is withheld too:

- a total or a part whose siblings are known (breakdowns that add up to their total), for counts,
  numerators and denominators alike;
- a month or a quarter whose siblings or container are known (months add up to quarters and years;
  a quarter's snapshot is its last month's), and the like-for-like comparison sums (July to August);
- where the withheld parts of a known sum add up to 5 or fewer (which would bound each part), the next
  smallest part, or else the sum;
- anything else that linear algebra says still determines a withheld figure exactly.

The cells of every frequency are protected together, once per return, so a monthly pack and a
quarterly pack can never be subtracted from each other. A percentage, rate or average over a withheld
count, a median over a withheld group (the dashboard's counts for the same breakdown and period), the
RAG word of a withheld figure and the direction between withheld figures are withheld as well.
Indicators that do not count children (`suppress_small_numbers` false, e.g. the workforce) are shown
as they are.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

import indicators
from periods import MONTHS_IN, parse_period, span_key

SMALLEST, LARGEST = 1, 5
SYMBOL = "c"
NOT_COMPARED = f"not compared: a figure is withheld ({SYMBOL})"  # why a public view gives no direction
WITHHELD = "withheld"
FOOTNOTE = ("c = a number from 1 to 5, or a figure that would reveal one, is not shown to protect "
            "children's privacy (Department for Education convention).")
MEASURES = ("numerator", "denominator")
_LEVEL = {"month": 0, "span": 1, "quarter": 2, "year": 3}
_CANDIDATES_TRIED = 6


def is_small(numbers: pd.Series) -> pd.Series:
    """True where a count would be shown as 1 to 5."""
    rounded = np.floor(pd.to_numeric(numbers, errors="coerce").abs() + 0.5)
    return rounded.between(SMALLEST, LARGEST)


@dataclass(frozen=True)
class Protection:
    """What is withheld: one row per (indicator_id, breakdown, key) with any flag set, where `key` is a
    period label or a span key; columns numerator_c, denominator_c and value_c."""

    withheld: pd.DataFrame

    def flags(self, indicator_ids: pd.Series, breakdowns: pd.Series, keys: pd.Series) -> pd.DataFrame:
        """The three flags for each (indicator, breakdown, key) given, False where nothing is withheld."""
        wanted = pd.DataFrame({"indicator_id": indicator_ids.to_numpy(), "breakdown": breakdowns.to_numpy(),
                               "key": keys.to_numpy()})
        found = wanted.merge(self.withheld, on=["indicator_id", "breakdown", "key"], how="left")
        return found[["numerator_c", "denominator_c", "value_c"]].fillna(False).astype(bool) \
            .set_axis(indicator_ids.index)


@dataclass(eq=False)
class _Cell:
    """One published figure of one measure: which unknowns it adds up, its amount, and where it is shown.

    Each cell is one object (figures with the same sum share it), so cells compare by identity."""

    keys: list[tuple[str, str]]  # (breakdown, key)
    vector: np.ndarray
    amount: float
    level: int
    is_total: bool
    hidden: bool = False


def protect(ret) -> Protection:
    """Decide, once for the whole return, which published figures are withheld (see the module docstring)."""
    catalogue = ret.indicators.set_index("indicator_id")
    own = indicators.period_values(ret, "month")
    coarser = pd.concat([indicators.period_values(ret, "quarter"), indicators.period_values(ret, "year")],
                        ignore_index=True)
    coarser = coarser[coarser["frequency"] != coarser["indicator_id"].map(_own_frequency(own))]
    found = []
    for indicator_id, rows in own.groupby("indicator_id", sort=False):
        indicator = catalogue.loc[indicator_id]
        if not _suppresses(indicator) or not _measured(indicator, rows):
            continue
        rolled = coarser[coarser["indicator_id"] == indicator_id]
        flags = {}
        for measure in _measures(indicator):
            flags[measure] = _protect_measure(rows, rolled, indicator["aggregation"], measure)
        found.append(_flag_frame(indicator_id, indicator["unit"], flags))
    withheld = pd.concat(found, ignore_index=True) if found else _empty_flags()
    withheld = _withhold_group_figures(ret, own, coarser, withheld)
    return Protection(withheld[withheld[["numerator_c", "denominator_c", "value_c"]].any(axis=1)]
                      .reset_index(drop=True))


def _own_frequency(own: pd.DataFrame) -> pd.Series:
    """Each indicator's own frequency (that of its figures by month, or its coarser own periods)."""
    return own.drop_duplicates("indicator_id").set_index("indicator_id")["frequency"]


def _suppresses(indicator: pd.Series) -> bool:
    """Whether an indicator counts children (the catalogue says otherwise for, say, the workforce)."""
    return bool(indicator.get("suppress_small_numbers", True))


def _measured(indicator: pd.Series, rows: pd.DataFrame) -> bool:
    """Whether an indicator has counts to protect (a median given alone has none of its own)."""
    return indicator["unit"] == "count" or rows["numerator"].notna().any()


def _measures(indicator: pd.Series) -> tuple[str, ...]:
    """The counts behind an indicator's figures: its value for a count, else numerator and denominator."""
    return ("value",) if indicator["unit"] == "count" else MEASURES


def _empty_flags() -> pd.DataFrame:
    """An empty table of withheld flags."""
    return pd.DataFrame({"indicator_id": pd.Series(dtype="str"), "breakdown": pd.Series(dtype="str"),
                         "key": pd.Series(dtype="str"), "numerator_c": pd.Series(dtype="bool"),
                         "denominator_c": pd.Series(dtype="bool"), "value_c": pd.Series(dtype="bool")})


def _flag_frame(indicator_id: str, unit: str, flags: dict[str, set[tuple[str, str]]]) -> pd.DataFrame:
    """Withheld (breakdown, key) sets per measure as one flag table; a ratio is withheld with either count."""
    keys = sorted(set().union(*flags.values()))
    if not keys:
        return _empty_flags()
    frame = pd.DataFrame(keys, columns=["breakdown", "key"])
    pairs = list(zip(frame["breakdown"], frame["key"]))
    if unit == "count":
        frame["value_c"] = frame["numerator_c"] = [pair in flags["value"] for pair in pairs]
        frame["denominator_c"] = False
    else:
        frame["numerator_c"] = [pair in flags["numerator"] for pair in pairs]
        frame["denominator_c"] = [pair in flags["denominator"] for pair in pairs]
        frame["value_c"] = frame["numerator_c"] | frame["denominator_c"]
    return frame.assign(indicator_id=indicator_id)[list(_empty_flags().columns)]


def _protect_measure(own: pd.DataFrame, rolled: pd.DataFrame, aggregation: str, measure: str) -> set:
    """The (breakdown, key) cells of one count measure of one indicator that must be withheld."""
    amounts = own[["breakdown", "period", "period_start", measure]].dropna(subset=[measure])
    if amounts.empty or not is_small(amounts[measure]).any() and not is_small(
            rolled[measure].dropna() if measure in rolled else pd.Series(dtype="float64")).any():
        return set()
    unknowns, atoms = _unknowns(amounts, measure)
    cells, relations = _cells(amounts, rolled, atoms, len(unknowns), aggregation, measure)
    small = is_small(pd.Series([cell.amount for cell in cells]))
    for cell, hidden in zip(cells, small):
        cell.hidden = bool(hidden)
    for component in _components(cells, len(unknowns)):  # figures no sum ties together are protected apart
        inside = [relation for relation in relations if relation[0] in component]
        while _protect_intervals(component, inside) | _protect_linear(component):
            pass
    return {key for cell in cells if cell.hidden for key in cell.keys}


def _unknowns(amounts: pd.DataFrame, measure: str) -> tuple[list, dict]:
    """The independent figures (unknowns) and each own-period figure as a list of unknowns it adds up.

    Where a period's breakdowns add up to its total, the total is their sum; otherwise (no breakdowns,
    or ones that overlap, like children missing from home and from care) it is a figure of its own.
    """
    by_period: dict[str, dict[str, float]] = {}
    for breakdown, period, amount in zip(amounts["breakdown"], amounts["period"], amounts[measure]):
        by_period.setdefault(period, {})[breakdown] = amount
    unknowns, atoms = [], {}
    for period, figures in by_period.items():
        parts = [breakdown for breakdown in figures if breakdown]
        for breakdown in parts:
            atoms[(breakdown, period)] = [len(unknowns)]
            unknowns.append((breakdown, period))
        if "" in figures:
            total = figures[""]
            adds_up = bool(parts) and abs(total - sum(figures[part] for part in parts)) <= 1e-6 * max(1.0, abs(total))
            if adds_up:
                atoms[("", period)] = [atoms[(part, period)][0] for part in parts]
            else:
                atoms[("", period)] = [len(unknowns)]
                unknowns.append(("", period))
    return unknowns, atoms


def _vector(atoms: dict, size: int, keys: list[tuple[str, str]]) -> np.ndarray:
    """The sum of some own-period figures as a vector over the unknowns."""
    vector = np.zeros(size)
    for key in keys:
        vector[atoms[key]] += 1.0
    return vector


def _cells(amounts: pd.DataFrame, rolled: pd.DataFrame, atoms: dict, size: int, aggregation: str,
           measure: str) -> tuple[list[_Cell], list[tuple[_Cell, list[_Cell]]]]:
    """Every published figure of the measure (own periods, quarters and years, like-for-like sums), and
    each sum with the published figures it adds up (a total and its breakdowns, a quarter and its months).

    Figures with the same vector are one cell shown in several places.
    """
    by_vector: dict[bytes, _Cell] = {}
    relations = []

    def add(breakdown: str, key: str, parts: list[tuple[str, str]], amount: float, level: int) -> _Cell:
        vector = _vector(atoms, size, parts)
        signature = vector.tobytes()
        if signature in by_vector:
            by_vector[signature].keys.append((breakdown, key))
        else:
            by_vector[signature] = _Cell([(breakdown, key)], vector, float(amount), level, breakdown == "")
        return by_vector[signature]

    placed = {}
    for row in amounts.itertuples(index=False):
        placed[(row.breakdown, row.period)] = add(row.breakdown, row.period, [(row.breakdown, row.period)],
                                                  getattr(row, measure), _LEVEL["month"])
    for period, rows in amounts.groupby("period", sort=False):
        parts = [placed[(breakdown, period)] for breakdown in rows["breakdown"] if breakdown]
        if ("", period) in placed and parts and len(atoms[("", period)]) > 1:
            relations.append((placed[("", period)], parts))
    periods = amounts.sort_values("period_start").groupby("breakdown")["period"].apply(list).to_dict()
    starts = dict(zip(amounts["period"], amounts["period_start"]))
    latest_only = aggregation == "last" or (aggregation == "sum_numerator" and measure == "denominator")
    wholes = {}
    for row in rolled.dropna(subset=[measure]).itertuples(index=False):
        end = row.period_start + pd.DateOffset(months=MONTHS_IN[row.frequency])
        covered = [label for label in periods.get(row.breakdown, []) if row.period_start <= starts[label] < end]
        if not covered:
            continue
        parts = covered[-1:] if latest_only else covered
        whole = add(row.breakdown, row.period, [(row.breakdown, label) for label in parts], getattr(row, measure),
                    _LEVEL[row.frequency])
        wholes[(row.breakdown, row.period)] = whole
        if not latest_only and len(covered) > 1:
            relations.append((whole, [placed[(row.breakdown, label)] for label in covered]))
        if not row.complete and not latest_only and row.breakdown == "":
            _add_comparison_spans(add, covered, amounts, measure, row.frequency)
    for (breakdown, period), whole in wholes.items():
        parts = [cell for (other, label), cell in wholes.items() if other and label == period]
        if breakdown == "" and len(parts) > 1 and np.allclose(sum(cell.vector for cell in parts), whole.vector):
            relations.append((whole, parts))
    return list(by_vector.values()), relations


def _add_comparison_spans(add, covered: list[str], amounts: pd.DataFrame, measure: str, frequency: str) -> None:
    """The like-for-like comparisons of a partial period: its own periods one period and a year earlier."""
    totals = amounts[amounts["breakdown"] == ""].set_index("period")[measure]
    for months_back in {MONTHS_IN[frequency], 12}:
        shifted = [parse_period(label).shift(-months_back // MONTHS_IN[parse_period(label).frequency]).label
                   for label in covered]
        if all(label in totals.index for label in shifted):
            add("", span_key(shifted[0], shifted[-1]), [("", label) for label in shifted],
                totals[shifted].sum(), _LEVEL["span"])


def _components(cells: list[_Cell], size: int) -> list[list[_Cell]]:
    """The cells in groups that share no unknown (each financial year, mostly), each with its vectors cut
    down to its own unknowns, so the linear algebra works on small blocks."""
    parent = list(range(size))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for cell in cells:
        support = np.flatnonzero(cell.vector)
        for other in support[1:]:
            parent[root(int(other))] = root(int(support[0]))
    groups: dict[int, list[_Cell]] = {}
    for cell in cells:
        support = np.flatnonzero(cell.vector)
        if len(support):
            groups.setdefault(root(int(support[0])), []).append(cell)
    components = []
    for group in groups.values():
        columns = np.flatnonzero(np.any([cell.vector for cell in group], axis=0))
        for cell in group:
            cell.vector = cell.vector[columns]
        components.append(group)
    return components


def _protect_intervals(cells: list[_Cell], relations) -> bool:
    """Where a known sum's withheld parts add up to 1 to 5, withhold its smallest shown part that is not
    zero (hiding a zero protects nothing: 57 - 43 - 13 would still give the hidden 1), until they do not."""
    changed = False
    for whole, parts in relations:
        if whole.hidden:
            continue
        hidden = sum(part.amount for part in parts if part.hidden)
        if not 0 < hidden <= LARGEST:
            continue
        # a sum equals its parts' sum, so with every part withheld it would be 5 or fewer and withheld
        # itself: there is always a part left (the sum, for fractional figures, is the last resort)
        part = min((part for part in parts if not part.hidden and part.amount > 0), key=lambda part: part.amount,
                   default=whole)
        part.hidden = changed = True
    return changed


def _null_space(cells: list[_Cell], size: int) -> np.ndarray:
    """A basis of the unknowns' directions no published figure pins down."""
    shown = np.array([cell.vector for cell in cells if not cell.hidden]).reshape(-1, size)
    if not len(shown):
        return np.eye(size)
    _, singular, rows = np.linalg.svd(shown)
    rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
    return rows[rank:].T


def _determined(cell: _Cell, basis: np.ndarray) -> bool:
    """True when the published figures pin a withheld figure down exactly (it lies in their span)."""
    return not basis.size or bool(np.all(np.abs(cell.vector @ basis) < 1e-7))


def _protect_linear(cells: list[_Cell]) -> bool:
    """Withhold one more figure for each withheld figure the published ones still determine exactly."""
    size = len(cells[0].vector)
    basis = _null_space(cells, size)
    exposed = [cell for cell in cells if cell.hidden and _determined(cell, basis)]
    for cell in exposed:
        if not _determined(cell, _null_space(cells, size)):
            continue  # an earlier choice in this pass protected it too
        support = cell.vector > 0
        candidates = sorted((other for other in cells if not other.hidden and np.any(other.vector[support])),
                            key=lambda other: (other.amount == 0, other.is_total, other.level, other.amount))
        choice = candidates[0] if candidates else None
        for candidate in candidates[:_CANDIDATES_TRIED]:
            candidate.hidden = True
            works = not _determined(cell, _null_space(cells, size))
            candidate.hidden = False
            if works:
                choice = candidate
                break
        if choice is not None:
            choice.hidden = True
    return bool(exposed)


def _withhold_group_figures(ret, own: pd.DataFrame, coarser: pd.DataFrame, withheld: pd.DataFrame) -> pd.DataFrame:
    """Medians and averages given without counts are withheld where the count they are over is.

    They are over their dashboard's first count (dashboard 7's median length is over its missing
    incidents): a median of two incidents of one child gives away their lengths, so where that count
    is withheld for a breakdown and period, so is the median (a quarter's median is its last month's).
    """
    catalogue = ret.indicators.set_index("indicator_id")
    extra = []
    for indicator_id, rows in own.groupby("indicator_id", sort=False):
        indicator = catalogue.loc[indicator_id]
        if not _suppresses(indicator) or _measured(indicator, rows):
            continue
        counts = catalogue.index[(catalogue["dashboard"] == indicator["dashboard"]) & (catalogue["unit"] == "count")]
        if counts.empty:
            continue
        group = withheld[(withheld["indicator_id"] == counts[0]) & withheld["value_c"]]
        hidden = set(zip(group["breakdown"], group["key"]))
        keys = [(row.breakdown, row.period) for row in rows.itertuples(index=False)
                if (row.breakdown, row.period) in hidden]
        keys += [(row.breakdown, row.period) for row in coarser[coarser["indicator_id"] == indicator_id]
                 .itertuples(index=False) if (row.breakdown, row.up_to) in hidden]
        extra += [{"indicator_id": indicator_id, "breakdown": breakdown, "key": key, "numerator_c": False,
                   "denominator_c": False, "value_c": True} for breakdown, key in keys]
    return pd.concat([withheld, pd.DataFrame(extra, columns=withheld.columns)], ignore_index=True) if extra \
        else withheld


def _flagged(frame: pd.DataFrame, protection: Protection, keys: pd.Series) -> pd.DataFrame:
    """Rows of a figures table with their flags, withheld figures blanked so nothing can draw them."""
    flags = protection.flags(frame["indicator_id"], frame["breakdown"], keys)
    out = frame.assign(**{column: flags[column] for column in flags})
    for column in ("numerator", "denominator", "value"):
        out[column] = out[column].where(~out[f"{column}_c"])
    return out.assign(suppressed=out[["numerator_c", "denominator_c", "value_c"]].any(axis=1))


def public_report(report, protection: Protection | None = None):
    """A report as published: the same indicators, periods and layout, with what disclosure control
    withholds blanked and flagged (`*_c`), RAG words `withheld`, and no direction to or from a withheld
    figure. The attention list keeps only what can be said in public (see `public_reasons`)."""
    protection = protect(report.ret) if protection is None else protection
    summary = report.summary
    flags = protection.flags(summary["indicator_id"], pd.Series("", index=summary.index), summary["period"])
    out = summary.assign(**{column: flags[column] for column in flags})
    for column in ("numerator", "denominator", "value"):
        out[column] = out[column].where(~out[f"{column}_c"])
    for when in ("previous", "last_year"):
        earlier = protection.flags(summary["indicator_id"], pd.Series("", index=summary.index), summary[f"{when}_key"])
        out[f"{when}_value_c"] = earlier["value_c"]
        for column in ("value", "numerator", "denominator"):
            out[f"{when}_{column}"] = out[f"{when}_{column}"].where(~earlier[f"{column}_c"])
        hidden = earlier["value_c"] | out["value_c"]
        direction = "direction" if when == "previous" else "last_year_direction"
        moved = "movement" if when == "previous" else "last_year_movement"
        out[direction] = out[direction].where(~hidden, "")
        out[moved] = out[moved].where(~hidden, "")
    out["rag"] = out["rag"].where(~out["value_c"] | out["rag"].isin(["no target", "no data"]), WITHHELD)
    out["worsening_run"] = out["worsening_run"].where(out["direction"] != "", 0)
    out["suppressed"] = out[["numerator_c", "denominator_c", "value_c"]].any(axis=1)
    attention = _public_attention(report.attention, out)
    return dataclasses.replace(report, summary=out, attention=attention,
                               history=_flagged(report.history, protection, report.history["period"]),
                               own=_flagged(report.own, protection, report.own["period"]))


def public_reasons(reasons: list[str], row: pd.Series) -> list[str]:
    """The reasons an indicator needs attention that can be given in public without revealing a withheld
    figure: not "red" when the RAG is withheld, not "worse" when the comparison is."""
    kept = []
    for reason in reasons:
        if reason.startswith("Red") and row["rag"] == WITHHELD:
            continue
        if reason.startswith("Worse") and not row["direction"]:
            continue
        kept.append(reason)
    return kept


def _public_attention(attention: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """The attention list as published: its order, public figures, and only the reasons that can be given."""
    rows = published.set_index("indicator_id").loc[list(attention["indicator_id"])].reset_index()
    rows["reasons"] = [public_reasons(reasons, row) for reasons, (_, row) in zip(attention["reasons"], rows.iterrows())]
    return rows.loc[rows["reasons"].map(bool).astype(bool)].reset_index(drop=True)  # empty: still a mask


def withheld_anything(report) -> bool:
    """Whether a published report withholds any figure it shows (then, and only then, the footnote is due)."""
    return bool(report.summary["suppressed"].any() or report.history["suppressed"].any()
                or report.summary["previous_value_c"].any() or report.summary["last_year_value_c"].any())


def public_figures(ret, frequency: str, period=None, protection: Protection | None = None,
                   report=None) -> pd.DataFrame:
    """Every figure public views show for a period, exactly as they show it, one row per indicator,
    breakdown and period shown: the chosen period, the periods it is compared with, and for a quarter or
    year its months. Withheld figures are NaN; `rag` is `withheld` where the word would reveal one."""

    published = public_report(indicators.report(ret, frequency, period), protection)
    summary = published.summary.set_index("indicator_id")
    rows = []
    for indicator_id, row in summary.iterrows():
        history = published.history_of(indicator_id)
        chosen = history[history["period"] == row["period"]]
        for _, figure in chosen.iterrows():
            total = figure["breakdown"] == ""
            rows.append(_public_row(indicator_id, figure, row if total else None))
        for when in ("previous", "last_year"):
            key = row[f"{when}_key"]
            earlier = history[(history["period"] == key) & (history["breakdown"] == "")]
            if not earlier.empty:
                rows.append(_public_row(indicator_id, earlier.iloc[0], None))
            elif key and not pd.isna(row[f"{when}_value"]) or row.get(f"{when}_value_c", False):
                rows.append({"indicator_id": indicator_id, "breakdown": "", "period": key,
                             "value": row[f"{when}_value"], "numerator": row[f"{when}_numerator"],
                             "denominator": row[f"{when}_denominator"], "previous_value": np.nan,
                             "last_year_value": np.nan, "rag": ""})
        if frequency != "month" and not chosen.empty:
            own = published.own_of(indicator_id)
            inside = own[own["period"].map(lambda label: label != row["period"]) &
                         (own["period_start"] >= chosen["period_start"].iloc[0]) &
                         (own["period_start"] <= pd.Timestamp(published.period.end_month.start))]
            rows += [_public_row(indicator_id, figure, None) for _, figure in inside.iterrows()]
    return pd.DataFrame(rows, columns=["indicator_id", "breakdown", "period", "value", "numerator", "denominator",
                                       "previous_value", "last_year_value", "rag"])


def _public_row(indicator_id: str, figure: pd.Series, summary_row: pd.Series | None) -> dict:
    """One published figure as a row of `public_figures`; the chosen period's total carries its comparisons."""
    return {"indicator_id": indicator_id, "breakdown": figure["breakdown"], "period": figure["period"],
            "value": figure["value"], "numerator": figure["numerator"], "denominator": figure["denominator"],
            "previous_value": summary_row["previous_value"] if summary_row is not None else np.nan,
            "last_year_value": summary_row["last_year_value"] if summary_row is not None else np.nan,
            "rag": summary_row["rag"] if summary_row is not None else ""}
