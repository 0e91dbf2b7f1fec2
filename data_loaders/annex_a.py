"""Ofsted Annex A lists turned into aggregate indicator values AA01-AA18, and mapped onto a return's own.

An Annex A workbook has one sheet per list (`List 1` contacts to `List 11` adopters); this module
reads Lists 1-5 and 7-9. Every value is checked; a value that cannot be read (a date that is not a
date, a count that is not a whole number, an answer that is not yes or no) is a problem located by
list, row and column, and the workbook is refused with every problem at once. Blanks, `#N/A` and
formulas saved without a value are missing: figures are worked out on the other rows and a note says
how many were left out and why. Child references, dates of birth and worker names are read only in
memory; no output table, note, problem or exception ever contains any cell of the lists.
Definitions: `CHILD_LEVEL_CATALOGUE` (AA rows) and docs/child-level-lists.md.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from data_loaders.child_level import (ACTIV_CODES, CARE_LEAVER_AGE_GROUPS,
                                      CHILD_LEVEL_CATALOGUE, IN_EDUCATION_EMPLOYMENT_TRAINING,
                                      LEFT_OUT_OF_CARE_LEAVER_COUNTS, SUITABILITY_UNKNOWN, _value, _value_table,
                                      parse_when)
from data_loaders.files import HEADER_SEARCH_ROWS, RawSheet, normalise_name, open_workbook, read_bytes, sniff_format
from data_loaders.model import PerformanceReturn, Problem, ReturnError
from periods import MONTH_NAMES, Period, month_range
from units import derive_value

ANNEX_A_IDS = tuple(f"AA{number:02d}" for number in range(1, 19))
LIST_NAMES = {1: "contacts", 2: "Early Help assessments", 3: "referrals", 4: "assessments",
              5: "section 47 enquiries", 7: "child protection plans", 8: "children in care", 9: "care leavers"}
EXCEL_ERRORS = frozenset({"#n/a", "#n/a n/a", "#value!", "#ref!", "#div/0!", "#num!", "#name?", "#null!",
                          "#spill!", "#calc!", "#getting_data"})
YES = frozenset({"y", "yes", "true", "1"})
NO = frozenset({"n", "no", "false", "0"})
UNKNOWN_ANSWERS = frozenset({"unknown", "not known", "not recorded"})
ASSESSMENT_DEADLINE = 45   # working days from assessment start to authorisation
CONFERENCE_DEADLINE = 15   # working days from strategy discussion to initial conference
TOO_MANY_PLACEMENTS = 3
LONG_PLAN = pd.DateOffset(years=2)
CARE_LEAVER_ELIGIBILITY = ("relevant", "former relevant")
ELIGIBILITY = {"former relevant": "former relevant", "relevant": "relevant", "qualifying": "qualifying",
               "eligible": "eligible"}
IN_TOUCH = {"yes": "YES", "y": "YES", "no": "NO", "n": "NO", "died": "DIED", "refu": "REFU", "refused": "REFU",
            "nreq": "NREQ", "rhom": "RHOM"}
ACCOMMODATION_TYPES = "BCDEGHKRSTUVWXYZ"
LISTED_ROWS = 10  # row numbers named in one note before "and N more"

_PREFIX = re.compile(r"^[a-z]{1,2}\)\s*")           # Annex A coded values: "a) Yes", "b) Former relevant child"
_ACTIVITY = re.compile(r"^([FPG])\s*(\d)(?![0-9])")   # "F1: Full time in higher education"
_ACCOMMODATION = re.compile(r"^([A-Z])[12]?\s*(?:[:\-\u2013)]|$)")  # "U: Independent living", "U1"
_LIST_SHEET = re.compile(r"^\s*list\s*[_\-]?\s*(\d{1,2})(?!\d)", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def header_key(text: object) -> str:
    """A column name matched loosely: case, spaces and punctuation ignored ('Referral NFA?' -> 'referral nfa')."""
    return " ".join(_NOT_WORD.split(str(text).replace("\xa0", " ").lower())).strip()


@dataclass(frozen=True)
class Column:
    """One column an indicator needs: its Annex A name, the names accepted for it, and how to read it."""

    key: str
    label: str
    kind: str                    # date, count, number, yes_no, in_touch, eligibility, activity, accommodation,
    variants: tuple[str, ...] = ()  # suitability or text (read only to tell rows apart)

    @property
    def names(self) -> tuple[str, ...]:
        """Every accepted header, normalised."""
        return tuple(header_key(name) for name in (self.label, *self.variants))


_CHILD = Column("child", "Child Unique ID", "text", ("Child ID", "Child Unique Identifier", "Unique Child ID",
                                                    "Child Reference", "Child Ref", "Child Reference Number"))
# The child reference is read only where children are counted (Lists 7 and 8), never elsewhere.
COLUMNS: dict[int, tuple[Column, ...]] = {
    1: (Column("contact", "Date of Contact", "date", ("Contact Date", "Date Contact Received")),),
    2: (
        Column("start", "Assessment start date", "date", ("Early Help Assessment Start Date", "EHA Start Date",
                                                          "Date Assessment Started", "Start Date")),
        Column("completed", "Assessment completion date", "date",
               ("Early Help Assessment Completion Date", "EHA Completion Date", "Date Assessment Completed",
                "Assessment Completed Date", "Assessment End Date", "Completion Date"))),
    3: (
        Column("referral", "Date of Referral", "date", ("Referral Date", "Date Referral Received",
                                                        "Referral Start Date")),
        Column("nfa", "Referral NFA?", "yes_no", ("Referral NFA", "Referral No Further Action", "NFA",
                                                  "No Further Action")),
        Column("referrals_12m", "Number of Referrals in Last 12 Months", "count",
               ("Number of Referrals in the Last 12 Months", "No. of Referrals in Last 12 Months",
                "Referrals in Last 12 Months", "Referrals in the Last 12 Months"))),
    4: (
        Column("start", "Continuous Assessment Start Date", "date", ("Assessment Start Date",
                                                                     "Date Assessment Started", "Start Date")),
        Column("authorised", "Continuous Assessment Date of Authorisation", "date",
               ("Assessment Date of Authorisation", "Date of Authorisation", "Assessment Authorisation Date",
                "Date Assessment Authorised", "Assessment Authorised Date", "Assessment Completion Date",
                "Date Assessment Completed"))),
    5: (
        Column("strategy", "Strategy discussion initiating Section 47 Enquiry Start Date", "date",
               ("Strategy Discussion Date", "Date of Strategy Discussion", "Section 47 Enquiry Start Date",
                "S47 Start Date", "Date S47 Started", "Section 47 Start Date")),
        Column("icpc", "Date of Initial Child Protection Conference", "date",
               ("Initial Child Protection Conference Date", "ICPC Date", "Date of ICPC"))),
    7: (_CHILD,
        Column("start", "Child Protection Plan Start Date", "date", ("CP Plan Start Date", "CPP Start Date",
                                                                     "Plan Start Date")),
        Column("end", "Child Protection Plan End Date", "date", ("CP Plan End Date", "CPP End Date",
                                                                 "Plan End Date")),
        Column("previous", "Number of Previous Child Protection Plans", "count",
               ("Previous Child Protection Plans", "Number of Previous CP Plans", "Number of Previous CPPs",
                "No. of Previous Child Protection Plans"))),
    8: (_CHILD,
        Column("start", "Date Started to be Looked After", "date", ("Date Started Looked After",
                                                                    "Date Became Looked After",
                                                                    "Date Started Care", "Care Start Date")),
        Column("ceased", "Date Ceased to be Looked After", "date", ("Date Ceased Looked After", "Date Ceased Care",
                                                                   "Date Left Care", "Care End Date")),
        Column("placements", "Number of Placements in the Last 12 Months", "count",
               ("Number of Placements in Last 12 Months", "No. of Placements in the Last 12 Months",
                "Placements in the Last 12 Months", "Placements in Last 12 Months"))),
    9: (
        Column("dob", "Date of Birth", "date", ("DOB", "Birth Date")),
        Column("age", "Age of Child (Years)", "number", ("Age", "Age of Child", "Age (Years)", "Age in Years")),
        Column("eligibility", "Eligibility Category", "eligibility", ("Eligibility", "Care Leaver Eligibility")),
        Column("in_touch", "LA in Touch", "in_touch", ("Local Authority in Touch", "In Touch", "LA in Contact")),
        Column("accommodation", "Type of Accommodation", "accommodation", ("Accommodation Type",
                                                                           "Accommodation")),
        Column("suitability", "Suitability of Accommodation", "suitability", ("Accommodation Suitability",
                                                                              "Suitable Accommodation")),
        Column("activity", "Activity Status", "activity", ("Main Activity", "Activity"))),
}

# Indicator -> (list, columns it cannot be worked out without)
NEEDS = {
    "AA01": (1, ("contact",)), "AA02": (2, ("start",)), "AA03": (2, ("completed",)), "AA04": (3, ("referral",)),
    "AA05": (3, ("referral", "referrals_12m")), "AA06": (3, ("referral", "nfa")),
    "AA07": (4, ("start", "authorised")), "AA08": (5, ("strategy",)), "AA09": (5, ("strategy", "icpc")),
    "AA10": (7, ("start",)), "AA11": (7, ("start", "previous")), "AA12": (7, ("start", "end")),
    "AA13": (7, ("start", "end")), "AA14": (8, ("start", "ceased")), "AA15": (8, ("start", "ceased", "placements")),
    "AA16": (9, ("in_touch",)), "AA17": (9, ("activity",)), "AA18": (9, ("suitability",)),
}
# Date columns whose dates place events in months, with words for notes
EVENT_DATES = {(1, "contact"): "contact date", (2, "start"): "Early Help assessment start date",
               (2, "completed"): "Early Help assessment completion date", (3, "referral"): "referral date",
               (4, "authorised"): "assessment authorisation date", (5, "strategy"): "strategy discussion date",
               (5, "icpc"): "initial conference date", (7, "start"): "child protection plan start date"}
# (list, later date, earlier date) that must be in order
ORDERED_DATES = ((2, "completed", "start"), (4, "authorised", "start"), (5, "icpc", "strategy"),
                 (7, "end", "start"), (8, "ceased", "start"))
_EXPECTED = {"date": "an Excel date, dd/mm/yyyy or yyyy-mm-dd", "count": "a whole number of 0 or more",
             "number": "a number of 0 or more", "yes_no": "yes or no (Y, Yes, a) Yes, TRUE or 1; N, No, b) No, "
                                                            "FALSE or 0)",
             "in_touch": "Yes, No, Died, Refu, NREQ or RHOM", "eligibility": "Relevant child, Former relevant "
                                                                            "child, Qualifying care leaver or "
                                                                            "Eligible child",
             "activity": "an activity code F1 to F5, P1 to P5, G4 to G6 (or 0)",
             "accommodation": f"an accommodation type letter ({', '.join(ACCOMMODATION_TYPES)}) or 0",
             "suitability": "Suitable or Unsuitable"}


@dataclass
class _List:
    """One list read from the workbook: a row per record with the needed columns parsed."""

    number: int
    sheet: str
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)   # key -> header as the file spells it
    formula_rows: dict[str, list[int]] = field(default_factory=dict)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (row, row it repeats)

    def has(self, *keys: str) -> bool:
        """Whether every column in `keys` was found."""
        return all(key in self.headers for key in keys)


def load_annex_a(source, *, as_at=None, months: int = 6, filename: str | None = None) -> PerformanceReturn:
    """AA01-AA18 for the `months` calendar months ending with the month of `as_at` (default: the latest
    event date in the lists), from an Annex A workbook (path, bytes or binary file-like).

    Raises ReturnError listing every unreadable value at once; ValueError for `months` outside 1 to 24.
    """
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 24:
        raise ValueError(f"months must be a whole number from 1 to 24, not {months!r}")
    data, found_name = read_bytes(source)
    where = filename or found_name or "The workbook"
    if sniff_format(data, where) != "xlsx":
        raise ReturnError([Problem(where, None, None, "Annex A must be an Excel workbook (.xlsx) with sheets "
                                                      "List 1 to List 11; this is a text (CSV) file")])
    sheets = _read_list_sheets(data, where)
    problems: list[Problem] = []
    lists = {number: _read_list(number, sheet, problems) for number, sheet in sheets.items()}
    extracted = _read_as_at(as_at, where, problems)
    if problems:
        raise ReturnError(problems)
    notes: list[str] = []
    extracted = extracted or _latest_event(lists)
    if extracted is None:
        return PerformanceReturn(notes=("The lists hold no dated events, so there is nothing to report.",))
    window = month_range(Period(extracted.year, extracted.month).shift(1 - months),
                         Period(extracted.year, extracted.month))
    notes += _window_notes(window, extracted, as_at is None)
    notes += _reading_notes(lists)
    values, produced = [], set()
    for rows, more_notes in (_flows(lists, window, extracted), _snapshots(lists, window, extracted),
                             _care_leavers(lists.get(9), extracted)):
        values += rows
        notes += more_notes
    produced = {row["indicator_id"] for row in values}
    notes += _not_worked_out(lists, produced)
    catalogue = CHILD_LEVEL_CATALOGUE[CHILD_LEVEL_CATALOGUE["indicator_id"].isin(produced)]
    return PerformanceReturn(indicators=catalogue, values=_value_table(values), notes=tuple(notes))


def is_annex_a(data: bytes) -> bool:
    """Whether an upload is an Annex A workbook: sheets named List 1, List 2 ... and no Values sheet.

    A file the whole-file guard refuses is not recognised here; the loader it goes to says why.
    """
    if not data.startswith(b"PK"):
        return False
    try:
        names = open_workbook(data, "").names
    except ReturnError:
        return False
    return any(_LIST_SHEET.match(name) for name in names) and not any(
        normalise_name(name) == "values" for name in names)


# --- reading ---------------------------------------------------------------------------------------------

def _read_list_sheets(data: bytes, where: str) -> dict[int, RawSheet]:
    """List number -> the sheet named `List N`, for the lists read here; ReturnError when the file fails any
    whole-file check (files.open_workbook: size, sheets, cells, hidden sheets, macros) or has no such sheet."""
    book = open_workbook(data, where)
    numbered = {}
    for name in book.names:
        if (match := _LIST_SHEET.match(name)) and int(match[1]) not in numbered:
            numbered[int(match[1])] = name
    if not numbered:
        raise ReturnError([Problem(where, None, None, "no sheet is named List 1 to List 11: an Ofsted Annex A "
                                                      "export has one sheet per list, named List 1, List 2 ...")])
    return {number: book.read(name) for number, name in sorted(numbered.items()) if number in COLUMNS}


def _read_list(number: int, sheet: RawSheet, problems: list[Problem]) -> _List:
    """The list's records with the needed columns parsed; unreadable values become problems."""
    columns = COLUMNS[number]
    header_index = _header_row(sheet.rows, columns)
    if header_index is None:
        problems.append(Problem(sheet.name, None, None, "no column name of this list was found in the first "
                                                        f"{HEADER_SEARCH_ROWS} rows, for example "
                                                        f"'{columns[-1].label}'"))
        return _List(number, sheet.name, pd.DataFrame({"row": pd.Series(dtype="int64")}))
    header = sheet.rows[header_index]
    positions = {}
    for index, cell in enumerate(header):
        positions.setdefault(header_key(cell), index)
    located = {column.key: (column, positions[name]) for column in columns
               for name in column.names if name in positions}
    first_row = header_index + 2   # spreadsheet numbering of the first record
    records = [(number_, cells) for number_, cells in enumerate(sheet.rows[header_index + 1:], start=first_row)
               if any(cells) and not all(map(_is_missing, cells))]
    result = _List(number, sheet.name, pd.DataFrame({"row": pd.Series([n for n, _ in records], dtype="int64")}),
                   {key: str(header[index]).replace("\xa0", " ").strip() for key, (_, index) in located.items()})
    result.duplicates = _duplicate_rows(records)
    for key, (column, index) in located.items():
        cells = [cells[index] if index < len(cells) else "" for _, cells in records]
        result.frame[key] = _parse(column, cells, result, problems)
        formula_rows = sorted(row + 1 for row, col in sheet.formulas_without_values
                              if col == index and row + 1 >= first_row)
        if formula_rows:
            result.formula_rows[key] = formula_rows
    duplicated = {row for row, _ in result.duplicates}
    result.frame = result.frame[~result.frame["row"].isin(duplicated)].reset_index(drop=True)
    _check_order(result, problems)
    return result


def _header_row(rows: list[list[object]], columns: tuple[Column, ...]) -> int | None:
    """Index of the row (among the first few) naming the most of this list's columns; None if none does."""
    names = {name for column in columns for name in column.names}
    best, best_count = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(header_key(cell) in names for cell in row if isinstance(cell, str))
        if count > best_count:
            best, best_count = index, count
    return best


def _duplicate_rows(records: list[tuple[int, list[object]]]) -> list[tuple[int, int]]:
    """(row, earlier row) for every record that repeats an earlier one cell for cell (as saved)."""
    first: dict[tuple, int] = {}
    repeats = []
    for number, cells in records:
        earlier = first.setdefault(tuple(cells), number)
        if earlier != number:
            repeats.append((number, earlier))
    return repeats


def _clean(cell: object) -> object:
    """A cell with non-breaking spaces and surrounding spaces removed, so re-typed copies compare equal."""
    return cell.replace("\xa0", " ").strip() if isinstance(cell, str) else cell


def _is_missing(cell: object) -> bool:
    """Blank, only spaces (including non-breaking ones), NaN, or an Excel error such as #N/A."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return True
    if isinstance(cell, str):
        text = cell.replace("\xa0", " ").strip()
        return not text or text.lower() in EXCEL_ERRORS
    return False


def _answer(cell: object) -> str:
    """A coded cell as lower-case words without its Annex A prefix: 'a) Yes' -> 'yes'."""
    text = " ".join(str(cell).replace("\xa0", " ").split()).lower()
    return _PREFIX.sub("", text)


def _parse(column: Column, cells: list[object], table: _List, problems: list[Problem]) -> pd.Series:
    """The cells of one column read as its kind (missing values as NA); unreadable ones become problems."""
    reader = _READERS[column.kind]
    values, cache = [], {}
    for position, cell in enumerate(cells):
        key = (cell.__class__, cell)
        value = cache.get(key, _UNREAD)
        if value is _UNREAD:
            value = cache[key] = None if _is_missing(cell) else reader(cell)
        if value is _BAD:
            problems.append(Problem(table.sheet, int(table.frame["row"].iat[position]), table.headers[column.key],
                                    f"the value is not {_EXPECTED[column.kind]}"))
            value = None
        values.append(value)
    if column.kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
    if column.kind in ("count", "number"):
        return pd.Series([math.nan if value is None else value for value in values], dtype="float64")
    if column.kind in ("yes_no", "suitability"):
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype="str")


_BAD = object()      # a value that cannot be read
_UNREAD = object()   # not yet in the cache


def _read_date(cell: object):
    """An Excel date or a dd/mm/yyyy or yyyy-mm-dd text, as midnight of its day."""
    when = parse_when(cell) if isinstance(cell, (dt.date, str)) else None
    return _BAD if when is None else when.normalize().to_pydatetime()


def _read_count(cell: object):
    """A whole number of 0 or more."""
    number = _read_number(cell)
    return number if number is _BAD or float(number).is_integer() else _BAD


def _read_number(cell: object):
    """A number of 0 or more (an Excel number or its text)."""
    if isinstance(cell, bool):
        return _BAD
    try:
        number = float(str(cell).replace("\xa0", " ").strip()) if isinstance(cell, str) else float(cell)
    except (TypeError, ValueError):
        return _BAD
    return number if math.isfinite(number) and number >= 0 else _BAD


def _read_yes_no(cell: object):
    """True for a yes, False for a no, None for 'unknown'."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)):
        return {1: True, 0: False}.get(cell, _BAD)
    answer = _answer(cell)
    if answer in UNKNOWN_ANSWERS:
        return None
    return True if answer in YES else False if answer in NO else _BAD


def _read_in_touch(cell: object):
    """The DfE IN_TOUCH code of an 'LA in Touch' answer."""
    return IN_TOUCH.get(_answer(cell), _BAD)


def _read_eligibility(cell: object):
    """relevant, former relevant, qualifying or eligible."""
    answer = _answer(cell)
    return next((group for start, group in ELIGIBILITY.items() if answer.startswith(start)), _BAD)


def _read_activity(cell: object):
    """The DfE activity code (F1-F5, P1-P5, G4-G6, or 0 for not known)."""
    text = _PREFIX.sub("", str(cell).replace("\xa0", " ").strip().lower()).upper()
    if text in ("0", "0.0"):
        return "0"
    match = _ACTIVITY.match(text)
    code = f"{match[1]}{match[2]}" if match else ""
    return code if code in ACTIV_CODES else _BAD


def _read_accommodation(cell: object):
    """The accommodation type letter (or 0 for not known)."""
    text = _PREFIX.sub("", str(cell).replace("\xa0", " ").strip().lower()).upper()
    if text in ("0", "0.0"):
        return "0"
    match = _ACCOMMODATION.match(text)
    return match[1] if match and match[1] in ACCOMMODATION_TYPES else _BAD


def _read_suitability(cell: object):
    """True suitable, False unsuitable, None no information."""
    answer = _answer(cell)
    if answer.startswith(("unsuitable", "not suitable")) or answer == "2":
        return False
    if answer.startswith("suitable") or answer == "1":
        return True
    return None if answer in UNKNOWN_ANSWERS or answer in ("no information", "0") else _BAD


_READERS = {"date": _read_date, "count": _read_count, "number": _read_number, "yes_no": _read_yes_no,
            "in_touch": _read_in_touch, "eligibility": _read_eligibility, "activity": _read_activity,
            "accommodation": _read_accommodation, "suitability": _read_suitability, "text": _clean}


def _check_order(table: _List, problems: list[Problem]) -> None:
    """A problem for every row whose later date (an end, completion, conference) comes before its start."""
    for number, later, earlier in ORDERED_DATES:
        if number == table.number and table.has(later, earlier):
            frame = table.frame
            for row in frame.loc[frame[later] < frame[earlier], "row"]:
                problems.append(Problem(table.sheet, int(row), table.headers[later],
                                        f"the date is before the {table.headers[earlier]} on the same row"))


def _read_as_at(as_at, where: str, problems: list[Problem]) -> pd.Timestamp | None:
    """The extraction date argument as a day, or None (then the latest event date is used)."""
    if as_at is None or (isinstance(as_at, str) and not as_at.strip()):
        return None
    when = parse_when(as_at) if isinstance(as_at, (dt.date, str)) else None
    if when is None:
        problems.append(Problem(where, None, None, "the extraction date (as at) is not a date: use dd/mm/yyyy "
                                                   "or yyyy-mm-dd"))
        return None
    return when.normalize()


def _latest_event(lists: dict[int, _List]) -> pd.Timestamp | None:
    """The latest event date in the lists that is not after today (later ones are typing slips)."""
    today = pd.Timestamp.today().normalize()
    keys = set(EVENT_DATES) | {(number, later) for number, later, _ in ORDERED_DATES}
    dates = [lists[number].frame[key] for number, key in keys if number in lists and lists[number].has(key)]
    latest = [series[series <= today].max() for series in dates]
    latest = [when for when in latest if not pd.isna(when)]
    return max(latest) if latest else None


# --- notes --------------------------------------------------------------------------------------------

def _day(when: pd.Timestamp) -> str:
    """'31 October 2026'."""
    return f"{when.day} {MONTH_NAMES[when.month - 1]} {when.year}"


def _rows_text(rows: list[int]) -> str:
    """'rows 4, 9 and 12', at most LISTED_ROWS of them named."""
    named = [str(row) for row in rows[:LISTED_ROWS]]
    if len(rows) > LISTED_ROWS:
        return f"rows {', '.join(named)} and {len(rows) - LISTED_ROWS} more"
    return f"row {named[0]}" if len(named) == 1 else f"rows {', '.join(named[:-1])} and {named[-1]}"


def _window_notes(window: list[Period], extracted: pd.Timestamp, defaulted: bool) -> list[str]:
    """Which months are reported, from which extraction date, and whether the last month is complete."""
    span = window[0].display() if len(window) == 1 else f"{window[0].display()} to {window[-1].display()}"
    how = "the latest event date in the lists" if defaulted else "the extraction date given"
    notes = [f"Months reported: {span}, up to {_day(extracted)} ({how})."]
    last_day = extracted + pd.offsets.MonthEnd(0)
    if extracted != last_day:
        notes.append(f"{window[-1].display()} is not complete: the lists were extracted on {_day(extracted)}, "
                     f"not its last day, so its counts cover only 1 to {_day(extracted)} and its month-end "
                     f"figures are as at {_day(extracted)}.")
    return notes


def _reading_notes(lists: dict[int, _List]) -> list[str]:
    """Absent lists, formulas without values and repeated rows."""
    notes = []
    absent = [number for number in LIST_NAMES if number not in lists]
    for number in absent:
        produced = [indicator_id for indicator_id, (needed_list, _) in NEEDS.items() if needed_list == number]
        notes.append(f"List {number} ({LIST_NAMES[number]}) is not in the workbook, so {_and(produced)} "
                     f"{'is' if len(produced) == 1 else 'are'} not worked out.")
    for table in lists.values():
        for key, rows in table.formula_rows.items():
            notes.append(f"{table.sheet}: the '{table.headers[key]}' cell of {_rows_text(rows)} is a formula "
                         "saved without its value, so it counts as blank (open the file in Excel and save it to "
                         "keep the values).")
        if table.duplicates:
            pairs = [f"{row} (same as row {earlier})" for row, earlier in table.duplicates[:LISTED_ROWS]]
            more = f" and {len(table.duplicates) - LISTED_ROWS} more" if len(table.duplicates) > LISTED_ROWS else ""
            single = len(table.duplicates) == 1
            notes.append(f"{table.sheet}: {_many(len(table.duplicates), 'row')} "
                         f"{'repeats' if single else 'repeat'} an earlier row cell for cell and "
                         f"{'is' if single else 'are'} counted once: row {', '.join(pairs)}{more}.")
    return notes


def _many(count: int, noun: str) -> str:
    """'1 row', '2 rows'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _and(items: list[str]) -> str:
    """'AA01', 'AA01 and AA02', 'AA01, AA02 and AA03'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _not_worked_out(lists: dict[int, _List], produced: set[str]) -> list[str]:
    """For each indicator of a list that is there but lacks a column it needs, which column."""
    notes = []
    for indicator_id, (number, keys) in NEEDS.items():
        table = lists.get(number)
        if table is None or indicator_id in produced:
            continue
        missing = [column for column in COLUMNS[number] if column.key in keys and column.key not in table.headers]
        if missing:
            names = "; ".join(f"'{column.label}' (or {', '.join(repr(v) for v in column.variants)})"
                              for column in missing)
            notes.append(f"{indicator_id} is not worked out: {table.sheet} has no column {names}.")
    return notes


def _left_out(sheet: str, count: int, what: str) -> list[str]:
    """A note that `count` rows were left out of a figure, or none."""
    if not count:
        return []
    return [f"{sheet}: {_many(count, 'row')} left out of {what}."]


# --- figures -------------------------------------------------------------------------------------------

def _month_index(dates: pd.Series) -> pd.Series:
    """Months since year 0 of each date (NaN for none), to compare with Period months."""
    return dates.dt.year * 12 + dates.dt.month - 1


def _period_index(month: Period) -> int:
    """Months since year 0 of a month."""
    return month.year * 12 + month.month - 1


def _in_window(dates: pd.Series, window: list[Period], extracted: pd.Timestamp) -> pd.Series:
    """Whether each date falls in the reported months and not after the extraction date."""
    return (dates >= pd.Timestamp(window[0].start)) & (dates <= extracted)


def _flows(lists: dict[int, _List], window: list[Period], extracted: pd.Timestamp) -> tuple[list[dict], list[str]]:
    """AA01-AA11: counts by month of an event date and shares of those events."""
    rows, notes = [], []
    for (number, key), words in EVENT_DATES.items():
        table = lists.get(number)
        if table is None or not table.has(key):
            continue
        dates = table.frame[key]
        outside = int((dates.notna() & ~_in_window(dates, window, extracted)).sum())
        if outside:
            notes.append(f"{table.sheet}: {_many(outside, words)} {'is' if outside == 1 else 'are'} outside the "
                         "months reported, so counted in no month.")
    counts = {"AA01": (1, "contact"), "AA02": (2, "start"), "AA03": (2, "completed"), "AA04": (3, "referral"),
              "AA08": (5, "strategy"), "AA10": (7, "start")}
    for indicator_id, (number, key) in counts.items():
        table = lists.get(number)
        if table is not None and table.has(key):
            rows += _monthly_counts(indicator_id, table.frame[key], window, extracted)
            if indicator_id != "AA03":   # a blank completion date is an assessment still open, not a gap
                notes += _left_out(table.sheet, int(table.frame[key].isna().sum()),
                                   f"{indicator_id} because the '{table.headers[key]}' is blank")
    for indicator_id, number, key, given, success in _SHARES:
        table = lists.get(number)
        if table is None or not table.has(*NEEDS[indicator_id][1]):
            continue
        frame = table.frame[_in_window(table.frame[key], window, extracted)]
        known = frame[given].notna()
        notes += _left_out(table.sheet, int((~known).sum()),
                           f"{indicator_id} because the '{table.headers[given]}' is blank, #N/A or unknown")
        rows += _monthly_shares(indicator_id, frame.loc[known, key], success(frame[known]), window)
        if indicator_id == "AA05":
            notes += _zero_referral_counts(table, frame)
    return rows, notes


def _zero_referral_counts(table: _List, frame: pd.DataFrame) -> list[str]:
    """A warning when a referral's 12-month count is 0, which cannot be if the count includes the referral."""
    zeros = int((frame["referrals_12m"] == 0).sum())
    if not zeros:
        return []
    return [f"{table.sheet}: {_many(zeros, 'referral')} {'has' if zeros == 1 else 'have'} 0 in "
            f"'{table.headers['referrals_12m']}', which cannot be if the count includes the referral itself, as "
            "Ofsted asks and AA05 assumes: check how your system counts it."]


def _working_days_within(frame: pd.DataFrame, start: str, end: str, limit: int) -> pd.Series:
    """Whether `end` is no more than `limit` working days after `start`."""
    days = working_days_after(frame[start].to_numpy("datetime64[D]"), frame[end].to_numpy("datetime64[D]"))
    return pd.Series(days <= limit, index=frame.index)


_SHARES = (  # indicator, list, date placing it in a month, field that must be given, success test
    ("AA05", 3, "referral", "referrals_12m", lambda f: f["referrals_12m"] >= 2),
    ("AA06", 3, "referral", "nfa", lambda f: f["nfa"].astype("bool")),
    ("AA07", 4, "authorised", "start", lambda f: _working_days_within(f, "start", "authorised", ASSESSMENT_DEADLINE)),
    ("AA09", 5, "icpc", "strategy", lambda f: _working_days_within(f, "strategy", "icpc", CONFERENCE_DEADLINE)),
    ("AA11", 7, "start", "previous", lambda f: f["previous"] >= 1),
)


@lru_cache(maxsize=32)
def _bank_holiday_array(first_year: int, last_year: int) -> np.ndarray:
    """Bank holidays in England and Wales from `first_year` to `last_year`, as numpy days."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """Bank holidays in England and Wales in the years given (clipped to 1900-2100), as numpy days."""
    return _bank_holiday_array(max(first_year, 1900), min(max(last_year, first_year), 2100))


def working_days_after(start, end) -> np.ndarray:
    """Working days from `start` to `end` (dates or arrays of them): the day after `start` is day 1, so
    an end on the start day is day 0; weekends and bank holidays are not working days."""
    begin, finish = np.asarray(start, dtype="datetime64[D]"), np.asarray(end, dtype="datetime64[D]")
    if not begin.size:
        return np.zeros(begin.shape, dtype="int64")
    years = np.concatenate([begin.ravel(), finish.ravel()]).astype("datetime64[Y]").astype("int64") + 1970
    return np.busday_count(begin + 1, finish + 1, holidays=bank_holidays(int(years.min()), int(years.max())))


def _monthly_counts(indicator_id: str, dates: pd.Series, window: list[Period], extracted: pd.Timestamp) -> list[dict]:
    """A count for every reported month (0 where there is none)."""
    index = _month_index(dates[_in_window(dates, window, extracted)]).value_counts()
    return [_value(indicator_id, month, "", int(index.get(_period_index(month), 0))) for month in window]


def _monthly_shares(indicator_id: str, dates: pd.Series, success: pd.Series, window: list[Period]) -> list[dict]:
    """Numerator, denominator and percentage for each reported month with a denominator."""
    months = _month_index(dates)
    rows = []
    for month in window:
        in_month = months == _period_index(month)
        total = int(in_month.sum())
        if total:
            hits = int(success[in_month].sum())
            rows.append(_value(indicator_id, month, "", hits, total, derive_value(hits, total, "percent")))
    return rows


def _children(frame: pd.DataFrame) -> pd.Series:
    """Who each row is about: the child reference, or the row number where it is blank."""
    if "child" not in frame.columns:
        return "row " + frame["row"].astype("str")
    return frame["child"].fillna("row " + frame["row"].astype("str"))


def _open_at(frame: pd.DataFrame, start: str, end: str, when: pd.Timestamp) -> pd.DataFrame:
    """The rows started on or before `when` and not ended by then."""
    return frame[(frame[start] <= when) & (frame[end].isna() | (frame[end] > when))]


def _snapshots(lists: dict[int, _List], window: list[Period], extracted: pd.Timestamp) -> tuple[list[dict], list[str]]:
    """AA12-AA15: month-end counts of children on a plan and in care, and placement moves at extraction."""
    rows, notes = [], []
    plans, care = lists.get(7), lists.get(8)
    for month in window:
        when = min(pd.Timestamp(month.start) + pd.offsets.MonthEnd(0), extracted)
        if plans is not None and plans.has("start", "end"):
            open_plans = _open_at(plans.frame, "start", "end", when)
            children = _children(open_plans)
            long_open = children[open_plans["start"] <= when - LONG_PLAN].nunique()
            total = children.nunique()
            rows.append(_value("AA12", month, "", total))
            if total:
                rows.append(_value("AA13", month, "", long_open, total, derive_value(long_open, total, "percent")))
        if care is not None and care.has("start", "ceased"):
            rows.append(_value("AA14", month, "", _children(_open_at(care.frame, "start", "ceased", when)).nunique()))
    for table, key in ((plans, "start"), (care, "start")):
        if table is not None and table.has(key):
            notes += _left_out(table.sheet, int(table.frame[key].isna().sum()),
                               f"the month-end counts because the '{table.headers[key]}' is blank")
    if care is not None and care.has("start", "ceased", "placements"):
        in_care = _open_at(care.frame, "start", "ceased", extracted)
        children = _children(in_care)
        known = in_care["placements"].notna()
        notes += _left_out(care.sheet, int((~known).sum()),
                           f"AA15 because the '{care.headers['placements']}' is blank or #N/A")
        many = children[known & (in_care["placements"] >= TOO_MANY_PLACEMENTS)].nunique()
        total = children[known].nunique()
        if total:
            rows.append(_value("AA15", window[-1], "", many, total, derive_value(many, total, "percent")))
    return rows, notes


def _care_leavers(table: _List | None, extracted: pd.Timestamp) -> tuple[list[dict], list[str]]:
    """AA16-AA18 on the extraction date: the total and the age groups 17-18 and 19-21."""
    if table is None or not (table.has("in_touch") or table.has("activity") or table.has("suitability")):
        return [], []
    if not table.has("dob") and not table.has("age"):
        return [], [f"AA16 to AA18 are not worked out: {table.sheet} has neither 'Date of Birth' nor "
                    "'Age of Child (Years)', so care leavers aged 17 to 21 cannot be told."]
    frame, notes = table.frame, []
    ages = pd.Series(np.nan, index=frame.index)
    if table.has("dob"):
        dob = frame["dob"]
        before_birthday = (dob.dt.month > extracted.month) | ((dob.dt.month == extracted.month)
                                                              & (dob.dt.day > extracted.day))
        ages = (extracted.year - dob.dt.year - before_birthday.astype("float64")).astype("float64")
    if table.has("age"):
        ages = ages.fillna(np.floor(frame["age"]))
    notes += _left_out(table.sheet, int(ages.isna().sum()), "AA16 to AA18 because both the date of birth and "
                                                            "the age are blank")
    cohort = ages.isin(list(CARE_LEAVER_AGE_GROUPS))
    if table.has("eligibility"):
        eligible = frame["eligibility"].isin(CARE_LEAVER_ELIGIBILITY)
        notes += _left_out(table.sheet, int(frame["eligibility"].isna().sum()),
                           f"AA16 to AA18 because the '{table.headers['eligibility']}' is blank")
        cohort &= eligible
    else:
        notes.append(f"{table.sheet} has no 'Eligibility Category' column, so every young person aged 17 to 21 "
                     "counts as a care leaver.")
    if table.has("in_touch"):
        cohort &= ~frame["in_touch"].isin(LEFT_OUT_OF_CARE_LEAVER_COUNTS)
    else:
        notes.append(f"{table.sheet} has no 'LA in Touch' column, so those who died or returned home cannot be "
                     "left out as DfE does.")
    leavers = frame[cohort].assign(group=ages[cohort].map(CARE_LEAVER_AGE_GROUPS))
    rows = []
    if table.has("in_touch"):
        answered = leavers["in_touch"].notna()
        notes += _left_out(table.sheet, int((~answered).sum()),
                           f"AA16 because the '{table.headers['in_touch']}' is blank")
        rows += _group_shares("AA16", leavers[answered], leavers.loc[answered, "in_touch"] == "YES", extracted)
    if table.has("activity"):
        rows += _group_shares("AA17", leavers, leavers["activity"].isin(IN_EDUCATION_EMPLOYMENT_TRAINING), extracted)
    if table.has("suitability"):
        known = pd.Series(True, index=leavers.index)
        if table.has("accommodation"):
            known = ~leavers["accommodation"].isin(SUITABILITY_UNKNOWN)
        else:
            notes.append(f"{table.sheet} has no 'Type of Accommodation' column, so AA18 cannot leave out those "
                         "abroad, deported or whose residence is not known, as DfE does.")
        suitable = leavers.loc[known, "suitability"].fillna(False).astype("bool")
        rows += _group_shares("AA18", leavers[known], suitable, extracted)
    return rows, notes


def _group_shares(indicator_id: str, leavers: pd.DataFrame, success: pd.Series, extracted: pd.Timestamp) -> list[dict]:
    """The total and age-group percentages of one care leaver indicator (none for an empty group)."""
    month = Period(extracted.year, extracted.month)
    rows = []
    for group in ("", "17-18", "19-21"):
        members = leavers["group"] == group if group else pd.Series(True, index=leavers.index)
        total, hits = int(members.sum()), int(success[members].sum())
        if total:
            rows.append(_value(indicator_id, month, group, hits, total, derive_value(hits, total, "percent")))
    return rows


# --- mapping onto the return's own indicators ---------------------------------------------------------------

MAPPING_SHEET = "Indicator mapping"
_STOPWORDS = frozenset({"a", "an", "the", "of", "in", "on", "to", "for", "with", "or", "and", "by", "that", "were",
                        "was", "is", "at", "who", "are", "be"})
SUGGESTION_THRESHOLD = 0.7


def map_indicators(ret: PerformanceReturn, mapping: dict[str, str], catalogue: pd.DataFrame) -> PerformanceReturn:
    """`ret` with each Annex A id mapped to a target (`mapping[id]`, "" = keep as a new indicator) renamed to
    the target in its values and described by the target's row of `catalogue` (the return's own catalogue).

    Raises ReturnError when a target is not in `catalogue`, differs in unit or aggregation, or two
    indicators would end up with the same id.
    """
    own = catalogue.drop_duplicates("indicator_id").set_index("indicator_id")
    ours = ret.indicators.set_index("indicator_id")
    chosen = {source: target.strip() for source, target in mapping.items()
              if source in ours.index and str(target or "").strip()}
    problems = []
    for source, target in chosen.items():
        if target not in own.index:
            problems.append(Problem(MAPPING_SHEET, None, source, f"{source} is mapped to {target}, which is not an "
                                                                 "indicator of the return"))
            continue
        for attribute, words in (("unit", "unit"), ("aggregation", "aggregation")):
            if own.at[target, attribute] != ours.at[source, attribute]:
                problems.append(Problem(MAPPING_SHEET, None, source, _mismatch(source, target, words,
                                                                               ours.at[source, attribute],
                                                                               own.at[target, attribute])))
    final = [chosen.get(indicator_id, indicator_id) for indicator_id in ours.index]
    for repeated in sorted({i for i in final if final.count(i) > 1}):
        sources = [s for s in ours.index if chosen.get(s, s) == repeated]
        problems.append(Problem(MAPPING_SHEET, None, sources[-1], f"{_and(sources)} would all become {repeated}: "
                                                                  "map each to a different indicator"))
    if problems:
        raise ReturnError(problems)
    values = ret.values.assign(indicator_id=ret.values["indicator_id"].map(lambda i: chosen.get(i, i)))
    kept = ret.indicators[~ret.indicators["indicator_id"].isin(list(chosen))]
    targets = catalogue[catalogue["indicator_id"].isin(list(chosen.values()))].drop_duplicates("indicator_id")
    return replace(ret, indicators=pd.concat([targets, kept], ignore_index=True), values=values)


def _mismatch(source: str, target: str, words: str, ours: str, theirs: str) -> str:
    """Why two indicators cannot be one."""
    if words == "aggregation":
        kinds = {"last": "a month-end snapshot", "sum": "a monthly flow that adds up",
                 "sum_numerator": "a flow over a period-end denominator"}
        return (f"{source} is {kinds.get(ours, ours)} ({ours}) but {target} is {kinds.get(theirs, theirs)} "
                f"({theirs}): they cannot be the same indicator")
    return f"{source} is measured as {ours} but {target} as {theirs}: they cannot be the same indicator"


def _title_words(title: str) -> frozenset[str]:
    """The meaningful words of a title, plural 's' dropped: 'Re-referrals within 12 months' -> {...}."""
    words = _NOT_WORD.split(title.lower().replace("'s", "").replace("-", ""))
    return frozenset(word.removesuffix("s") if len(word) > 3 else word
                     for word in words if word and word not in _STOPWORDS)


def title_likeness(first: str, second: str) -> float:
    """How alike two titles are: twice the shared words over all words (1 = the same words)."""
    a, b = _title_words(first), _title_words(second)
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def suggested_mapping(catalogue: pd.DataFrame) -> dict[str, str]:
    """For every Annex A indicator, the indicator of `catalogue` it most likely is ("" for none): same unit
    and aggregation, titles alike (at least SUGGESTION_THRESHOLD), each target used once, best pairs first."""
    ours = CHILD_LEVEL_CATALOGUE[CHILD_LEVEL_CATALOGUE["indicator_id"].isin(ANNEX_A_IDS)]
    theirs = catalogue[~catalogue["indicator_id"].isin(ANNEX_A_IDS)].drop_duplicates("indicator_id")
    pairs = []
    for source in ours.itertuples(index=False):
        for target in theirs.itertuples(index=False):
            if (source.unit, source.aggregation) == (target.unit, target.aggregation):
                score = title_likeness(source.title, target.title)
                if score >= SUGGESTION_THRESHOLD:
                    pairs.append((-score, source.indicator_id, target.indicator_id))
    suggestion = dict.fromkeys(ANNEX_A_IDS, "")
    used = set()
    for _, source, target in sorted(pairs):
        if not suggestion[source] and target not in used:
            suggestion[source] = target
            used.add(target)
    return suggestion


def mapping_to_text(mapping: dict[str, str]) -> str:
    """The mapping as one JSON string (Annex A ids in order), for the app to keep as a saved setting."""
    return json.dumps({key: str(mapping[key] or "") for key in sorted(mapping)}, sort_keys=True)


def mapping_from_text(text: str) -> dict[str, str]:
    """A mapping saved by mapping_to_text; ValueError when the text is not one."""
    try:
        loaded = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise ValueError(f"the saved indicator mapping is not valid JSON ({error.msg})") from None
    if not isinstance(loaded, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()):
        raise ValueError("the saved indicator mapping must map Annex A ids to indicator ids (text)")
    return loaded
