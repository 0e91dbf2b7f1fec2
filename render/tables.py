"""Tables of figures as people read them: the data behind each chart, one click away."""
from __future__ import annotations

import pandas as pd

import disclosure
import indicators
from render.charts import history_frame
from units import format_count, format_value


def _shown(numbers: pd.Series, withheld: pd.Series, formatter) -> list[str]:
    """Figures as text, with `c` where suppression withheld them."""
    return [disclosure.SYMBOL if hidden else formatter(number) for number, hidden in zip(numbers, withheld)]


def figures_table(history: pd.DataFrame, unit: str, public: bool) -> pd.DataFrame:
    """The figures behind a chart, newest first: value, counts and (for percentages) the 95% interval.

    `history` is one indicator's rows of a report (public ones already carry what is withheld).
    """
    rows = history_frame(history)
    hidden = {column: rows[f"{column}_c"] if public else pd.Series(False, index=rows.index)
              for column in ("value", "numerator", "denominator")}
    table = pd.DataFrame({
        "Period": rows["period_display"],
        "Breakdown": rows["breakdown"].replace("", "Total"),
        "Value": _shown(rows["value"], hidden["value"], lambda number: format_value(number, unit)),
    })
    if unit != "count":
        table["Numerator"] = _shown(rows["numerator"], hidden["numerator"], format_count)
        table["Denominator"] = _shown(rows["denominator"], hidden["denominator"], format_count)
    if unit == "percent":
        table["95% interval"] = [
            "" if pd.isna(n) or pd.isna(d) else "{:.1f} to {:.1f}".format(*indicators.wilson_interval(n, d))
            + (" (small number)" if indicators.is_small_denominator(d, unit) else "")
            for n, d in zip(rows["numerator"], rows["denominator"])]
    return table.iloc[::-1].reset_index(drop=True)
