"""Turn an uploaded file into raw tables safely: size limits, file-type sniffing, encodings, workbooks.

Everything here works on bytes already in memory and reports problems in words an officer
understands; nothing here knows what the tables mean.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import python_calamine
from defusedxml import ElementTree

from data_loaders.model import Problem, ReturnError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_SHEET_CELLS = 2_000_000  # calamine lays a sheet out as a full grid: 2 million cells take about 100 MB
MAX_COLUMNS = 16_384  # the most a spreadsheet holds (column XFD)
HEADER_SEARCH_ROWS = 10

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# A cell with content; `(?<!/)` skips empty cells written `<c r="A1" s="1"/>`, which have no `</c>`.
_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>((?:(?!</c>).)*?)</c>', re.DOTALL)
_CACHED_VALUE = re.compile(rb"<v(?:\s[^>/]*)?>")  # an opening <v>; openpyxl writes an empty <v /> for none
# For a sheet's extent: tags of cells holding something, with their reference; every cell tag and
# every reference (a cell written without one follows the cell before); row tags and their numbers.
_FILLED_CELL_REFERENCE = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br\s*=\s*["\']\$?([A-Za-z]{1,3})\$?(\d{1,9})["\'][^>]*(?<!/)>')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_REFERENCE = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br\s*=\s*["\']')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br\s*=\s*["\'](\d{1,9})["\']')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass
class RawSheet:
    """A sheet's cells as Python values (blank cells are ""), with what the cells alone cannot tell."""

    name: str
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    formulas_without_values: dict[tuple[int, int], str] = field(default_factory=dict)


def read_bytes(source: object) -> tuple[bytes, str]:
    """The bytes of a path, bytes or file-like object, and a name to call it by."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), ""
    if isinstance(source, (str, Path)):
        path = Path(source)
        return path.read_bytes(), path.name
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        return bytes(data), Path(getattr(source, "name", "") or "").name
    raise TypeError(f"cannot read a return from {type(source).__name__}")


def normalise_name(text: object) -> str:
    """A sheet or column name matched case- and space-insensitively: ' Indicator ID' -> 'indicator_id'."""
    cleaned = str(text).replace("\ufeff", "").replace("\xa0", " ").strip().lower()
    return re.sub(r"[\s_]+", "_", cleaned)


def sniff_format(data: bytes, filename: str) -> str:
    """`xlsx` or `csv`, or raise ReturnError saying what the file really is."""
    where = filename or "The file"
    if len(data) > MAX_UPLOAD_BYTES:
        raise ReturnError([Problem(where, None, None,
                                   f"the file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                                   f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB")])
    if not data.strip():
        raise ReturnError([Problem(where, None, None, "the file is empty")])
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            message = ("the workbook is password-protected: remove the password in Excel "
                       "(File > Info > Protect Workbook) and save it again")
        else:
            message = "this is an old Excel 97-2003 .xls file: save it as an Excel Workbook (.xlsx)"
        raise ReturnError([Problem(where, None, None, message)])
    if data.startswith(b"PK"):
        return "xlsx"
    suffix = Path(filename).suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        raise ReturnError([Problem(where, None, None,
                                   "the file is named like an Excel workbook but is not one: "
                                   "open it in Excel and save it as an Excel Workbook (.xlsx)")])
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReturnError([Problem(where, None, None,
                                   "the file is neither an Excel workbook (.xlsx) nor a CSV text file")])
    return "csv"


def decode_text(data: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 as Excel saves it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(data: bytes, filename: str = "") -> list[list[object]]:
    """The rows of a CSV file as text cells, or ReturnError for a line no spreadsheet would write.

    Strict quoting, so a quote left open is reported instead of swallowing every later row.
    """
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect, doublequote=True, strict=True):
            if len(row) > MAX_COLUMNS:
                raise ReturnError([Problem(filename or "The file", len(rows) + 1, None,
                                           f"the row has {len(row):,} columns, more than a spreadsheet "
                                           f"holds ({MAX_COLUMNS:,})")])
            rows.append(row)
    except csv.Error as error:
        raise ReturnError([Problem(filename or "The file", len(rows) + 1, None, _csv_problem(error))])
    return rows


def _csv_problem(error: csv.Error) -> str:
    """What a CSV reading error means to an officer."""
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters: is a quote (\") left open?"
    if "unexpected end of data" in text:
        return "a quote (\") is opened but never closed, so the rest of the file would be one cell"
    return f"the line cannot be read as CSV ({text}): check its quotes (\")"


def read_workbook(data: bytes, filename: str) -> dict[str, RawSheet]:
    """Every sheet of an .xlsx workbook, keyed by normalised sheet name."""
    where = filename or "The file"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ReturnError([Problem(where, None, None, "the file is damaged: it is not a readable Excel workbook")])
    if "xl/workbook.xml" not in names:
        raise ReturnError([Problem(where, None, None,
                                   "this is a zip file but not an Excel workbook (.xlsx)")])
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ReturnError([Problem(where, None, None,
                                   "the workbook expands to more than "
                                   f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB: it is too large or malformed")])
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet_paths = _sheet_xml_paths(archive)
        sheets = {}
        for name in book.sheet_names:
            xml = archive.read(sheet_paths[name])  # a KeyError (no such part) is reported below
            _check_extent(name, xml)  # before calamine lays the sheet out as a grid
            sheet = book.get_sheet_by_name(name)
            sheets[normalise_name(name)] = RawSheet(
                name=name,
                rows=_with_error_values(sheet.to_python(skip_empty_area=False), xml),
                merged=list(sheet.merged_cell_ranges or []),
                formulas_without_values=_formulas_without_values(xml),
            )
        return sheets
    except ReturnError:
        raise
    except Exception as error:  # calamine and zip errors on a corrupt file: say so, no traceback
        raise ReturnError([Problem(where, None, None,
                                   f"the workbook could not be read ({type(error).__name__}): "
                                   "open it in Excel and save it again as .xlsx")])


def _sheet_extent(xml: bytes) -> tuple[int, int]:
    """The most rows and columns a sheet's cells can span, read from its XML without laying it out.

    A cell or row written without a reference follows the one before it, so each such tag
    may add one row or column.
    """
    placed = _FILLED_CELL_REFERENCE.findall(xml)
    row_numbers = [int(number) for number in _ROW_NUMBER.findall(xml)]
    unplaced_rows = len(_ROW_TAG.findall(xml)) - len(row_numbers)
    unplaced_cells = len(_CELL_TAG.findall(xml)) - len(_CELL_REFERENCE.findall(xml))
    rows = max([int(row) for _, row in placed] + row_numbers, default=0) + unplaced_rows
    columns = max((_column_index(letters.decode().upper()) + 1 for letters, _ in placed), default=0) + unplaced_cells
    return rows, columns


def _check_extent(name: str, xml: bytes) -> None:
    """Raise ReturnError when a sheet spans more cells than can safely be read (a stray far-off entry)."""
    rows, columns = _sheet_extent(xml)
    if rows * columns > MAX_SHEET_CELLS:
        raise ReturnError([Problem(name, None, None,
                                   f"the sheet reaches cell {column_letter(columns - 1)}{rows}, a grid of "
                                   f"{rows * columns:,} cells (the most is {MAX_SHEET_CELLS:,}): delete the "
                                   "rows and columns beyond your data, then save it again")])


def _with_error_values(rows: list[list[object]], xml: bytes) -> list[list[object]]:
    """The rows with Excel error cells (#DIV/0!, #N/A...) as their text: calamine reads them as blank."""
    if b't="e"' not in xml:
        return rows
    for match in _FORMULA_CELL.finditer(xml):
        value = re.search(rb"<v>([^<]+)</v>", match[3])
        row, column = int(match[2]) - 1, _column_index(match[1].decode())
        if b't="e"' in xml[match.start():match.start(3)] and value and row < len(rows) and column < len(rows[row]):
            rows[row][column] = value[1].decode("utf-8", "replace")
    return rows


def _sheet_xml_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the workbook zip."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", _NS)}
    paths = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        paths[sheet.get("name")] = path
    return paths


def _formulas_without_values(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, column) 0-based -> formula text, for formula cells saved without a result."""
    if b"<f" not in xml:
        return {}
    found = {}
    for match in _FORMULA_CELL.finditer(xml):
        inner = match[3]
        if b"<f" in inner and not _CACHED_VALUE.search(inner) and b"<is>" not in inner:
            formula = re.search(rb"<f[^>]*>(.*?)</f>", inner, re.DOTALL)
            text = formula[1].decode("utf-8", "replace") if formula else "(shared formula)"
            found[(int(match[2]) - 1, _column_index(match[1].decode()))] = text
    return found


def _column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
