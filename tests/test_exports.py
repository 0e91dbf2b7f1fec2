"""Exports for publication: the PDF pack's pages, the Excel workbook, and formula neutralising."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

import disclosure
import exports
from data_loaders import load_return
from periods import parse_period
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text, expected", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+44 20", "'+44 20"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"),
    ("Re-referrals fell", "Re-referrals fell"), (12.5, 12.5), (-3, -3), ("", ""),
])
def test_neutralise_makes_formula_text_inert_and_leaves_the_rest(text, expected):
    assert exports.neutralise(text) == expected


def test_safe_csv_neutralises_text_cells_and_headers_but_not_numbers():
    frame = pd.DataFrame({"=cmd": ["=1+1", "plain"], "value": [-5.0, 3.0]})
    text = exports.safe_csv(frame).decode("utf-8-sig").splitlines()
    assert text == ["'=cmd,value", "'=1+1,-5.0", "plain,3.0"]


@pytest.fixture(scope="module")
def pack():
    """The meeting pack for Q2 2026-27 on the demo return, with a hostile commentary added."""
    ret = load_return(ROOT / "data" / "demo_return.xlsx")
    hostile = pd.concat([ret.commentary, pd.DataFrame([{
        "indicator_id": "CP04", "dashboard": "", "period": "2026-27 Q2",
        "text": "=HYPERLINK(\"http://evil\",\"x\") <script>alert(1)</script>", "author": "@attacker"}])])
    ret = type(ret)(ret.indicators, ret.values, ret.comparators, hostile, ret.about)
    return exports.build_pack(ret, "quarter", parse_period("2026-27 Q2"), "Children's Services Scrutiny Committee",
                              "Data as at October 2026", is_demo=True)


@pytest.fixture(scope="module")
def pdf_pages(pack):
    """The text of each page of the PDF."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(exports.pack_pdf(pack))).pages]


def test_pdf_cover_names_authority_committee_period_and_data_as_at(pdf_pages):
    cover = pdf_pages[0]
    for words in ("Ashcombe Borough Council (fictional)", "Children's Services Scrutiny Committee",
                  "Period: Q2 2026-27", "Data as at October 2026", "DEMO DATA", disclosure.FOOTNOTE[:40]):
        assert words in cover


def test_pdf_has_attention_summary_and_a_page_per_dashboard(pdf_pages, pack):
    assert "Needs attention: Q2 2026-27" in pdf_pages[1]
    first = next(n for n, page in enumerate(pdf_pages) if page.startswith("Summary of all indicators"))
    after = next(n for n, page in enumerate(pdf_pages) if page.startswith("1 Education, Health and Care Plans"))
    summary_pages = pdf_pages[first:after]  # the table runs on over as many pages as it needs
    for dashboard in pack.summary["dashboard"].unique():
        assert any(page.startswith(dashboard) or f"\n{dashboard}" in page or dashboard in page.splitlines()[0]
                   for page in pdf_pages), dashboard
    # every indicator appears in the summary table with its value as published
    summary_text = "".join("".join(summary_pages).split())  # table cells wrap long values over lines
    for row in exports.summary_rows(pack).itertuples(index=False):
        assert "".join(row.Value.split()) in summary_text


def test_pdf_shows_figures_with_counts_rag_and_direction(pdf_pages, pack):
    re_referrals = pack.summary.set_index("indicator_id").loc["CSC03"]
    front_door = next(page for page in pdf_pages if page.startswith("3 Children's Social Care Front Door"))
    shown = exports._shown(re_referrals)
    assert shown in front_door
    assert f"{re_referrals['numerator']:,.0f} of {re_referrals['denominator']:,.0f}" in front_door
    assert exports.RAG_WORDS[re_referrals["rag"]] in front_door
    assert "Since previous period:" in front_door


def test_pack_suppresses_small_counts(pack):
    missing = pack.figures[(pack.figures["indicator_id"] == "MFH05") & (pack.figures["period"] == "2026-27 Q2")]
    small = disclosure.is_small(missing["value"].fillna(-1)) | missing["value_c"]
    assert not disclosure.is_small(missing.loc[~missing["value_c"], "value"]).any()
    assert small.sum() == missing["value_c"].sum()


def test_workbook_has_the_same_figures_and_neutralised_text(pack):
    book = openpyxl.load_workbook(io.BytesIO(exports.pack_workbook(pack)))
    assert book.sheetnames == ["About", "Summary", "Figures", "Commentary"]
    summary = book["Summary"]
    header = [cell.value for cell in summary[1]]
    rows = {row[header.index("Indicator")]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    re_referrals = pack.summary.set_index("indicator_id").loc["CSC03"]
    assert rows[re_referrals["title"]][header.index("Value")] == exports._shown(re_referrals)
    commentary = [row for row in book["Commentary"].iter_rows(min_row=2, values_only=True) if row[0] == "CP04"]
    assert commentary[0][1].startswith("'=HYPERLINK")
    formulas = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_pdf_treats_commentary_as_text(pdf_pages):
    start = next(n for n, page in enumerate(pdf_pages) if page.startswith("4 Child Protection"))
    assert "<script>alert(1)</script>" in "".join(pdf_pages[start:start + 2])  # printed as typed, never run
