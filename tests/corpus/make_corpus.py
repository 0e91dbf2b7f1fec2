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


# --- workbooks written part by part, as a crafted file would be -------------------------------

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>%s</Types>')
WORKBOOK_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def cells_xml(rows: list[list], first_row: int = 1) -> bytes:
    """Rows of cells as sheet XML: text inline, numbers as numbers, None left out."""
    out = []
    for number, row in enumerate(rows, start=first_row):
        cells = []
        for column, cell in enumerate(row):
            reference = f"{chr(65 + column)}{number}".encode()
            if isinstance(cell, str):
                text = cell.replace("&", "&amp;").replace("<", "&lt;").encode()
                cells.append(b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (reference, text))
            elif cell is not None:
                cells.append(b'<c r="%s"><v>%s</v></c>' % (reference, repr(cell).encode()))
        out.append(b'<row r="%d">%s</row>' % (number, b"".join(cells)))
    return b"".join(out)


def worksheet(sheet_data: bytes, before: bytes = b"", after: bytes = b"", prefix: bytes = b"") -> bytes:
    """A worksheet part around `sheet_data` (with every element under namespace prefix `prefix`, if given)."""
    tag = prefix + b":" if prefix else b""
    namespace = b'xmlns:%s="%s"' % (prefix, MAIN) if prefix else b'xmlns="%s"' % MAIN
    return (b'<?xml version="1.0" encoding="UTF-8"?><%sworksheet %s>%s<%ssheetData>%s</%ssheetData>%s</%sworksheet>'
            % (tag, namespace, before, tag, sheet_data, tag, after, tag))


def raw_workbook(sheets: list[tuple[str, bytes, str]], shared: bytes | None = None,
                 extra: dict[str, bytes] | None = None, content_types: bytes = b"") -> bytes:
    """A workbook of (name, worksheet part, state) sheets, shared strings and extra parts, written by hand."""
    listed = b"".join(b'<sheet name="%s" sheetId="%d" state="%s" r:id="rId%d"/>'
                      % (name.encode(), index, state.encode(), index)
                      for index, (name, _, state) in enumerate(sheets, start=1))
    relationships = b"".join(b'<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>'
                             % (index, RELATIONSHIPS, index) for index in range(1, len(sheets) + 1))
    parts = {f"xl/worksheets/sheet{index}.xml": xml for index, (_, xml, _) in enumerate(sheets, start=1)}
    if shared is not None:
        relationships += b'<Relationship Id="rIdS" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % RELATIONSHIPS
        parts["xl/sharedStrings.xml"] = shared
    types = b'<Override PartName="/xl/workbook.xml" ContentType="%s"/>' % WORKBOOK_TYPE + content_types
    fixed = {
        "[Content_Types].xml": CONTENT_TYPES % types,
        "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                       b'package/2006/relationships"><Relationship Id="rId1" Type="%s/officeDocument" '
                       b'Target="xl/workbook.xml"/></Relationships>' % RELATIONSHIPS,
        "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets>%s'
                           b'</sheets></workbook>' % (MAIN, RELATIONSHIPS, listed),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                                      b'openxmlformats.org/package/2006/relationships">%s</Relationships>'
                                      % relationships,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in {**fixed, **parts, **(extra or {})}.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def shared_strings(texts: list[bytes]) -> bytes:
    """A shared strings part holding `texts`."""
    return b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s">%s</sst>' % (
        MAIN, b"".join(b"<si><t>%s</t></si>" % text for text in texts))


def return_sheets(values_xml: bytes | None = None, state: str = "visible") -> list[tuple[str, bytes, str]]:
    """The small valid return as hand-written Indicators and Values parts (Values replaced if given)."""
    return [("Indicators", worksheet(cells_xml([INDICATOR_HEADER] + INDICATORS)), "visible"),
            ("Values", values_xml or worksheet(cells_xml([VALUE_HEADER] + VALUES)), state)]


def far_sheets(count: int, reference: bytes) -> bytes:
    """A workbook of `count` sheets, each holding one value at `reference` (a far-off cell)."""
    row = re.search(rb"\d+", reference)[0]
    far = worksheet(b'<row r="%s"><c r="%s"><v>1</v></c></row>' % (row, reference))
    return raw_workbook([(f"Sheet{index}", far, "visible") for index in range(1, count + 1)])


def many_sheets_together() -> bytes:
    """The valid return and 40 more sheets, each reaching cell B30000 (60,000 cells): 2.4 million together."""
    stray = worksheet(b'<row r="30000"><c r="B30000"><v>1</v></c></row>')
    return raw_workbook(return_sheets() + [(f"Notes{index}", stray, "visible") for index in range(1, 41)])


def lying_dimension() -> bytes:
    """A Values sheet whose <dimension> says A1:B2 but which holds a value in XFD1048576."""
    rows = cells_xml([VALUE_HEADER] + VALUES) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return raw_workbook(return_sheets(worksheet(rows, before=b'<dimension ref="A1:B2"/>')))


def cells_without_reference() -> bytes:
    """A Values sheet whose row 200 holds 16,000 cells written without a reference (each follows the one before)."""
    unplaced = b'<row r="200">' + b"<c><v>1</v></c>" * 16_000 + b"</row>"
    return raw_workbook(return_sheets(worksheet(cells_xml([VALUE_HEADER] + VALUES) + unplaced)))


def prefixed_far_cell() -> bytes:
    """A Values sheet written with the x: namespace prefix throughout, with a value in XFD1048576."""
    rows = re.sub(rb"<(/?)(row|c|is|t|v)\b", rb"<\1x:\2", cells_xml([VALUE_HEADER] + VALUES))
    rows += b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
    return raw_workbook(return_sheets(worksheet(rows, prefix=b"x")))


def second_reference() -> bytes:
    """A cell with two references, A9 and XFD1048576 (a reader takes the last)."""
    rows = cells_xml([VALUE_HEADER] + VALUES) + b'<row r="9"><c r="A9" r="XFD1048576"><v>1</v></c></row>'
    return raw_workbook(return_sheets(worksheet(rows)))


def shared_strings_bomb() -> bytes:
    """One 30,000-character shared text used by 20,000 cells: 600 million characters once read (a 40 KB file)."""
    cells = b"".join(b'<row r="%d">%s</row>' % (row, b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (column.encode(), row)
                                                                for column in "ABCDEFGHIJ"))
                     for row in range(1, 2_001))
    return raw_workbook([("Values", worksheet(cells), "visible")], shared=shared_strings([b"x" * 30_000]))


def huge_shared_string() -> bytes:
    """A shared text of 390 million characters that deflates to a few hundred KB."""
    out = io.BytesIO(raw_workbook(return_sheets(), shared=b""))
    data = repack(out.getvalue(), drop="xl/sharedStrings.xml")
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        member = zipfile.ZipInfo("xl/sharedStrings.xml", ZIP_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(member, "w") as part:  # written in pieces: 390 MB is never held in memory
            part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s"><si><t>' % MAIN)
            block = b"x" * (1 << 20)
            for _ in range(390):
                part.write(block)
            part.write(b"</t></si></sst>")
    return out.getvalue()


def renamed_sheet(data: bytes, old: bytes, new: bytes, state: bytes = b"visible") -> bytes:
    """A workbook with one sheet renamed in xl/workbook.xml and given a state (visible, hidden or veryHidden)."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    changed = re.sub(rb'(<sheet name=")%s(" sheetId="\d+" state=")visible"' % old, rb'\g<1>%s\g<2>%s"' % (new, state),
                     xml, count=1)
    return repack(data, {"xl/workbook.xml": changed})


def hidden_second_values() -> bytes:
    """The visible Values sheet, then a hidden 'Values ' (trailing space) saying 99 where the visible one says 412."""
    hidden = worksheet(cells_xml([VALUE_HEADER] + with_row(VALUES, 0, value=99)))
    return raw_workbook(return_sheets() + [("Values ", hidden, "hidden")])


def macro_enabled() -> bytes:
    """The valid return saved as a macro-enabled workbook (a VBA project and its content type), named .xlsx."""
    data = return_workbook()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    types = types.replace(WORKBOOK_TYPE, b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                       b"</Types>")
    out = io.BytesIO(repack(data, {"[Content_Types].xml": types}))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nEnd Sub\n"
        archive.writestr(zipfile.ZipInfo("xl/vbaProject.bin", ZIP_TIME), vba, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def many_parts() -> bytes:
    """The valid return with 1,001 extra empty parts in its zip."""
    out = io.BytesIO(return_workbook())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for index in range(1_001):
            archive.writestr(zipfile.ZipInfo(f"customXml/item{index}.xml", ZIP_TIME), b"", zipfile.ZIP_DEFLATED)
    return out.getvalue()


def many_merged_ranges() -> bytes:
    """A Values sheet with 10,001 merged ranges."""
    merged = b'<mergeCells count="10001">' + b"".join(b'<mergeCell ref="G%d:H%d"/>' % (row, row)
                                                      for row in range(1, 10_002)) + b"</mergeCells>"
    return raw_workbook(return_sheets(worksheet(cells_xml([VALUE_HEADER] + VALUES), after=merged)))


def values_cell_xml(reference: bytes, content: bytes) -> bytes:
    """The valid return's Values sheet with the cell at `reference` written as `content` (raw XML)."""
    rows = re.sub(rb'<c r="%s"[^>]*?(?:/>|>.*?</c>)' % reference, content, cells_xml([VALUE_HEADER] + VALUES), count=1)
    if content not in rows:  # the cell was empty: add it to its row
        row = re.search(rb"\d+", reference)[0]
        rows = rows.replace(b'<row r="%s">' % row, b'<row r="%s">' % row + content, 1)
    return raw_workbook(return_sheets(worksheet(rows)))


def child_log_hidden_first_sheet() -> bytes:
    """A missing-episodes log whose first sheet, hidden, holds other rows than the visible one."""
    header = ["child_ref", "start", "end", "setting"]
    old = worksheet(cells_xml([header, ["C-1", "01/04/2025 10:00", "01/04/2025 12:00", "home"]] * 1))
    new = worksheet(cells_xml([header, ["C-2", "02/04/2025 10:00", "02/04/2025 12:00", "care"]]))
    return raw_workbook([("Old log", old, "hidden"), ("Missing log", new, "visible")])


MARKDOWN = {
    "image": "![x](http://127.0.0.1:9/p.png)",
    "link": "[Verify your account](http://127.0.0.1:9/phish)",
    "formula": "$\\rule{1500px}{600px}$",
    "colour": ":red[alarm]",
    "html": "<img src=http://127.0.0.1:9/i.png>",
    "bold": "**bold**",
}
PAYLOAD = " ".join(MARKDOWN.values())  # 147 characters: within every text limit


def markdown_payloads() -> bytes:
    """A valid return whose free text (titles, dashboard names, definitions, sources, notes, About facts,
    commentary and its author) holds Markdown, KaTeX and HTML that must show as plain text."""
    titles = [f"{INDICATORS[0][2]} {MARKDOWN['link']}", f"{INDICATORS[1][2]} {MARKDOWN['link']}", PAYLOAD]
    indicators = [row[:1] + [f"{row[1][0]} {PAYLOAD}", title, f"{row[3]} {PAYLOAD}"] + row[4:9] + [PAYLOAD, PAYLOAD]
                  + row[11:] for row, title in zip(INDICATORS, titles)]
    about = [["field", "value"], ["authority", PAYLOAD], ["committee", PAYLOAD]]
    commentary = [["indicator_id", "dashboard", "period", "text", "author"],
                  ["CSC03", None, "2025-04", f"{PAYLOAD} {PAYLOAD}", PAYLOAD],
                  [None, "3", "2025-05", PAYLOAD, MARKDOWN["bold"]]]
    comparators = [["indicator_id", "period", "england", "region", "statistical_neighbours", "source"],
                   ["CSC03", "2024-25", 22.6, 28.4, None, PAYLOAD]]
    return workbook({"About": about, "Indicators": [INDICATOR_HEADER] + indicators,
                     "Values": [VALUE_HEADER] + VALUES, "Comparators": comparators, "Commentary": commentary})


def markdown_payloads_ees() -> bytes:
    """A small EES file (the c1 referrals layout) whose la_name holds Markdown, KaTeX and HTML."""
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,category,referral_count,rereferral_percent")
    rows = ["202425,Financial year,National,E92000001,England,,,,,,Referrals and Re-referrals,632830,22.6",
            f'202425,Financial year,Local authority,E92000001,England,E12000008,South East,999,E06999999,"{PAYLOAD}",'
            "Referrals and Re-referrals,1778,16.8"]
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


# --- the corpus ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One corpus file: its name, how it is made, what it is and the problem it must produce.

    `kind` is the loader it is refused by: a return (load_return), or a child-level list kind
    (load_child_level).
    """

    name: str
    build: Callable[[], bytes]
    what: str
    expected: str
    kind: str = "return"


@dataclass(frozen=True)
class Valid:
    """A corpus file that must load without problems: its name, how it is made, what it is and its loader."""

    name: str
    build: Callable[[], bytes]
    what: str
    loader: str  # load_return or load_ees


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
         "the workbook expands to more than 40 MB: it is too large or malformed"),
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
    # Files that would exhaust the server if read as they ask: each refused before it is read
    Case("sheets_100_far.xlsx", lambda: far_sheets(100, b"CV19999"),
         "100 sheets each reaching cell CV19999 (2 million cells each, 200 million together) in a small file",
         "the workbook has 100 sheets; the most is 50"),
    Case("sheets_250.xlsx", lambda: far_sheets(250, b"A1"), "250 sheets",
         "the workbook has 250 sheets; the most is 50"),
    Case("sheets_together_too_large.xlsx", many_sheets_together,
         "the valid return and 40 more sheets each reaching B30000: no sheet too large, 2.4 million cells together",
         "the sheets together span 2,400,094 cells (the most is 2,000,000)"),
    Case("dimension_lies.xlsx", lying_dimension,
         "a Values sheet whose <dimension> says A1:B2 but which holds a value in XFD1048576",
         "Values: the sheet reaches cell XFD1048576, a grid of 17,179,869,184 cells (the most is 2,000,000)"),
    Case("cells_without_reference.xlsx", cells_without_reference,
         "16,000 cells written without a reference on row 200 of Values (each follows the one before)",
         "Values: the sheet reaches cell WQP200, a grid of 3,201,200 cells (the most is 2,000,000)"),
    Case("prefixed_far_cell.xlsx", prefixed_far_cell,
         "a Values sheet written with the x: namespace prefix (<x:c>), with a value in XFD1048576",
         "Values: the sheet reaches cell XFD1048576"),
    Case("second_reference.xlsx", second_reference,
         "a cell with two references, r=\"A9\" then r=\"XFD1048576\" (the last one counts)",
         "Values: the sheet reaches cell XFD1048576"),
    Case("shared_strings_bomb.xlsx", shared_strings_bomb,
         "one 30,000-character shared text used by 20,000 cells: 600 million characters once read, in 40 KB",
         "the cells repeat the workbook's shared text into more than 16,000,000 characters"),
    Case("shared_string_390mb.xlsx", huge_shared_string,
         "a shared text of 390 million characters that deflates to a few hundred KB",
         "the workbook expands to more than 40 MB: it is too large or malformed"),
    Case("shared_string_too_long.xlsx",
         lambda: raw_workbook(return_sheets(), shared=shared_strings([b"y" * 40_000])),
         "a shared text of 40,000 characters (a cell holds at most 32,767)",
         "a text in the workbook (shared text number 1) is 40,000 characters long; a cell holds at most 32,767"),
    Case("cell_text_too_long.xlsx",
         lambda: values_cell_xml(b"C2", b'<c r="C2" t="inlineStr"><is><t>' + b"z" * 40_000 + b"</t></is></c>"),
         "a breakdown cell of 40,000 characters (a cell holds at most 32,767)",
         "Values row 2, column C: the cell holds 40,000 characters; a cell holds at most 32,767: shorten it"),
    Case("many_merged_ranges.xlsx", many_merged_ranges, "10,001 merged ranges on the Values sheet",
         "Values: the sheet has more than 10,000 merged ranges"),
    Case("too_many_parts.xlsx", many_parts, "the valid return with 1,001 extra parts in its zip",
         "the workbook could not be read (it has more than 1,000 parts)"),
    # Workbooks that could be read other than as the officer sees them
    Case("hidden_values_sheet.xlsx", hidden_second_values,
         "the visible Values sheet, then a hidden 'Values ' saying 99 where the visible one says 412",
         "the workbook has hidden sheets: 'Values ' (hidden)"),
    Case("very_hidden_sheet.xlsx", lambda: renamed_sheet(return_workbook(), b"About", b"VALUES", b"veryHidden"),
         "a very hidden sheet called VALUES (only a macro can unhide it)",
         "the workbook has hidden sheets: 'VALUES' (very hidden)"),
    Case("duplicate_sheet_names.xlsx", lambda: renamed_sheet(return_workbook(), b"About", b"values"),
         "sheets called values and Values (Excel refuses this; a script need not)",
         "the sheets 'values' and 'Values' have the same name once case and spaces are ignored"),
    Case("macro_enabled.xlsx", macro_enabled,
         "a macro-enabled workbook (a VBA project, macro content type) renamed .xlsx",
         "the workbook contains macros (code that runs in Excel)"),
    Case("child_log_hidden_first_sheet.xlsx", child_log_hidden_first_sheet,
         "a missing-episodes log whose first sheet is hidden (child-level: load_child_level, missing_log)",
         "the workbook has hidden sheets: 'Old log' (hidden)", kind="missing_log"),
    # Values that would break the pages, the pack or the database later
    Case("infinite_text_values.xlsx",
         lambda: return_workbook(with_row(with_row(with_row(VALUES, 0, value="inf"), 2, numerator="-inf", value=None),
                                          4, value="Infinity")),
         "'inf', '-inf' and 'Infinity' typed as values", "Values row 2, column value: 'inf' is not a number"),
    Case("nan_text_value.xlsx", lambda: return_workbook(with_row(VALUES, 0, value="NaN")), "'NaN' typed as a value",
         "Values row 2, column value: 'NaN' is not a number"),
    Case("overflowing_number.csv", _text(csv_text(with_row(VALUES, 0, value="1e400"))),
         "a value of 1e400, more than any number a computer holds (it reads as infinity)",
         "overflowing_number.csv row 2, column value: '1e400' is not a finite number"),
    Case("infinite_number_cell.xlsx", lambda: values_cell_xml(b"F2", b'<c r="F2"><v>1e400</v></c>'),
         "a number cell holding 1e400 (infinity once read)",
         "Values row 2, column value: 'inf' is not a finite number"),
    Case("nan_number_cell.xlsx", lambda: values_cell_xml(b"F2", b'<c r="F2"><v>NaN</v></c>'),
         "a number cell holding NaN", "Values row 2, column value: 'NaN' is not a number"),
    Case("infinite_target.xlsx",
         lambda: return_workbook(indicators=[INDICATORS[0], INDICATORS[1][:7] + ["Infinity"] + INDICATORS[1][8:],
                                             INDICATORS[2]]),
         "a target typed as 'Infinity'", "Indicators row 3, column target: 'Infinity' is not a number"),
    Case("impossible_date.xlsx", lambda: return_workbook(with_row(VALUES, 0, period="2025-02-31")),
         "a period written as the date 2025-02-31",
         "Values row 2, column period: '2025-02-31' is not a date: February 2025 has 28 days"),
    Case("six_digit_not_a_period.xlsx", lambda: return_workbook(with_row(VALUES, 0, period="202513")),
         "a six-digit period 202513: neither a financial year (202526) nor a month (202504)",
         "Values row 2, column period: '202513' is neither a financial year"),
    Case("zero_width_space_id.xlsx",
         lambda: return_workbook(indicators=[["CSC01\u200b"] + INDICATORS[0][1:], INDICATORS[1], INDICATORS[2]]),
         "an indicator id with an invisible zero-width space after it",
         "Indicators row 2, column indicator_id: the indicator id 'CSC01[U+200B]' holds U+200B ZERO WIDTH SPACE"),
    Case("cyrillic_lookalike_id.xlsx",
         lambda: return_workbook(indicators=[INDICATORS[0], ["\u0421SC03"] + INDICATORS[1][1:], INDICATORS[2]]),
         "an indicator id whose C is the Cyrillic letter Es, which looks the same",
         "Indicators row 3, column indicator_id: the indicator id '[U+0421]SC03' holds U+0421 CYRILLIC CAPITAL "
         "LETTER ES"),
    Case("zero_width_breakdown.xlsx", lambda: return_workbook(with_row(VALUES, 0, breakdown="From\u200bhome")),
         "a breakdown with an invisible zero-width space inside it",
         "Values row 2, column breakdown: the breakdown 'From[U+200B]home' holds U+200B ZERO WIDTH SPACE"),
    Case("nul_byte.csv", _text(csv_text(VALUES) + "CSC01,2025-06,From\x00home,,,7\r\n"),
         "a NUL byte (zero) inside a breakdown, which passes a CSV reader but no database",
         "nul_byte.csv row 8, column C: the cell holds a NUL character"),
    Case("nul_in_cell.xlsx",
         lambda: values_cell_xml(b"C2", b'<c r="C2" t="inlineStr"><is><t>From_x0000_home</t></is></c>'),
         "a text cell holding a NUL character (written _x0000_, as Excel escapes it)",
         "Values row 2, column C: the cell holds a NUL character"),
    Case("long_title.xlsx",
         lambda: return_workbook(indicators=[INDICATORS[0][:2] + ["T" * 5_000] + INDICATORS[0][3:], INDICATORS[1],
                                             INDICATORS[2]]),
         "an indicator title of 5,000 characters (it would not fit a page or a row of the PDF pack)",
         "Indicators row 2, column title: the title is 5,000 characters long; the most is 200: shorten it"),
    Case("child_shifted_columns.csv",
         _text("CHILD,DOB,MISSING,MIS_START,MIS_END\r\n,C-424242,12/03/2002,M,01/01/2025\r\n"),
         "an SSDA903 missing table row shifted one column right: the child's reference under DOB, their date of "
         "birth under MISSING (child-level: load_child_level, ssda903_missing)",
         "child_shifted_columns.csv row 2, column MISSING: the MISSING code is not valid: use one of M, A",
         kind="ssda903_missing"),
]
VALID = [
    Valid("markdown_payloads.xlsx", markdown_payloads,
          "a valid return whose titles, dashboard names, definitions, sources, notes, About facts and commentary "
          "hold Markdown, KaTeX and HTML (an image, a link, a formula, a colour, an <img> tag, bold): they must "
          "show as plain text", "load_return"),
    Valid("markdown_payloads_ees.csv", markdown_payloads_ees,
          "a valid EES file whose la_name holds the same payloads", "load_ees"),
]


def expected_markdown() -> str:
    """EXPECTED.md: one line per corpus file, what it is and the problem it must produce."""
    lines = ["# Hostile upload corpus: what each file is and the problem it must produce",
             "",
             "Written by `tests/corpus/make_corpus.py` (do not edit by hand); checked by "
             "`tests/test_upload_corpus.py`, which keeps its own copy of the expected words.",
             "Every file must be refused with this problem, through `load_return` (or `load_child_level` where "
             "marked) and through the upload page, and must leave the store byte-identical. Each is also refused "
             "in a fresh process in under 5 s with a peak under 500 MB. CSV files are checked against the demo "
             "catalogue.",
             "",
             "| file | what it is | problem expected |",
             "| --- | --- | --- |"]
    for case in CASES:
        lines.append(f"| `{case.name}` | {case.what} | {case.expected.replace('|', '¦')} |")
    lines.append("| `oversized.csv` (made in memory by the tests, not committed) | a CSV one byte over 20 MB | "
                 "the file is 20.0 MB; the limit is 20 MB |")
    lines += ["", "## Valid files with hostile text", "",
              "These must load without problems; the browser tests check that nothing in them renders as a link, "
              "an image or a formula.", "", "| file | what it is | loader |", "| --- | --- | --- |"]
    lines += [f"| `{valid.name}` | {valid.what.replace('|', '¦')} | `{valid.loader}` |" for valid in VALID]
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path = FILES) -> list[Path]:
    """Write every corpus file into `folder` (and EXPECTED.md beside the default folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in [*CASES, *VALID]:
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
