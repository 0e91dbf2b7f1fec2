"""The hostile upload corpus (tests/corpus/files, listed in tests/corpus/EXPECTED.md) through the
loader, through a fresh process (time and memory) and through the real upload page.

Every file must be refused with its own specific problem (a ReturnError, never another exception),
in under 5 s with a peak under 500 MB, and uploading it must leave the store byte-identical: every
row of every table, the original bytes included, and the SQLite file itself. The valid files with
hostile text must load, their text unchanged.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from streamlit.testing.v1 import AppTest

from render import workbook
from data_loaders import Problem, ReturnError, load_child_level, load_ees, load_return
from store import Store
from ui.text import literal

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
FILES = CORPUS / "files"
DEMO = ROOT / "data" / "demo_return.xlsx"
APP = str(ROOT / "app.py")
MIME = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".csv": "text/csv",
        ".xls": "application/vnd.ms-excel"}

# Words each file's problem list must contain (mirrors tests/corpus/EXPECTED.md).
EXPECTED = {
    "empty.csv": "empty.csv: the file is empty",
    "zero_byte.xlsx": "zero_byte.xlsx: the file is empty",
    "blank_lines_only.csv": "blank_lines_only.csv: the file is empty",
    "csv_named_xlsx.xlsx": "the file is named like an Excel workbook but is not one",
    "renamed_png.xlsx": "the file is named like an Excel workbook but is not one",
    "renamed_png.csv": "the file is neither an Excel workbook (.xlsx) nor a CSV text file",
    "binary_junk.csv": "the file is neither an Excel workbook (.xlsx) nor a CSV text file",
    "password_protected.xlsx": "the workbook is password-protected: remove the password in Excel",
    "old_excel.xls": "this is an old Excel 97-2003 .xls file: save it as an Excel Workbook (.xlsx)",
    "old_excel_renamed.xlsx": "this is an old Excel 97-2003 .xls file: save it as an Excel Workbook (.xlsx)",
    "word_document.xlsx": "this is a zip file but not an Excel workbook (.xlsx)",
    "truncated.xlsx": "the file is damaged: it is not a readable Excel workbook",
    "zip_bomb.xlsx": "the workbook expands to more than 40 MB",
    "zip_lying_sizes.xlsx": "the workbook could not be read",
    "missing_sheet_part.xlsx": "the workbook could not be read",
    "billion_laughs_sheet.xlsx": "the workbook could not be read",
    "billion_laughs_workbook.xlsx": "the workbook could not be read",
    "external_entity.xlsx": "the workbook could not be read",
    "far_corner_cell.xlsx": "Values: the sheet reaches cell XFD1048576",
    "only_unknown_sheets.xlsx": "the workbook has none of the sheets Indicators, Values, Comparators, Commentary "
                                "(sheets found: Sheet1)",
    "missing_values_sheet.xlsx": "the workbook has no Values sheet",
    "no_header_row.xlsx": "Values: no header row found",
    "merged_header.xlsx": "Values row 1: the header cells A1:B1 are merged",
    "duplicate_column.xlsx": "Values row 1, column Value: the column 'Value' appears twice",
    "formulas_no_cached_values.xlsx": "Values row 4, column value: the cell holds the formula =D4/E4*100 but no "
                                      "saved result",
    "excel_error_values.xlsx": "Values row 4, column value: '#DIV/0!' is not a number",
    "dashboard_without_number.xlsx": "Indicators row 4, column dashboard: 'Children in Care' must start with the "
                                     "dashboard's number",
    "long_cell_text.xlsx": "Values row 2, column value: '" + "x" * 60 + "…' (32,767 characters) is not a number",
    "blank_rows_100k.xlsx": "Values row 100008, column value: 'n/a' is not a number",
    "many_columns.xlsx": "Values row 2, column indicator_id: unknown indicator 'CSC99'",
    "text_na_in_number.xlsx": "Values row 6, column value: 'n/a' is not a number",
    "duplicate_rows.xlsx": "Values row 8, column indicator_id: CSC01 2025-05 is already given on row 3",
    "unknown_indicator.xlsx": "Values row 2, column indicator_id: unknown indicator 'CSC99'",
    "negative_count.xlsx": "Values row 4, column numerator: -5 is negative: counts cannot be below zero",
    "numerator_above_denominator.xlsx": "the numerator 260 is larger than the denominator 200 for a percentage",
    "future_period.xlsx": "Values row 3, column period: 2099-05 is in the future",
    "period_before_2000.xlsx": "Values row 2, column period: 1999-04 is before 2000",
    "value_disagrees.xlsx": "Values row 4, column value: 25 does not match the numerator and denominator, which "
                            "give 22.5",
    "zero_denominator.xlsx": "Values row 4, column denominator: the denominator is 0",
    "mixed_frequency.xlsx": "Values row 9, column period: 2025-26 Q2 is a quarter but CSC01 is reported by month",
    "utf8_bom.csv": "utf8_bom.csv row 2, column indicator_id: unknown indicator 'CSC99'",
    "utf16_tabs.csv": "utf16_tabs.csv row 4, column numerator: -5 is negative",
    "cp1252_pound.csv": "cp1252_pound.csv row 2, column value: '£1,200' is not a number",
    "semicolons_decimal_comma.csv": "semicolons_decimal_comma.csv row 4, column value: '22,5' is not a number",
    "csv_without_catalogue.csv": "a CSV holds the Values table only",
    "formula_injection.csv": "row 2, column value: '=HYPERLINK(\"http://example.invalid/\",\"Click\")' is not a "
                             "number",
    "csv_long_cell.csv": "csv_long_cell.csv row 2: a cell is longer than 131,072 characters",
    "unclosed_quote.csv": "unclosed_quote.csv row 2: a quote (\") is opened but never closed",
    "short_rows.csv": "short_rows.csv row 2, column value: no value",
    "too_many_columns.csv": "too_many_columns.csv row 1: the row has 17,000 columns",
    "blank_rows_100k.csv": "blank_rows_100k.csv row 100008, column value: 'n/a' is not a number",
    "sheets_100_far.xlsx": "the workbook has 100 sheets; the most is 50",
    "sheets_250.xlsx": "the workbook has 250 sheets; the most is 50",
    "sheets_together_too_large.xlsx": "the sheets together span 2,400,094 cells (the most is 2,000,000)",
    "dimension_lies.xlsx": "Values: the sheet reaches cell XFD1048576, a grid of 17,179,869,184 cells",
    "cells_without_reference.xlsx": "Values: the sheet reaches cell WQP200, a grid of 3,201,200 cells",
    "prefixed_far_cell.xlsx": "Values: the sheet reaches cell XFD1048576",
    "second_reference.xlsx": "Values: the sheet reaches cell XFD1048576",
    "shared_strings_bomb.xlsx": "the cells repeat the workbook's shared text into more than 16,000,000 characters",
    "shared_string_390mb.xlsx": "the workbook expands to more than 40 MB",
    "shared_string_too_long.xlsx": "a text in the workbook (shared text number 1) is 40,000 characters long; a cell "
                                   "holds at most 32,767",
    "cell_text_too_long.xlsx": "Values row 2, column C: the cell holds 40,000 characters; a cell holds at most 32,767",
    "many_merged_ranges.xlsx": "Values: the sheet has more than 10,000 merged ranges",
    "too_many_parts.xlsx": "the workbook could not be read (it has more than 1,000 parts)",
    "hidden_values_sheet.xlsx": "the workbook has hidden sheets: 'Values ' (hidden)",
    "very_hidden_sheet.xlsx": "the workbook has hidden sheets: 'VALUES' (very hidden)",
    "duplicate_sheet_names.xlsx": "the sheets 'values' and 'Values' have the same name once case and spaces are "
                                  "ignored",
    "macro_enabled.xlsx": "the workbook contains macros (code that runs in Excel)",
    "child_log_hidden_first_sheet.xlsx": "the workbook has hidden sheets: 'Old log' (hidden)",
    "infinite_text_values.xlsx": "Values row 2, column value: 'inf' is not a number",
    "nan_text_value.xlsx": "Values row 2, column value: 'NaN' is not a number",
    "overflowing_number.csv": "overflowing_number.csv row 2, column value: '1e400' is not a finite number",
    "infinite_number_cell.xlsx": "Values row 2, column value: 'inf' is not a finite number",
    "nan_number_cell.xlsx": "Values row 2, column value: 'NaN' is not a number",
    "infinite_target.xlsx": "Indicators row 3, column target: 'Infinity' is not a number",
    "impossible_date.xlsx": "Values row 2, column period: '2025-02-31' is not a date: February 2025 has 28 days",
    "six_digit_not_a_period.xlsx": "Values row 2, column period: '202513' is neither a financial year",
    "zero_width_space_id.xlsx": "Indicators row 2, column indicator_id: the indicator id 'CSC01[U+200B]' holds U+200B "
                                "ZERO WIDTH SPACE",
    "cyrillic_lookalike_id.xlsx": "Indicators row 3, column indicator_id: the indicator id '[U+0421]SC03' holds "
                                  "U+0421 CYRILLIC CAPITAL LETTER ES",
    "zero_width_breakdown.xlsx": "Values row 2, column breakdown: the breakdown 'From[U+200B]home' holds U+200B ZERO "
                                 "WIDTH SPACE",
    "nul_byte.csv": "nul_byte.csv row 8, column C: the cell holds a NUL character",
    "nul_in_cell.xlsx": "Values row 2, column C: the cell holds a NUL character",
    "long_title.xlsx": "Indicators row 2, column title: the title is 5,000 characters long; the most is 200",
    "child_shifted_columns.csv": "child_shifted_columns.csv row 2, column MISSING: the MISSING code is not valid: use "
                                 "one of M, A",
}
# Child-level lists, refused by load_child_level with their kind (the return upload page never sees them).
CHILD_LEVEL = {"child_log_hidden_first_sheet.xlsx": "missing_log", "child_shifted_columns.csv": "ssda903_missing"}
# Valid files whose text holds Markdown, KaTeX and HTML payloads: they must load, the text unchanged.
VALID = {"markdown_payloads.xlsx", "markdown_payloads_ees.csv"}
PAYLOADS = ["![x](http://127.0.0.1:9/p.png)", "[Verify your account](http://127.0.0.1:9/phish)",
            "$\\rule{1500px}{600px}$", ":red[alarm]", "<img src=http://127.0.0.1:9/i.png>", "**bold**"]
REFUSAL_SECONDS, REFUSAL_PEAK_MB = 5, 500
# The app always checks a CSV against the catalogue it shows, so there the file's unknown id is the problem.
EXPECTED_ON_PAGE = EXPECTED | {"csv_without_catalogue.csv": "unknown indicator 'ZZZ01'"}
# The page's uploader takes .xlsx and .csv only, and returns: these are checked through the loader alone.
REFUSED_BY_UPLOADER = {"old_excel.xls"} | set(CHILD_LEVEL)
NO_CATALOGUE = {"csv_without_catalogue.csv"}


def make_corpus_module():
    """tests/corpus/make_corpus.py as a module (it is a script, not a package)."""
    if "make_corpus" not in sys.modules:
        spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_corpus"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["make_corpus"]


@pytest.fixture(scope="module")
def make_corpus():
    """The corpus script, for its valid base files and the oversized file it makes in memory."""
    return make_corpus_module()


@pytest.fixture(scope="module")
def demo():
    """The demo return: its catalogue checks the CSVs, and it is version 1 of every test store."""
    return load_return(DEMO)


def problems_text(problems: list[Problem]) -> str:
    """Every problem as the officer reads it, one a line."""
    return "\n".join(str(problem) for problem in problems)


def refusal(data_or_path, demo, name: str, filename: str | None = None) -> list[Problem]:
    """The problems load_return (or load_child_level) gives for a corpus file, which must be refused with a
    ReturnError."""
    is_csv = Path(name).suffix == ".csv"
    with pytest.raises(ReturnError) as caught:
        if name in CHILD_LEVEL:
            load_child_level(data_or_path, CHILD_LEVEL[name], filename=filename)
        else:
            load_return(data_or_path, filename,
                        catalogue=demo.indicators if is_csv and name not in NO_CATALOGUE else None)
    return caught.value.problems


# --- the corpus itself -----------------------------------------------------------------------

def test_every_corpus_file_has_an_expected_problem_and_is_listed_in_expected_md():
    files = {path.name for path in FILES.iterdir()}
    assert files == set(EXPECTED) | VALID
    assert len(files) >= 80
    lines = (CORPUS / "EXPECTED.md").read_text(encoding="utf-8").splitlines()
    listed = {line.split("`")[1]: line for line in lines if line.startswith("| `")}
    for name in EXPECTED:
        assert EXPECTED[name] in listed[name], name
    assert VALID <= set(listed)


def test_corpus_is_small_enough_to_commit():
    """Bombs are small on disk: the largest (a zip bomb, a 390-million-character shared text) are about 400 KB."""
    assert sum(path.stat().st_size for path in FILES.iterdir()) < 3 * 1024 * 1024


@pytest.mark.slow
def test_script_makes_exactly_the_committed_files(tmp_path):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes the encrypted workbook (a dev-only tool)")
    pytest.importorskip("xlwt", reason="xlwt makes the .xls (a dev-only tool)")
    written = make_corpus_module().write_corpus(tmp_path)
    assert {path.name for path in written} == set(EXPECTED) | VALID
    changed = [path.name for path in written if path.read_bytes() != (FILES / path.name).read_bytes()]
    assert changed == []


def test_each_fault_is_the_only_one_the_valid_base_files_load(make_corpus, demo):
    ret = load_return(make_corpus.return_workbook(), "base.xlsx")
    # 6 values: CSC03 April is 45 / 200 * 100 = 22.5
    assert len(ret.values) == 6
    assert ret.values.set_index(["indicator_id", "period"]).at[("CSC03", "2025-04"), "value"] == 22.5
    from_csv = load_return(make_corpus.csv_text(make_corpus.VALUES).encode(), "base.csv", catalogue=demo.indicators)
    assert from_csv.values["value"].tolist() == ret.values["value"].tolist()


def test_password_protected_file_is_really_encrypted_and_hides_a_valid_return():
    data = (FILES / "password_protected.xlsx").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # a compound file, not a zip
    assert "EncryptedPackage".encode("utf-16-le") in data and "EncryptionInfo".encode("utf-16-le") in data
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="decrypting needs msoffcrypto-tool (a dev-only tool)")
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="Scrutiny2026")
    plain = io.BytesIO()
    office.decrypt(plain)
    assert len(load_return(plain.getvalue(), "decrypted.xlsx").values) == 6


def test_zip_bomb_is_small_on_disk_but_declares_over_400_mb():
    archive = zipfile.ZipFile(FILES / "zip_bomb.xlsx")
    assert (FILES / "zip_bomb.xlsx").stat().st_size < 500 * 1024
    assert sum(info.file_size for info in archive.infolist()) > 400 * 1024 * 1024


def test_the_bombs_are_what_they_claim():
    """Each hostile workbook really holds what EXPECTED.md says, so a refusal is not a coincidence."""
    shared = zipfile.ZipFile(FILES / "shared_string_390mb.xlsx").getinfo("xl/sharedStrings.xml")
    assert shared.file_size > 390 * 1024 * 1024 and (FILES / "shared_string_390mb.xlsx").stat().st_size < 500 * 1024
    bomb = zipfile.ZipFile(FILES / "shared_strings_bomb.xlsx")
    sheet = bomb.read("xl/worksheets/sheet1.xml")
    assert sheet.count(b't="s"><v>0</v>') == 20_000  # 20,000 cells x the one 30,000-character text = 600 million
    assert len(bomb.read("xl/sharedStrings.xml")) > 30_000
    far = zipfile.ZipFile(FILES / "sheets_100_far.xlsx")
    assert sum(b'r="CV19999"' in far.read(name) for name in far.namelist() if "worksheets" in name) == 100
    lying = zipfile.ZipFile(FILES / "dimension_lies.xlsx").read("xl/worksheets/sheet2.xml")
    assert b'<dimension ref="A1:B2"/>' in lying and b'r="XFD1048576"' in lying
    unplaced = zipfile.ZipFile(FILES / "cells_without_reference.xlsx").read("xl/worksheets/sheet2.xml")
    assert unplaced.count(b"<c><v>1</v></c>") == 16_000  # 6 columns + 16,000 = 16,006 wide x 200 rows = 3,201,200
    macro = zipfile.ZipFile(FILES / "macro_enabled.xlsx")
    assert "xl/vbaProject.bin" in macro.namelist() and b"macroEnabled" in macro.read("[Content_Types].xml")
    assert b"\x00" in (FILES / "nul_byte.csv").read_bytes()


def test_openpyxl_refuses_entity_expansion_through_defusedxml():
    """openpyxl (used for exports, and by anyone opening an upload with it) parses with defusedxml when installed."""
    import defusedxml
    import openpyxl
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    with pytest.raises(ValueError, match="Unable to read workbook") as caught:
        openpyxl.load_workbook(FILES / "billion_laughs_workbook.xlsx")
    assert isinstance(caught.value.__cause__, defusedxml.EntitiesForbidden)


# --- 1. the loader ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_refuses_with_the_specific_problem(name, demo):
    problems = refusal(FILES / name, demo, name)
    text = problems_text(problems)
    assert EXPECTED[name] in text
    assert "Traceback" not in text
    assert all(len(str(problem)) < 400 for problem in problems)  # long cells are shortened, not echoed whole


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_is_refused_quickly_with_bounded_memory_in_a_fresh_process(name):
    """The safety property, measured in a process of its own: every hostile file is refused with its problem in
    under 5 s (the load alone) with a peak under 500 MB (the whole process, imports included)."""
    command = [sys.executable, str(CORPUS / "refuse.py"), str(FILES / name), CHILD_LEVEL.get(name, "return")]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    outcome = json.loads(finished.stdout)
    assert outcome["error"] is None
    assert EXPECTED[name] in "\n".join(outcome["problems"])
    assert outcome["seconds"] < REFUSAL_SECONDS, outcome["seconds"]
    assert outcome["peak_mb"] < REFUSAL_PEAK_MB, outcome["peak_mb"]


def test_valid_workbook_with_markdown_payloads_loads_with_its_text_unchanged():
    ret = load_return(FILES / "markdown_payloads.xlsx")
    payload = " ".join(PAYLOADS)
    catalogue = ret.indicators.set_index("indicator_id")
    assert catalogue.loc["CLA01", "title"] == payload
    assert catalogue.loc["CSC01", "title"] == "Referrals to children's social care " + PAYLOADS[1]
    assert set(catalogue["dashboard"]) == {"3 " + payload, "5 " + payload}
    assert set(catalogue["comparator_note"]) == set(catalogue["source"]) == {payload}
    assert all(definition.endswith(payload) for definition in catalogue["definition"])
    assert ret.about == {"authority": payload, "committee": payload}
    assert ret.commentary["text"].tolist() == [payload + " " + payload, payload]
    assert ret.commentary["author"].tolist() == [payload, "**bold**"]
    assert ret.comparators["source"].tolist() == [payload]
    assert len(ret.values) == 6


def test_valid_ees_file_with_markdown_in_la_name_loads_with_its_text_unchanged():
    tidy = load_ees(FILES / "markdown_payloads_ees.csv")
    assert set(tidy.loc[tidy["la_code"] == "999", "la_name"]) == {" ".join(PAYLOADS)}
    assert tidy.loc[(tidy["la_code"] == "999") & (tidy["measure"] == "rereferral_percent"), "value"].tolist() == [16.8]


@pytest.mark.parametrize("cells, refused", [(5, False), (10, True)])
def test_shared_text_is_counted_once_for_every_cell_that_uses_it(make_corpus, monkeypatch, cells, refused):
    """A 100-character shared text is item `><t>` + 100 + `</t></si></sst>` = 119 bytes: 5 cells use 595 of
    a 1,000 allowed, 10 cells 1,190 (the loader counts bytes, never fewer than the characters)."""
    from data_loaders import files
    monkeypatch.setattr(files, "MAX_SHARED_TEXT_CHARS", 1_000)
    header = make_corpus.cells_xml([make_corpus.VALUE_HEADER])
    uses = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (row, row) for row in range(2, 2 + cells))
    data = make_corpus.raw_workbook([("Values", make_corpus.worksheet(header + uses), "visible")],
                                    shared=make_corpus.shared_strings([b"x" * 100]))
    if refused:
        with pytest.raises(ReturnError, match="repeat the workbook's shared text into more than 1,000 characters"):
            files.open_workbook(data, "shared.xlsx")
    else:
        assert files.open_workbook(data, "shared.xlsx").read("Values").rows[1][0] == "x" * 100


def test_a_nul_byte_in_an_ees_file_is_refused_where_it_is():
    """EES files are read through the same sniffing, so a NUL that would fail a PostgreSQL save is refused."""
    text = (FILES / "markdown_payloads_ees.csv").read_text(encoding="utf-8").replace("England", "Eng\x00land", 1)
    with pytest.raises(ReturnError) as caught:
        load_ees(text.encode(), "c1_referrals")
    assert [str(problem) for problem in caught.value.problems] == [
        "EES file row 2, column E: the cell holds a NUL character (an invisible zero byte) that no spreadsheet or "
        "database can store: retype the cell, or save the file again from Excel"]


def test_loader_refuses_a_file_over_20_mb(make_corpus, demo):
    problems = refusal(make_corpus.oversized_csv(), demo, "oversized.csv", "oversized.csv")
    assert problems_text(problems) == "oversized.csv: the file is 20.0 MB; the limit is 20 MB"


def test_external_entity_never_reaches_a_message(demo):
    text = problems_text(refusal(FILES / "external_entity.xlsx", demo, "external_entity.xlsx"))
    assert "root:" not in text and "/etc/passwd" not in text


def test_formula_text_in_a_text_column_is_kept_as_text_and_neutralised_on_export(make_corpus, demo):
    """A formula in free text (a title) is accepted as plain text (nothing evaluates it) and exports make it
    inert; in a breakdown, which is an identifier, it is refused."""
    formula = '=HYPERLINK("http://example.invalid/","Click")'
    first = make_corpus.INDICATORS[0]
    indicators = [first[:2] + [formula] + first[3:], *make_corpus.INDICATORS[1:]]
    # Written as text by hand: openpyxl would store a text starting with = as a formula.
    written = make_corpus.raw_workbook(make_corpus.return_sheets()[1:] + [
        ("Indicators", make_corpus.worksheet(make_corpus.cells_xml([make_corpus.INDICATOR_HEADER] + indicators)),
         "visible")])
    ret = load_return(written, "formula.xlsx")
    assert formula in set(ret.indicators["title"])
    exported = list(csv.DictReader(io.StringIO(workbook.safe_csv(ret.indicators).decode("utf-8-sig"))))
    assert "'" + formula in {row["title"] for row in exported}
    rows = make_corpus.with_row(make_corpus.VALUES, 0, breakdown=formula)
    found = problems_text(refusal(make_corpus.csv_text(rows).encode(), demo, "formula.csv", "formula.csv"))
    assert f"formula.csv row 2, column breakdown: the breakdown '{formula}' holds '=', which is not allowed" in found


def test_thousands_commas_still_read_as_numbers(make_corpus, demo):
    rows = make_corpus.with_row(make_corpus.VALUES, 0, value="1,412")
    ret = load_return(make_corpus.csv_text(rows).encode(), "thousands.csv", catalogue=demo.indicators)
    assert ret.values.set_index(["indicator_id", "period"]).at[("CSC01", "2025-04"), "value"] == 1412


# --- 2. the upload page ----------------------------------------------------------------------

def store_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite store, in a fixed order (every column sorted on)."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            metadata = MetaData()
            metadata.reflect(conn)
            return {name: conn.execute(select(table).order_by(*table.c)).all()
                    for name, table in sorted(metadata.tables.items())}
    finally:
        engine.dispose()


@pytest.fixture
def stores(monkeypatch) -> list[Store]:
    """Every Store the app opens during a test, so the test can close them before reading the file."""
    opened = []
    real_init = Store.__init__

    def recording_init(self, url):
        real_init(self, url)
        opened.append(self)

    monkeypatch.setattr(Store, "__init__", recording_init)
    return opened


@pytest.fixture
def saved_demo(store_path, demo):
    """The test's store holding the demo return as version 1; its rows and file bytes before any upload."""
    store = Store(f"sqlite:///{store_path}")
    store.save_version(data=DEMO.read_bytes(), filename="demo_return.xlsx", author="test", note="", kind="return",
                       source_kind="workbook", mode="complete", ret=demo)
    store.close()
    return store_dump(store_path), store_path.read_bytes()


@pytest.fixture(scope="module")
def page():
    """One running app on the upload page, shared by the upload tests (its first run takes seconds)."""
    at = AppTest.from_file(APP, default_timeout=120)
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """Put a file in the page's uploader and run the page (the app is started on first use)."""
    if not at.file_uploader:
        at.run()
        at.switch_page("pages/upload.py")
        at.run()
    at.file_uploader[0].set_value((name, data, MIME[Path(name).suffix])).run()
    return at


def assert_store_unchanged(store_path: Path, before: tuple, stores: list[Store]) -> None:
    """The store's rows and, once every connection is closed, its file bytes are as they were."""
    for store in stores:
        store.close()
    rows, file_bytes = before
    assert store_dump(store_path) == rows
    assert store_path.read_bytes() == file_bytes
    wal = store_path.with_name(store_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def shown_problems(at: AppTest) -> str:
    """The page's problem table, each row read back as the officer's 'sheet row R, column C: message'."""
    table = at.dataframe[0].value
    return problems_text([Problem(row["Sheet or file"], int(row["Row"]) if row["Row"] else None,
                                  row["Column"] or None, row["Problem"]) for _, row in table.iterrows()])


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - REFUSED_BY_UPLOADER))
def test_upload_page_shows_the_problem_and_saves_nothing(name, page, saved_demo, store_path, stores):
    at = upload(page, name, (FILES / name).read_bytes())
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and at.error[0].value.startswith(f"**{literal(name)}** cannot be used yet")
    assert "Nothing has been saved." in at.error[0].value
    assert EXPECTED_ON_PAGE[name] in shown_problems(at)
    assert not at.success
    assert "Confirm and save" not in [button.label for button in at.button]
    assert_store_unchanged(store_path, saved_demo, stores)


def test_upload_page_refuses_a_file_over_20_mb(make_corpus, page, saved_demo, store_path, stores):
    at = upload(page, "oversized.csv", make_corpus.oversized_csv())
    assert not at.exception
    assert shown_problems(at) == "oversized.csv: the file is 20.0 MB; the limit is 20 MB"
    assert "Confirm and save" not in [button.label for button in at.button]
    assert_store_unchanged(store_path, saved_demo, stores)


def test_upload_page_offers_to_save_the_valid_base_file_but_checking_saves_nothing(make_corpus, page, saved_demo,
                                                                                   store_path, stores):
    """The control: the same page and store accept the unbroken file, so each refusal above is the fault's."""
    at = upload(page, "base.csv", make_corpus.csv_text(make_corpus.VALUES).encode())
    assert not at.exception and not at.error
    assert at.success[0].value.startswith(f"**{literal('base.csv')}** passed every check")
    assert "Confirm and save" in [button.label for button in at.button]
    assert_store_unchanged(store_path, saved_demo, stores)
