"""Read and validate a performance return workbook (or a CSV of its Values sheet).

The contract is docs/return-format.md. Every problem in the file is collected before
anything is raised, so an officer fixes the whole file in one go.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_loaders.files import (HEADER_SEARCH_ROWS, RawSheet, column_letter, normalise_name,
                                read_bytes, read_csv_rows, read_workbook, sniff_format)
from data_loaders.model import (AGGREGATIONS, POLARITIES, UNITS, PerformanceReturn, Problem,
                                ReturnError, VALUE_KEY)
from periods import Period, parse_period
from units import DISPLAY_DECIMALS, SCALE, round_half_away

EARLIEST_YEAR = 2000
TOTAL_NAMES = {"", "total", "all", "overall"}
QUOTE_LIMIT = 60
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DASHBOARD_NUMBER = re.compile(r"^\s*(\d+)[\s.:)-]")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass
class Table:
    """A sheet's data rows under normalised column names, with spreadsheet row numbers in `row`.

    `problems` are cell problems found while reading (formulas without a saved result): reported
    with the validation problems rather than instead of them.
    """

    sheet: str
    frame: pd.DataFrame
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def column_name(self, column: str) -> str:
        """The column's header as the officer wrote it."""
        return self.headers.get(column, column)

    def problem(self, row: int | None, column: str | None, message: str) -> Problem:
        """A problem located in this table."""
        return Problem(self.sheet, row, self.column_name(column) if column else None, message)

    def problem_at(self, index: int, column: str, message: str) -> Problem:
        """A problem in the data row at frame `index`; a wide sheet names the period's own column."""
        if column in ("value", "period") and "column_header" in self.frame:
            return Problem(self.sheet, int(self.frame.at[index, "row"]),
                           str(self.frame.at[index, "column_header"]), message)
        return self.problem(int(self.frame.at[index, "row"]), column, message)


def load_return(source, filename: str | None = None, *, catalogue: pd.DataFrame | None = None,
                today: dt.date | None = None) -> PerformanceReturn:
    """Validate a return workbook or Values CSV and give its tidy tables.

    `catalogue` is the Indicators table to check a values-only file against (a CSV, or a
    workbook without an Indicators sheet). Raises ReturnError listing every problem.
    """
    data, name = read_bytes(source)
    filename = filename or name
    today = today or dt.date.today()
    is_csv = sniff_format(data, filename) == "csv"
    if is_csv:
        tables = {"values": _table_from_rows(filename or "CSV", read_csv_rows(data, filename),
                                             required=_SHEET_COLUMNS["values"], merged=[], formulas={})}
    else:
        tables = _workbook_tables(read_workbook(data, filename), filename)
    problems = [p for table in tables.values() if isinstance(table, list) for p in table]
    tables = {key: table for key, table in tables.items() if isinstance(table, Table)}
    read_problems = [p for table in tables.values() for p in table.problems]
    if problems:
        raise ReturnError(problems + read_problems)

    if "indicators" in tables:
        indicators, indicator_problems = validate_indicators(tables["indicators"])
    elif catalogue is not None and not catalogue.empty:
        indicators, indicator_problems = catalogue, []
    else:
        where = filename or "The file"
        detail = ("a CSV holds the Values table only: load a workbook with an Indicators sheet first" if is_csv
                  else "the workbook has no Indicators sheet (the catalogue of indicators)")
        raise ReturnError(read_problems + [Problem(where, None, None, detail)])
    if "values" not in tables:
        raise ReturnError(read_problems + indicator_problems + [Problem(filename or "The file", None, None,
                                                                        "the workbook has no Values sheet")])
    values, value_problems = validate_values(tables["values"], indicators, today)
    comparators, comparator_problems = (validate_comparators(tables["comparators"], indicators)
                                        if "comparators" in tables else (None, []))
    commentary, commentary_problems = (validate_commentary(tables["commentary"], indicators)
                                       if "commentary" in tables else (None, []))
    about = read_about(tables["about"]) if "about" in tables else {}
    problems = read_problems + indicator_problems + value_problems + comparator_problems + commentary_problems
    if problems:
        raise ReturnError(problems)
    parts = {"indicators": indicators, "values": values, "about": about}
    if comparators is not None:
        parts["comparators"] = comparators
    if commentary is not None:
        parts["commentary"] = commentary
    return PerformanceReturn(**parts)


_SHEET_COLUMNS = {
    "indicators": {"indicator_id", "dashboard", "title", "unit", "polarity", "aggregation"},
    "values": {"indicator_id"},
    "comparators": {"indicator_id", "period"},
    "commentary": {"period", "text"},
    "about": {"field", "value"},
}


def _workbook_tables(sheets: dict[str, RawSheet], filename: str) -> dict[str, Table | list[Problem]]:
    """The known sheets of a workbook as Tables, or the problems that stop one being read."""
    known = {key: sheet for key, sheet in sheets.items() if key in _SHEET_COLUMNS}
    if not known:
        found = ", ".join(sheet.name for sheet in sheets.values()) or "none"
        raise ReturnError([Problem(filename or "The file", None, None,
                                   "the workbook has none of the sheets Indicators, Values, Comparators, "
                                   f"Commentary (sheets found: {found})")])
    return {key: _table_from_rows(sheet.name, sheet.rows, _SHEET_COLUMNS[key],
                                  sheet.merged, sheet.formulas_without_values)
            for key, sheet in known.items()}


def _header_index(rows: list[list[object]], required: set[str]) -> int | None:
    """Index of the first row, among the first few, that holds every required column name."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {normalise_name(cell) for cell in row if cell not in ("", None)}
        if required <= names:
            return index
    return None


def _table_from_rows(sheet: str, rows: list[list[object]], required: set[str],
                     merged: list, formulas: dict) -> Table | list[Problem]:
    """Locate the header row and build a Table, or say why the sheet cannot be read."""
    header_at = _header_index(rows, required)
    if header_at is None:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            merged_here = [(start, end) for start, end in merged if start[0] <= index <= end[0]]
            if merged_here and any(cell not in ("", None) for cell in row):
                spans = ", ".join(f"{column_letter(s[1])}{s[0] + 1}:{column_letter(e[1])}{e[0] + 1}"
                                  for s, e in merged_here)
                return [Problem(sheet, index + 1, None,
                                f"the header cells {spans} are merged: unmerge them so every column "
                                "has its own header")]
        missing = ", ".join(sorted(required))
        return [Problem(sheet, None, None,
                        f"no header row found: the first {HEADER_SEARCH_ROWS} rows must include a row "
                        f"with the columns {missing}")]
    header = rows[header_at]
    problems = []
    for start, end in merged:
        if start[0] <= header_at <= end[0]:
            problems.append(Problem(sheet, header_at + 1, None,
                                    f"the header cells {column_letter(start[1])}{start[0] + 1}:"
                                    f"{column_letter(end[1])}{end[0] + 1} are merged: unmerge them "
                                    "so every column has its own header"))
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, cell in enumerate(header):
        if cell in ("", None):
            continue
        name = normalise_name(cell)
        if name in positions:
            problems.append(Problem(sheet, header_at + 1, str(cell).strip(),
                                    f"the column '{str(cell).strip()}' appears twice"))
            continue
        positions[name] = position
        headers[name] = str(cell).replace("\ufeff", "").strip()
    body = pd.DataFrame(rows[header_at + 1:], dtype=object)
    body = _clean_cells(body.reindex(columns=range(max(len(header), body.shape[1]))))
    filled = body.notna().any(axis=1)
    formula_problems = []
    for (row_index, column_index), formula in sorted(formulas.items()):
        names = [name for name, position in positions.items() if position == column_index]
        if row_index > header_at and names:
            formula_problems.append(Problem(sheet, row_index + 1, headers[names[0]],
                                            f"the cell holds the formula ={formula} but no saved result: open "
                                            "the file in Excel so it calculates, then save it again"))
    if problems:
        return problems + formula_problems
    frame = body.loc[filled, list(positions.values())].set_axis(list(positions), axis=1).reset_index()
    frame = frame.rename(columns={"index": "row"}).assign(row=lambda table: table["row"] + header_at + 2)
    return Table(sheet, frame, headers, formula_problems)


def _clean_cell(cell: object) -> object:
    """A cell with blanks as None and text trimmed (non-breaking spaces too)."""
    if isinstance(cell, str):
        return cell.replace("\xa0", " ").strip() or None
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    return cell


_CLEAN_CELLS = np.frompyfunc(_clean_cell, 1, 1)


def _clean_cells(body: pd.DataFrame) -> pd.DataFrame:
    """Every cell cleaned in one pass (column by column cost a millisecond a column: 20 s for 16,384)."""
    return pd.DataFrame(_CLEAN_CELLS(body.to_numpy(dtype=object)), index=body.index, columns=body.columns,
                        dtype=object)


def _text(table: Table, column: str) -> pd.Series:
    """A column as trimmed text, blank where empty or absent."""
    if column not in table.frame:
        return pd.Series("", index=table.frame.index, dtype="str")
    return table.frame[column].map(_cell_text).astype("str")


def _cell_text(cell: object) -> str:
    """A cell's text as written: whole-number floats without '.0', dates as ISO."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):  # melting a wide sheet gives NaN blanks
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()[:10]
    return str(cell)


def _numbers(table: Table, column: str, problems: list[Problem]) -> pd.Series:
    """A column as floats (NaN where blank), reporting every cell that is not a number."""
    frame = table.frame
    if column not in frame:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    raw = frame[column]
    is_number = raw.map(lambda cell: isinstance(cell, (int, float)) and not isinstance(cell, bool))
    result = pd.Series(np.nan, index=frame.index, dtype="float64")
    result[is_number] = raw[is_number].astype("float64")
    others = raw[~is_number & raw.notna()]
    if len(others):
        as_text = others.map(lambda cell: _without_thousands_commas(cell) if isinstance(cell, str) else None)
        parsed = pd.to_numeric(as_text, errors="coerce")
        result[others.index] = parsed.astype("float64")
        for index in parsed.index[parsed.isna()]:
            cell = others[index]
            shown = cell.isoformat()[:10] if isinstance(cell, (dt.date, dt.datetime)) else str(cell)
            problems.append(table.problem_at(index, column,
                                          f"{_quoted(shown)} is not a number"))
    return result


def _without_thousands_commas(text: str) -> str:
    """'1,234.5' -> '1234.5'; any other comma is left, so a decimal comma ('22,5') is not read as 225."""
    text = text.strip()
    return text.replace(",", "") if _THOUSANDS.match(text) else text


def _quoted(text: str) -> str:
    """A cell's text in quotes for a message, shortened when it is long."""
    if len(text) <= QUOTE_LIMIT:
        return f"'{text}'"
    return f"'{text[:QUOTE_LIMIT]}…' ({len(text):,} characters)"


def _choice(table: Table, column: str, allowed: tuple[str, ...], problems: list[Problem]) -> pd.Series:
    """A column of codes from a fixed list, matched case- and space-insensitively."""
    codes = _text(table, column).map(normalise_name)
    for index in codes.index[~codes.isin(allowed)]:
        written = _text(table, column)[index]
        message = (f"'{written}' is not one of {', '.join(allowed)}" if written
                   else f"blank: give one of {', '.join(allowed)}")
        problems.append(table.problem_at(index, column, message))
    return codes


def _yes_no(table: Table, column: str, problems: list[Problem]) -> pd.Series:
    """An optional yes/no column as booleans."""
    words = _text(table, column).str.lower()
    for index in words.index[~words.isin(_YES | _NO)]:
        problems.append(table.problem_at(index, column,
                                      f"'{words[index]}' is not yes or no"))
    return words.isin(_YES)


def validate_indicators(table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """The Indicators sheet as the catalogue, and its problems."""
    problems: list[Problem] = []
    rows = table.frame["row"].astype(int)
    ids = _text(table, "indicator_id")
    for index in ids.index[ids == ""]:
        problems.append(table.problem_at(index, "indicator_id", "the indicator id is blank"))
    for index in ids.index[ids.duplicated(keep="first") & (ids != "")]:
        first = int(rows[ids.index[ids == ids[index]][0]])
        problems.append(table.problem_at(index, "indicator_id",
                                      f"the indicator id '{ids[index]}' is already used on row {first}"))
    dashboards = _text(table, "dashboard")
    numbers = dashboards.str.extract(_DASHBOARD_NUMBER, expand=False)
    for index in numbers.index[numbers.isna()]:
        problems.append(table.problem_at(index, "dashboard",
                                      f"'{dashboards[index]}' must start with the dashboard's number, "
                                      "e.g. '3 Children's Social Care Front Door'"))
    titles = _text(table, "title")
    for index in titles.index[titles == ""]:
        problems.append(table.problem_at(index, "title", "the title is blank"))
    units = _choice(table, "unit", UNITS, problems)
    polarities = _choice(table, "polarity", POLARITIES, problems)
    aggregations = _choice(table, "aggregation", AGGREGATIONS, problems)
    targets = _numbers(table, "target", problems)
    tolerances = _numbers(table, "amber_tolerance", problems)
    for index in tolerances.index[tolerances < 0]:
        problems.append(table.problem_at(index, "amber_tolerance",
                                      "the amber tolerance cannot be negative"))
    for index in targets.index[(units == "percent") & ((targets < 0) | (targets > 100))]:
        problems.append(table.problem_at(index, "target",
                                      f"a percentage target must be between 0 and 100, not {targets[index]:g}"))
    rebases = _text(table, "spc_rebase")
    for index in rebases.index[rebases != ""]:
        for part in re.split(r"[;,]", rebases[index]):
            try:
                if part.strip() and parse_period(part.strip()).frequency != "month":
                    raise ValueError(f"'{part.strip()}' is not a month")
            except ValueError as error:
                problems.append(table.problem_at(index, "spc_rebase", str(error)))
    catalogue = pd.DataFrame({
        "indicator_id": ids, "dashboard": dashboards,
        "dashboard_number": pd.to_numeric(numbers, errors="coerce").fillna(0).astype("int64"),
        "title": titles, "definition": _text(table, "definition"), "unit": units,
        "polarity": polarities, "aggregation": aggregations, "target": targets,
        "amber_tolerance": tolerances, "comparator_note": _text(table, "comparator_note"),
        "source": _text(table, "source"),
        "rolling_12_months": _yes_no(table, "rolling_12_months", problems),
        "spc_rebase": rebases,
    })
    return catalogue, problems


def _parse_periods(table: Table, column: str, problems: list[Problem]) -> pd.Series:
    """A column of period cells as Period objects (None where unreadable, with a problem each)."""
    raw = table.frame[column] if column in table.frame else pd.Series(None, index=table.frame.index)
    parsed: dict[object, Period | str] = {}
    for cell in raw.drop_duplicates():
        try:
            parsed[cell] = parse_period(cell)
        except ValueError as error:
            parsed[cell] = str(error)
    result = raw.map(parsed).astype(object)  # object, so None stays None when every cell is unreadable
    for index in result.index[result.map(lambda item: isinstance(item, str))]:
        problems.append(table.problem_at(index, column, result[index]))
        result[index] = None
    return result


def _wide_to_long(table: Table) -> tuple[Table | None, list[Problem]]:
    """Reshape a wide Values sheet (a column per period) into the long layout.

    None when no column is headed by a period; a problem for each heading with a digit in it
    that is not a period, whose figures would otherwise be dropped unseen.
    """
    period_columns, problems = {}, []
    for name, header in table.headers.items():
        try:
            period_columns[name] = parse_period(header)
        except ValueError as error:
            if name not in ("indicator_id", "breakdown") and re.search(r"\d", header):
                problems.append(table.problem(None, name, f"the heading is not a period: {error}"))
    if not period_columns:
        return None, problems + [table.problem(None, None, "there is no period column, and no column is headed "
                                                           "by a period such as 2025-04 (one column per month)")]
    id_columns = [name for name in ("indicator_id", "breakdown") if name in table.frame]
    long = table.frame[[*id_columns, "row", *period_columns]].melt(
        id_vars=id_columns + ["row"], var_name="period_column", value_name="value")
    long = long[long["value"].notna()].copy()
    long["period"] = long["period_column"].map(period_columns)
    long["column_header"] = long["period_column"].map(table.headers)
    return Table(table.sheet, long.drop(columns="period_column").reset_index(drop=True), table.headers), problems


def validate_values(table: Table, indicators: pd.DataFrame,
                    today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """The Values sheet as tidy values, with every value derived or checked, and its problems."""
    problems: list[Problem] = []
    if "period" not in table.frame:
        table, problems = _wide_to_long(table)
        if table is None:
            return pd.DataFrame(), problems
    frame = table.frame
    rows = frame["row"].astype(int)
    if not {"value", "numerator"} & set(frame.columns):
        return pd.DataFrame(), [table.problem(None, None, "there is neither a value nor a numerator column")]
    ids = _text(table, "indicator_id")
    # A repeated id is reported on the Indicators sheet; check values against its first row.
    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    known = ids.isin(catalogue.index)
    for index in ids.index[~known]:
        message = ("the indicator id is blank" if ids[index] == "" else
                   f"unknown indicator {_quoted(ids[index])}: it is not on the Indicators sheet")
        problems.append(table.problem_at(index, "indicator_id", message))
    periods = _parse_periods(table, "period", problems)
    breakdowns = _text(table, "breakdown")
    breakdowns = breakdowns.where(~breakdowns.str.lower().isin(TOTAL_NAMES), "")
    numerators = _numbers(table, "numerator", problems)
    denominators = _numbers(table, "denominator", problems)
    values = _numbers(table, "value", problems)
    units = ids.map(catalogue["unit"]).fillna("count")
    aggregations = ids.map(catalogue["aggregation"]).fillna("last")

    this_month = Period(today.year, today.month)
    out_of_range = {period for period in periods.dropna().unique()
                    if period.year < EARLIEST_YEAR or period.start > this_month.start}
    for index, period in periods[periods.isin(out_of_range)].items():
        if period.year < EARLIEST_YEAR:
            problems.append(table.problem_at(index, "period",
                                          f"{period.label} is before {EARLIEST_YEAR}: check the year"))
        elif period.start > this_month.start:
            problems.append(table.problem_at(index, "period", f"{period.label} is in the future"))

    frequencies = periods.map(lambda period: period.frequency if period else None)
    usual = (pd.DataFrame({"id": ids, "frequency": frequencies}).dropna()
             .groupby("id")["frequency"].agg(lambda column: column.mode().iloc[0]))
    expected_frequency = ids.map(usual)
    for index in frequencies.index[frequencies.notna() & known & (frequencies != expected_frequency)]:
        expected = expected_frequency[index]
        if expected:
            problems.append(table.problem_at(index, "period",
                                          f"{periods[index].label} is a {frequencies[index]} but "
                                          f"{ids[index]} is reported by {expected}: one indicator's values "
                                          "share one frequency"))

    for column, series in (("numerator", numerators), ("denominator", denominators)):
        for index in series.index[series < 0]:
            problems.append(table.problem_at(index, column,
                                          f"{series[index]:g} is negative: counts cannot be below zero"))
    for index in values.index[(values < 0) & (units != "number")]:
        problems.append(table.problem_at(index, "value", f"{values[index]:g} is negative"))
    is_percent = units == "percent"
    for index in values.index[is_percent & (values > 100)]:
        problems.append(table.problem_at(index, "value",
                                      f"{values[index]:g} is more than 100 for a percentage"))
    for index in numerators.index[is_percent & (denominators > 0) & (numerators > denominators)]:
        problems.append(table.problem_at(index, "numerator",
                                      f"the numerator {numerators[index]:g} is larger than the denominator "
                                      f"{denominators[index]:g} for a percentage"))
    zero = (denominators == 0) & numerators.notna() & (units != "count")
    for index in denominators.index[zero]:
        problems.append(table.problem_at(index, "denominator",
                                      "the denominator is 0, so no value can be worked out"))

    derived = values.copy()
    is_count = units == "count"
    ratio_units = ~is_count & numerators.notna() & denominators.notna() & (denominators != 0)
    scale = units.map(SCALE).astype("float64")
    derived[ratio_units] = (numerators / denominators * scale)[ratio_units]
    derived[is_count & numerators.notna()] = numerators[is_count & numerators.notna()]
    both = values.notna() & derived.notna()
    decimals = units.map(DISPLAY_DECIMALS).fillna(1).astype(int)
    for places in decimals[both].unique():
        rows_here = both & (decimals == places)
        given = round_half_away(values[rows_here], int(places))
        worked = round_half_away(derived[rows_here], int(places))
        for index in given.index[given != worked]:
            problems.append(table.problem_at(index, "value",
                                          f"{values[index]:g} does not match the numerator and denominator, "
                                          f"which give {worked[index]:g}"))
    final = values.where(values.notna(), derived)
    unreadable = pd.Series(False, index=frame.index)
    for column in ("numerator", "denominator", "value"):
        if column in frame:
            unreadable |= frame[column].notna() & {"numerator": numerators, "denominator": denominators,
                                                   "value": values}[column].isna()
    for index in final.index[final.isna() & known & ~zero & ~unreadable]:
        if is_count[index] or numerators.isna()[index]:
            message = "no value: give the value, or the numerator and denominator"
        else:
            message = "no value: a numerator needs its denominator (or give the value)"
        problems.append(table.problem_at(index, "value", message))
    needs_parts = (~is_count & aggregations.isin(["sum", "sum_numerator"])
                   & (numerators.isna() | denominators.isna()) & final.notna())
    for index in final.index[needs_parts]:
        problems.append(table.problem_at(index, "numerator",
                                      f"{ids[index]} adds up over months ({aggregations[index]}), so each "
                                      "row needs its numerator and denominator"))

    labels = periods.map(lambda period: period.label if period else "")
    key = pd.DataFrame({"indicator_id": ids, "period": labels, "breakdown": breakdowns})
    duplicated = key.duplicated(keep=False) & (labels != "") & known
    if duplicated.any():
        first_rows = key[duplicated].assign(row=rows).groupby(VALUE_KEY)["row"].transform("min")
        for index in key.index[duplicated & key.duplicated(keep="first")]:
            what = ids[index] + " " + labels[index] + (f" ({breakdowns[index]})" if breakdowns[index] else "")
            problems.append(table.problem_at(index, "indicator_id",
                                          f"{what} is already given on row {int(first_rows[index])}"))

    tidy = key.assign(
        frequency=frequencies.fillna(""),
        period_start=pd.to_datetime(periods.map(lambda period: period.start if period else None)),
        numerator=numerators, denominator=denominators, value=final,
    )
    return tidy.sort_values(["indicator_id", "period_start", "breakdown"]).reset_index(drop=True), problems


def validate_comparators(table: Table, indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The Comparators sheet (published England, region and neighbour figures by financial year)."""
    problems: list[Problem] = []
    ids = _text(table, "indicator_id")
    for index in ids.index[~ids.isin(indicators["indicator_id"])]:
        problems.append(table.problem_at(index, "indicator_id",
                                      f"unknown indicator '{ids[index]}': it is not on the Indicators sheet"))
    periods = _parse_periods(table, "period", problems)
    for index, period in periods.items():
        if period is not None and period.frequency != "year":
            problems.append(table.problem_at(index, "period",
                                          f"{period.label} is not a financial year such as 2024-25"))
    comparators = pd.DataFrame({
        "indicator_id": ids,
        "period": periods.map(lambda period: period.label if period else ""),
        "england": _numbers(table, "england", problems),
        "region": _numbers(table, "region", problems),
        "statistical_neighbours": _numbers(table, "statistical_neighbours", problems),
        "source": _text(table, "source"),
    })
    return comparators, problems


def validate_commentary(table: Table, indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The Commentary sheet: narrative by indicator or dashboard and period."""
    problems: list[Problem] = []
    ids = _text(table, "indicator_id")
    dashboards = _text(table, "dashboard")
    by_number = dict(zip(indicators["dashboard_number"].astype(str), indicators["dashboard"]))
    numbers = dashboards.str.extract(r"^\s*(\d+)", expand=False)
    dashboards = numbers.map(by_number).where(numbers.notna(), dashboards).fillna(dashboards)
    for index in ids.index[(ids == "") & (dashboards == "")]:
        problems.append(table.problem_at(index, "indicator_id",
                                      "give an indicator id or a dashboard for the commentary"))
    for index in ids.index[(ids != "") & ~ids.isin(indicators["indicator_id"])]:
        problems.append(table.problem_at(index, "indicator_id",
                                      f"unknown indicator '{ids[index]}': it is not on the Indicators sheet"))
    for index in dashboards.index[(ids == "") & (dashboards != "") & ~dashboards.isin(indicators["dashboard"])]:
        problems.append(table.problem_at(index, "dashboard",
                                      f"unknown dashboard '{dashboards[index]}'"))
    periods = _parse_periods(table, "period", problems)
    texts = _text(table, "text")
    for index in texts.index[texts == ""]:
        problems.append(table.problem_at(index, "text", "the commentary text is blank"))
    commentary = pd.DataFrame({
        "indicator_id": ids, "dashboard": dashboards.where(ids == "", ""),
        "period": periods.map(lambda period: period.label if period else ""),
        "text": texts, "author": _text(table, "author"),
    })
    return commentary, problems


def read_about(table: Table) -> dict[str, str]:
    """The optional About sheet: facts such as `authority`, `la_code` and `committee`."""
    fields = _text(table, "field").map(normalise_name)
    return {name: text for name, text in zip(fields, _text(table, "value")) if name and text}
