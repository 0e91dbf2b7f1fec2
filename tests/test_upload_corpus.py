"""The hostile upload corpus (tests/corpus/files, listed in tests/corpus/EXPECTED.md) through the
loader and through the real upload page.

Every file must be refused with its own specific problem (a ReturnError, never another exception),
and uploading it must leave the store byte-identical: every row of every table, the original
bytes included, and the SQLite file itself.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select
from streamlit.testing.v1 import AppTest

from render import workbook
from data_loaders import Problem, ReturnError, load_return
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
    "zip_bomb.xlsx": "the workbook expands to more than 400 MB",
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
}
# The app always checks a CSV against the catalogue it shows, so there the file's unknown id is the problem.
EXPECTED_ON_PAGE = EXPECTED | {"csv_without_catalogue.csv": "unknown indicator 'ZZZ01'"}
# The page's uploader takes .xlsx and .csv only: these are checked through the loader alone.
REFUSED_BY_UPLOADER = {"old_excel.xls"}
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
    """The problems load_return gives for a corpus file (which must be refused with a ReturnError)."""
    is_csv = Path(name).suffix == ".csv"
    with pytest.raises(ReturnError) as caught:
        load_return(data_or_path, filename, catalogue=demo.indicators if is_csv and name not in NO_CATALOGUE else None)
    return caught.value.problems


# --- the corpus itself -----------------------------------------------------------------------

def test_every_corpus_file_has_an_expected_problem_and_is_listed_in_expected_md():
    files = {path.name for path in FILES.iterdir()}
    assert files == set(EXPECTED)
    assert len(files) >= 30
    lines = (CORPUS / "EXPECTED.md").read_text(encoding="utf-8").splitlines()
    listed = {line.split("`")[1]: line for line in lines if line.startswith("| `")}
    for name in files:
        assert EXPECTED[name] in listed[name], name


def test_corpus_is_small_enough_to_commit():
    assert sum(path.stat().st_size for path in FILES.iterdir()) < 2 * 1024 * 1024


@pytest.mark.slow
def test_script_makes_exactly_the_committed_files(tmp_path):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes the encrypted workbook (a dev-only tool)")
    pytest.importorskip("xlwt", reason="xlwt makes the .xls (a dev-only tool)")
    written = make_corpus_module().write_corpus(tmp_path)
    assert {path.name for path in written} == set(EXPECTED)
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


def test_loader_refuses_a_file_over_20_mb(make_corpus, demo):
    problems = refusal(make_corpus.oversized_csv(), demo, "oversized.csv", "oversized.csv")
    assert problems_text(problems) == "oversized.csv: the file is 20.0 MB; the limit is 20 MB"


def test_external_entity_never_reaches_a_message(demo):
    text = problems_text(refusal(FILES / "external_entity.xlsx", demo, "external_entity.xlsx"))
    assert "root:" not in text and "/etc/passwd" not in text


def test_formula_text_in_a_text_column_is_kept_as_text_and_neutralised_on_export(make_corpus, demo):
    """A formula in a breakdown is accepted as plain text (nothing evaluates it) and exports make it inert."""
    rows = make_corpus.with_row(make_corpus.VALUES, 0, breakdown='=HYPERLINK("http://example.invalid/","Click")')
    ret = load_return(make_corpus.csv_text(rows).encode(), "formula.csv", catalogue=demo.indicators)
    assert '=HYPERLINK("http://example.invalid/","Click")' in set(ret.values["breakdown"])
    exported = list(csv.DictReader(io.StringIO(workbook.safe_csv(ret.values).decode("utf-8-sig"))))
    assert {row["breakdown"] for row in exported} == {"", '\'=HYPERLINK("http://example.invalid/","Click")'}


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
