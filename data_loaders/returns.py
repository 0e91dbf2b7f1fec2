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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from data_loaders.files import (HEADER_SEARCH_ROWS, column_letter, normalise_name, open_workbook, read_bytes,
                                read_csv_rows, sniff_format, unicode_name)
from data_loaders.model import (AGGREGATIONS, MAX_COMMENTARY_CHARS, MAX_DEFINITION_CHARS, MAX_NAME_CHARS,
                                MAX_NOTE_CHARS, POLARITIES, UNITS, PerformanceReturn, Problem, ReturnError)
from periods import Period, parse_period
from units import DISPLAY_DECIMALS, SCALE, round_half_away

EARLIEST_YEAR = 2000
TOTAL_NAMES = {"", "total", "all", "overall"}
QUOTE_LIMIT = 60
LISTED_PER_CHECK = 1_000  # rows listed for one check; the rest are counted in one line, so a file of a
#                           hundred thousand bad rows is refused in moments with a list an officer can read
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
    """A sheet's data rows: each named column's cells and each row's spreadsheet row number.

    A column is kept as `codes` into its distinct cells (trimmed; code -1 where blank), so each
    distinct cell is checked once. `problems` are cell problems found while reading (formulas
    without a saved result): reported with the validation problems rather than instead of them.
    """

    sheet: str
    rows: np.ndarray  # spreadsheet row numbers (the header is row 1 when it is the first row)
    headers: dict[str, str]
    columns: Mapping[str, tuple[np.ndarray, np.ndarray]]
    problems: list[Problem] = field(default_factory=list)
    column_headers: list[str] | None = None  # a wide sheet made long: each row's period column
    texts: dict[str, pd.Series] = field(default_factory=dict, repr=False)  # each column as text, once

    @property
    def index(self) -> pd.RangeIndex:
        """Row positions, the index of every Series made from the table."""
        return pd.RangeIndex(len(self.rows))

    def column_name(self, column: str) -> str:
        """The column's header as the officer wrote it."""
        return self.headers.get(column, column)

    def problem(self, row: int | None, column: str | None, message: str) -> Problem:
        """A problem located in this table."""
        return Problem(self.sheet, row, self.column_name(column) if column else None, message)

    def problem_at(self, position: int, column: str, message: str) -> Problem:
        """A problem in the data row at `position`; a wide sheet names the period's own column."""
        if column in ("value", "period") and self.column_headers is not None:
            return Problem(self.sheet, int(self.rows[position]), self.column_headers[position], message)
        return self.problem(int(self.rows[position]), column, message)

    def cells(self, column: str) -> np.ndarray:
        """A column's cells as objects, None where blank or absent."""
        if column not in self.columns:
            return np.full(len(self.rows), None, dtype=object)
        codes, distinct = self.columns[column]
        return np.append(distinct, None)[codes]

    def present(self, column: str) -> pd.Series:
        """Whether each row has something in the column."""
        codes = self.columns[column][0] if column in self.columns else np.full(len(self.rows), -1)
        return pd.Series(codes >= 0, index=self.index)


def _report(table: Table, problems: list[Problem], positions: np.ndarray, column: str | None,
            message: str | Callable[[int], str]) -> None:
    """A problem at each row position (`message`, or `message(position)`), listing at most
    LISTED_PER_CHECK rows and counting the rest in one more problem."""
    for position in positions[:LISTED_PER_CHECK]:
        position = int(position)
        problems.append(table.problem_at(position, column, message if isinstance(message, str) else message(position)))
    if len(positions) > LISTED_PER_CHECK:
        problems.append(table.problem(None, column, f"{len(positions) - LISTED_PER_CHECK:,} more rows have a problem "
                                                    "like the rows listed for this column: fix those, then load the "
                                                    "file again"))


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
    lengths = set(map(len, body)) | {len(header)}
    width = max(lengths)
    if len(lengths) > 1:  # a CSV's short or long lines
        body = [list(row) + [""] * (width - len(row)) for row in body]
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body
    filled = _filled_rows(grid)
    return Table(sheet, np.flatnonzero(filled) + header_at + 2, headers,
                 _Columns(grid if filled.all() else grid[filled], positions), formula_problems)


def _filled_rows(grid: np.ndarray) -> np.ndarray:
    """Whether each row holds something: a row of empty cells, or of cells of spaces only, is blank."""
    written = grid != ""
    filled = written.any(axis=1)
    first = grid[np.arange(len(grid)), written.argmax(axis=1)]  # the first written cell decides, nearly always
    for position in np.flatnonzero(filled & np.array([cell.__class__ is str and not cell.strip() for cell in first],
                                                     dtype=bool)):
        filled[position] = any(cell.__class__ is not str or cell.strip() for cell in grid[position])
    return filled


class _Columns(Mapping):
    """A table's named columns as (codes, distinct cells), each worked out when first used: a sheet may
    name thousands of columns nobody reads."""

    def __init__(self, grid: np.ndarray, positions: dict[str, int]):
        self._grid, self._positions, self._done = grid, positions, {}

    def __getitem__(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._done:
            self._done[name] = _distinct(self._grid[:, self._positions[name]])
        return self._done[name]

    def __iter__(self):
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


def _distinct(cells) -> tuple[np.ndarray, np.ndarray]:
    """A column as codes into its distinct cells, trimmed (code -1 where blank or only spaces).

    A float NaN (which no spreadsheet writes, but a crafted file can) is kept as the text 'NaN',
    so it is reported rather than read as blank.
    """
    codes, uniques = pd.factorize(np.asarray(cells, dtype=object))
    trimmed = [cell.strip() or None if cell.__class__ is str else cell for cell in uniques] + ["NaN"]
    final, distinct = pd.factorize(np.array(trimmed, dtype=object))
    return final[np.where(codes < 0, len(uniques), codes)], np.asarray(distinct, dtype=object)


def _text(table: Table, column: str) -> pd.Series:
    """A column as trimmed text (non-breaking spaces as spaces), blank where empty or absent."""
    if column not in table.texts:
        codes, distinct = table.columns.get(column, (np.full(len(table.rows), -1), np.array([], dtype=object)))
        words = np.array(_words(distinct) + [""], dtype=object)
        table.texts[column] = pd.Series(pd.array(words, dtype="str").take(codes), index=table.index)
    return table.texts[column]


def _words(distinct: np.ndarray) -> list[str]:
    """Each distinct cell as text, non-breaking spaces as spaces."""
    words = [cell if cell.__class__ is str else _cell_text(cell) for cell in distinct]
    if "\xa0" in "".join(words):
        return [word.replace("\xa0", " ") for word in words]
    return words


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
        return pd.Series(np.nan, index=table.index, dtype="float64")
    codes, distinct = table.columns[column]
    read = [_number(cell) for cell in distinct]
    numbers = np.array([number for number, _ in read] + [np.nan], dtype="float64")[codes]
    wrong = [code for code, (_, message) in enumerate(read) if message]
    if wrong:
        _report(table, problems, np.flatnonzero(np.isin(codes, wrong)), column,
                lambda position: read[codes[position]][1])
    return pd.Series(numbers, index=table.index)


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
    written = _text(table, column)
    codes = written.map(normalise_name)
    _report(table, problems, np.flatnonzero(~codes.isin(allowed)), column,
            lambda position: f"{_quoted(written[position])} is not one of {', '.join(allowed)}" if written[position]
            else f"blank: give one of {', '.join(allowed)}")
    return codes


def _yes_no(table: Table, column: str, problems: list[Problem], blank: bool = False) -> pd.Series:
    """An optional yes/no column as booleans; a blank cell (or no column) means `blank`."""
    words = _text(table, column).str.lower()
    _report(table, problems, np.flatnonzero(~words.isin(_YES | _NO)), column,
            lambda position: f"{_quoted(words[position])} is not yes or no")
    return words.isin(_YES) | (words.eq("") & blank)


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
    codes, distinct = table.columns.get(column, (np.full(len(table.rows), -1), np.array([], dtype=object)))
    pattern, what = (_BREAKDOWN, "breakdown") if column == "breakdown" else (_INDICATOR_ID, "indicator id")
    allowed = "letters A-Z, digits, spaces, -, _ and ." if column == "breakdown" else "letters A-Z, digits, -, _ and ."
    normal = _words(distinct)
    messages: list[str | None] = [None] * len(normal)
    plain_already = pd.Series(normal, dtype="str").str.fullmatch(pattern.pattern).to_numpy(dtype=bool)
    for code in np.flatnonzero(~plain_already):  # few: each is normalised and, if still odd, reported
        text = normal[code]
        plain = unicodedata.normalize("NFKC", text)
        plain = " ".join(plain.split()) if column == "breakdown" else plain
        odd = "" if not plain or pattern.fullmatch(plain) else \
            next((character for character in plain if not _ID_CHARACTER.fullmatch(character)), " ")
        odd = odd if defining or not " " <= odd <= "~" else ""
        normal[code] = plain
        messages[code] = None if not odd else (f"the {what} {_quoted(_visible(text))} holds {_character(odd)}, "
                                               f"which is not allowed: retype it using only the {allowed}")
    wrong = [code for code, message in enumerate(messages) if message]
    broken = np.isin(codes, wrong) if wrong else np.zeros(len(codes), dtype=bool)
    _report(table, problems, np.flatnonzero(broken), column, lambda position: messages[codes[position]])
    merged, words = pd.factorize(np.array(normal + [""], dtype=object))  # cells that differ only before NFKC
    final = merged[np.where(codes < 0, len(normal), codes)]
    blank = merged[len(normal)]
    return _Coded(np.where(final == blank, -1, final - (final > blank)),
                  [word for code, word in enumerate(words) if code != blank] if blank >= 0 else list(words),
                  broken)


def _character(character: str) -> str:
    """A character as a message names it: `a space`, `'='`, or `U+200B ZERO WIDTH SPACE` when it is not
    plain printable ASCII (invisible, or a look-alike)."""
    if character == " ":
        return "a space"
    return f"'{character}'" if " " < character <= "~" else unicode_name(character)


def _visible(text: str) -> str:
    """Text with every character outside printable ASCII written as its code, as in 'CSC01[U+200B]'."""
    return "".join(character if " " <= character <= "~" else f"[U+{ord(character):04X}]" for character in text)


def _check_lengths(table: Table, key: str, problems: list[Problem]) -> None:
    """A problem for each text longer than its column allows (the pages and the PDF pack lay them out)."""
    for column, limit in _TEXT_LIMITS[key].items():
        if column not in table.columns:
            continue
        lengths = _text(table, column).str.len().to_numpy()
        _report(table, problems, np.flatnonzero(lengths > limit), column,
                lambda position: f"the {column.replace('_', ' ')} is {lengths[position]:,} characters long; the "
                                 f"most is {limit:,}: shorten it")


def validate_indicators(table: Table) -> tuple[pd.DataFrame, list[Problem]]:
    """The Indicators sheet as the catalogue, and its problems."""
    problems: list[Problem] = []
    ids = _identifiers(table, "indicator_id", problems).series(table.index)
    _report(table, problems, np.flatnonzero(ids == ""), "indicator_id", "the indicator id is blank")
    first_rows = pd.Series(table.rows, index=table.index).groupby(ids).transform("min")
    _report(table, problems, np.flatnonzero(ids.duplicated(keep="first") & (ids != "")), "indicator_id",
            lambda position: f"the indicator id {_quoted(_visible(ids[position]))} is already used on row "
                             f"{first_rows[position]}")
    _check_lengths(table, "indicators", problems)
    dashboards = _text(table, "dashboard")
    numbers = dashboards.str.extract(_DASHBOARD_NUMBER, expand=False)
    _report(table, problems, np.flatnonzero(numbers.isna()), "dashboard",
            lambda position: f"{_quoted(dashboards[position])} must start with the dashboard's number, e.g. "
                             "'3 Children's Social Care Front Door'")
    titles = _text(table, "title")
    _report(table, problems, np.flatnonzero(titles == ""), "title", "the title is blank")
    units = _choice(table, "unit", UNITS, problems)
    polarities = _choice(table, "polarity", POLARITIES, problems)
    aggregations = _choice(table, "aggregation", AGGREGATIONS, problems)
    targets = _numbers(table, "target", problems)
    tolerances = _numbers(table, "amber_tolerance", problems)
    _report(table, problems, np.flatnonzero(tolerances < 0), "amber_tolerance",
            "the amber tolerance cannot be negative")
    _report(table, problems, np.flatnonzero((units == "percent") & ((targets < 0) | (targets > 100))), "target",
            lambda position: f"a percentage target must be between 0 and 100, not {targets[position]:g}")
    rebases = _text(table, "spc_rebase")
    codes, distinct = pd.factorize(rebases)
    for code, text in enumerate(distinct):
        for message in _rebase_problems(text):
            _report(table, problems, np.flatnonzero(codes == code), "spc_rebase", message)
    catalogue = pd.DataFrame({
        "indicator_id": ids, "dashboard": dashboards,
        "dashboard_number": pd.to_numeric(numbers, errors="coerce").fillna(0).astype("int64"),
        "title": titles, "definition": _text(table, "definition"), "unit": units,
        "polarity": polarities, "aggregation": aggregations, "target": targets,
        "amber_tolerance": tolerances, "comparator_note": _text(table, "comparator_note"),
        "source": _text(table, "source"),
        "rolling_12_months": _yes_no(table, "rolling_12_months", problems),
        "spc_rebase": rebases,
        "suppress_small_numbers": _yes_no(table, "suppress_small_numbers", problems, blank=True),
    })
    return catalogue, problems


def _rebase_problems(text: str) -> list[str]:
    """What is wrong with an spc_rebase cell: each part must be a month."""
    problems = []
    for part in filter(None, (piece.strip() for piece in re.split(r"[;,]", text))):
        try:
            if parse_period(part).frequency != "month":
                problems.append(f"{_quoted(part)} is not a month")
        except ValueError as error:
            problems.append(str(error))
    return problems


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
    codes, distinct = table.columns.get(column, (np.full(len(table.rows), -1), np.array([], dtype=object)))
    periods, messages = [], []
    for cell in distinct:
        try:
            periods.append(parse_period(cell))
            messages.append(None)
        except ValueError as error:
            periods.append(None)
            messages.append(str(error))
    wrong = [code for code, message in enumerate(messages) if message]
    _report(table, problems, np.flatnonzero((codes < 0) | np.isin(codes, wrong)), column,
            lambda position: messages[codes[position]] if codes[position] >= 0 else "the period is blank")
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
    long_columns["value"] = _distinct(np.concatenate([table.cells(name)[filled] for filled, name, _ in pieces]))
    long_columns["period"] = _distinct(np.array([period for filled, _, period in pieces for _ in filled] or [None],
                                                dtype=object)[:len(order)])
    headers = [table.headers[name] for filled, name, _ in pieces for _ in filled]
    return Table(table.sheet, table.rows[order], table.headers, long_columns, column_headers=headers), problems


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
    count = len(table.rows)
    rows = table.rows
    ids = _identifiers(table, "indicator_id", problems, defining=False)
    # A repeated id is reported on the Indicators sheet; check values against its first row.
    catalogue = indicators.drop_duplicates("indicator_id").set_index("indicator_id")
    in_catalogue = set(catalogue.index)
    known = ids.each([word in in_catalogue for word in ids.words], False).astype(bool)
    _report(table, problems, np.flatnonzero(~known & ~ids.broken), "indicator_id",
            lambda position: "the indicator id is blank" if ids.codes[position] < 0 else
            f"unknown indicator {_quoted(ids.words[ids.codes[position]])}: it is not on the Indicators sheet")
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
    unit_by_id, aggregation_by_id = catalogue["unit"].to_dict(), catalogue["aggregation"].to_dict()
    unit_of = [unit_by_id.get(word, "count") for word in ids.words]
    units = ids.each(unit_of, "count")
    aggregations = ids.each([aggregation_by_id.get(word, "last") for word in ids.words], "last")

    this_month = Period(today.year, today.month)
    for code, period in enumerate(periods.periods):
        if period is None or EARLIEST_YEAR <= period.year and period.start <= this_month.start:
            continue
        message = (f"{period.label} is before {EARLIEST_YEAR}: check the year" if period.year < EARLIEST_YEAR
                   else f"{period.label} is in the future")
        _report(table, problems, np.flatnonzero(periods.codes == code), "period", message)

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
    _report(table, problems, np.flatnonzero(counted & known & (frequency_codes != usual) & (usual >= 0)), "period",
            lambda position: f"{periods.periods[periods.codes[position]].label} is a {frequencies[position]} but "
                             f"{id_text[position]} is reported by {names[usual[position]]}: one indicator's values "
                             "share one frequency")

    for column, series in (("numerator", numerators), ("denominator", denominators)):
        _report(table, problems, np.flatnonzero(series < 0), column,
                lambda position, series=series: f"{series[position]:g} is negative: counts cannot be below zero")
    _report(table, problems, np.flatnonzero((values < 0) & (units != "number")), "value",
            lambda position: f"{values[position]:g} is negative")
    is_percent = units == "percent"
    _report(table, problems, np.flatnonzero(is_percent & (values > 100)), "value",
            lambda position: f"{values[position]:g} is more than 100 for a percentage")
    _report(table, problems, np.flatnonzero(is_percent & (denominators > 0) & (numerators > denominators)),
            "numerator", lambda position: f"the numerator {numerators[position]:g} is larger than the denominator "
                                          f"{denominators[position]:g} for a percentage")
    has_numerator, has_denominator, has_value = ~np.isnan(numerators), ~np.isnan(denominators), ~np.isnan(values)
    zero = (denominators == 0) & has_numerator & (units != "count")
    _report(table, problems, np.flatnonzero(zero), "denominator", "the denominator is 0, so no value can be worked out")

    is_count = units == "count"
    scale = ids.each([SCALE.get(unit, np.nan) for unit in unit_of], np.nan).astype("float64")
    derived = values.copy()
    ratio = ~is_count & has_numerator & has_denominator & (denominators != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived[ratio] = (numerators / denominators * scale)[ratio]
    derived[is_count & has_numerator] = numerators[is_count & has_numerator]
    decimals = ids.each([DISPLAY_DECIMALS.get(unit, 1) for unit in unit_of], DISPLAY_DECIMALS["count"]).astype(int)
    both = has_value & ~np.isnan(derived)
    worked = np.full(count, np.nan)
    disagrees = np.zeros(count, dtype=bool)
    for places in np.unique(decimals[both]):
        here = np.flatnonzero(both & (decimals == places))
        worked[here] = round_half_away(derived[here], int(places))
        disagrees[here] = round_half_away(values[here], int(places)) != worked[here]
    _report(table, problems, np.flatnonzero(disagrees), "value",
            lambda position: f"{values[position]:g} does not match the numerator and denominator, which give "
                             f"{worked[position]:g}")
    final = np.where(has_value, values, derived)
    unreadable = np.zeros(count, dtype=bool)
    for column, read in (("numerator", numerators), ("denominator", denominators), ("value", values)):
        unreadable |= table.present(column).to_numpy() & np.isnan(read)
    _report(table, problems, np.flatnonzero(np.isnan(final) & known & ~zero & ~unreadable), "value",
            lambda position: "no value: give the value, or the numerator and denominator"
            if is_count[position] or not has_numerator[position]
            else "no value: a numerator needs its denominator (or give the value)")
    needs_parts = (~is_count & np.isin(aggregations, ["sum", "sum_numerator"])
                   & ~(has_numerator & has_denominator) & ~np.isnan(final))
    _report(table, problems, np.flatnonzero(needs_parts), "numerator",
            lambda position: f"{id_text[position]} adds up over months ({aggregations[position]}), so each row needs "
                             "its numerator and denominator")

    label_codes, labels = pd.factorize(np.array([period.label if period else "" for period in periods.periods]
                                                + [""], dtype=object))
    row_labels = label_codes[periods.codes]
    key = (ids.codes.astype(np.int64) + 1) * (len(labels) + 1) * (len(breakdowns.words) + 1) \
        + row_labels * (len(breakdowns.words) + 1) + breakdowns.codes + 1
    has_label = row_labels != label_codes[-1]
    repeated = pd.Series(key).duplicated(keep=False).to_numpy() & has_label & known
    if repeated.any():
        first_row = np.zeros(count, dtype=np.int64)
        first_row[repeated] = pd.Series(rows[repeated]).groupby(key[repeated]).transform("min").to_numpy()
        later = np.flatnonzero(repeated)[pd.Series(key[repeated]).duplicated(keep="first").to_numpy()]
        _report(table, problems, later, "indicator_id",
                lambda position: f"{id_text[position]} {labels[row_labels[position]]}"
                                 + (f" ({breakdown_text[position]})" if breakdown_text[position] else "")
                                 + f" is already given on row {first_row[position]}")

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
    ids, broken = coded.series(table.index), coded.broken
    _report(table, problems, np.flatnonzero(~ids.isin(indicators["indicator_id"]) & ~broken), "indicator_id",
            lambda position: f"unknown indicator {_quoted(ids[position])}: it is not on the Indicators sheet")
    _check_lengths(table, "comparators", problems)
    periods = _parse_periods(table, "period", problems)
    for code, period in enumerate(periods.periods):
        if period is not None and period.frequency != "year":
            _report(table, problems, np.flatnonzero(periods.codes == code), "period",
                    f"{period.label} is not a financial year such as 2024-25")
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
    ids, broken = coded.series(table.index), coded.broken
    _check_lengths(table, "commentary", problems)
    dashboards = _text(table, "dashboard")
    by_number = dict(zip(indicators["dashboard_number"].astype(str), indicators["dashboard"]))
    numbers = dashboards.str.extract(r"^\s*(\d+)", expand=False)
    dashboards = numbers.map(by_number).where(numbers.notna(), dashboards).fillna(dashboards)
    _report(table, problems, np.flatnonzero((ids == "") & (dashboards == "")), "indicator_id",
            "give an indicator id or a dashboard for the commentary")
    _report(table, problems, np.flatnonzero((ids != "") & ~ids.isin(indicators["indicator_id"]) & ~broken),
            "indicator_id", lambda position: f"unknown indicator {_quoted(ids[position])}: it is not on the "
                                             "Indicators sheet")
    _report(table, problems,
            np.flatnonzero((ids == "") & (dashboards != "") & ~dashboards.isin(indicators["dashboard"])), "dashboard",
            lambda position: f"unknown dashboard {_quoted(dashboards[position])}")
    periods = _parse_periods(table, "period", problems)
    texts = _text(table, "text")
    _report(table, problems, np.flatnonzero(texts == ""), "text", "the commentary text is blank")
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
