"""The meeting pack for publication: PDF pages and the Excel workbook, drawn from the published report."""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pdfplumber
import pytest
from pypdf import PdfReader

import disclosure
import indicators
from data_loaders import load_return
from render import workbook
from render.pack import build_pack, counts, pack_pdf, shown
from units import format_value

ROOT = Path(__file__).resolve().parents[1]
COMMITTEE = "Children's Services Scrutiny Committee"


@pytest.mark.parametrize("text, expected", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+44 20", "'+44 20"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"),
    ("＝1+2", "'＝1+2"), ("＋44", "'＋44"),  # full-width forms that spreadsheets read as = and +
    ("Re-referrals fell", "Re-referrals fell"), (12.5, 12.5), (-3, -3), ("", ""),
])
def test_neutralise_makes_formula_text_inert_and_leaves_the_rest(text, expected):
    assert workbook.neutralise(text) == expected


def test_safe_csv_neutralises_text_cells_and_headers_but_not_numbers():
    frame = pd.DataFrame({"=cmd": ["=1+1", "plain"], "value": [-5.0, 3.0]})
    text = workbook.safe_csv(frame).decode("utf-8-sig").splitlines()
    assert text == ["'=cmd,value", "'=1+1,-5.0", "plain,3.0"]


@pytest.fixture(scope="module")
def demo():
    """The demo return with a hostile commentary added for Q2 2026-27."""
    ret = load_return(ROOT / "data" / "demo_return.xlsx")
    hostile = pd.concat([ret.commentary, pd.DataFrame([{
        "indicator_id": "CP04", "dashboard": "", "period": "2026-27 Q2",
        "text": "=HYPERLINK(\"http://evil\",\"x\") <script>alert(1)</script>", "author": "@attacker"}])])
    return type(ret)(ret.indicators, ret.values, ret.comparators, hostile, ret.about)


@pytest.fixture(scope="module")
def officers(demo):
    """The officers' report for Q2 2026-27 (what the pack must never show where small)."""
    return indicators.report(demo, "quarter", "2026-27 Q2")


@pytest.fixture(scope="module")
def pack(officers):
    """The pack for Q2 2026-27."""
    return build_pack(disclosure.public_report(officers), "Ashcombe Borough Council (fictional)", COMMITTEE, "mean",
                      is_demo=True)


@pytest.fixture(scope="module")
def pdf(pack) -> bytes:
    """The pack's PDF."""
    return pack_pdf(pack)


@pytest.fixture(scope="module")
def pdf_pages(pdf):
    """The text of each page of the PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def book(pack):
    """The pack's workbook, opened."""
    return openpyxl.load_workbook(io.BytesIO(workbook.pack_workbook(pack.report, pack.about())))


def pages_of(pdf_pages: list[str], dashboard: str) -> str:
    """The text of a dashboard's pages (its overview, panels and continuation pages)."""
    return "\n".join(page for page in pdf_pages if page.startswith(dashboard))


def test_pdf_cover_names_authority_committee_period_and_data_as_at(pdf_pages):
    cover = pdf_pages[0]
    for words in ("Ashcombe Borough Council (fictional)", COMMITTEE, "Period: Q2 2026-27", "Data as at October 2026",
                  "DEMO DATA", disclosure.FOOTNOTE[:40]):
        assert words in cover


def test_pdf_has_attention_summary_and_every_dashboard_in_order(pdf_pages, pack):
    assert pdf_pages[1].startswith("Needs attention: Q2 2026-27")
    first_pages = [next(n for n, page in enumerate(pdf_pages) if page.startswith(dashboard))
                   for dashboard in pack.report.dashboards()]
    assert first_pages == sorted(first_pages) and len(first_pages) == 8
    summary = "".join("".join(pdf_pages[2:first_pages[0]]).split())  # table cells wrap over lines
    for _, row in pack.report.summary.iterrows():
        assert "".join(shown(row).split()) in summary


def test_pdf_panel_shows_figure_counts_rag_and_like_for_like_directions(pdf_pages, pack):
    row = pack.report.indicator("CSC03")
    front_door = pages_of(pdf_pages, "3 Children's Social Care Front Door")
    assert shown(row) in front_door and counts(row) in front_door
    assert f"Since previous period: {indicators.change_words(row['direction'], row['movement'])} from " \
           f"{shown(row, 'previous_value')} ({row['previous_period']})" in " ".join(front_door.split())


def test_pack_summary_and_panels_withhold_small_numbers(pdf, pdf_pages, pack, officers):
    # care leavers in bed and breakfast: a count of 1 to 5 behind the percentage
    true = officers.indicator("CL05")
    published = pack.report.indicator("CL05")
    assert 1 <= true["numerator"] <= 5 and published["numerator_c"] and published["value_c"]
    text = "".join(pdf_pages)
    assert not re.search(rf"(?<![\d.]){re.escape(format_value(true['value'], 'percent'))}", text)  # not as 72.4%
    table = next(page for page in pdf_pages if page.startswith("Dashboard Indicator") and "bed and breakfast" in page)
    line = next(line for line in table.splitlines() if "bed and breakfast" in line)
    assert f"c c of {true['denominator']:,.0f}" in line


def test_dashboard_7_page_answers_the_four_questions(pdf, pdf_pages, pack):
    number = next(n for n, page in enumerate(pdf_pages) if page.startswith("7 Missing from Home and Care: Q2 2026-27"))
    with pdfplumber.open(io.BytesIO(pdf)) as document:  # laid out as read: each label beside its figure
        page = " ".join(document.pages[number].extract_text().split())
    overview = indicators.missing_overview(pack.report, "7 Missing from Home and Care")
    assert {"children", "setting", "duration", "interviews"} == set(overview["question"])
    for _, row in overview.iterrows():
        figure = shown(row) + (f" ({counts(row)})" if row["unit"] == "percent" else "")
        assert f"{row['label']} {figure}" in page
    for words in ("From home: incidents", "From care: children", "Under 24 hours", "Over 7 days",
                  "Median length (hours)", "Return home interviews within 72 hours"):
        assert words in page


def test_pack_prints_the_notes_on_national_figures(pdf_pages, pack):
    early_help = pages_of(pdf_pages, "2 Early Help")
    note = pack.report.indicator("EH01")["comparator_note"]
    assert note.startswith("No national comparator") and " ".join(note.split()) in " ".join(early_help.split())


def test_pdf_treats_commentary_as_text(pdf_pages):
    assert "<script>alert(1)</script>" in pages_of(pdf_pages, "4 Child Protection")  # printed as typed, never run


def _overlaps(page) -> list[tuple[str, str]]:
    """Pairs of words, or a word and an image, whose boxes overlap on a PDF page."""
    boxes = [(word["text"], word["x0"], word["top"], word["x1"], word["bottom"]) for word in page.extract_words()]
    boxes += [("(image)", image["x0"], image["top"], image["x1"], image["bottom"]) for image in page.images]
    found = []
    for index, (name, x0, top, x1, bottom) in enumerate(boxes):
        for other, ox0, otop, ox1, obottom in boxes[index + 1:]:
            if x0 < ox1 - 0.3 and ox0 < x1 - 0.3 and top < obottom - 0.3 and otop < bottom - 0.3:
                found.append((name, other))
    return found


def test_nothing_overprints_on_any_page_of_the_demo_pack(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        problems = {number: _overlaps(page)[:3] for number, page in enumerate(document.pages, start=1)}
    assert {number: pairs for number, pairs in problems.items() if pairs} == {}


def test_nothing_overprints_with_long_titles_and_large_figures(demo):
    long = demo.indicators.assign(title=demo.indicators["title"] + " for children and young people looked after by "
                                  "the council, including those placed out of the area and those on remand (" +
                                  demo.indicators["indicator_id"] + ")")
    big = demo.values.assign(value=demo.values["value"].where(demo.values["indicator_id"] != "CSC01", 1234567.0))
    ret = type(demo)(long, big, demo.comparators, demo.commentary, demo.about)
    report = disclosure.public_report(indicators.report(ret, "quarter", "2026-27 Q2"))
    pack = build_pack(report, "Ashcombe", COMMITTEE, "mean")
    pdf = pack_pdf(pack, images={})  # charts are pictures, not text: the text layout is what is checked here
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        problems = {number: _overlaps(page)[:3] for number, page in enumerate(document.pages, start=1)}
    assert {number: pairs for number, pairs in problems.items() if pairs} == {}
    assert "3,703,701" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)  # 3 x 1,234,567


def test_a_month_pack_never_prints_an_earlier_periods_commentary_as_current(demo):
    text = "Return home interviews within 72 hours remain below target"
    quarter = indicators.report(demo, "quarter", "2026-27 Q2")
    assert quarter.indicator("MFH07")["commentary"].startswith(text)
    october = disclosure.public_report(indicators.report(demo, "month", "2026-10"))
    assert october.indicator("MFH07")["commentary"] == "" and not october.indicator("MFH07")["explained"]
    pages = [page.extract_text() for page in
             PdfReader(io.BytesIO(pack_pdf(build_pack(october, "Ashcombe", COMMITTEE, "mean"), images={}))).pages]
    assert text not in " ".join(" ".join(pages).split())


def test_workbook_holds_numbers_with_formats_in_dashboard_order(book, pack):
    assert book.sheetnames == ["About", "Summary", "Figures", "Commentary"]
    summary = book["Summary"]
    header = [cell.value for cell in summary[1]]
    rows = list(summary.iter_rows(min_row=2))
    assert [row[header.index("Indicator id")].value for row in rows] == list(pack.report.summary["indicator_id"])
    by_id = {row[header.index("Indicator id")].value: row for row in rows}
    re_referrals = pack.report.indicator("CSC03")
    value = by_id["CSC03"][header.index("Value")]
    assert isinstance(value.value, float) and value.number_format == "0.0%"
    assert value.value == pytest.approx(round(re_referrals["value"], 1) / 100)  # 22.9% as the PDF shows it
    referrals = by_id["CSC01"][header.index("Value")]
    assert referrals.value == pack.report.indicator("CSC01")["value"] and referrals.number_format == "#,##0"
    numerator = by_id["CSC03"][header.index("Numerator")]
    assert numerator.value == re_referrals["numerator"] and numerator.number_format == "#,##0"
    assert by_id["CL05"][header.index("Value")].value == disclosure.SYMBOL  # withheld, as in the PDF


def test_workbook_figures_sheet_is_in_dashboard_order_and_withholds_small_numbers(book, pack):
    sheet = book["Figures"]
    header = [cell.value for cell in sheet[1]]
    ids = [row[header.index("Indicator id")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    order = list(dict.fromkeys(ids))
    assert order == list(pack.report.summary["indicator_id"])
    values = [row[header.index("Value")] for row in sheet.iter_rows(min_row=2, values_only=True)
              if row[header.index("Indicator id")] == "MFH05"]
    assert disclosure.SYMBOL in values
    assert not any(isinstance(value, (int, float)) and 1 <= value <= 5 for value in values)


def test_workbook_keeps_text_as_text(book):
    commentary = [row for row in book["Commentary"].iter_rows(min_row=2, values_only=True)
                  if row[0].startswith("CP04")]
    assert commentary[0][2].startswith("'=HYPERLINK") and commentary[0][3] == "'@attacker"
    formulas = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_charts_drawn_side_by_side_give_the_same_pack_as_one_by_one(pack):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from render.pack import draw_charts

    serial = draw_charts(pack)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        concurrent = draw_charts(pack, pool)
    assert list(concurrent) == list(serial) and concurrent == serial  # the same pictures, in the same order
    assert pack_pdf(pack, concurrent) == pack_pdf(pack, serial)  # so the same PDF, byte for byte
    cache = {}
    seen = []
    first = draw_charts(pack, cache=cache, progress=lambda done, words: seen.append((done, words)))
    assert seen[-1][0] == 1.0 and seen[0][1] == f"Drawing the charts of {pack.report.dashboards()[0]}"
    again = []
    assert draw_charts(pack, cache=cache, progress=lambda done, words: again.append(done)) == first
    assert again == []  # nothing changed, so nothing is drawn again
