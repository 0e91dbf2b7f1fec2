"""Disclosure control: small counts withheld, and nothing withheld can be worked out from what is published.

Hand-made returns test each rule the issue names (breakdowns, denominators, months against quarters,
like-for-like sums, RAG words, medians, indicators that do not count children). A property test then
plays the attacker on random returns: it gathers every figure every public view shows, for every
frequency and period, builds its own linear system from the labels alone, and checks that no withheld
figure is pinned down by adding or subtracting published ones, and that no RAG word reveals one.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import disclosure
import indicators
from data_loaders import PerformanceReturn
from periods import Period, parse_period
from render import html, pack

DASHBOARD = "7 Missing from Home and Care"


def catalogue_row(indicator_id, unit="count", aggregation="sum", polarity="lower_is_better", target=None,
                  tolerance=None, suppress=True, dashboard=DASHBOARD):
    """One Indicators row as the loader gives it."""
    return {"indicator_id": indicator_id, "dashboard": dashboard, "dashboard_number": int(dashboard.split()[0]),
            "title": f"Title of {indicator_id}", "definition": "", "unit": unit, "polarity": polarity,
            "aggregation": aggregation, "target": target, "amber_tolerance": tolerance, "comparator_note": "",
            "source": "", "rolling_12_months": False, "spc_rebase": "", "suppress_small_numbers": suppress}


def make_return(catalogue: list[dict], values: list[tuple]) -> PerformanceReturn:
    """A return from catalogue rows and (indicator_id, period, breakdown, numerator, denominator, value) tuples."""
    rows = []
    for indicator_id, label, breakdown, numerator, denominator, value in values:
        period = parse_period(label)
        rows.append({"indicator_id": indicator_id, "period": period.label, "frequency": period.frequency,
                     "period_start": pd.Timestamp(period.start), "breakdown": breakdown, "numerator": numerator,
                     "denominator": denominator, "value": value})
    return PerformanceReturn(indicators=pd.DataFrame(catalogue), values=pd.DataFrame(rows))


def counts(indicator_id: str, label: str, figures: dict[str, float]) -> list[tuple]:
    """Count rows for one period: {breakdown: count}, "" for the total."""
    return [(indicator_id, label, breakdown, value, None, value) for breakdown, value in figures.items()]


def published(ret: PerformanceReturn, frequency: str = "month", period: str | None = None) -> pd.DataFrame:
    """public_figures indexed by (indicator, breakdown, period) for reading single figures."""
    return disclosure.public_figures(ret, frequency, period).set_index(["indicator_id", "breakdown", "period"])


def withheld(frame: pd.DataFrame, key: tuple, column: str = "value") -> bool:
    """True when the public figure is withheld (NaN)."""
    return bool(pd.isna(frame.loc[key, column]))


@pytest.mark.parametrize("number, small", [
    (0, False),  # zero reveals no child: shown
    (0.4, False),  # displays 0
    (0.5, True),  # displays 1 (half away from zero)
    (1, True), (3, True), (5, True),
    (5.4, True),  # displays 5
    (5.5, False),  # displays 6
    (6, False), (43, False),
    (float("nan"), False),
])
def test_is_small(number, small):
    assert disclosure.is_small(pd.Series([number])).iloc[0] == small


def test_home_3_care_40_total_43():
    # total 43 shown; home 3 is withheld (1 to 5) and care 40 too, or 43 - 40 would give home's 3
    ret = make_return([catalogue_row("M")], counts("M", "2026-04", {"": 43, "From home": 3, "From care": 40}))
    figures = published(ret)
    assert figures.loc[("M", "", "2026-04"), "value"] == 43
    assert withheld(figures, ("M", "From home", "2026-04")) and withheld(figures, ("M", "From care", "2026-04"))


def test_a_zero_is_never_hidden_to_protect_a_small_count():
    # 57 = 43 + 13 + 1 + 0: hiding the zero with the 1 would leave 57 - 43 - 13 = 1; the 13 goes instead
    ret = make_return([catalogue_row("M")], counts("M", "2026-04", {"": 57, "A": 43, "B": 13, "C": 1, "D": 0}))
    figures = published(ret)
    assert [withheld(figures, ("M", b, "2026-04")) for b in ("", "A", "B", "C", "D")] == \
        [False, False, True, True, False]


def test_withheld_parts_must_add_up_to_more_than_5():
    # 55 = 40 + 3 + 12: the 3 with the 12 (hidden 15 > 5), not the 3 alone; two small ones together (2 + 3)
    # still add up to 5 or fewer, so a third goes (the months are in different years, so no quarter or
    # year ties them together)
    ret = make_return([catalogue_row("M")], counts("M", "2026-04", {"": 55, "A": 40, "B": 3, "C": 12})
                      + counts("M", "2024-05", {"": 25, "A": 2, "B": 3, "C": 20}))
    figures = published(ret, "month", "2026-04")
    assert [withheld(figures, ("M", b, "2026-04")) for b in ("", "A", "B", "C")] == [False, False, True, True]
    may = published(ret, "month", "2024-05")
    assert [withheld(may, ("M", b, "2024-05")) for b in ("", "A", "B", "C")] == [False, True, True, True]


def test_denominators_are_protected_like_counts():
    # total denominator 73 = A 4 + B 69: showing 73 and 69 would give A's 4
    ret = make_return([catalogue_row("P", "percent", polarity="higher_is_better")],
                      [("P", "2026-04", "", 40, 73, 40 / 73 * 100), ("P", "2026-04", "Group A", 2, 4, 50.0),
                       ("P", "2026-04", "Group B", 38, 69, 38 / 69 * 100)])
    figures = published(ret)
    assert withheld(figures, ("P", "Group A", "2026-04"), "denominator")
    assert withheld(figures, ("P", "Group B", "2026-04"), "denominator") or \
        withheld(figures, ("P", "", "2026-04"), "denominator")
    # a percentage over a withheld count is withheld too
    assert withheld(figures, ("P", "Group A", "2026-04"), "value")


def test_a_month_cannot_be_worked_out_from_its_siblings_and_its_quarter():
    # April 8, May 9, June 3 (c): the quarter (20) and April and May would give June = 3
    ret = make_return([catalogue_row("M")], counts("M", "2026-04", {"": 8}) + counts("M", "2026-05", {"": 9})
                      + counts("M", "2026-06", {"": 3}))
    months = [published(ret, "month", label) for label in ("2026-04", "2026-05", "2026-06")]
    quarter = published(ret, "quarter", "2026-27 Q1")
    shown_months = [not withheld(frame, ("M", "", label)) for frame, label in
                    zip(months, ("2026-04", "2026-05", "2026-06"))]
    assert shown_months[2] is False
    assert shown_months.count(True) <= 1 or withheld(quarter, ("M", "", "2026-27 Q1"))
    # and the quarter view's own month rows say the same as the monthly views
    assert [withheld(quarter, ("M", "", label)) for label in ("2026-04", "2026-05", "2026-06")] == \
        [not shown for shown in shown_months]


def test_a_like_for_like_comparison_cannot_give_away_a_month():
    # Q3 2026-27 to August 2026 is compared with July 2025 (3) and August 2025 (40): showing the sum 43 and
    # August's 40 would give July's 3
    ret = make_return([catalogue_row("M")], counts("M", "2025-07", {"": 3}) + counts("M", "2025-08", {"": 40})
                      + counts("M", "2025-09", {"": 30}) + counts("M", "2026-07", {"": 20})
                      + counts("M", "2026-08", {"": 25}))
    quarter = published(ret, "quarter", "2026-27 Q2")
    row = quarter.loc[("M", "", "2026-27 Q2")]
    august = published(ret, "month", "2025-08").loc[("M", "", "2025-08"), "value"]
    assert math.isnan(row["last_year_value"]) or math.isnan(august)


def test_a_rag_word_on_a_withheld_count_is_withheld():
    # 1 against a lower-is-better target of 1 with no tolerance is green: the word would say it is exactly 1
    ret = make_return([catalogue_row("M", target=1)], counts("M", "2026-04", {"": 1}))
    officers = indicators.report(ret, "month")
    assert officers.indicator("M")["rag"] == "green"
    public = disclosure.public_report(officers)
    row = public.indicator("M")
    assert (row["value_c"], row["rag"]) == (True, disclosure.WITHHELD)
    assert published(ret).loc[("M", "", "2026-04"), "rag"] == disclosure.WITHHELD


def test_no_direction_to_or_from_a_withheld_figure():
    ret = make_return([catalogue_row("M")], counts("M", "2026-03", {"": 4}) + counts("M", "2026-04", {"": 40}))
    row = disclosure.public_report(indicators.report(ret, "month", "2026-04")).indicator("M")
    assert (row["value"], row["previous_value_c"], row["direction"], row["movement"]) == (40, True, "", "")
    # and every published view says why there is no comparison, rather than that there is nothing earlier
    assert html.changes_html(row, public=True)[0] == f'<span class="muted">{disclosure.NOT_COMPARED}</span>'
    assert pack.change(row, "previous") == disclosure.NOT_COMPARED
    alone = make_return([catalogue_row("M")], counts("M", "2026-04", {"": 40}))
    first = disclosure.public_report(indicators.report(alone, "month", "2026-04")).indicator("M")
    assert "no earlier figure to compare" in html.changes_html(first, public=True)[0] and pack.change(first, "previous") == "–"


def test_a_median_over_a_withheld_group_is_withheld():
    # two incidents of one child from home in April (c): their median length would describe that child
    ret = make_return([catalogue_row("MFH01"), catalogue_row("MFH06", "number", "last", "neutral")],
                      counts("MFH01", "2026-04", {"": 40, "From home": 2, "From care": 38})
                      + [("MFH06", "2026-04", "", None, None, 20.5), ("MFH06", "2026-04", "From home", None, None, 38.4),
                         ("MFH06", "2026-04", "From care", None, None, 19.0)])
    figures = published(ret)
    assert withheld(figures, ("MFH06", "From home", "2026-04"))
    assert figures.loc[("MFH06", "", "2026-04"), "value"] == 20.5  # over all 40 incidents: shown
    assert withheld(figures, ("MFH01", "From care", "2026-04"))  # 40 - 38 would give home's 2
    assert withheld(figures, ("MFH06", "From care", "2026-04"))


def test_indicators_that_do_not_count_children_are_shown_as_they_are():
    ret = make_return([catalogue_row("WF05", suppress=False, dashboard="8 Workforce")],
                      counts("WF05", "2026-04", {"": 4}))
    public = disclosure.public_report(indicators.report(ret, "month"))
    assert (public.indicator("WF05")["value"], public.indicator("WF05")["value_c"]) == (4, False)
    assert not disclosure.withheld_anything(public)  # so no footnote about children's privacy is due


def test_public_attention_gives_only_reasons_that_reveal_nothing():
    ret = make_return([catalogue_row("M", target=0)], counts("M", "2026-03", {"": 0}) + counts("M", "2026-04", {"": 3}))
    officers = indicators.report(ret, "month")
    assert officers.attention.iloc[0]["reasons"] == ["Red against target"]
    assert disclosure.public_report(officers).attention.empty  # "red" would say the hidden count is over 0


def test_a_public_attention_list_with_nothing_on_it_keeps_its_columns():
    """Committee mode reads the list's indicator_id column even when nothing needs attention."""
    ret = make_return([catalogue_row("M", target=10)], counts("M", "2026-03", {"": 12}) + counts("M", "2026-04", {"": 8}))
    officers = indicators.report(ret, "month")
    assert officers.attention.empty
    public = disclosure.public_report(officers).attention
    assert public.empty and set(officers.attention.columns) <= set(public.columns)


def test_public_figures_lists_the_period_its_comparisons_and_its_months():
    ret = make_return([catalogue_row("M")], [row for label, value in
                                             (("2025-04", 30), ("2025-05", 31), ("2026-01", 40), ("2026-02", 41),
                                              ("2026-03", 42), ("2026-04", 43), ("2026-05", 44))
                                             for row in counts("M", label, {"": value})])
    figures = disclosure.public_figures(ret, "quarter")
    assert list(figures.columns) == ["indicator_id", "breakdown", "period", "value", "numerator", "denominator",
                                     "previous_value", "last_year_value", "rag"]
    # Q1 2026-27 so far (April and May, 87), its comparisons (the first two months of Q4 2025-26, January and
    # February 2026 = 81; April to May 2025 = 61) and its months
    assert figures["period"].tolist() == ["2026-27 Q1", "2026-01..2026-02", "2025-04..2025-05", "2026-04", "2026-05"]
    chosen = figures.iloc[0]
    assert (chosen["value"], chosen["previous_value"], chosen["last_year_value"]) == (87, 81, 61)


def test_the_demo_publishes_no_small_count_anywhere():
    from pathlib import Path

    from data_loaders import load_return

    ret = load_return(Path(__file__).resolve().parents[1] / "data" / "demo_return.xlsx")
    protection = disclosure.protect(ret)
    for frequency in ("month", "quarter", "year"):
        public = disclosure.public_report(indicators.report(ret, frequency), protection)
        counted = public.history[public.history["indicator_id"].map(
            ret.indicators.set_index("indicator_id")["suppress_small_numbers"])]
        shown = counted[counted["unit"] == "count"]["value"]
        assert not disclosure.is_small(shown).any(), frequency
        assert not disclosure.is_small(counted["numerator"]).any() and not disclosure.is_small(counted["denominator"]).any()


# --- the attacker ----------------------------------------------------------------------------------------

def _atoms(ret: PerformanceReturn) -> dict:
    """(indicator, measure) -> {(breakdown, month): true figure}."""
    units = ret.indicators.set_index("indicator_id")["unit"]
    out = {}
    for row in ret.values.itertuples(index=False):
        for measure in (("value",) if units[row.indicator_id] == "count" else ("numerator", "denominator")):
            out.setdefault((row.indicator_id, measure), {})[(row.breakdown, row.period)] = getattr(row, measure)
    return out


def _functional(aggregation: str, measure: str, breakdown: str, label: str, index: dict) -> np.ndarray:
    """What a published figure of one breakdown adds up, as a vector over the true monthly figures: a span
    `a..b` or a period's months (the latest one only for a snapshot), worked out from the label alone."""
    months = sorted(month for (part, month) in index if part == breakdown)
    if ".." in label:
        first, last = label.split("..")
        covered = [month for month in months if first <= month <= last]
    else:
        period = parse_period(label)
        covered = [month for month in months if period.start <= parse_period(month).start <= period.end_month.start]
    latest_only = aggregation == "last" or (aggregation == "sum_numerator" and measure == "denominator")
    vector = np.zeros(len(index))
    for month in (covered[-1:] if latest_only else covered):
        vector[index[(breakdown, month)]] = 1.0
    return vector


def _recoverable(ret: PerformanceReturn, shown: pd.DataFrame) -> list[tuple]:
    """Withheld figures that the published ones pin down exactly (linear algebra over every view at once).

    The unknowns are the true monthly figures of each breakdown (of the total when there are none); a
    total is the sum of its breakdowns, which add up in these returns. A percentage shown with its
    denominator gives its numerator away, and with its numerator its denominator.
    """
    aggregations = ret.indicators.set_index("indicator_id")["aggregation"]
    leaks = []
    for (indicator_id, measure), truth in _atoms(ret).items():
        parts = sorted({part for part, _ in truth if part}) or [""]
        index = {key: position for position, key in enumerate(sorted(key for key in truth if key[0] in parts))}
        known, secret = [], []
        for row in shown[shown["indicator_id"] == indicator_id].itertuples(index=False):
            vector = sum(_functional(aggregations[indicator_id], measure, part, row.period, index)
                         for part in (parts if row.breakdown == "" else [row.breakdown]))
            other = {"numerator": row.denominator, "denominator": row.numerator}.get(measure, np.nan)
            figure = row.value if measure == "value" else getattr(row, measure)
            is_known = not pd.isna(figure) or (not pd.isna(row.value) and not pd.isna(other))
            (known if is_known else secret).append(vector)
        matrix = np.array(known).reshape(-1, len(index))
        rank = np.linalg.matrix_rank(matrix) if len(known) else 0
        leaks += [(indicator_id, measure) for hidden in secret
                  if np.any(hidden) and np.linalg.matrix_rank(np.vstack([matrix, hidden])) == rank]
    return leaks


@st.composite
def small_returns(draw) -> PerformanceReturn:
    """A random return of one or two indicators with small counts, breakdowns that add up, over a few months."""
    start = draw(st.integers(0, 11))
    length = draw(st.integers(3, 10))
    months = [Period(2025, 1).shift(start + n).label for n in range(length)]
    catalogue, values = [], []
    for number in range(draw(st.integers(1, 2))):
        indicator_id = f"I{number}"
        unit = draw(st.sampled_from(["count", "percent"]))
        aggregation = draw(st.sampled_from(["sum", "last"]))
        catalogue.append(catalogue_row(indicator_id, unit, aggregation, "higher_is_better", target=50, tolerance=5))
        parts = draw(st.sampled_from([[], ["A", "B"], ["A", "B", "C"]]))
        for month in months:
            figures = {}
            for part in parts or [""]:
                denominator = draw(st.integers(1, 12)) if unit == "percent" else None
                numerator = draw(st.integers(0, denominator if denominator is not None else 12))
                figures[part] = (numerator, denominator)
            if parts:
                figures[""] = (sum(n for n, _ in figures.values()),
                               sum(d for _, d in figures.values()) if unit == "percent" else None)
            for part, (numerator, denominator) in figures.items():
                value = numerator if unit == "count" else numerator / denominator * 100
                values.append((indicator_id, month, part, numerator, denominator, value))
    return make_return(catalogue, values)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_returns())
def test_nothing_withheld_can_be_recovered_from_every_view_at_once(ret):
    protection = disclosure.protect(ret)
    tables = {frequency: indicators.period_values(ret, frequency) for frequency in ("month", "quarter", "year")}
    views = [disclosure.public_figures(ret, frequency, period, protection,
                                       indicators.report(ret, frequency, period, tables=tables))
             for frequency in ("month", "quarter", "year")
             for period in indicators.available_periods(ret, frequency)]
    shown = pd.concat(views, ignore_index=True).drop_duplicates(["indicator_id", "breakdown", "period"])
    assert _recoverable(ret, shown) == []
    chosen = pd.concat(views, ignore_index=True)
    words = chosen[chosen["rag"] != ""]
    assert words.loc[words["value"].isna(), "rag"].isin([disclosure.WITHHELD, "no data", "no target"]).all()
    shown_counts = shown[shown["indicator_id"].isin(ret.indicators.loc[ret.indicators["unit"] == "count",
                                                                       "indicator_id"])]["value"]
    assert not disclosure.is_small(shown_counts).any()
    assert not disclosure.is_small(shown["numerator"]).any() and not disclosure.is_small(shown["denominator"]).any()
