"""Turn an uploaded file into raw tables safely: size limits, file-type sniffing, encodings, workbooks.

Everything here works on bytes already in memory and reports problems in words an officer
understands; nothing here knows what the tables mean. A workbook is inspected part by part
before any of it is read (`open_workbook`): the zip's directory, then every part a reader
opens, inflated a piece at a time with a cap, so no file can make the server hold more than
the limits below allow. No message here quotes a cell's contents.
"""
from __future__ import annotations

import array
import codecs
import csv
import html
import io
import math
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine
from defusedxml import ElementTree

from data_loaders.model import Problem, ReturnError

# Whole-file limits: each is the one place its rule lives (docs/return-format.md lists them).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 40 * 1024 * 1024  # every part a reader opens, as really inflated (declared sizes can lie)
MAX_PARTS = 1_000  # entries in the workbook's zip
MAX_SHEETS = 50
MAX_CELLS = 2_000_000  # all sheets together, each laid out as a full grid from A1 (about 100 MB once read)
MAX_CELL_CHARS = 32_767  # the most text Excel lets a cell hold
MAX_SHARED_TEXT_CHARS = 16_000_000  # shared text once copied into every cell that uses it
MAX_MERGED_RANGES = 10_000
MAX_FLAGGED_CELLS = 10_000  # cells of one sheet showing an Excel error, or formulas without a result
MAX_COLUMNS = 16_384  # the most a spreadsheet holds (column XFD)
HEADER_SEARCH_ROWS = 10

_XML_PART_BYTES = 8 * 1024 * 1024  # workbook, relationships, styles and content types, parsed whole
_CHUNK = 1024 * 1024  # bytes inflated and scanned at a time
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORKBOOK, _RELATIONSHIPS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
_STYLES, _SHARED_STRINGS, _CONTENT_TYPES = "xl/styles.xml", "xl/sharedStrings.xml", "[Content_Types].xml"
_MACRO_CONTENT = (b"macroenabled", b"vbaproject", b"macrosheet")
_PERCENT_FORMATS = {"9", "10"}  # Excel's built-in 0% and 0.00%
_SHEET_STATES = {"visible": "visible", "hidden": "hidden", "veryHidden": "very hidden"}

_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix, as in <x:c>
_TAG_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_TAG = re.compile(rb"<" + _P + rb"sheet\b([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<" + _P + rb"Relationship\b([^>]*)>")
_SHEET_DATA_START = re.compile(rb"<" + _P + rb"sheetData(?=[\s/>])")
_PREFIXED_SHORT_TAG = re.compile(rb":[cfr][\s/>]")  # <x:c>, <x:f>, <x:r>
_ENDS_TAG_NAME = np.zeros(256, dtype=bool)  # bytes that end a one-letter element name, as in <c r=...> or <f>
_ENDS_TAG_NAME[list(b" \t\n\r/>")] = True
_IS_SPACE = np.zeros(256, dtype=bool)
_IS_SPACE[list(b" \t\n\r")] = True
_ERROR_TYPE = re.compile(rb"""(?<=\s)t\s*=\s*["']e["']""")
_BOOLEAN_TYPE = re.compile(rb"""(?<=\s)t\s*=\s*["']b["']""")
_LONG_TEXT = re.compile(rb">[^<]{%d}" % (MAX_CELL_CHARS + 1))
_RICH_TEXT = re.compile(rb"<" + _P + rb"r[\s>]")
_NUL_MARKERS = (b"\x00", b"_x0000_")  # a NUL byte, and the escape calamine turns into one
# For a sheet the quick check cannot vouch for: every r="..." attribute (cells' and rows'), cell and row
# tags with and without one, and row ends (a cell without a reference follows the one before it in its row).
_R_ATTRIBUTE = re.compile(rb"""(?<=\s)r\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
_REFERENCE_PARTS = re.compile(rb"^([A-Za-z]*)(\d*)$", re.MULTILINE)
_CELL_TAG = re.compile(rb"<" + _P + rb"c(?=[\s/>])")
_UNPLACED_CELL = re.compile(rb"<" + _P + rb"c(?=[\s/>])(?![^>]*?\sr\s*=)")
_ROW_TAG = re.compile(rb"<" + _P + rb"row(?=[\s/>])")
_PLACED_ROW = re.compile(rb"<" + _P + rb"row\s(?:[^>]*?\s)?r\s*=")
_ROW_END = re.compile(rb"</" + _P + rb"row\s*>")
_SHARED_CELL = re.compile(rb"<" + _P + rb"""c\s(?=[^>]*?(?<=\s)t\s*=\s*["']s["'])""")
_SHARED_CELL_INDEX = re.compile(rb"<" + _P + rb"""c\s(?=[^>]*?(?<=\s)t\s*=\s*["']s["'])[^>]*>\s*<""" + _P
                                + rb"v(?:\s[^>]*)?>\s*(\d+)\s*<")
_STRING_START = re.compile(rb"<" + _P + rb"si(?=[\s/>])")
_TEXT_ELEMENT = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>([^<]*)<")
# Features read again from a sheet's XML once it is known to be safe: cells with a reference (groups 1 and
# 2, its letters and digits) that are error values (group 3, the value) or formulas without a saved result
# (group 3, the formula; empty for a shared formula).
_REFERENCED_CELL = rb"<" + _P + rb"""c\s(?=[^>]*?(?<=\s)r\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})["'])"""
_ERROR_CELL = re.compile(_REFERENCED_CELL + rb"""(?=[^>]*?(?<=\s)t\s*=\s*["']e["'])[^>]*(?<!/)>\s*(?:<""" + _P
                         + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)\s*)?<" + _P + rb"v(?:\s[^>]*)?>([^<]*)<")
_FORMULA_AT = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(<(?:v(?:\s[^>/]*)?|is)>)?")  # text; any value
_ERROR_VALUE = re.compile(rb"[^>]*>\s*(?:<f\b[^>]*?(?:/>|>[^<]*</f>)\s*)?<v(?:\s[^>]*)?>([^<]*)<")  # after t="e"
_FORMULA_WITHOUT_VALUE = re.compile(_REFERENCED_CELL + rb"[^>]*(?<!/)>\s*<" + _P + rb"f\b[^>]*?(?:/>|>([^<]*)</"
                                    + _P + rb"f>)\s*(?:<" + _P + rb"v\s*/>|<" + _P + rb"v(?:\s[^>]*)?>\s*</" + _P
                                    + rb"v>)?\s*</" + _P + rb"c>")
_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.')


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
    """`xlsx` or `csv`, or raise ReturnError saying what the file really is (or where a CSV holds a NUL)."""
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
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not is_utf16 and _looks_binary(data[:4096]):
        raise ReturnError([Problem(where, None, None,
                                   "the file is neither an Excel workbook (.xlsx) nor a CSV text file")])
    if (b"\x00" in data) if not is_utf16 else ("\x00" in decode_text(data)):
        raise ReturnError(_nul_problems(decode_text(data), where))
    return "csv"


def _looks_binary(sample: bytes) -> bool:
    """Whether the start of a file is binary (an image, random bytes) rather than text with the odd stray byte.

    Text has almost no control characters; random bytes have about one in nine.
    """
    controls = sum(sample.count(bytes([code])) for code in (*range(0, 9), 11, 12, *range(14, 32), 127))
    return controls > max(4, len(sample) // 50)


def _nul_problems(text: str, where: str) -> list[Problem]:
    """Where a CSV holds NUL characters (zero bytes), by row and column, as an officer finds them."""
    problems = []
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), _csv_dialect(text)), start=1):
        problems += [Problem(where, number, column_letter(index), _NUL_MESSAGE)
                     for index, cell in enumerate(row) if "\x00" in cell]
    return problems or [Problem(where, None, None, _NUL_MESSAGE)]


_NUL_MESSAGE = ("the cell holds a NUL character (an invisible zero byte) that no spreadsheet or database can "
                "store: retype the cell, or save the file again from Excel")


def decode_text(data: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 as Excel saves it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect the text's first lines use (comma, semicolon or tab), else Excel's."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_csv_rows(data: bytes, filename: str = "") -> list[list[object]]:
    """The rows of a CSV file as text cells, or ReturnError for a line no spreadsheet would write.

    Strict quoting, so a quote left open is reported instead of swallowing every later row.
    """
    text = decode_text(data)
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), _csv_dialect(text), doublequote=True, strict=True):
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


# --- workbooks ---------------------------------------------------------------------------------

@dataclass
class _Sheet:
    """A sheet as the workbook lists it, and what inspecting its XML found."""

    name: str
    path: str
    state: str
    cells: int = 0  # the grid it would be read as, from A1
    found: _SheetScan | None = None  # what inspecting its XML found


class Workbook:
    """An .xlsx workbook that has passed every whole-file check, whose sheets can now be read safely:
    `names` lists them in order, `read(name)` reads one."""

    def __init__(self, data: bytes, where: str, archive: zipfile.ZipFile, sheets: list[_Sheet],
                 percent_styles: frozenset[int]):
        self._where, self._archive = where, archive
        self._sheets = {sheet.name: sheet for sheet in sheets}
        self._percent_styles = percent_styles
        try:
            self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            listed = list(self._book.sheet_names)
        except Exception as error:  # calamine's errors on a corrupt file: say so, no traceback
            raise _unreadable(where, type(error).__name__)
        if listed != [sheet.name for sheet in sheets]:
            raise _unreadable(where, "its list of sheets is inconsistent")
        self.names = listed

    def read(self, name: str) -> RawSheet:
        """One sheet's cells (with Excel's error values and percentages as shown), or ReturnError."""
        found = self._sheets[name].found
        try:
            grid = self._book.get_sheet_by_name(name)
            rows = grid.to_python(skip_empty_area=False)
            merged = list(grid.merged_cell_ranges or [])
        except Exception as error:  # calamine's errors on a corrupt sheet
            raise _unreadable(self._where, type(error).__name__)
        if found.check_text:
            _check_text(name, rows)
        if found.booleans:
            _booleans_as_text(rows)
        if found.careful and (found.formulas or found.errors or found.percent):
            found.locate(self._archive.read(self._sheets[name].path), self._percent_styles)
        for (row, column), value in found.error_values.items():
            if 0 <= row < len(rows) and 0 <= column < len(rows[row]):
                rows[row][column] = value
        _put_percentages(rows, found.percent_cells)
        formulas = _formulas_without_values(name, rows, found, lambda: self._archive.read(self._sheets[name].path)) \
            if found.formulas else {}
        return RawSheet(name=name, rows=rows, merged=merged, formulas_without_values=formulas)


def read_workbook(data: bytes, filename: str) -> dict[str, RawSheet]:
    """Every sheet of an .xlsx workbook, keyed by normalised sheet name."""
    book = open_workbook(data, filename)
    return {normalise_name(name): book.read(name) for name in book.names}


def open_workbook(data: bytes, filename: str) -> Workbook:
    """Check a whole .xlsx file before any of it is read, or raise ReturnError saying what is wrong.

    Refused: a damaged or crafted zip, macros, hidden or duplicate sheets, more than MAX_SHEETS
    sheets or MAX_CELLS cells (each sheet laid out as a grid from A1), parts inflating to more
    than MAX_UNZIPPED_BYTES, text longer than a cell holds, shared text copied into more than
    MAX_SHARED_TEXT_CHARS characters, more than MAX_MERGED_RANGES merged ranges.
    """
    where = filename or "The file"
    archive = _open_archive(data, where)
    budget = _Budget(where)
    entries = {info.filename: info for info in archive.infolist()}
    if _WORKBOOK not in entries:
        raise ReturnError([Problem(where, None, None, "this is a zip file but not an Excel workbook (.xlsx)")])
    declared = sum(info.file_size for info in entries.values())
    if declared > MAX_UNZIPPED_BYTES:
        raise _too_large(where)
    _refuse_macros(data, entries, where, budget)
    sheets = _listed_sheets(data, entries, where, budget)
    percent_styles = _percent_styles(data, entries.get(_STYLES), where, budget)
    text_lengths, shared_nul = _shared_strings(data, entries.get(_SHARED_STRINGS), where, budget)
    shared_cells = 0
    for sheet in sheets:
        if sheet.path not in entries:
            raise _unreadable(where, f"the part of sheet '{sheet.name}' is missing")
        shared_cells += _scan_sheet(data, entries[sheet.path], sheet, percent_styles, bool(text_lengths), budget,
                                    where)
        sheet.found.check_text |= shared_nul
    total = sum(sheet.cells for sheet in sheets)
    if total > MAX_CELLS:
        raise ReturnError([Problem(where, None, None,
                                   f"the sheets together span {total:,} cells (the most is {MAX_CELLS:,}): "
                                   "delete unused sheets, and rows and columns beyond your data, then save it "
                                   "again")])
    if shared_cells * max(text_lengths, default=0) > MAX_SHARED_TEXT_CHARS:
        _check_shared_text(data, entries, sheets, text_lengths, where)
    return Workbook(data, where, archive, sheets, percent_styles)


class _Budget:
    """The inflated bytes every part together may still use."""

    def __init__(self, where: str):
        self.left, self.where = MAX_UNZIPPED_BYTES, where

    def spend(self, size: int) -> None:
        """Count `size` more inflated bytes, refusing the file once there are too many."""
        self.left -= size
        if self.left < 0:
            raise _too_large(self.where)


def _too_large(where: str) -> ReturnError:
    """The file inflates to more than the limit."""
    return ReturnError([Problem(where, None, None,
                                "the workbook expands to more than "
                                f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB: it is too large or malformed")])


def _unreadable(where: str, detail: str) -> ReturnError:
    """The workbook cannot be read, and why (never a cell's contents)."""
    return ReturnError([Problem(where, None, None,
                                f"the workbook could not be read ({detail}): open it in Excel and save it "
                                "again as .xlsx")])


def _open_archive(data: bytes, where: str) -> zipfile.ZipFile:
    """The zip, once its directory is known to be small and unambiguous (one end record, unique names)."""
    if data.count(b"PK\x01\x02") > MAX_PARTS:  # every directory entry starts so: bounds the directory read
        raise _unreadable(where, f"it has more than {MAX_PARTS:,} parts")
    if data.count(b"PK\x05\x06", max(0, len(data) - 65_557)) > 1:
        raise _unreadable(where, "its zip directory is ambiguous")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
        raise ReturnError([Problem(where, None, None, "the file is damaged: it is not a readable Excel workbook")])
    names = [info.filename for info in archive.infolist()]
    if len({name.lower() for name in names}) != len(names):
        raise _unreadable(where, "two of its parts have the same name")
    return archive


def _inflate(data: bytes, info: zipfile.ZipInfo, budget: _Budget, where: str) -> Iterator[bytes]:
    """A part's bytes, inflated a piece at a time; refused when it inflates to other than its recorded size.

    Inflates the raw bytes itself, so a part that claims to be small but is not is caught after
    at most one piece more than it claims, and no more than the whole file's budget is ever held.
    """
    if info.flag_bits & 0x1:
        raise _unreadable(where, f"the part {info.filename} is encrypted")
    start = info.header_offset
    header = data[start:start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _unreadable(where, f"the part {info.filename} is damaged")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    begin = start + 30 + name_length + extra_length
    raw = memoryview(data)[begin:begin + info.compress_size]
    if len(raw) != info.compress_size:
        raise _unreadable(where, f"the part {info.filename} is cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = (bytes(raw[offset:offset + _CHUNK]) for offset in range(0, len(raw), _CHUNK))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _deflated(raw, info.filename, where)
    else:
        raise _unreadable(where, f"the part {info.filename} uses a compression Excel does not")
    size, crc = 0, 0
    for piece in pieces:
        size += len(piece)
        if size > info.file_size:
            raise _unreadable(where, f"the part {info.filename} is larger than the zip records")
        budget.spend(len(piece))
        crc = zlib.crc32(piece, crc)
        yield piece
    if size != info.file_size or crc != info.CRC:
        raise _unreadable(where, f"the part {info.filename} is damaged")


def _deflated(raw: memoryview, name: str, where: str) -> Iterator[bytes]:
    """Inflate a deflate stream at most _CHUNK bytes at a time."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
            elif position < len(raw):
                piece = inflater.decompress(raw[position:position + _CHUNK], _CHUNK)
                position += _CHUNK
            else:
                raise _unreadable(where, f"the part {name} is cut short")
            if piece:
                yield piece
    except zlib.error:
        raise _unreadable(where, f"the part {name} is damaged")


def _whole_part(data: bytes, info: zipfile.ZipInfo, budget: _Budget, where: str) -> bytes:
    """A small XML part (workbook, relationships, styles, content types), inflated whole and free of DTDs."""
    if info.file_size > _XML_PART_BYTES:
        raise _unreadable(where, f"the part {info.filename} is far larger than Excel writes")
    xml = b"".join(_inflate(data, info, budget, where))
    _refuse_doctype(xml, where)
    return xml


def _refuse_doctype(xml: bytes, where: str) -> None:
    """XML with a DOCTYPE can declare entities that expand without end (billion laughs) or read files."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise _unreadable(where, "it declares XML entities, which Excel never writes")


def _parsed(xml: bytes, name: str, where: str) -> ElementTree.Element:
    """A small part's XML tree (defusedxml: no entities, no external references)."""
    try:
        return ElementTree.fromstring(xml)
    except Exception as error:  # defusedxml's and expat's errors: the part is malformed or hostile
        raise _unreadable(where, f"the part {name} is not valid XML ({type(error).__name__})")


def _refuse_macros(data: bytes, entries: dict[str, zipfile.ZipInfo], where: str, budget: _Budget) -> None:
    """Macro-enabled content (a VBA project, an Excel 4 macro sheet) whatever the file is called."""
    names = [name.lower() for name in entries]
    found = any("vbaproject" in name or name.startswith("xl/macrosheets/") for name in names)
    if _CONTENT_TYPES in entries:
        content_types = _whole_part(data, entries[_CONTENT_TYPES], budget, where).lower()
        found = found or any(marker in content_types for marker in _MACRO_CONTENT)
    if found:
        raise ReturnError([Problem(where, None, None,
                                   "the workbook contains macros (code that runs in Excel): save it in Excel as "
                                   "an Excel Workbook (.xlsx), which leaves the macros out, and upload that "
                                   "file")])


def _attributes(tag: bytes) -> list[tuple[str, str]]:
    """A tag's attributes in order, names as written (with any prefix), values with entities replaced."""
    return [(name.decode("utf-8", "replace"), html.unescape((double or single).decode("utf-8", "replace")))
            for name, double, single in _TAG_ATTRIBUTE.findall(tag)]


def _listed_sheets(data: bytes, entries: dict[str, zipfile.ZipInfo], where: str, budget: _Budget) -> list[_Sheet]:
    """The sheets as calamine reads them (name, part and state), refusing hidden and duplicate sheets.

    Mirrors calamine: every `sheet` tag's `name`, `state` and `r:id` (or `relationships:id`), the
    last of each winning, and the relationship's target resolved under `xl/`.
    """
    workbook_xml = _whole_part(data, entries[_WORKBOOK], budget, where)
    _parsed(workbook_xml, _WORKBOOK, where)
    targets = {}
    if _RELATIONSHIPS in entries:
        relationships = _whole_part(data, entries[_RELATIONSHIPS], budget, where)
        _parsed(relationships, _RELATIONSHIPS, where)
        for tag in _RELATIONSHIP_TAG.findall(relationships):
            found = dict(_attributes(tag))
            if "Id" in found:
                targets[found["Id"]] = found.get("Target", "")
    sheets = []
    for tag in _SHEET_TAG.findall(workbook_xml):
        name, state, path = "", "visible", ""
        for key, value in _attributes(tag):
            if key == "name":
                name = value
            elif key == "state":
                state = value
            elif key in ("r:id", "relationships:id"):
                target = targets.get(value, "")
                path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") \
                    else f"xl/{target}"
        if state not in _SHEET_STATES:
            raise _unreadable(where, f"sheet '{name}' has an unknown state")
        sheets.append(_Sheet(name, path, state))
    if len(sheets) > MAX_SHEETS:
        raise ReturnError([Problem(where, None, None,
                                   f"the workbook has {len(sheets):,} sheets; the most is {MAX_SHEETS}: delete the "
                                   "sheets you do not need, then save it again")])
    hidden = [f"'{sheet.name}' ({_SHEET_STATES[sheet.state]})" for sheet in sheets if sheet.state != "visible"]
    if hidden:
        raise ReturnError([Problem(where, None, None,
                                   f"the workbook has hidden sheets: {', '.join(hidden)}. A hidden sheet could be "
                                   "read instead of the one you see: delete it, or unhide it (right-click a sheet "
                                   "tab, Unhide) and check what it holds, then save again")])
    seen: dict[str, str] = {}
    for sheet in sheets:
        key = normalise_name(sheet.name)
        if key in seen:
            raise ReturnError([Problem(where, None, None,
                                       f"the sheets '{seen[key]}' and '{sheet.name}' have the same name once case "
                                       "and spaces are ignored, so either could be read: rename or delete one, "
                                       "then save again")])
        seen[key] = sheet.name
    return sheets


def _percent_styles(data: bytes, info: zipfile.ZipInfo | None, where: str, budget: _Budget) -> frozenset[int]:
    """Positions in styles.xml `cellXfs` whose number format shows a percentage (built-in 9 or 10, or a
    custom format with % outside quotes), so 0.85 in such a cell is read as the 85 the officer saw."""
    if info is None:
        return frozenset()
    tree = _parsed(_whole_part(data, info, budget, where), _STYLES, where)
    custom = {}
    for element in tree.iter():
        if element.tag.rsplit("}", 1)[-1] == "numFmt":
            code = element.get("formatCode", "")
            if code:
                custom[element.get("numFmtId", "")] = "%" in _QUOTED_OR_ESCAPED.sub("", code)
    percent = set()
    for element in tree.iter():
        if element.tag.rsplit("}", 1)[-1] == "cellXfs":
            formats = [xf.get("numFmtId", "") for xf in element if xf.tag.rsplit("}", 1)[-1] == "xf"]
            percent = {index for index, number in enumerate(formats)
                       if custom.get(number, number in _PERCENT_FORMATS)}
            break
    return frozenset(percent)


def _shared_strings(data: bytes, info: zipfile.ZipInfo | None, where: str,
                    budget: _Budget) -> tuple[array.array, bool]:
    """Each shared text item's length in bytes (an upper bound of its characters), in order, and
    whether any holds a NUL character.

    Refuses a text longer than a cell can hold. Read a piece at a time: each item runs from its
    `<si>` tag to the next one, so the pieces between those tags bound the texts' lengths.
    """
    lengths, has_nul = array.array("q"), False
    if info is None:
        return lengths, has_nul
    current: bytearray | None = None  # the item still open at the end of the last piece
    for piece in _pieces(_inflate(data, info, budget, where), where):
        _refuse_doctype(piece, where)
        has_nul = has_nul or any(marker in piece for marker in _NUL_MARKERS)
        parts = _STRING_START.split(piece)
        if current is not None:
            current += parts[0]
        if len(parts) > 1:
            if current is not None:
                _add_shared_string(bytes(current), lengths, where)
            for part in parts[1:-1]:
                _add_shared_string(part, lengths, where)
            current = bytearray(parts[-1])
        if len(lengths) > MAX_CELLS:
            raise _unreadable(where, f"it holds more than {MAX_CELLS:,} texts")
        if current is not None and len(current) > 64 * MAX_CELL_CHARS:
            _add_shared_string(bytes(current), lengths, where)
    if current is not None:
        _add_shared_string(bytes(current), lengths, where)
    return lengths, has_nul


def _add_shared_string(item: bytes, lengths: array.array, where: str) -> None:
    """Record a shared text item's length, refusing one longer than a cell holds (counted exactly)."""
    if len(item) > MAX_CELL_CHARS:
        chars = len(html.unescape(b"".join(_TEXT_ELEMENT.findall(item)).decode("utf-8", "replace")))
        if chars > MAX_CELL_CHARS or len(item) > 64 * MAX_CELL_CHARS:
            raise ReturnError([Problem(where, None, None,
                                       f"a text in the workbook (shared text number {len(lengths) + 1:,}) is "
                                       f"{max(chars, MAX_CELL_CHARS + 1):,} characters long; a cell holds at most "
                                       f"{MAX_CELL_CHARS:,}: shorten it, then save again")])
    lengths.append(len(item))


def _pieces(chunks: Iterator[bytes], where: str) -> Iterator[bytes]:
    """Inflated chunks re-cut after their last `>`, so no tag is ever split between two pieces."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b">") + 1
        if cut:
            yield buffer[:cut]
        carry = buffer[cut:]
        if len(carry) > 4 * _CHUNK:
            raise _unreadable(where, "it holds megabytes of text outside any cell")
    if carry:
        yield carry


@dataclass
class _SheetScan:
    """What one pass over a sheet's XML found: the grid it spans, the cells that use shared text, and the
    features calamine cannot give (formulas, error values, percentage formats), with where they are."""

    careful: bool  # the exact (slower) scan, for a sheet the quick check cannot vouch for
    count_shared: bool  # whether to count cells that use shared text (only when the workbook has any)
    state: str = "head"  # before <sheetData>, or "cells" from there on
    rows: int = 0  # the furthest row and column a referenced cell or row reaches (1-based)
    columns: int = 0
    unplaced_rows: int = 0
    open_row_unplaced: int = 0  # cells without a reference so far in the row still open
    widest_unplaced: int = 0
    cell_tags: int = 0
    shared_cells: int = 0
    merged: int = 0
    error_cells: int = 0
    formulas: bool = False
    errors: bool = False
    percent: bool = False
    booleans: bool = False
    check_text: bool = False  # it may hold a NUL or a text longer than a cell holds: check its cells once read
    error_values: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) 0-based -> #N/A...
    percent_cells: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # rows, columns 0-based
    formula_cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # and where each
    #                                                                 formula starts in the part, in bytes

    def grid(self) -> tuple[int, int]:
        """The rows and columns calamine could lay the sheet out as: a row or cell without a reference
        follows the one before it, so each can add one."""
        return self.rows + self.unplaced_rows, self.columns + self.widest_unplaced

    def locate(self, xml: bytes, percent_styles: frozenset[int]) -> None:
        """Where the error values and percentage cells are, for a sheet the quick scan could not read."""
        found = [match.groups() for _, match in zip(range(MAX_FLAGGED_CELLS + 1), _ERROR_CELL.finditer(xml))]
        for row, column, (_, _, value) in zip(*_positions(found), found):
            self.error_values[(int(row), int(column))] = html.unescape(value.decode("utf-8", "replace"))
        if self.percent:
            styles = "|".join(str(index) for index in sorted(percent_styles)).encode()
            cells = re.compile(_REFERENCED_CELL + rb"""(?=[^>]*?(?<=\s)s\s*=\s*["']0*(?:%s)["'])""" % styles)
            self.percent_cells.append(_positions([match.groups() for match in cells.finditer(xml)]))


class _NeedsCarefulScan(Exception):
    """The quick check cannot vouch for this sheet's layout: scan it exactly."""


def _scan_sheet(data: bytes, info: zipfile.ZipInfo, sheet: _Sheet, percent_styles: frozenset[int],
                count_shared: bool, budget: _Budget, where: str) -> int:
    """Inspect a sheet's XML a piece at a time, refusing a grid, merged ranges or error cells beyond the
    limits; notes on `sheet` its grid and what was found, and gives the cells that use shared text."""
    left = budget.left
    try:
        scan = _scan_pieces(data, info, percent_styles, count_shared, budget, where, careful=False)
    except _NeedsCarefulScan:
        budget.left = left  # the same part again: count it once
        scan = _scan_pieces(data, info, percent_styles, count_shared, budget, where, careful=True)
    rows, columns = scan.grid()
    sheet.cells, sheet.found = rows * columns, scan
    if sheet.cells > MAX_CELLS or scan.cell_tags > MAX_CELLS:
        raise _too_many_cells(sheet.name, rows, columns)
    if scan.merged > MAX_MERGED_RANGES:
        raise ReturnError([Problem(sheet.name, None, None,
                                   f"the sheet has more than {MAX_MERGED_RANGES:,} merged ranges: unmerge the "
                                   "cells, then save again")])
    _flagged(sheet.name, scan.error_cells, "cells showing an Excel error such as #N/A or #DIV/0!")
    return scan.shared_cells


def _too_many_cells(name: str, rows: int, columns: int) -> ReturnError:
    """A sheet whose cells spread over more than MAX_CELLS grid cells (a stray far-off entry)."""
    return ReturnError([Problem(name, None, None,
                                f"the sheet reaches cell {column_letter(max(columns, 1) - 1)}{max(rows, 1)}, a grid "
                                f"of {rows * columns:,} cells (the most is {MAX_CELLS:,}): delete the rows and "
                                "columns beyond your data, then save it again")])


def _scan_pieces(data: bytes, info: zipfile.ZipInfo, percent_styles: frozenset[int], count_shared: bool,
                 budget: _Budget, where: str, careful: bool) -> _SheetScan:
    """One pass over a sheet's XML (see _scan_sheet); stops early once the sheet is surely too large.

    Cells are looked for from `<sheetData` to the end of the part: a `</sheetData>` could be hidden
    in an attribute, so nothing after it is taken on trust.
    """
    scan = _SheetScan(careful, count_shared)
    offset = 0  # where the piece starts in the part
    for piece in _pieces(_inflate(data, info, budget, where), where):
        scan.merged += piece.count(b"mergeCell")
        region, region_offset = piece, offset
        offset += len(piece)
        if scan.state == "head" or careful:
            _refuse_doctype(piece, where)
        if scan.state == "head":
            start = _SHEET_DATA_START.search(piece)
            if start is None:
                continue
            scan.state, region, region_offset = "cells", piece[start.start():], region_offset + start.start()
        if careful:
            _scan_carefully(scan, region, percent_styles)
        else:
            _scan_quickly(scan, region, region_offset, percent_styles)
        rows, columns = scan.grid()
        if scan.cell_tags > MAX_CELLS or rows * columns > MAX_CELLS or scan.error_cells > MAX_FLAGGED_CELLS:
            break
    return scan


def _scan_quickly(scan: _SheetScan, region: bytes, offset: int, percent_styles: frozenset[int]) -> None:
    """Read every tag and attribute at once (numpy), for a sheet as Excel and openpyxl write it: attributes
    spelt `name="value"`, each cell tag `<c r="A1"...` with one plain reference. Anything else (a prefix,
    a cell without a reference or with a second one, any other spelling) needs the careful scan; an `=`
    in a cell's text is no attribute and changes nothing. `offset` is where `region` starts in the part."""
    if _PREFIXED_SHORT_TAG.search(region):
        raise _NeedsCarefulScan
    text = np.frombuffer(b"\0\0" + region + b"\0" * 16, dtype=np.uint8)  # text[i + 2] is region[i]
    tags = np.flatnonzero(text == ord("<"))
    names = text[tags + 1]
    short = tags[(names == ord("c")) | (names == ord("f")) | (names == ord("r"))]
    short = short[_ENDS_TAG_NAME[text[short + 2]]]  # the one-letter elements <c ...>, <f> and <r>
    short_names = text[short + 1]
    cell_tags = short[short_names == ord("c")]
    cells = int(((text[cell_tags + 2] == ord(" ")) & (text[cell_tags + 3] == ord("r"))
                 & (text[cell_tags + 4] == ord("=")) & (text[cell_tags + 5] == ord('"'))).sum())
    equals = np.flatnonzero(text == ord("="))
    name_end = text[equals - 1]
    if cells != len(cell_tags) or (names == ord("!")).any():  # (a comment, CDATA or DOCTYPE among the cells)
        raise _NeedsCarefulScan
    for position in equals[(text[equals + 1] != ord('"')) | _IS_SPACE[name_end]] - 2:  # in a text, or oddly spelt
        if region.rfind(b"<", 0, position) > region.rfind(b">", 0, position):  # inside a tag: an odd attribute
            raise _NeedsCarefulScan
    one_letter = _IS_SPACE[text[equals - 2]]  # r=, s=, t=: a cell's attributes (and a row's r=)
    references = equals[one_letter & (name_end == ord("r"))] + 2
    rows, columns = _references(text, references, cells)
    scan.rows, scan.columns = max(scan.rows, rows), max(scan.columns, columns)
    scan.cell_tags += cells
    types = equals[one_letter & (name_end == ord("t"))] + 2
    closed = text[types + 1] == ord('"')
    scan.shared_cells += int(((text[types] == ord("s")) & closed).sum())
    errors = types[(text[types] == ord("e")) & closed]
    scan.error_cells += len(errors)
    if len(errors) and scan.error_cells <= MAX_FLAGGED_CELLS:  # beyond, the sheet is refused unread
        for row, column, at in zip(*_cells_of(text, references, errors), errors - 2):
            if column >= 0 and (value := _ERROR_VALUE.match(region, at)):
                scan.error_values[(row, column)] = html.unescape(value[1].decode("utf-8", "replace"))
    scan.errors = scan.errors or bool(len(errors))
    scan.booleans = scan.booleans or bool(((text[types] == ord("b")) & closed).any())
    if percent_styles:
        styles = equals[one_letter & (name_end == ord("s"))] + 2
        percent = styles[np.isin(_numbers_at(text, styles), list(percent_styles))]
        if len(percent):
            scan.percent = True
            scan.percent_cells.append(_cells_of(text, references, percent))
    formulas = short[short_names == ord("f")]
    if len(formulas):
        scan.formulas = True
        scan.formula_cells.append((*_cells_of(text, references, formulas), formulas - 2 + offset))
    longest_text = int(np.diff(tags, prepend=0, append=len(text)).max())
    scan.check_text = (scan.check_text or longest_text > MAX_CELL_CHARS or bool((short_names == ord("r")).any())
                       or any(marker in region for marker in _NUL_MARKERS))


def _cells_of(text: np.ndarray, references: np.ndarray, attributes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """0-based rows and columns of the cells whose attributes start at `attributes`: each cell's reference is
    the last one before (the quick scan has checked every cell tag starts `<c r="` and every reference is
    plain). An attribute of a row (a row's style) belongs to no cell: its column is -1."""
    starts = references[np.searchsorted(references, attributes) - 1]
    columns = np.zeros(len(starts), dtype=np.int64)
    rows = np.zeros(len(starts), dtype=np.int64)
    ended = np.zeros(len(starts), dtype=bool)
    for position in range(11):  # up to 3 letters then up to 7 digits, ended by the quote
        code = text[starts + position].astype(np.int64)
        ended |= code == ord('"')
        letter = ~ended & (code >= ord("A")) & (code <= ord("Z"))
        digit = ~ended & (code >= ord("0")) & (code <= ord("9"))
        columns = np.where(letter, columns * 26 + code - ord("@"), columns)
        rows = np.where(digit, rows * 10 + code - ord("0"), rows)
    return rows - 1, columns - 1


def _scan_carefully(scan: _SheetScan, region: bytes, percent_styles: frozenset[int]) -> None:
    """The furthest explicit row and column, and the rows and cells without a reference, which follow the
    row or cell before them (a cell's column restarts at each row end). Handles any spelling of the XML."""
    references = b"\n".join({double or single for double, single in _R_ATTRIBUTE.findall(region)})
    parts = _REFERENCE_PARTS.findall(references)
    scan.rows = max(scan.rows, max((int(digits) for _, digits in parts if digits), default=0))
    letters = {letters.upper() for letters, _ in parts if letters}
    scan.columns = max(scan.columns, max((_column_index(code.decode()) + 1 for code in letters), default=0))
    scan.cell_tags += len(_CELL_TAG.findall(region))
    if scan.count_shared:
        scan.shared_cells += len(_SHARED_CELL.findall(region))
    scan.unplaced_rows += len(_ROW_TAG.findall(region)) - len(_PLACED_ROW.findall(region))
    unplaced = np.fromiter((match.start() for match in _UNPLACED_CELL.finditer(region)), dtype=np.int64)
    if len(unplaced) or scan.open_row_unplaced:
        ends = np.fromiter((match.start() for match in _ROW_END.finditer(region)), dtype=np.int64)
        per_row = np.diff(np.concatenate(([0], np.searchsorted(unplaced, ends), [len(unplaced)])))
        per_row[0] += scan.open_row_unplaced
        scan.widest_unplaced = max(scan.widest_unplaced, int(per_row.max()))
        scan.open_row_unplaced = int(per_row[-1])
    scan.formulas = scan.formulas or any(tag in region for tag in (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/"))
    scan.error_cells += len(_ERROR_TYPE.findall(region))
    scan.errors = scan.error_cells > 0
    scan.booleans = scan.booleans or bool(_BOOLEAN_TYPE.search(region))
    scan.percent = scan.percent or any(re.search(rb"""(?<=\s)s\s*=\s*["']0*%d["']""" % index, region)
                                       for index in percent_styles)
    scan.check_text = scan.check_text or bool(_LONG_TEXT.search(region) or _RICH_TEXT.search(region)) \
        or any(marker in region for marker in _NUL_MARKERS)


def _references(text: np.ndarray, starts: np.ndarray, cells: int) -> tuple[int, int]:
    """The furthest row and column (1-based) of the cell references such as `A1"` among the r="..." values
    starting at `starts` (a row's r="7", digits only, is left out), needing the careful scan unless there
    are exactly `cells` of them and each is plain: 1 to 3 capital letters, 1 to 7 digits, the quote.

    Compares references as packed bytes rather than converting each: more letters or more digits
    is further, and among the same number, the later in the alphabet.
    """
    starts = starts[(text[starts] >= ord("A")) & (text[starts] <= ord("Z"))]
    if len(starts) != cells:
        raise _NeedsCarefulScan
    if not cells:
        return 0, 0
    letters = np.zeros(cells, dtype=np.uint32)
    column_keys = np.zeros(cells, dtype=np.uint32)
    still = np.ones(cells, dtype=bool)
    for position in range(3):
        code = text[starts + position]
        still &= (code >= ord("A")) & (code <= ord("Z"))
        letters += still
        column_keys |= (code * still).astype(np.uint32) << np.uint32(8 * (2 - position))
    column_keys |= letters << np.uint32(24)
    first_digit = starts + letters
    digits = np.zeros(cells, dtype=np.uint64)
    row_keys = np.zeros(cells, dtype=np.uint64)
    still[:] = True
    for position in range(7):
        code = text[first_digit + position]
        still &= (code >= ord("0")) & (code <= ord("9"))
        digits += still
        row_keys |= (code * still).astype(np.uint64) << np.uint64(8 * (6 - position))
    row_keys |= digits << np.uint64(56)
    if not (digits >= 1).all() or not (text[first_digit + digits.astype(np.int64)] == ord('"')).all():
        raise _NeedsCarefulScan
    furthest, widest = int(np.argmax(row_keys)), int(np.argmax(column_keys))
    rows = int(text[first_digit[furthest]:first_digit[furthest] + int(digits[furthest])].tobytes())
    columns = _column_index(text[starts[widest]:starts[widest] + int(letters[widest])].tobytes().decode()) + 1
    return rows, columns


def _numbers_at(text: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The whole numbers (up to 6 digits, then a quote) starting at `starts`; -1 for anything else."""
    window = text[starts[:, None] + np.arange(7)].astype(np.int64)
    is_digit = (window >= ord("0")) & (window <= ord("9"))
    digits = np.argmin(is_digit, axis=1)
    value = np.zeros(len(starts), dtype=np.int64)
    for position in range(6):
        value = np.where(position < digits, value * 10 + window[:, position] - ord("0"), value)
    plain = (digits >= 1) & (window[np.arange(len(starts)), digits] == ord('"'))
    return np.where(plain, value, -1)


def _check_shared_text(data: bytes, entries: dict[str, zipfile.ZipInfo], sheets: list[_Sheet],
                       lengths: array.array, where: str) -> None:
    """Refuse a workbook whose cells would copy its shared text into more than MAX_SHARED_TEXT_CHARS
    characters (a few long texts used by many cells: a shared strings bomb).

    Counts which cells use which text, as Excel writes them (`<c ... t="s"><v>index</v>`), each text
    at its length in bytes (no fewer than its characters); any other shared-text cell counts as the
    longest text.
    """
    known = np.frombuffer(lengths, dtype=np.int64)
    total = 0
    for sheet in sheets:
        counts = np.zeros(len(known), dtype=np.int64)
        for piece in _pieces(_inflate(data, entries[sheet.path], _Budget(where), where), where):
            found = np.array([int(index) for index in _SHARED_CELL_INDEX.findall(piece)], dtype=np.int64)
            total += (len(_SHARED_CELL.findall(piece)) - len(found)) * int(known.max())
            counts += np.bincount(found[found < len(known)], minlength=len(known))
        total += int((counts * known).sum())
        if total > MAX_SHARED_TEXT_CHARS:
            raise ReturnError([Problem(where, None, None,
                                       "the cells repeat the workbook's shared text into more than "
                                       f"{MAX_SHARED_TEXT_CHARS:,} characters: it is too large or malformed")])


def _check_text(name: str, rows: list[list[object]]) -> None:
    """Refuse a sheet whose text cells hold a NUL character or more than a cell holds, naming the cells."""
    problems = []
    for number, row in enumerate(rows, start=1):
        text = "".join([cell for cell in row if cell.__class__ is str])
        if "\x00" in text or len(text) > MAX_CELL_CHARS:
            for index, cell in enumerate(row):
                if cell.__class__ is not str:
                    continue
                if "\x00" in cell:
                    problems.append(Problem(name, number, column_letter(index), _NUL_MESSAGE))
                if len(cell) > MAX_CELL_CHARS:
                    problems.append(Problem(name, number, column_letter(index),
                                            f"the cell holds {len(cell):,} characters; a cell holds at most "
                                            f"{MAX_CELL_CHARS:,}: shorten it"))
    if problems:
        raise ReturnError(problems)


def _booleans_as_text(rows: list[list[object]]) -> None:
    """TRUE and FALSE cells as the text Excel shows, so they are never taken for the numbers 1 and 0."""
    for row in rows:
        for index, cell in enumerate(row):
            if cell.__class__ is bool:
                row[index] = "TRUE" if cell else "FALSE"


def _positions(found: list[tuple[bytes, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """0-based rows and columns of the references (letters, digits, ...) a cell pattern found."""
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    letters, digits = zip(*[(match[0], match[1]) for match in found])
    codes, distinct = pd.factorize(np.array(letters, dtype=object))
    columns = np.array([_column_index(code.decode().upper()) for code in distinct], dtype=np.int64)[codes]
    return np.array(digits).astype(np.int64) - 1, columns


def _flagged(name: str, count: int, what: str) -> None:
    """Refuse a sheet with more cells of a kind than can be worth listing (a broken or crafted file)."""
    if count > MAX_FLAGGED_CELLS:
        raise ReturnError([Problem(name, None, None,
                                   f"the sheet has more than {MAX_FLAGGED_CELLS:,} {what}: open it in Excel, fix the "
                                   "formulas so they calculate, then save it again")])


def _put_percentages(rows: list[list[object]], cells: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """A number in a percentage-formatted cell as the officer saw it: 0.85 shown as 85% is 85.

    Scaled by 100 in decimal, so 0.29 becomes 29 rather than 28.999999999999996.
    """
    scaled: dict[float, float] = {}
    for row, column in ((row, column) for found in cells for row, column in zip(*found)):
        if 0 <= row < len(rows) and 0 <= column < len(rows[row]):
            value = rows[row][column]
            if value.__class__ in (float, int) and math.isfinite(value):
                if value not in scaled:
                    scaled[value] = float(Decimal(repr(value)).scaleb(2))
                rows[row][column] = scaled[value]


def _formulas_without_values(name: str, rows: list[list[object]], found: _SheetScan,
                             xml: Callable[[], bytes]) -> dict[tuple[int, int], str]:
    """(row, column) 0-based -> formula text, for formula cells saved without a result.

    Where the quick scan placed every formula, only those calamine reads as blank are looked at in
    the XML (`xml()` reads it): a blank can also be a formula whose result is empty text.
    """
    if found.careful:
        matches = [match.groups()
                   for _, match in zip(range(MAX_FLAGGED_CELLS + 1), _FORMULA_WITHOUT_VALUE.finditer(xml()))]
        cells = [(int(row), int(column), text) for row, column, (_, _, text) in zip(*_positions(matches), matches)]
    else:
        blank = [(int(row), int(column), int(at)) for found_rows, found_columns, starts in found.formula_cells
                 for row, column, at in zip(found_rows, found_columns, starts)
                 if column >= 0 and (row >= len(rows) or column >= len(rows[row]) or rows[row][column] == "")]
        part = xml() if blank else b""
        cells = [(row, column, formula[1]) for row, column, at in blank
                 if (formula := _FORMULA_AT.match(part, at)) and formula[2] is None]
    _flagged(name, len(cells), "formulas without a saved result")
    return {(row, column): html.unescape(text.decode("utf-8", "replace")) if text else "(shared formula)"
            for row, column, text in cells}


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


def unicode_name(character: str) -> str:
    """`U+200B ZERO WIDTH SPACE`: a character as a message can show it, visible or not."""
    return f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed character')}"
