"""Read and validate a performance return workbook (or a CSV of its Values sheet).

The contract is docs/return-format.md. Every problem in the file is collected before
anything is raised, so an officer fixes the whole file in one go. Cells are read column by
column and each distinct value is checked once, so a large return loads in about the time
it takes to parse it.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import zip_longest

import numpy as np
import pandas as pd

from data_loaders.files import (HEADER_SEARCH_ROWS, column_letter, normalise_name, open_workbook, read_bytes,
                                read_csv_rows, sniff_format, unicode_name)
from data_loaders.model import (AGGREGATIONS, MAX_COMMENTARY_CHARS, MAX_DEFINITION_CHARS, MAX_NAME_CHARS,
                                MAX_NOTE_CHARS, POLARITIES, UNITS, PerformanceReturn, Problem, ReturnError, VALUE_KEY)
from periods import Period, parse_period
from units import DISPLAY_DECIMALS, SCALE, round_half_away

EARLIEST_YEAR = 2000
TOTAL_NAMES = {"", "total", "all", "overall"}
QUOTE_LIMIT = 60
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DASHBOARD_NUMBER = re.compile(r"^\s*(\d+)[\s.:)-]")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
# Identifiers, after Unicode NFKC normalisation: indicator ids, and breakdown names (words of the same
# characters, one space apart). Anything else, such as a zero-width space or a Cyrillic look-alike,
# would make two identifiers that look the same but are not.
_ID_CHARACTERS = r"A-Za-z0-9._\-"
_INDICATOR_ID = re.compile(f"[{_ID_CHARACTERS}]+")
_BREAKDOWN = re.compile(f"[{_ID_CHARACTERS}]+(?: [{_ID_CHARACTERS}]+)*")
_ID_CHARACTER = re.compile(f"[ {_ID_CHARACTERS}]")
# The longest text each column may hold (characters).
_TEXT_LIMITS = {
    "indicators": {"indicator_id": MAX_NAME_CHARS, "dashboard": MAX_NAME_CHARS, "title": MAX_NAME_CHARS,
                   "definition": MAX_DEFINITION_CHARS, "comparator_note": MAX_NOTE_CHARS, "source": MAX_NOTE_CHARS},
    "values": {"breakdown": MAX_NAME_CHARS},
    "comparators": {"source": MAX_NOTE_CHARS},
    "commentary": {"dashboard": MAX_NAME_CHARS, "text": MAX_COMMENTARY_CHARS, "author": MAX_NAME_CHARS},
    "about": {"field": MAX_NAME_CHARS, "value": MAX_NAME_CHARS},
}


@dataclass
class Table:
    """A sheet's data rows: each named column's cells and the spreadsheet row numbers (`frame["row"]`).

    A column is kept as `codes` into its distinct cells (trimmed; code -1 where blank), so each
    distinct cell is checked once. `problems` are cell problems found while reading (formulas
    without a saved result): reported with the validation problems rather than instead of them.
    """

    sheet: str
    frame: pd.DataFrame  # "row", and on a wide sheet made long, "column_header"
    headers: dict[str, str]
    columns: dict[str, tuple[np.ndarray, np.ndarray]]
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, pd.Series] = field(default_factory=dict, repr=False)  # each column as text, once

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

    def cells(self, column: str) -> np.ndarray:
        """A column's cells as objects, None where blank or absent."""
        if column not in self.columns:
            return np.full(len(self.frame), None, dtype=object)
        codes, distinct = self.columns[column]
        return np.append(distinct, None)[codes]

    def present(self, column: str) -> pd.Series:
        """Whether each row has something in the column."""
        codes = self.columns[column][0] if column in self.columns else np.full(len(self.frame), -1)
        return pd.Series(codes >= 0, index=self.frame.index)


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
        tables = _workbook_tables(data, filename)
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
    about, about_problems = read_about(tables["about"]) if "about" in tables else ({}, [])
    problems = (read_problems + indicator_problems + value_problems + comparator_problems + commentary_problems
                + about_problems)
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


def _workbook_tables(data: bytes, filename: str) -> dict[str, Table | list[Problem]]:
    """The known sheets of a workbook as Tables, or the problems that stop one being read (other sheets
    are checked with the whole file but never read)."""
    book = open_workbook(data, filename)
    known = {normalise_name(name): name for name in book.names if normalise_name(name) in _SHEET_COLUMNS}
    if not known:
        found = ", ".join(book.names) or "none"
        raise ReturnError([Problem(filename or "The file", None, None,
                                   "the workbook has none of the sheets Indicators, Values, Comparators, "
                                   f"Commentary (sheets found: {found})")])
    tables = {}
    for key, name in known.items():
        sheet = book.read(name)
        tables[key] = _table_from_rows(sheet.name, sheet.rows, _SHEET_COLUMNS[key], sheet.merged,
                                       sheet.formulas_without_values)
    return tables


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
    formula_problems = []
    for (row_index, column_index), formula in sorted(formulas.items()):
        names = [name for name, position in positions.items() if position == column_index]
        if row_index > header_at and names:
            formula_problems.append(Problem(sheet, row_index + 1, headers[names[0]],
                                            f"the cell holds the formula ={formula} but no saved result: open "
                                            "the file in Excel so it calculates, then save it again"))
    if problems:
        return problems + formula_problems
    body = rows[header_at + 1:]
    by_position = list(zip_longest(*body, fillvalue="")) if body else []
    columns = {name: _distinct(by_position[position] if position < len(by_position) else ("",) * len(body))
               for name, position in positions.items()}
    numbers = np.arange(len(body), dtype=np.int64) + header_at + 2
    # A row with nothing under a named column is blank unless an unnamed column holds something.
    empty = np.logical_and.reduce([codes < 0 for codes, _ in columns.values()]) if columns \
        else np.ones(len(body), dtype=bool)
    for position in np.flatnonzero(empty):
        row = body[position]
        empty[position] = row.count("") == len(row) or all(cell.__class__ is str and not cell.strip() for cell in row)
    if empty.any():
        columns = {name: (codes[~empty], distinct) for name, (codes, distinct) in columns.items()}
        numbers = numbers[~empty]
    return Table(sheet, pd.DataFrame({"row": numbers}), headers, columns, formula_problems)


def _distinct(cells: tuple) -> tuple[np.ndarray, np.ndarray]:
    """A column as codes into its distinct cells, trimmed (code -1 where blank or only spaces).

    A float NaN (which no spreadsheet writes, but a crafted file can) is kept as the text 'NaN',
    so it is reported rather than read as blank.
    """
    codes, uniques = pd.factorize(np.array(cells, dtype=object))
    trimmed = [cell.strip() or None if cell.__class__ is str else cell for cell in uniques] + ["NaN"]
    final, distinct = pd.factorize(np.array(trimmed, dtype=object))
    return final[np.where(codes < 0, len(uniques), codes)], np.asarray(distinct, dtype=object)


def _text(table: Table, column: str) -> pd.Series:
    """A column as trimmed text (non-breaking spaces as spaces), blank where empty or absent."""
    if column not in table.texts:
        codes, distinct = table.columns.get(column, (np.full(len(table.frame), -1), np.array([], dtype=object)))
        words = np.array([_cell_text(cell).replace("\xa0", " ") for cell in distinct] + [""], dtype=object)
        table.texts[column] = pd.Series(pd.array(words, dtype="str").take(codes), index=table.frame.index)
    return table.texts[column]


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
    """A column as finite floats (NaN where blank), reporting every cell that is not a number."""
    if column not in table.columns:
        return pd.Series(np.nan, index=table.frame.index, dtype="float64")
    codes, distinct = table.columns[column]
    read = [_number(cell) for cell in distinct]
    numbers = np.array([number for number, _ in read] + [np.nan], dtype="float64")[codes]
    wrong = [code for code, (_, message) in enumerate(read) if message]
    for position in np.flatnonzero(np.isin(codes, wrong)) if wrong else []:
        problems.append(table.problem_at(table.frame.index[position], column, read[codes[position]][1]))
    return pd.Series(numbers, index=table.frame.index)


def _number(cell: object) -> tuple[float, str | None]:
    """A cell as a finite float, or NaN and what is wrong with it."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        number = float(cell)
    elif isinstance(cell, str) and _NUMBER.fullmatch(_without_thousands_commas(cell)):
        number = float(_without_thousands_commas(cell))
    else:
        shown = cell.isoformat()[:10] if isinstance(cell, (dt.date, dt.datetime)) else str(cell)
        return math.nan, f"{_quoted(shown)} is not a number"
    if not math.isfinite(number):
        return math.nan, (f"{_quoted(cell if isinstance(cell, str) else repr(number))} is not a finite number: "
                          "type the figure itself, or leave the cell blank")
    return number, None


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
        message = (f"{_quoted(written)} is not one of {', '.join(allowed)}" if written
                   else f"blank: give one of {', '.join(allowed)}")
        problems.append(table.problem_at(index, column, message))
    return codes


def _yes_no(table: Table, column: str, problems: list[Problem]) -> pd.Series:
    """An optional yes/no column as booleans."""
    words = _text(table, column).str.lower()
    for index in words.index[~words.isin(_YES | _NO)]:
        problems.append(table.problem_at(index, column,
                                      f"{_quoted(words[index])} is not yes or no"))
    return words.isin(_YES)


@dataclass
class _Coded:
    """A text column as `codes` into its distinct `words` (code -1 where blank), and per row, whether
    the cell broke a rule already reported."""

    codes: np.ndarray
    words: list[str]
    broken: np.ndarray

    def each(self, values: list, blank: object) -> np.ndarray:
        """Each row's entry of `values` (one per word), `blank` where the cell is blank."""
        return np.array(list(values) + [blank], dtype=object)[self.codes]

    def text(self, order: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
        """The column as text, its rows in `order` if given."""
        codes = self.codes if order is None else self.codes[order]
        return pd.array(np.array(self.words + [""], dtype=object), dtype="str").take(codes)

    def series(self, index: pd.Index) -> pd.Series:
        """The column as a text Series."""
        return pd.Series(self.text(), index=index)


def _identifiers(table: Table, column: str, problems: list[Problem], defining: bool = True) -> _Coded:
    """Indicator ids or breakdown names after NFKC normalisation; each cell that breaks the rule is
    reported, naming the character that is not allowed.

    Where ids only refer to the catalogue (`defining` False), a plain ASCII character such as a space
    is left for the "unknown indicator" check; only an invisible or look-alike character is reported.
    """
    codes, distinct = table.columns.get(column, (np.full(len(table.frame), -1), np.array([], dtype=object)))
    pattern, what = (_BREAKDOWN, "breakdown") if column == "breakdown" else (_INDICATOR_ID, "indicator id")
    allowed = "letters A-Z, digits, spaces, -, _ and ." if column == "breakdown" else "letters A-Z, digits, -, _ and ."
    normal, messages = [], []
    for cell in distinct:
        text = _cell_text(cell).replace("\xa0", " ")
        plain = unicodedata.normalize("NFKC", text)
        plain = " ".join(plain.split()) if column == "breakdown" else plain
        odd = "" if not plain or pattern.fullmatch(plain) else \
            next((character for character in plain if not _ID_CHARACTER.fullmatch(character)), " ")
        odd = odd if defining or not " " <= odd <= "~" else ""
        normal.append(plain)
        messages.append(None if not odd else
                        f"the {what} {_quoted(_visible(text))} holds "
                        + (f"{unicode_name(odd)}, " if odd != " " else "a space, ")
                        + f"which is not allowed: retype it using only the {allowed}")
    wrong = [code for code, message in enumerate(messages) if message]
    broken = np.isin(codes, wrong) if wrong else np.zeros(len(codes), dtype=bool)
    for position in np.flatnonzero(broken):
        problems.append(table.problem_at(table.frame.index[position], column, messages[codes[position]]))
    merged, words = pd.factorize(np.array(normal + [""], dtype=object))  # cells that differ only before NFKC
    final = merged[np.where(codes < 0, len(normal), codes)]
    blank = merged[len(normal)]
    return _Coded(np.where(final == blank, -1, final - (final > blank)),
                  [word for code, word in enumerate(words) if code != blank] if blank >= 0 else list(words),
                  broken)


def _visible(text: str) -> str:
    """Text with every character outside printable ASCII written as its code, as in 'CSC01[U+200B]'."""
    return "".join(character if " " <= character <= "~" else f"[U+{ord(character):04X}]" for character in text)


def _check_lengths(table: Table, key: str, problems: list[Problem]) -> None:
    """A problem for each text longer than its column allows (the pages and the PDF pack lay them out)."""
    for column, limit in _TEXT_LIMITS[key].items():
        if column not in table.columns:
            continue
        lengths = _text(table, column).str.len()
        for index in lengths.index[lengths > limit]:
            problems.append(table.problem_at(index, column,
                                             f"the {column.replace('_', ' ')} is {lengths[index]:,} characters "
                                             f"long; the most is {limit:,}: shorten it"))


def validate_indicators(table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """The Indicators sheet as the catalogue, and its problems."""
    problems: list[Problem] = []
    rows = table.frame["row"].astype(int)
    ids = _identifiers(table, "indicator_id", problems).series(table.frame.index)
    for index in ids.index[ids == ""]:
        problems.append(table.problem_at(index, "indicator_id", "the indicator id is blank"))
    for index in ids.index[ids.duplicated(keep="first") & (ids != "")]:
        first = int(rows[ids.index[ids == ids[index]][0]])
        problems.append(table.problem_at(index, "indicator_id",
                                      f"the indicator id {_quoted(_visible(ids[index]))} is already used on row "
                                      f"{first}"))
    _check_lengths(table, "indicators", problems)
    dashboards = _text(table, "dashboard")
    numbers = dashboards.str.extract(_DASHBOARD_NUMBER, expand=False)
    for index in numbers.index[numbers.isna()]:
        problems.append(table.problem_at(index, "dashboard",
                                      f"{_quoted(dashboards[index])} must start with the dashboard's number, "
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
                    raise ValueError(f"{_quoted(part.strip())} is not a month")
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


@dataclass
class _Periods:
    """A column of period cells read once per distinct cell: `codes` index `periods` (-1 where blank)."""

    codes: np.ndarray
    periods: list[Period | None]  # None where the cell is not a period

    def take(self, attribute: str, missing: object = None) -> np.ndarray:
        """Each row's period `attribute` (label, frequency, start...), `missing` where there is none."""
        values = [getattr(period, attribute) if period else missing for period in self.periods] + [missing]
        return np.array(values, dtype=object)[self.codes]


def _parse_periods(table: Table, column: str, problems: list[Problem]) -> _Periods:
    """A column of period cells, each distinct cell parsed once; a problem for each unreadable cell."""
    codes, distinct = table.columns.get(column, (np.full(len(table.frame), -1), np.array([], dtype=object)))
    periods, messages = [], []
    for cell in distinct:
        try:
            periods.append(parse_period(cell))
            messages.append(None)
        except ValueError as error:
            periods.append(None)
            messages.append(str(error))
    wrong = [code for code, message in enumerate(messages) if message]
    for position in np.flatnonzero((codes < 0) | np.isin(codes, wrong)):
        code = codes[position]
        problems.append(table.problem_at(table.frame.index[position], column,
                                         messages[code] if code >= 0 else "the period is blank"))
    return _Periods(codes, periods)


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
    id_columns = [name for name in ("indicator_id", "breakdown") if name in table.columns]
    pieces = []
    for name, period in period_columns.items():
        filled = np.flatnonzero(table.columns[name][0] >= 0) if name in table.columns else np.array([], dtype=int)
        pieces.append((filled, name, period))
    order = np.concatenate([filled for filled, _, _ in pieces]) if pieces else np.array([], dtype=int)
    long_columns = {name: (np.concatenate([table.columns[name][0][filled] for filled, _, _ in pieces]),
                           table.columns[name][1]) for name in id_columns}
    long_columns["value"] = _distinct(tuple(np.concatenate([table.cells(name)[filled] for filled, name, _ in pieces])))
    long_columns["period"] = _distinct(tuple(period for filled, _, period in pieces for _ in filled))
    frame = pd.DataFrame({"row": table.frame["row"].to_numpy()[order],
                          "column_header": [table.headers[name] for filled, name, _ in pieces for _ in filled]})
    return Table(table.sheet, frame, table.headers, long_columns), problems


def validate_values(table: Table, indicators: pd.DataFrame,
                    today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """The Values sheet as tidy values, with every value derived or checked, and its problems.

    Works on each column's distinct cells (ids, periods, breakdowns) and numpy arrays, so a return
    of tens of thousands of rows is checked in milliseconds.
    """
    problems: list[Problem] = []
    if "period" not in table.columns:
        table, problems = _wide_to_long(table)
        if table is None:
            return pd.DataFrame(), problems
    if not {"value", "numerator"} & set(table.columns):
        return pd.DataFrame(), [table.problem(None, None, "there is neither a value nor a numerator column")]
    count = len(table.frame)
    rows = table.frame["row"].to_numpy()
    ids = _identifiers(table, "indicator_id", problems, defining=False)
    # A repeated id is reported on the Indicators sheet; check values against its first row.
    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    known = ids.each([word in catalogue.index for word in ids.words], False).astype(bool)
    for position in np.flatnonzero(~known & ~ids.broken):
        code = ids.codes[position]
        message = ("the indicator id is blank" if code < 0 else
                   f"unknown indicator {_quoted(ids.words[code])}: it is not on the Indicators sheet")
        problems.append(table.problem_at(position, "indicator_id", message))
    id_text = ids.each(ids.words, "")
    periods = _parse_periods(table, "period", problems)
    breakdowns = _identifiers(table, "breakdown", problems)
    _check_lengths(table, "values", problems)
    totals = {code for code, word in enumerate(breakdowns.words) if word.lower() in TOTAL_NAMES}
    breakdowns.codes = np.where(np.isin(breakdowns.codes, list(totals)), -1, breakdowns.codes)
    breakdown_text = breakdowns.each(breakdowns.words, "")
    numerators = _numbers(table, "numerator", problems).to_numpy()
    denominators = _numbers(table, "denominator", problems).to_numpy()
    values = _numbers(table, "value", problems).to_numpy()
    unit_of = [catalogue.at[word, "unit"] if word in catalogue.index else "count" for word in ids.words]
    units = ids.each(unit_of, "count")
    aggregations = ids.each([catalogue.at[word, "aggregation"] if word in catalogue.index else "last"
                             for word in ids.words], "last")

    this_month = Period(today.year, today.month)
    for code, period in enumerate(periods.periods):
        if period is None or EARLIEST_YEAR <= period.year and period.start <= this_month.start:
            continue
        message = (f"{period.label} is before {EARLIEST_YEAR}: check the year" if period.year < EARLIEST_YEAR
                   else f"{period.label} is in the future")
        for position in np.flatnonzero(periods.codes == code):
            problems.append(table.problem_at(position, "period", message))

    # An indicator's usual frequency is its most common one (ties: the first in alphabetical order).
    frequency_index = {frequency: index for index, frequency in enumerate(sorted(("month", "quarter", "year")))}
    frequencies = periods.take("frequency")
    frequency_codes = np.array([frequency_index.get(period.frequency, -1) if period else -1
                                for period in periods.periods] + [-1])[periods.codes]
    counted = (ids.codes >= 0) & (frequency_codes >= 0)
    tally = np.bincount(ids.codes[counted] * 3 + frequency_codes[counted],
                        minlength=3 * len(ids.words)).reshape(-1, 3)
    usual = np.append(np.where(tally.any(axis=1), np.argmax(tally, axis=1), -1), -1)[ids.codes]
    names = sorted(frequency_index)
    for position in np.flatnonzero(counted & known & (frequency_codes != usual) & (usual >= 0)):
        problems.append(table.problem_at(position, "period",
                                         f"{periods.periods[periods.codes[position]].label} is a "
                                         f"{frequencies[position]} but {id_text[position]} is reported by "
                                         f"{names[usual[position]]}: one indicator's values share one frequency"))

    for column, series in (("numerator", numerators), ("denominator", denominators)):
        for position in np.flatnonzero(series < 0):
            problems.append(table.problem_at(position, column,
                                             f"{series[position]:g} is negative: counts cannot be below zero"))
    for position in np.flatnonzero((values < 0) & (units != "number")):
        problems.append(table.problem_at(position, "value", f"{values[position]:g} is negative"))
    is_percent = units == "percent"
    for position in np.flatnonzero(is_percent & (values > 100)):
        problems.append(table.problem_at(position, "value",
                                         f"{values[position]:g} is more than 100 for a percentage"))
    for position in np.flatnonzero(is_percent & (denominators > 0) & (numerators > denominators)):
        problems.append(table.problem_at(position, "numerator",
                                         f"the numerator {numerators[position]:g} is larger than the denominator "
                                         f"{denominators[position]:g} for a percentage"))
    has_numerator, has_denominator, has_value = ~np.isnan(numerators), ~np.isnan(denominators), ~np.isnan(values)
    zero = (denominators == 0) & has_numerator & (units != "count")
    for position in np.flatnonzero(zero):
        problems.append(table.problem_at(position, "denominator",
                                         "the denominator is 0, so no value can be worked out"))

    is_count = units == "count"
    scale = ids.each([SCALE.get(unit, np.nan) for unit in unit_of], np.nan).astype("float64")
    derived = values.copy()
    ratio = ~is_count & has_numerator & has_denominator & (denominators != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived[ratio] = (numerators / denominators * scale)[ratio]
    derived[is_count & has_numerator] = numerators[is_count & has_numerator]
    decimals = ids.each([DISPLAY_DECIMALS.get(unit, 1) for unit in unit_of], DISPLAY_DECIMALS["count"]).astype(int)
    both = has_value & ~np.isnan(derived)
    for places in np.unique(decimals[both]):
        here = np.flatnonzero(both & (decimals == places))
        given = round_half_away(values[here], int(places))
        worked = round_half_away(derived[here], int(places))
        for position, worked_value in zip(here[given != worked], worked[given != worked]):
            problems.append(table.problem_at(position, "value",
                                             f"{values[position]:g} does not match the numerator and denominator, "
                                             f"which give {worked_value:g}"))
    final = np.where(has_value, values, derived)
    unreadable = np.zeros(count, dtype=bool)
    for column, read in (("numerator", numerators), ("denominator", denominators), ("value", values)):
        unreadable |= table.present(column).to_numpy() & np.isnan(read)
    for position in np.flatnonzero(np.isnan(final) & known & ~zero & ~unreadable):
        if is_count[position] or not has_numerator[position]:
            message = "no value: give the value, or the numerator and denominator"
        else:
            message = "no value: a numerator needs its denominator (or give the value)"
        problems.append(table.problem_at(position, "value", message))
    needs_parts = (~is_count & np.isin(aggregations, ["sum", "sum_numerator"])
                   & ~(has_numerator & has_denominator) & ~np.isnan(final))
    for position in np.flatnonzero(needs_parts):
        problems.append(table.problem_at(position, "numerator",
                                         f"{id_text[position]} adds up over months ({aggregations[position]}), so "
                                         "each row needs its numerator and denominator"))

    label_codes, labels = pd.factorize(np.array([period.label if period else "" for period in periods.periods]
                                                + [""], dtype=object))
    row_labels = label_codes[periods.codes]
    key = (ids.codes.astype(np.int64) + 1) * (len(labels) + 1) * (len(breakdowns.words) + 1) \
        + row_labels * (len(breakdowns.words) + 1) + breakdowns.codes + 1
    has_label = row_labels != label_codes[-1]
    repeated = pd.Series(key).duplicated(keep=False).to_numpy() & has_label & known
    if repeated.any():
        first_row = pd.Series(rows[repeated]).groupby(key[repeated]).transform("min").to_numpy()
        later = pd.Series(key[repeated]).duplicated(keep="first").to_numpy()
        for position, first in zip(np.flatnonzero(repeated)[later], first_row[later]):
            label = labels[row_labels[position]]
            what = id_text[position] + " " + label + (f" ({breakdown_text[position]})" if breakdown_text[position]
                                                      else "")
            problems.append(table.problem_at(position, "indicator_id", f"{what} is already given on row {first}"))

    starts = np.array([np.datetime64(period.start, "us") if period else np.datetime64("NaT", "us")
                       for period in periods.periods] + [np.datetime64("NaT", "us")])[periods.codes]
    id_rank = np.append(pd.Series(ids.words, dtype="str").rank(method="dense").to_numpy(), 0)[ids.codes]
    breakdown_rank = np.append(pd.Series(breakdowns.words, dtype="str").rank(method="dense").to_numpy(),
                               0)[breakdowns.codes]
    order = np.lexsort((breakdown_rank, starts.astype(np.int64), id_rank))
    period_frequencies = [period.frequency if period else "" for period in periods.periods] + [""]
    tidy = pd.DataFrame({
        "indicator_id": ids.text(order),
        "period": pd.array(np.asarray(labels, dtype=object), dtype="str").take(row_labels[order]),
        "breakdown": breakdowns.text(order),
        "frequency": pd.array(np.array(period_frequencies, dtype=object), dtype="str").take(periods.codes[order]),
        "period_start": starts[order],
        "numerator": numerators[order], "denominator": denominators[order], "value": final[order],
    })
    return tidy, problems


def validate_comparators(table: Table, indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The Comparators sheet (published England, region and neighbour figures by financial year)."""
    problems: list[Problem] = []
    coded = _identifiers(table, "indicator_id", problems, defining=False)
    ids, broken = coded.series(table.frame.index), coded.broken
    for index in ids.index[~ids.isin(indicators["indicator_id"]) & ~broken]:
        problems.append(table.problem_at(index, "indicator_id",
                                      f"unknown indicator {_quoted(ids[index])}: it is not on the Indicators sheet"))
    _check_lengths(table, "comparators", problems)
    periods = _parse_periods(table, "period", problems)
    for code, period in enumerate(periods.periods):
        if period is not None and period.frequency != "year":
            for position in np.flatnonzero(periods.codes == code):
                problems.append(table.problem_at(table.frame.index[position], "period",
                                                 f"{period.label} is not a financial year such as 2024-25"))
    comparators = pd.DataFrame({
        "indicator_id": ids,
        "period": periods.take("label", ""),
        "england": _numbers(table, "england", problems),
        "region": _numbers(table, "region", problems),
        "statistical_neighbours": _numbers(table, "statistical_neighbours", problems),
        "source": _text(table, "source"),
    })
    return comparators, problems


def validate_commentary(table: Table, indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The Commentary sheet: narrative by indicator or dashboard and period."""
    problems: list[Problem] = []
    coded = _identifiers(table, "indicator_id", problems, defining=False)
    ids, broken = coded.series(table.frame.index), coded.broken
    _check_lengths(table, "commentary", problems)
    dashboards = _text(table, "dashboard")
    by_number = dict(zip(indicators["dashboard_number"].astype(str), indicators["dashboard"]))
    numbers = dashboards.str.extract(r"^\s*(\d+)", expand=False)
    dashboards = numbers.map(by_number).where(numbers.notna(), dashboards).fillna(dashboards)
    for index in ids.index[(ids == "") & (dashboards == "")]:
        problems.append(table.problem_at(index, "indicator_id",
                                      "give an indicator id or a dashboard for the commentary"))
    for index in ids.index[(ids != "") & ~ids.isin(indicators["indicator_id"]) & ~broken]:
        problems.append(table.problem_at(index, "indicator_id",
                                      f"unknown indicator {_quoted(ids[index])}: it is not on the Indicators sheet"))
    for index in dashboards.index[(ids == "") & (dashboards != "") & ~dashboards.isin(indicators["dashboard"])]:
        problems.append(table.problem_at(index, "dashboard",
                                      f"unknown dashboard {_quoted(dashboards[index])}"))
    periods = _parse_periods(table, "period", problems)
    texts = _text(table, "text")
    for index in texts.index[texts == ""]:
        problems.append(table.problem_at(index, "text", "the commentary text is blank"))
    commentary = pd.DataFrame({
        "indicator_id": ids, "dashboard": dashboards.where(ids == "", ""),
        "period": periods.take("label", ""),
        "text": texts, "author": _text(table, "author"),
    })
    return commentary, problems


def read_about(table: Table) -> tuple[dict[str, str], list[Problem]]:
    """The optional About sheet: facts such as `authority`, `la_code` and `committee`, and its problems."""
    problems: list[Problem] = []
    _check_lengths(table, "about", problems)
    fields = _text(table, "field").map(normalise_name)
    return {name: text for name, text in zip(fields, _text(table, "value")) if name and text}, problems
