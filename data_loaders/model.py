"""The validated return: tidy tables every later layer reads, and the problems a bad file produces."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from periods import MONTHS_IN

UNITS = ("percent", "count", "rate_per_10k", "days", "number")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
AGGREGATIONS = ("sum", "last", "sum_numerator")

INDICATOR_COLUMNS = {
    "indicator_id": "str", "dashboard": "str", "dashboard_number": "int64", "title": "str",
    "definition": "str", "unit": "str", "polarity": "str", "aggregation": "str",
    "target": "float64", "amber_tolerance": "float64", "comparator_note": "str", "source": "str",
    "rolling_12_months": "bool", "spc_rebase": "str", "suppress_small_numbers": "bool",
}
BOOL_DEFAULTS = {"suppress_small_numbers": True}  # a figure counts children unless the catalogue says not
VALUE_COLUMNS = {
    "indicator_id": "str", "period": "str", "frequency": "str", "period_start": "datetime64[us]",
    "breakdown": "str", "numerator": "float64", "denominator": "float64", "value": "float64",
}
COMPARATOR_COLUMNS = {
    "indicator_id": "str", "period": "str", "england": "float64", "region": "float64",
    "statistical_neighbours": "float64", "source": "str",
}
COMMENTARY_COLUMNS = {
    "indicator_id": "str", "dashboard": "str", "period": "str", "text": "str", "author": "str",
}
VALUE_KEY = ["indicator_id", "period", "breakdown"]

# The most characters a return's text may hold: each limit lives here (docs/return-format.md lists them),
# so every loader and the pages and exports that show the text can rely on it.
MAX_NAME_CHARS = 200  # ids, titles and names: indicator title, dashboard, breakdown, About values, la_name, author
MAX_NOTE_CHARS = 500  # comparator_note and source
MAX_DEFINITION_CHARS = 1_000  # the longest definition in the catalogues is 663 characters
MAX_COMMENTARY_CHARS = 3_000


def empty_table(schema: dict[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of `schema`."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in schema.items()})


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """`frame` with exactly the columns of `schema`, in order and with its dtypes."""
    out = frame.reindex(columns=list(schema))
    for name, dtype in schema.items():
        if out[name].dtype == dtype and not (dtype == "str" and out[name].hasnans):
            continue  # already right: converting a large text column costs milliseconds
        if dtype == "str":  # via object, so a column that is all missing (float NaN) fills without a warning
            out[name] = out[name].astype(object).fillna("").astype("str")
        elif dtype == "bool":
            out[name] = out[name].astype(object).fillna(BOOL_DEFAULTS.get(name, False)).astype("bool")
        else:
            out[name] = out[name].astype(dtype)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class PerformanceReturn:
    """One return's validated tables.

    `indicators`: the catalogue, one row per indicator. `values`: one row per indicator,
    period and breakdown (`""` is the total). `comparators`: published national figures
    typed into the return. `commentary`: the narrative by indicator or dashboard and period.
    `about`: optional facts about the return such as `authority` and `la_code`.
    `notes`: plain sentences about how the figures were worked out (rows left out, months
    not complete), for the upload preview; the store does not keep them.
    """

    indicators: pd.DataFrame = field(default_factory=lambda: empty_table(INDICATOR_COLUMNS))
    values: pd.DataFrame = field(default_factory=lambda: empty_table(VALUE_COLUMNS))
    comparators: pd.DataFrame = field(default_factory=lambda: empty_table(COMPARATOR_COLUMNS))
    commentary: pd.DataFrame = field(default_factory=lambda: empty_table(COMMENTARY_COLUMNS))
    about: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", conform(self.indicators, INDICATOR_COLUMNS))
        object.__setattr__(self, "values", conform(self.values, VALUE_COLUMNS))
        object.__setattr__(self, "comparators", conform(self.comparators, COMPARATOR_COLUMNS))
        object.__setattr__(self, "commentary", conform(self.commentary, COMMENTARY_COLUMNS))

    @cached_property
    def latest_month(self) -> pd.Timestamp | None:
        """The return's "data as at": the latest month with a monthly figure (worked out once).

        Only when an indicator is reported by quarter or year alone does a period's last month
        count, so an annual figure for the year in progress cannot push "data as at" into the future.
        """
        if self.values.empty:
            return None
        monthly = self.values.loc[self.values["frequency"] == "month", "period_start"]
        if not monthly.empty:
            return monthly.max()
        ends = [start + pd.DateOffset(months=MONTHS_IN[freq] - 1)
                for start, freq in self.values[["period_start", "frequency"]]
                .drop_duplicates().itertuples(index=False)]
        return max(ends)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as an officer would find it."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class ReturnError(ValueError):
    """The file cannot be accepted; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        sheets: dict[str, int] = {}
        for problem in problems:
            sheets.setdefault(problem.sheet, len(sheets))
        # In reading order: sheet by sheet, then row by row (file-wide problems first).
        self.problems = sorted(problems, key=lambda problem: (sheets[problem.sheet], problem.row or 0))
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:3])
        more = f" (and {count - 3} more)" if count > 3 else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the file: {head}{more}")
