"""Write the corpus of malformed and hostile uploads, one fault per file, into tests/corpus/files/.

    .venv/bin/python tests/corpus/make_corpus.py     # rewrites files/ and EXPECTED.md

Every file is built from one small valid return (three indicators of the demo catalogue,
two months each) with exactly one thing wrong, so the problem it must produce is known.
The output is byte-for-byte repeatable: zip members carry a fixed timestamp, workbook
properties a fixed date, random bytes come from a fixed seed, and the encrypted workbook's
salts and key from a seeded generator. The files are committed; the tests read them and
never need this script's extra tools (msoffcrypto-tool for the encrypted workbook, xlwt for
the .xls), which it imports only where it uses them.

The oversized file (over the 20 MB limit) is not committed: `oversized_csv()` makes it in
memory for the tests.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from unittest import mock

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "EXPECTED.md"
SEED = 20261129
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
CORE_TIME = b"2026-01-01T00:00:00Z"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # mirrors data_loaders.files.MAX_UPLOAD_BYTES

INDICATOR_HEADER = ["indicator_id", "dashboard", "title", "definition", "unit", "polarity", "aggregation",
                    "target", "amber_tolerance", "comparator_note", "source", "rolling_12_months", "spc_rebase"]
FRONT_DOOR = "3 Children's Social Care Front Door"
INDICATORS = [
    ["CSC01", FRONT_DOOR, "Referrals to children's social care",
     "Referrals received by children's social care in the period.", "count", "neutral", "sum",
     None, None, None, "CIN census / local system", None, None],
    ["CSC03", FRONT_DOOR, "Re-referrals within 12 months",
     "Percentage of referrals in the period that came within 12 months of a previous referral.",
     "percent", "lower_is_better", "sum", 20, 2, None, "CIN census / local system", None, None],
    ["CLA01", "5 Children in Care", "Children in care", "Children looked after at month end.",
     "count", "neutral", "last", None, None, None, "SSDA903 / local system", None, None],
]
VALUE_HEADER = ["indicator_id", "period", "breakdown", "numerator", "denominator", "value"]
VALUES = [  # CSC03: 45 / 200 * 100 = 22.5 and 50 / 250 * 100 = 20.0
    ["CSC01", "2025-04", None, None, None, 412],
    ["CSC01", "2025-05", None, None, None, 398],
    ["CSC03", "2025-04", None, 45, 200, 22.5],
    ["CSC03", "2025-05", None, 50, 250, 20],
    ["CLA01", "2025-04", None, None, None, 301],
    ["CLA01", "2025-05", None, None, None, 305],
]
ABOUT = [["field", "value"], ["authority", "Corpus test authority (fictional)"]]


# --- building blocks -------------------------------------------------------------------------

def with_row(rows: list[list], index: int, **changes) -> list[list]:
    """A copy of `rows` with some cells of one row changed, by column name of the Values header."""
    changed = [list(row) for row in rows]
    for column, value in changes.items():
        changed[index][VALUE_HEADER.index(column)] = value
    return changed


def repack(data: bytes, replace: dict[str, bytes] | None = None, drop: str = "") -> bytes:
    """A zip rebuilt member by member with a fixed timestamp, so it is repeatable (members replaced or one dropped)."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == drop:
                continue
            content = replace.get(info.filename, source.read(info.filename))
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", CORE_TIME, content)
            target.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def workbook(sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx written by openpyxl (as a script would write it) with the given sheets, made repeatable."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return repack(buffer.getvalue())


def return_workbook(values: list[list] | None = None, indicators: list[list] | None = None,
                    value_header: list | None = None) -> bytes:
    """The small valid return as a workbook, with its Values (or Indicators) rows replaced."""
    return workbook({"About": ABOUT,
                     "Indicators": [INDICATOR_HEADER] + (INDICATORS if indicators is None else indicators),
                     "Values": [value_header or VALUE_HEADER] + (VALUES if values is None else values)})


def csv_text(rows: list[list], delimiter: str = ",", header: list | None = None) -> str:
    """Rows as CSV text as Excel saves it: Windows line endings, blank cells empty, quotes where needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header or VALUE_HEADER] + [["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue()


def sheet_xml(data: bytes, sheet: str = "Values") -> tuple[str, bytes]:
    """The zip path and XML of a workbook's sheet, found through the workbook's relationships."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook_xml = archive.read("xl/workbook.xml").decode()
    rel_id = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(\w+)"', workbook_xml)[1]
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(rf'<Relationship [^>]*Id="{rel_id}"[^>]*Target="([^"]+)"', rels)
    target = target[1] if target else re.search(rf'Target="([^"]+)"[^>]*Id="{rel_id}"', rels)[1]
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return path, archive.read(path)


def with_doctype(xml: bytes, doctype: bytes, entity_use: bytes, marker: bytes) -> bytes:
    """XML with a DOCTYPE after its declaration and an entity reference in place of `marker`."""
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    body = xml[declaration_end:].replace(marker, entity_use, 1)
    return xml[:declaration_end] + doctype + body


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def docx_bytes() -> bytes:
    """A minimal Word document (.docx): a zip, but with word/document.xml instead of a workbook."""
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                               b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                               b'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
                               b'application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                               b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                       b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                       b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                       b'</Relationships>',
        "word/document.xml": b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
                             b'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>October return: see the '
                             b'attached figures.</w:t></w:r></w:p></w:body></w:document>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xls_bytes() -> bytes:
    """A real Excel 97-2003 (BIFF8) workbook with the Values sheet, written by xlwt."""
    import xlwt  # dev-only tool, see the module docstring

    book = xlwt.Workbook()
    sheet = book.add_sheet("Values")
    for r, row in enumerate([VALUE_HEADER] + VALUES):
        for c, cell in enumerate(row):
            if cell is not None:
                sheet.write(r, c, cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted_bytes(password: str = "Scrutiny2026") -> bytes:
    """The valid return encrypted with a password, as Excel's File > Info > Protect Workbook does (ECMA-376 agile)."""
    import msoffcrypto.method.container.ecma376_encrypted as container  # dev-only tools, see the module docstring
    import msoffcrypto.method.ecma376_agile as agile
    from msoffcrypto.format.ooxml import OOXMLFile

    fixed_time = container.datetime2filetime(dt.datetime(*ZIP_TIME))
    out = io.BytesIO()
    # Salts and key from a seed and a fixed container timestamp, so the file is repeatable.
    with (mock.patch.object(agile, "_random_buffer", random.Random(SEED).randbytes),
          mock.patch.object(container, "datetime2filetime", lambda _now: fixed_time)):
        OOXMLFile(io.BytesIO(return_workbook())).encrypt(password, out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook whose Values sheet unzips to 401 MB of spaces (about 400 KB on disk)."""
    path, _ = sheet_xml(return_workbook())
    out = io.BytesIO(repack(return_workbook(), drop=path))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        member = zipfile.ZipInfo(path, ZIP_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(member, "w") as sheet:  # written in pieces: 401 MB is never held in memory
            spaces = b" " * (1 << 20)
            for _ in range(401):
                sheet.write(spaces)
    return out.getvalue()


def zip_with_lying_sizes() -> bytes:
    """A workbook whose Values sheet claims to unzip to 1 KB but really holds 2 MB.

    This is how a bomb would slip past a check of the sizes a zip declares.
    """
    path, xml = sheet_xml(return_workbook())
    padded = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 * 1024 * 1024), 1)
    data = bytearray(repack(return_workbook(), {path: padded}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(path)
    lie = struct.pack("<I", 1024)
    data[info.header_offset + 22:info.header_offset + 26] = lie  # local header: uncompressed size
    name = path.encode()
    central = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack("<H", data[central + 28:central + 30])[0]
        if bytes(data[central + 46:central + 46 + name_length]) == name:
            data[central + 24:central + 28] = lie  # central directory: uncompressed size
            return bytes(data)
        central = data.index(b"PK\x01\x02", central + 4)


BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol0 "lol">'  # &lol9; expands to 10^9 'lol'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10))
                  + b"]>")
EXTERNAL_ENTITY = b'<!DOCTYPE values [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def with_sheet_doctype(doctype: bytes, entity: bytes) -> bytes:
    """The valid return with a DOCTYPE in the Values sheet and the entity used for the first indicator id."""
    data = return_workbook()
    path, xml = sheet_xml(data)
    return repack(data, {path: with_doctype(xml, doctype, entity, b"CSC01")})


def billion_laughs_workbook_xml() -> bytes:
    """The valid return with the billion-laughs DOCTYPE in xl/workbook.xml, used in a sheet's name."""
    data = return_workbook()
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    return repack(data, {"xl/workbook.xml": with_doctype(xml, BILLION_LAUGHS, b"&lol9;", b"About")})


def far_corner_cell() -> bytes:
    """A tiny workbook with a stray value in the last cell Excel has (XFD1048576) of its Values sheet."""
    data = return_workbook()
    path, xml = sheet_xml(data)
    stray = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    return repack(data, {path: xml.replace(b"</sheetData>", stray, 1)})


def missing_sheet_part() -> bytes:
    """A workbook whose Values sheet points at a part that is not in the zip."""
    data = return_workbook()
    path, _ = sheet_xml(data)
    return repack(data, drop=path)


def formula_workbook() -> bytes:
    """The valid return with CSC03's values as formulas, saved by a script so no result is cached."""
    values = with_row(VALUES, 2, value="=D4/E4*100")
    return return_workbook(with_row(values, 3, value="=D5/E5*100"))


def excel_error_workbook() -> bytes:
    """Values cells holding Excel errors: #DIV/0! as Excel saves a failed formula, and a typed #N/A."""
    data = return_workbook(with_row(with_row(VALUES, 2, value=0), 5, value="#N/A"))
    path, xml = sheet_xml(data)
    failed = re.sub(rb'<c r="F4"[^>]*?(/>|>.*?</c>)', b'<c r="F4" t="e"><f>D4/0</f><v>#DIV/0!</v></c>', xml, count=1,
                    flags=re.DOTALL)
    return repack(data, {path: failed})


def blank_rows_workbook() -> bytes:
    """The valid return, then 100,000 empty rows, then one more row with 'n/a' as its value."""
    return return_workbook(VALUES + [[None] * 6] * 100_000 + [["CLA01", "2025-06", None, None, None, "n/a"]])


def blank_rows_csv() -> bytes:
    """The valid Values CSV, then 100,000 lines of empty cells as Excel saves them, then a row with 'n/a'."""
    body = csv_text(VALUES) + ",,,,,\r\n" * 100_000 + "CLA01,2025-06,,,,n/a\r\n"
    return body.encode()


def many_columns_workbook() -> bytes:
    """A Values sheet 16,384 columns wide (Excel's most), with an unknown indicator in it."""
    extra = [f"note_{n}" for n in range(1, 16_384 - len(VALUE_HEADER) + 1)]
    return return_workbook(with_row(VALUES, 0, indicator_id="CSC99"), value_header=VALUE_HEADER + extra)


def too_many_columns_csv() -> bytes:
    """A CSV header of 17,000 columns, more than a spreadsheet can hold (16,384)."""
    header = VALUE_HEADER + [f"c{n}" for n in range(1, 17_001 - len(VALUE_HEADER))]
    return csv_text(VALUES, header=header).encode()


def oversized_csv() -> bytes:
    """A CSV one byte over the 20 MB upload limit (made in memory, never committed)."""
    head = csv_text(VALUES).encode()
    return head + b" " * (MAX_UPLOAD_BYTES + 1 - len(head))


# --- the corpus ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One corpus file: its name, how it is made, what it is and the problem it must produce."""

    name: str
    build: Callable[[], bytes]
    what: str
    expected: str


def _text(text: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    """A builder for fixed text in an encoding."""
    return lambda: text.encode(encoding)


CASES = [
    # Not a workbook, or a workbook that cannot be opened
    Case("empty.csv", lambda: b"", "a CSV of 0 bytes", "empty.csv: the file is empty"),
    Case("zero_byte.xlsx", lambda: b"", "an .xlsx of 0 bytes", "zero_byte.xlsx: the file is empty"),
    Case("blank_lines_only.csv", lambda: b"\r\n  \r\n\t\r\n", "a CSV of blank lines",
         "blank_lines_only.csv: the file is empty"),
    Case("csv_named_xlsx.xlsx", _text(csv_text(VALUES)), "CSV text saved with an .xlsx name",
         "the file is named like an Excel workbook but is not one"),
    Case("renamed_png.xlsx", png_bytes, "a PNG image renamed to .xlsx",
         "the file is named like an Excel workbook but is not one"),
    Case("renamed_png.csv", png_bytes, "a PNG image renamed to .csv",
         "the file is neither an Excel workbook (.xlsx) nor a CSV text file"),
    Case("binary_junk.csv", lambda: random.Random(SEED).randbytes(4096), "4 KB of random bytes named .csv",
         "the file is neither an Excel workbook (.xlsx) nor a CSV text file"),
    Case("password_protected.xlsx", encrypted_bytes,
         "the valid return encrypted with a password (real ECMA-376 agile encryption, msoffcrypto-tool)",
         "the workbook is password-protected: remove the password in Excel"),
    Case("old_excel.xls", xls_bytes, "a real Excel 97-2003 .xls (BIFF8, xlwt); the uploader's type filter refuses it",
         "this is an old Excel 97-2003 .xls file: save it as an Excel Workbook (.xlsx)"),
    Case("old_excel_renamed.xlsx", xls_bytes, "the same .xls renamed to .xlsx",
         "this is an old Excel 97-2003 .xls file: save it as an Excel Workbook (.xlsx)"),
    Case("word_document.xlsx", docx_bytes, "a Word .docx (a zip) renamed to .xlsx",
         "this is a zip file but not an Excel workbook (.xlsx)"),
    Case("truncated.xlsx", lambda: return_workbook()[:len(return_workbook()) * 3 // 5],
         "the first 60% of the valid workbook (a broken download)",
         "the file is damaged: it is not a readable Excel workbook"),
    Case("zip_bomb.xlsx", zip_bomb, "a zip bomb: the Values sheet unzips to 401 MB of spaces",
         "the workbook expands to more than 400 MB: it is too large or malformed"),
    Case("zip_lying_sizes.xlsx", zip_with_lying_sizes,
         "a Values sheet of 2 MB whose zip entry claims 1 KB (how a bomb hides from a size check)",
         "the workbook could not be read"),
    Case("missing_sheet_part.xlsx", missing_sheet_part, "the Values sheet's XML part is missing from the zip",
         "the workbook could not be read"),
    Case("billion_laughs_sheet.xlsx", lambda: with_sheet_doctype(BILLION_LAUGHS, b"&lol9;"),
         "the billion-laughs entity expansion (10^9 'lol') in the Values sheet's XML",
         "the workbook could not be read"),
    Case("billion_laughs_workbook.xlsx", billion_laughs_workbook_xml,
         "the billion-laughs entity expansion in xl/workbook.xml (parsed with defusedxml)",
         "the workbook could not be read"),
    Case("external_entity.xlsx", lambda: with_sheet_doctype(EXTERNAL_ENTITY, b"&secret;"),
         "an XML external entity (XXE) reading /etc/passwd into a cell",
         "the workbook could not be read"),
    Case("far_corner_cell.xlsx", far_corner_cell,
         "a stray value in cell XFD1048576: 17 billion cells if read as a grid (a 9 KB file)",
         "Values: the sheet reaches cell XFD1048576, a grid of 17,179,869,184 cells (the most is 2,000,000): "
         "delete the rows and columns beyond your data, then save it again"),
    # Workbooks whose layout is wrong
    Case("only_unknown_sheets.xlsx", lambda: workbook({"Sheet1": [VALUE_HEADER] + VALUES}),
         "the values on a sheet called Sheet1",
         "the workbook has none of the sheets Indicators, Values, Comparators, Commentary (sheets found: Sheet1)"),
    Case("missing_values_sheet.xlsx", lambda: workbook({"About": ABOUT, "Indicators": [INDICATOR_HEADER] + INDICATORS}),
         "an Indicators sheet but no Values sheet", "the workbook has no Values sheet"),
    Case("no_header_row.xlsx", lambda: workbook({"Indicators": [INDICATOR_HEADER] + INDICATORS, "Values": VALUES}),
         "a Values sheet that starts with data, no header row",
         "Values: no header row found: the first 10 rows must include a row with the columns indicator_id"),
    Case("merged_header.xlsx",
         lambda: workbook({"Indicators": [INDICATOR_HEADER] + INDICATORS,
                           "Values": [["indicator_id", None] + VALUE_HEADER[2:]] + VALUES}, {"Values": ["A1:B1"]}),
         "the Values header cells A1:B1 merged (no 'period' heading)",
         "Values row 1: the header cells A1:B1 are merged: unmerge them so every column has its own header"),
    Case("duplicate_column.xlsx", lambda: return_workbook(value_header=VALUE_HEADER + ["Value"]),
         "two Values columns headed 'value' and 'Value'",
         "Values row 1, column Value: the column 'Value' appears twice"),
    Case("formulas_no_cached_values.xlsx", formula_workbook,
         "CSC03's values are formulas (=D4/E4*100) saved by a script, with no calculated result",
         "Values row 4, column value: the cell holds the formula =D4/E4*100 but no saved result: open the file "
         "in Excel so it calculates, then save it again"),
    Case("excel_error_values.xlsx", excel_error_workbook,
         "a formula whose saved result is #DIV/0! and a typed #N/A in the value column",
         "Values row 4, column value: '#DIV/0!' is not a number"),
    Case("dashboard_without_number.xlsx",
         lambda: return_workbook(indicators=[INDICATORS[0], INDICATORS[1],
                                             INDICATORS[2][:1] + ["Children in Care"] + INDICATORS[2][2:]]),
         "an Indicators row whose dashboard is 'Children in Care' (no leading number)",
         "Indicators row 4, column dashboard: 'Children in Care' must start with the dashboard's number, "
         "e.g. '3 Children's Social Care Front Door'"),
    Case("long_cell_text.xlsx", lambda: return_workbook(with_row(VALUES, 0, value="x" * 32_767)),
         "a value cell holding 32,767 characters (Excel's most)",
         "Values row 2, column value: '" + "x" * 60 + "…' (32,767 characters) is not a number"),
    Case("blank_rows_100k.xlsx", blank_rows_workbook,
         "the valid values, 100,000 empty rows, then a row with value 'n/a' on row 100,008",
         "Values row 100008, column value: 'n/a' is not a number"),
    Case("many_columns.xlsx", many_columns_workbook,
         "a Values header 16,384 columns wide (Excel's most), with the unknown indicator CSC99",
         "Values row 2, column indicator_id: unknown indicator 'CSC99': it is not on the Indicators sheet"),
    # Values that fail validation
    Case("text_na_in_number.xlsx", lambda: return_workbook(with_row(VALUES, 4, value="n/a")),
         "'n/a' typed in the value column", "Values row 6, column value: 'n/a' is not a number"),
    Case("duplicate_rows.xlsx", lambda: return_workbook(VALUES + [VALUES[1]]),
         "CSC01 2025-05 (total) given twice",
         "Values row 8, column indicator_id: CSC01 2025-05 is already given on row 3"),
    Case("unknown_indicator.xlsx", lambda: return_workbook(with_row(VALUES, 0, indicator_id="CSC99")),
         "a value for CSC99, which is not in the catalogue",
         "Values row 2, column indicator_id: unknown indicator 'CSC99': it is not on the Indicators sheet"),
    Case("negative_count.xlsx", lambda: return_workbook(with_row(VALUES, 2, numerator=-5, value=None)),
         "CSC03's numerator -5", "Values row 4, column numerator: -5 is negative: counts cannot be below zero"),
    Case("numerator_above_denominator.xlsx",
         lambda: return_workbook(with_row(VALUES, 2, numerator=260, value=None)),
         "CSC03 (a percentage) with numerator 260 over denominator 200",
         "the numerator 260 is larger than the denominator 200 for a percentage"),
    Case("future_period.xlsx", lambda: return_workbook(with_row(VALUES, 1, period="2099-05")),
         "a value for May 2099", "Values row 3, column period: 2099-05 is in the future"),
    Case("period_before_2000.xlsx", lambda: return_workbook(with_row(VALUES, 0, period="1999-04")),
         "a value for April 1999", "Values row 2, column period: 1999-04 is before 2000: check the year"),
    Case("value_disagrees.xlsx", lambda: return_workbook(with_row(VALUES, 2, value=25)),
         "CSC03 value 25 where 45 / 200 gives 22.5",
         "Values row 4, column value: 25 does not match the numerator and denominator, which give 22.5"),
    Case("zero_denominator.xlsx", lambda: return_workbook(with_row(VALUES, 2, numerator=0, denominator=0, value=None)),
         "CSC03 with numerator 0 and denominator 0",
         "Values row 4, column denominator: the denominator is 0, so no value can be worked out"),
    Case("mixed_frequency.xlsx",
         lambda: return_workbook(VALUES + [["CSC01", "2025-06", None, None, None, 420],
                                           ["CSC01", "2025-26 Q2", None, None, None, 1210]]),
         "CSC01 monthly, with one quarterly row",
         "Values row 9, column period: 2025-26 Q2 is a quarter but CSC01 is reported by month: one indicator's "
         "values share one frequency"),
    # CSV files of the Values table
    Case("utf8_bom.csv", lambda: ("\ufeff" + csv_text(with_row(VALUES, 0, indicator_id="CSC99"))).encode(),
         "UTF-8 with a byte-order mark (Excel's 'CSV UTF-8'), with the unknown indicator CSC99",
         "utf8_bom.csv row 2, column indicator_id: unknown indicator 'CSC99': it is not on the Indicators sheet"),
    Case("utf16_tabs.csv",
         lambda: csv_text(with_row(VALUES, 2, numerator=-5, value=None), "\t").encode("utf-16"),
         "UTF-16 with BOM, tab-separated (Excel's 'Unicode Text'), with numerator -5",
         "utf16_tabs.csv row 4, column numerator: -5 is negative: counts cannot be below zero"),
    Case("cp1252_pound.csv", _text(csv_text(with_row(VALUES, 0, value="£1,200")), "cp1252"),
         "Windows-1252 (Excel's plain 'CSV' on a UK PC) with '£1,200' as a value",
         "cp1252_pound.csv row 2, column value: '£1,200' is not a number"),
    Case("semicolons_decimal_comma.csv",
         _text(csv_text(with_row(VALUES, 2, value="22,5"), ";"), "cp1252"),
         "semicolon-separated with a decimal comma (22,5), as Excel saves in a European locale",
         "semicolons_decimal_comma.csv row 4, column value: '22,5' is not a number"),
    Case("csv_without_catalogue.csv", _text(csv_text(with_row(VALUES, 0, indicator_id="ZZZ01"))),
         "a Values CSV with nothing loaded to check it against (loader only: the app always has a catalogue, "
         "so there it must name the unknown indicator ZZZ01)",
         "a CSV holds the Values table only: load a workbook with an Indicators sheet first"),
    Case("formula_injection.csv",
         _text(csv_text(with_row(VALUES, 0, breakdown="=cmd|' /C calc'!A0",
                                 value='=HYPERLINK("http://example.invalid/","Click")'))),
         "spreadsheet formula injection: =HYPERLINK(...) as a value and a DDE payload as a breakdown",
         "formula_injection.csv row 2, column value: '=HYPERLINK(\"http://example.invalid/\",\"Click\")' is not "
         "a number"),
    Case("csv_long_cell.csv", _text(csv_text(with_row(VALUES, 0, breakdown="x" * 140_000))),
         "a 140,000-character cell (more than Python's csv reader takes)",
         "csv_long_cell.csv row 2: a cell is longer than 131,072 characters: is a quote (\") left open?"),
    Case("unclosed_quote.csv", _text(csv_text(VALUES).replace("CSC01,2025-04,,", 'CSC01,2025-04,"Home,', 1)),
         "a quote opened in row 2 and never closed, which would swallow every later row",
         "unclosed_quote.csv row 2: a quote (\") is opened but never closed, so the rest of the file would be "
         "one cell"),
    Case("short_rows.csv", _text(csv_text([row[:2] for row in VALUES])),
         "rows with only indicator_id and period, shorter than the header",
         "short_rows.csv row 2, column value: no value: give the value, or the numerator and denominator"),
    Case("too_many_columns.csv", too_many_columns_csv, "a CSV header of 17,000 columns",
         "too_many_columns.csv row 1: the row has 17,000 columns, more than a spreadsheet holds (16,384)"),
    Case("blank_rows_100k.csv", blank_rows_csv,
         "the valid values, 100,000 lines of empty cells, then a row with value 'n/a' on line 100,008",
         "blank_rows_100k.csv row 100008, column value: 'n/a' is not a number"),
]


def expected_markdown() -> str:
    """EXPECTED.md: one line per corpus file, what it is and the problem it must produce."""
    lines = ["# Hostile upload corpus: what each file is and the problem it must produce",
             "",
             "Written by `tests/corpus/make_corpus.py` (do not edit by hand); checked by "
             "`tests/test_upload_corpus.py`, which keeps its own copy of the expected words.",
             "Every file must be refused with this problem, through `load_return` and through the upload page, "
             "and must leave the store byte-identical. CSV files are checked against the demo catalogue.",
             "",
             "| file | what it is | problem expected |",
             "| --- | --- | --- |"]
    for case in CASES:
        lines.append(f"| `{case.name}` | {case.what} | {case.expected.replace('|', '¦')} |")
    lines.append("| `oversized.csv` (made in memory by the tests, not committed) | a CSV one byte over 20 MB | "
                 "the file is 20.0 MB; the limit is 20 MB |")
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path = FILES) -> list[Path]:
    """Write every corpus file into `folder` (and EXPECTED.md beside the default folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES:
        path = folder / case.name
        path.write_bytes(case.build())
        written.append(path)
    if folder == FILES:
        EXPECTED.write_text(expected_markdown(), encoding="utf-8")
    return written


if __name__ == "__main__":
    paths = write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES)
    total = sum(path.stat().st_size for path in paths)
    print(f"wrote {len(paths)} files, {total / 1024:.0f} KB")
