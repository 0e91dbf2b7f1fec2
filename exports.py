"""Files for publication: the meeting pack (PDF, A4 landscape), its Excel workbook, and safe CSVs.

Everything here is for the public record, so small numbers are suppressed (see disclosure.py)
and every piece of text from returns or commentary is treated as data: a cell starting with
`=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so no spreadsheet runs it.
Charts are drawn server-side by vl-convert, so no browser is needed to make the pack.
"""
from __future__ import annotations

import datetime as dt
import io
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import vl_convert
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from pypdf import PdfReader
from openpyxl.styles import Alignment, Font, PatternFill

import charts
import disclosure
import indicators
from data_loaders import PerformanceReturn
from periods import Period
from units import counts_text, format_value

FONTS = Path(__file__).resolve().parent / "assets" / "fonts"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAG_FILL = {"red": (177, 14, 30), "amber": (255, 221, 0), "green": (0, 112, 60), "no target": (255, 255, 255),
            "no data": (243, 242, 241)}
RAG_INK = {"red": (255, 255, 255), "amber": (11, 12, 12), "green": (255, 255, 255), "no target": (56, 63, 67),
           "no data": (56, 63, 67)}
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "no target": "No target", "no data": "No data"}


def neutralise(cell: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A CSV (UTF-8 with BOM, so Excel reads it) with every text cell neutralised."""
    clean = frame.copy()
    for column in clean.columns:
        if not pd.api.types.is_numeric_dtype(clean[column]):
            clean[column] = clean[column].map(neutralise)
    clean.columns = [neutralise(str(column)) for column in clean.columns]
    return clean.to_csv(index=False).encode("utf-8-sig")


def write_sheet(book: Workbook, name: str, frame: pd.DataFrame, widths: dict[str, int] | None = None) -> None:
    """A sheet with a bold header row, frozen panes, sensible widths and every text cell neutralised."""
    sheet = book.create_sheet(name)
    sheet.append([neutralise(str(column)) for column in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([None if (isinstance(cell, float) and np.isnan(cell)) else neutralise(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = (widths or {}).get(column, max(12, len(str(column)) + 2))


@dataclass
class Pack:
    """Everything in a meeting pack, already suppressed for publication."""

    authority: str
    committee: str
    period: Period
    frequency: str
    data_as_at: str
    produced: dt.date
    is_demo: bool
    summary: pd.DataFrame
    attention: pd.DataFrame
    figures: pd.DataFrame
    commentary: dict[str, str] = field(default_factory=dict)
    chart_specs: dict[str, dict] = field(default_factory=dict)


def build_pack(ret: PerformanceReturn, frequency: str, period: Period, committee: str, data_as_at: str,
               is_demo: bool = False, comparators: dict[str, pd.DataFrame] | None = None,
               today: dt.date | None = None) -> Pack:
    """Gather the pack's figures, charts and narrative for a period, suppressed for publication."""
    table = indicators.period_values(ret, frequency)
    monthly = indicators.period_values(ret, "month")
    summary = indicators.summarise(ret, frequency, period, values=table)
    end = pd.Timestamp(period.end_month.start)
    statuses = indicators.spc_statuses(ret, monthly[monthly["period_start"] <= end])
    attention = indicators.needs_attention(summary, statuses)
    units = ret.indicators.set_index("indicator_id")["unit"]
    figures = disclosure.suppress(table[table["period_start"] <= end].assign(unit=table["indicator_id"].map(units)),
                                  group=["indicator_id", "period"])
    commentary = {}
    for row in summary.itertuples(index=False):
        entry = indicators.commentary_for(ret.commentary, period, indicator_id=row.indicator_id)
        if entry is not None:
            commentary[row.indicator_id] = f"{entry['text']} ({entry['period_display']})"
    for dashboard in indicators.dashboards(ret):
        entry = indicators.commentary_for(ret.commentary, period, dashboard=dashboard)
        if entry is not None:
            commentary[dashboard] = f"{entry['text']} ({entry['period_display']})"
    specs = {}
    catalogue = ret.indicators.set_index("indicator_id")
    for indicator_id in ret.indicators["indicator_id"]:
        row = catalogue.loc[indicator_id].copy()
        row["indicator_id"] = indicator_id
        history = table[(table["indicator_id"] == indicator_id) & (table["period_start"] <= end)]
        chart = charts.indicator_trend(row, charts.public_history(history, row["unit"]),
                                       (comparators or {}).get(indicator_id))
        specs[indicator_id] = chart.to_dict()
    return Pack(authority=ret.about.get("authority", "Children's Services"), committee=committee, period=period,
                frequency=frequency, data_as_at=data_as_at, produced=today or dt.date.today(), is_demo=is_demo,
                summary=disclosure.suppress_summary(summary), attention=attention, figures=figures,
                commentary=commentary, chart_specs=specs)


def _shown(row, column: str = "value") -> str:
    """A figure as published: `c` when suppressed."""
    if row.get(f"{column}_c", False):
        return disclosure.SYMBOL
    return format_value(row[column], row["unit"])


def _counts(row) -> str:
    """'n of N' as published."""
    return counts_text(row["numerator"], row["denominator"], row["unit"],
                       (bool(row.get("numerator_c", False)), bool(row.get("denominator_c", False))),
                       disclosure.SYMBOL)


def summary_rows(pack: Pack) -> pd.DataFrame:
    """The summary table as published: words and figures, one row per indicator."""
    return pd.DataFrame([{
        "Dashboard": row["dashboard"], "Indicator": row["title"], "Period": row["period_display"],
        "Value": _shown(row), "Count (n of N)": _counts(row),
        "Target": format_value(row["target"], row["unit"]) if not pd.isna(row["target"]) else "",
        "RAG": RAG_WORDS[row["rag"]],
        "Since previous period": indicators.change_words(row["direction"], row["movement"]) or "–",
        "Since same period last year": indicators.change_words(row["last_year_direction"], row["last_year_movement"]) or "–",
    } for _, row in pack.summary.iterrows()])


def pack_workbook(pack: Pack) -> bytes:
    """The pack's figures as an Excel workbook: about, summary, every figure by period, commentary."""
    book = Workbook()
    book.remove(book.active)
    about = pd.DataFrame({"Item": ["Authority", "Committee", "Period", "Data as at", "Produced", "Note"],
                          "Detail": [pack.authority, pack.committee, pack.period.display(), pack.data_as_at,
                                     pack.produced.isoformat(), disclosure.FOOTNOTE]})
    write_sheet(book, "About", about, {"Item": 14, "Detail": 110})
    write_sheet(book, "Summary", summary_rows(pack), {"Dashboard": 34, "Indicator": 60, "Period": 28})
    titles = pack.summary.set_index("indicator_id")["title"]
    figures = pd.DataFrame({
        "Indicator id": pack.figures["indicator_id"], "Indicator": pack.figures["indicator_id"].map(titles),
        "Period": pack.figures["period"], "Breakdown": pack.figures["breakdown"].replace("", "Total"),
        "Value": [_shown(row) for _, row in pack.figures.iterrows()],
        "Numerator": [disclosure.SYMBOL if c else n for n, c in zip(pack.figures["numerator"], pack.figures["numerator_c"])],
        "Denominator": [disclosure.SYMBOL if c else d for d, c in
                        zip(pack.figures["denominator"], pack.figures["denominator_c"])],
        "Complete period": np.where(pack.figures["complete"], "yes", "no so far"),
    })
    write_sheet(book, "Figures", figures, {"Indicator": 60})
    write_sheet(book, "Commentary", pd.DataFrame({"About": list(pack.commentary), "Commentary": list(pack.commentary.values())}),
                {"About": 40, "Commentary": 140})
    for row in book["Commentary"].iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chart_png(spec: dict, width: int = 360, height: int = 170) -> bytes:
    """A chart rendered to PNG without a browser, at a fixed size for print, in the pack's font."""
    vl_convert.register_font_directory(str(FONTS))
    config = {**spec.get("config", {}), "font": "DejaVu Sans"}
    for part in ("axis", "legend", "text"):
        config[part] = {key: value for key, value in config.get(part, {}).items() if "Font" not in key
                        or key.endswith("Size")} | ({"font": "DejaVu Sans"} if part == "text" else {})
    sized = {**spec, "width": width, "height": height, "config": config}
    return vl_convert.vegalite_to_png(sized, scale=2)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    return struct.unpack(">II", png[16:24])


class _PackPdf(FPDF):
    """A4 landscape with the pack's running footer."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", size=8)
        self.set_text_color(80, 90, 95)
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="R")


def pack_pdf(pack: Pack) -> bytes:
    """The meeting pack: cover, needs attention, summary table, then one page per dashboard."""
    pdf = _PackPdf(orientation="L", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.footer_text = f"{pack.authority} · {pack.committee} · {pack.period.display()} · {pack.data_as_at}"
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(12, 12, 12)
    _cover(pdf, pack)
    _attention_pages(pdf, pack)
    _summary_pages(pdf, pack)
    for dashboard, rows in pack.summary.groupby("dashboard", sort=False):
        _dashboard_page(pdf, pack, dashboard, rows)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: int = 18) -> None:
    """A page heading."""
    pdf.set_font("DejaVu", "B", size)
    pdf.set_text_color(11, 12, 12)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _body(pdf: FPDF, text: str, size: float = 10.5, bold: bool = False, colour=(11, 12, 12)) -> None:
    """A paragraph of text."""
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _cover(pdf: FPDF, pack: Pack) -> None:
    """Authority, committee, period and data as at; what the pack contains and how to read it."""
    pdf.add_page()
    pdf.ln(20)
    _body(pdf, pack.authority, 14, colour=(80, 90, 95))
    _heading(pdf, "Children's Services performance report", 26)
    _body(pdf, pack.committee, 16)
    pdf.ln(4)
    _body(pdf, f"Period: {pack.period.display()}", 14, bold=True)
    _body(pdf, f"{pack.data_as_at} · produced {pack.produced.strftime('%d %B %Y')}", 12)
    if pack.is_demo:
        pdf.ln(3)
        _body(pdf, "DEMO DATA: the figures are for a fictional authority.", 12, bold=True, colour=(177, 14, 30))
    pdf.ln(8)
    _body(pdf, "Contents: 1. Needs attention  2. Summary of all indicators  3. One page per dashboard, with "
               "trends, figures and officers' commentary.", 11)
    pdf.ln(3)
    _body(pdf, "How to read it: RAG (Red, Amber, Green) compares each figure with its target, judged on the figure "
               "as shown. Arrows show whether the figure went up or down since the previous period and the same "
               "period last year; the word says whether that is better (Improving) or worse (Worsening). Counts "
               "(n of N) show how many children or cases a percentage is based on.", 10)
    pdf.ln(3)
    _body(pdf, disclosure.FOOTNOTE, 10, colour=(80, 90, 95))


def _attention_pages(pdf: FPDF, pack: Pack) -> None:
    """Only the indicators that need attention, with why and what officers say."""
    pdf.add_page()
    _heading(pdf, f"Needs attention: {pack.period.display()}")
    if pack.attention.empty:
        _body(pdf, "No indicator is red, worsening for two periods or flagged by SPC.")
        return
    published = pack.summary.set_index("indicator_id")
    for row in pack.attention.itertuples(index=False):
        shown = published.loc[row.indicator_id]
        counts = _counts(shown)
        _body(pdf, f"{row.title} ({row.dashboard})", 11, bold=True)
        _body(pdf, f"{_shown(shown)}{f'  ({counts})' if counts else ''} · {RAG_WORDS[row.rag]} · "
                   + "; ".join(row.reasons), 10)
        text = pack.commentary.get(row.indicator_id)
        if text:
            _body(pdf, f"Commentary: {text}", 9.5, colour=(56, 63, 67))
        elif row.rag == "red":
            _body(pdf, "No explanation has been provided yet.", 9.5, bold=True, colour=(177, 14, 30))
        pdf.ln(2)


def _summary_pages(pdf: FPDF, pack: Pack) -> None:
    """Every indicator's figure, count, target, RAG and direction in one table."""
    pdf.add_page()
    _heading(pdf, f"Summary of all indicators: {pack.period.display()}")
    rows = summary_rows(pack)
    pdf.set_font("DejaVu", size=8.5)
    with pdf.table(col_widths=(38, 70, 30, 18, 22, 16, 18, 28, 33), line_height=4.6,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(31, 78, 121), color=(255, 255, 255)),
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "LEFT", "LEFT")) as table:
        header = table.row()
        for name in rows.columns:
            header.cell(name)
        for record, rag in zip(rows.itertuples(index=False), pack.summary["rag"]):
            line = table.row()
            for name, cell in zip(rows.columns, record):
                style = FontFace(fill_color=RAG_FILL[rag], color=RAG_INK[rag], emphasis="BOLD") if name == "RAG" else None
                line.cell(str(cell), style=style)
    pdf.ln(2)
    _body(pdf, disclosure.FOOTNOTE, 8, colour=(80, 90, 95))


def _dashboard_page(pdf: FPDF, pack: Pack, dashboard: str, rows: pd.DataFrame) -> None:
    """A dashboard: a panel per indicator (figures, RAG, direction, trend chart), then the narrative."""
    pdf.add_page()
    _heading(pdf, dashboard)
    column_width, row_height, per_row = 67.5, 86, 4
    top = pdf.get_y()
    for index, (_, row) in enumerate(rows.iterrows()):
        if index and index % (per_row * 2) == 0:
            pdf.add_page()
            _heading(pdf, f"{dashboard} (continued)")
            top = pdf.get_y()
        x = 12 + (index % per_row) * column_width
        y = top + (index // per_row % 2) * row_height
        _panel(pdf, pack, row, x, y, column_width - 4)
    pdf.set_xy(12, top + row_height * min(2, (len(rows) - 1) // per_row + 1))
    narrative = [(dashboard, pack.commentary.get(dashboard))] + [
        (row["title"], pack.commentary.get(row["indicator_id"])) for _, row in rows.iterrows()]
    narrative = [(title, text) for title, text in narrative if text]
    if narrative:
        if pdf.get_y() > 170:
            pdf.add_page()
        _body(pdf, "Commentary", 12, bold=True)
        for title, text in narrative:
            _body(pdf, title, 9.5, bold=True)
            _body(pdf, text, 9.5)
            pdf.ln(1)


def _panel(pdf: FPDF, pack: Pack, row: pd.Series, x: float, y: float, width: float) -> None:
    """One indicator's box on a dashboard page."""
    pdf.set_xy(x, y)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.set_text_color(11, 12, 12)
    pdf.multi_cell(width, 4.2, row["title"], align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(x, y + 13)
    counts = _counts(row)
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(width * 0.55, 7, _shown(row))
    pdf.set_fill_color(*RAG_FILL[row["rag"]])
    pdf.set_text_color(*RAG_INK[row["rag"]])
    pdf.set_font("DejaVu", "B", 8.5)
    pdf.cell(width * 0.4, 6, RAG_WORDS[row["rag"]], border=1, fill=True, align="C")
    pdf.set_text_color(11, 12, 12)
    pdf.set_xy(x, y + 21)
    pdf.set_font("DejaVu", "", 8)
    facts = [counts] if counts else []
    if not pd.isna(row["target"]):
        facts.append(f"target {format_value(row['target'], row['unit'])}")
    pdf.multi_cell(width, 3.7, f"{' · '.join(facts)}\n"
                               f"Since previous period: {indicators.change_words(row['direction'], row['movement']) or '–'}\n"
                               "Since same period last year: "
                               f"{indicators.change_words(row['last_year_direction'], row['last_year_movement']) or '–'}",
                   align="L", new_x="LEFT", new_y="NEXT")
    spec = pack.chart_specs.get(row["indicator_id"])
    if spec:
        png = chart_png(spec)
        pixel_width, pixel_height = _png_size(png)
        box_height = 48
        image_width = min(width, box_height * pixel_width / pixel_height)
        pdf.image(io.BytesIO(png), x=x, y=y + 33, w=image_width, h=image_width * pixel_height / pixel_width,
                  alt_text=spec.get("description", ""))



def page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    return len(PdfReader(io.BytesIO(pdf)).pages)
