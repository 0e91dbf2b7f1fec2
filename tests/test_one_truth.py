"""One figure, one truth: every screen, committee mode, the PDF and the workbook say the same thing.

For the demo return and for one whose latest month is the middle of a quarter, by month, quarter and
year, latest and past, this walks the real app (AppTest) through Summary, every dashboard, Needs
attention, every committee screen and the Meeting pack button, and checks each indicator's value, RAG,
direction, SPC icon and commentary against the engine's one report for that period. Public views may
show `c` (or withhold a RAG word) where disclosure control says so, and nothing else may differ.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

import disclosure
import indicators
import page_figures
from data_loaders import PerformanceReturn, load_return
from periods import FREQUENCY_NAMES, parse_period
from render import pack as pack_module
from render.pack import change
from render.style import RAG_WORDS, VARIATION_WORDS
from store import Store
from ui import cached
from units import format_value

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DEMO = ROOT / "data" / "demo_return.xlsx"
MM = 72 / 25.4  # PDF points per millimetre
MARGIN = pack_module.MARGIN * MM
PANEL_WIDTH = (pack_module.PAGE_WIDTH - 2 * pack_module.MARGIN) / pack_module.PANELS_PER_ROW * MM
def blank_png() -> bytes:
    """A small white PNG, standing in for a chart (charts carry no figures the walk checks)."""
    buffer = io.BytesIO()
    Image.new("RGB", (36, 17), "white").save(buffer, "PNG")
    return buffer.getvalue()


def middle_of_a_quarter() -> PerformanceReturn:
    """The demo return cut at August 2026, the middle of Q2 2026-27."""
    demo = load_return(DEMO)
    values = demo.values[demo.values["period_start"] <= "2026-08-01"]
    return PerformanceReturn(demo.indicators, values, demo.comparators, demo.commentary, demo.about)


VIEWS = [("demo", "month", None), ("demo", "month", "2025-04"), ("demo", "quarter", None),
         ("demo", "quarter", "2025-26 Q3"), ("demo", "year", None), ("demo", "year", "2024-25"),
         ("middle", "month", None), ("middle", "quarter", None), ("middle", "year", None)]


@pytest.fixture
def app_store(tmp_path, monkeypatch):
    """An app store of the test's own; charts in the pack drawn as a blank pixel (they carry no figures)."""
    monkeypatch.setenv("DASHBOARD_STORE_PATH", str(tmp_path / "store.sqlite"))
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    blank = blank_png()
    monkeypatch.setattr(pack_module, "chart_png", lambda spec, *size: blank)
    monkeypatch.setattr(cached, "chart_pool", lambda: None)  # drawn here, as blanks, not in other processes
    st.cache_data.clear()
    st.cache_resource.clear()
    yield Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    st.cache_resource.clear()


def run(at: AppTest) -> AppTest:
    """Run and fail on any exception."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(at: AppTest) -> str:
    """Every st.html body of the run."""
    return "\n".join(element.proto.body for element in at.get("html"))


def expected(report: indicators.Report, public: bool) -> dict[str, dict]:
    """What a screen must show for each indicator, from the engine's report (published, when `public`)."""
    rows = disclosure.public_report(report).summary if public else report.summary
    out = {}
    for _, row in rows.iterrows():
        withheld = public and bool(row.get("value_c", False))
        out[row["indicator_id"]] = {
            "value": disclosure.SYMBOL if withheld else format_value(row["value"], row["unit"]),
            "rag": row["rag"], "direction": row["direction"] or None,
            "variation": row["spc_variation"] if isinstance(row["spc_variation"], str) else None,
            "commentary": row["commentary"], "title": row["title"], "row": row}
    return out


def check_screen(found: dict[str, list[page_figures.Shown]], want: dict[str, dict], where: str,
                 spc: bool, commentary: bool) -> set[str]:
    """Every indicator element on a screen shows what the report says; returns the ids seen."""
    seen = set()
    for indicator_id, items in found.items():
        for item in items:
            if item.breakdown is not None:  # a breakdown row of dashboard 7's overview: checked elsewhere
                continue
            truth = want[indicator_id]
            assert (item.value, item.rag, item.direction) == (truth["value"], truth["rag"], truth["direction"]), \
                (where, indicator_id)
            if spc:
                assert item.variation == truth["variation"], (where, indicator_id)
            if commentary:
                assert item.commentary == truth["commentary"], (where, indicator_id)
            seen.add(indicator_id)
    return seen


def pdf_checks(pdf: bytes, want: dict[str, dict], where: str) -> None:
    """The PDF's summary table and each indicator's panel say what the published report says."""
    titles = {truth["title"]: indicator_id for indicator_id, truth in want.items()}
    seen_table, seen_panel = set(), set()
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
        for page in document.pages:
            for table in page.extract_tables():
                for cells in table:
                    title = " ".join((cells[1] or "").split()) if len(cells) == 9 else ""
                    if title not in titles:
                        continue
                    truth = want[titles[title]]
                    value, rag, since = (" ".join((cell or "").split()) for cell in (cells[3], cells[6], cells[7]))
                    assert (value, rag) == (truth["value"], RAG_WORDS[truth["rag"]]), (where, "table", title)
                    assert since == " ".join(change(truth["row"], "previous").split()), (where, "table", title)
                    seen_table.add(titles[title])
            for indicator_id, truth in want.items():
                for match in page.search(re.escape(f"({indicator_id})")):
                    column = int((match["x0"] - MARGIN) // PANEL_WIDTH)
                    panel = page.crop((MARGIN + column * PANEL_WIDTH, max(0, match["top"] - 14 * MM),
                                       MARGIN + (column + 1) * PANEL_WIDTH,
                                       min(page.height, match["top"] + (pack_module.PANEL_HEIGHT - 4) * MM)))
                    words = " ".join(panel.extract_text().split())
                    if RAG_WORDS[truth["rag"]] not in words:
                        continue  # the id in another table, not a panel title
                    assert f"Since previous period: {' '.join(change(truth['row'], 'previous').split())}" in words, \
                        (where, "panel", indicator_id, words)
                    if truth["variation"]:
                        assert f"SPC: {VARIATION_WORDS[truth['variation']]}" in words, (where, "panel", indicator_id)
                    seen_panel.add(indicator_id)
    assert seen_table == set(want), (where, set(want) - seen_table)
    assert seen_panel == set(want), (where, set(want) - seen_panel)
    for indicator_id, truth in want.items():
        if truth["commentary"]:
            assert " ".join(truth["commentary"].split()) in text, (where, "commentary", indicator_id)
        earlier = truth["row"]["earlier_commentary"]
        if earlier and earlier not in {item["commentary"] for item in want.values()}:
            assert " ".join(earlier.split()) not in text, (where, "earlier commentary printed", indicator_id)


def workbook_checks(xlsx: bytes, want: dict[str, dict], where: str) -> None:
    """The workbook's summary holds the same figures (as numbers), RAG, direction and SPC icon."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book["Summary"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("Indicator id")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == list(want), where  # dashboard order, every indicator
    for indicator_id, truth in want.items():
        row, unit = rows[indicator_id], truth["row"]["unit"]
        cell = row[header.index("Value")]
        shown = disclosure.SYMBOL if cell == disclosure.SYMBOL else \
            format_value(cell * 100 if unit == "percent" else cell, unit) if cell is not None else "—"
        assert shown == truth["value"], (where, "workbook", indicator_id)
        assert row[header.index("RAG")] == RAG_WORDS[truth["rag"]], (where, "workbook", indicator_id)
        assert (row[header.index("Since previous period")] or "") == \
            indicators.change_words(truth["row"]["direction"], truth["row"]["movement"]), (where, indicator_id)
        assert (row[header.index("SPC variation")] or None) == truth["variation"], (where, indicator_id)
    current = {row[2] for row in book["Commentary"].iter_rows(min_row=2, values_only=True)}
    assert {truth["commentary"] for truth in want.values() if truth["commentary"]} <= current, where


@pytest.mark.slow
@pytest.mark.parametrize("which, frequency, label", VIEWS, ids=[f"{w}-{f}-{p or 'latest'}" for w, f, p in VIEWS])
def test_every_screen_and_the_pack_show_the_same_figures(app_store, which, frequency, label):
    ret = load_return(DEMO) if which == "demo" else middle_of_a_quarter()
    app_store.save_version(data=b"walk", filename="return.xlsx", author="test", note="", kind="return",
                           source_kind="workbook", mode="complete", ret=ret)
    report = indicators.report(ret, frequency, label)
    period = report.period
    where = f"{which} {frequency} {period.label}"
    officers, public = expected(report, public=False), expected(report, public=True)
    for indicator_id, truth in public.items():  # public views differ only where something is withheld
        if truth["value"] != disclosure.SYMBOL:
            assert truth["value"] == officers[indicator_id]["value"], (where, indicator_id)

    words = {"freq": FREQUENCY_NAMES[frequency], "period": period.display()}
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(words)
    run(at)
    assert at.sidebar.selectbox[0].value == period.label, where
    assert check_screen(page_figures.read(page(at)), officers, f"{where} summary", spc=False,
                        commentary=False) == set(officers)

    at.switch_page("pages/dashboard.py")
    seen = set()
    for dashboard in report.dashboards():
        at.query_params["dashboard"] = dashboard
        run(at)
        seen |= check_screen(page_figures.read(page(at)), officers, f"{where} {dashboard}", spc=True, commentary=True)
    assert seen == set(officers), where

    at.switch_page("pages/attention.py")
    listed = check_screen(page_figures.read(run(at) and page(at)), officers, f"{where} attention", spc=True,
                          commentary=True)
    assert listed == set(report.attention["indicator_id"]), where

    committee = AppTest.from_file(APP, default_timeout=120)
    committee.query_params.update({"view": "present", "at": period.label})
    run(committee)
    total = int(re.search(r"screen 1 of (\d+)", page(committee))[1])
    seen = set()
    for number in range(1, total + 1):
        committee.query_params["screen"] = str(number)
        html = page(run(committee))
        assert f"<strong>{period.display()}</strong>" in html, (where, number)
        seen |= check_screen(page_figures.read(html), public, f"{where} committee {number}", spc=True,
                             commentary=False)
        for indicator_id, notes in page_figures.commentary_about(html).items():
            assert all(note == public[indicator_id]["commentary"] for note in notes), (where, indicator_id)
    assert set(report.attention["indicator_id"]) <= seen, where

    at.switch_page("pages/pack.py")
    run(at)
    next(button for button in at.button if button.label == "Make the meeting pack").click()
    run(at)
    files = at.session_state["pack_files"]
    pdf_checks(files["pdf"], public, where)
    workbook_checks(files["xlsx"], public, where)
