"""The meeting pack as a PDF (A4 landscape), drawn from the published report: the same figures, RAG,
directions, SPC icons, commentary and notes as committee mode, with small numbers withheld.

Every piece of text is placed in a box measured first, so nothing overprints: long titles wrap (and
shrink), a figure too wide for its panel shrinks, and a unit's words go on their own line. Charts
are drawn server-side by vl-convert, so no browser is needed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import struct
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import vl_convert
from fpdf import FPDF
from fpdf.fonts import FontFace
from pypdf import PdfReader

import disclosure
import indicators
from render import charts
from benchmarking import published_period_words
from data_loaders import SYMBOL_MEANINGS
from render.html import compares_withheld, data_as_at, published_facts, rank_text
from render.style import HEADER_FILL, INK, MUTED, RAG_FILL, RAG_INK, RAG_WORDS, VARIATION_WORDS, rgb
from units import counts_text, format_value, format_value_parts

FONTS = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FONT = "DejaVu"
PAGE_WIDTH, MARGIN = 297, 12
PANELS_PER_ROW, ROWS_PER_PAGE = 4, 2
PANEL_GAP, PANEL_HEIGHT = 4, 86
CHART_SIZE = (360, 170)  # pixels, drawn at twice this for print


@dataclass(frozen=True)
class Pack:
    """Everything in a meeting pack: the published report and the words around it."""

    report: indicators.Report
    authority: str
    committee: str
    produced: dt.date
    is_demo: bool
    average: str = "median"
    region: str = "Region"

    def chart_spec(self, indicator_id: str) -> dict:
        """An indicator's panel chart as a Vega-Lite spec (public figures, published comparators)."""
        return charts.pack_chart(self.report, indicator_id, self.average)

    def charted(self) -> list[tuple[str, str]]:
        """(dashboard, indicator id) of every panel with a chart, in the pack's order."""
        return [(dashboard, indicator_id) for dashboard in self.report.dashboards()
                for indicator_id in self.report.rows_of(dashboard)["indicator_id"]]

    @property
    def data_as_at(self) -> str:
        """'Data as at October 2026'."""
        return data_as_at(self.report.latest_month)

    def about(self) -> list[tuple[str, str]]:
        """The cover's facts, in order (the workbook's About sheet repeats them)."""
        return [("Authority", self.authority), ("Committee", self.committee),
                ("Period", self.report.period.display()), ("Data as at", self.data_as_at.removeprefix("Data as at ")),
                ("Produced", self.produced.isoformat())] + ([("Data", "Demo data for a fictional authority")]
                                                            if self.is_demo else [])


def build_pack(report: indicators.Report, authority: str, committee: str, average: str, is_demo: bool = False,
               today: dt.date | None = None, region: str = "Region") -> Pack:
    """A pack of a published report (`disclosure.public_report`); `average` is the neighbours' (mean or median),
    `region` the name of the authority's region in DfE's figures."""
    return Pack(report=report, authority=authority, committee=committee, produced=today or dt.date.today(),
                is_demo=is_demo, average=average, region=region)


def shown(row: pd.Series, column: str = "value") -> str:
    """A figure as published: `c` when withheld."""
    if row.get(f"{column}_c", False):
        return disclosure.SYMBOL
    return format_value(row[column], row["unit"])


def counts(row: pd.Series) -> str:
    """'n of N' as published."""
    return counts_text(row["numerator"], row["denominator"], row["unit"],
                       (bool(row.get("numerator_c", False)), bool(row.get("denominator_c", False))),
                       disclosure.SYMBOL)


def change(row: pd.Series, when: str) -> str:
    """'↑ Worsening from 748 (July to August 2026)', or a dash when there is nothing to compare."""
    direction = row["direction" if when == "previous" else "last_year_direction"]
    moved = row["movement" if when == "previous" else "last_year_movement"]
    if not direction:
        return disclosure.NOT_COMPARED if compares_withheld(row, when) else "–"
    return f"{indicators.change_words(direction, moved)} from {shown(row, f'{when}_value')} ({row[f'{when}_period']})"


def chart_key(spec: dict) -> str:
    """A chart's content hash: the same spec always draws the same picture, so it is drawn once."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode("utf-8")).hexdigest()


class Drawing(Mapping[str, bytes]):
    """The pack's charts, by indicator, as they are drawn: asking for one waits for it, so the pages are
    laid out while later charts are still drawing. Each is kept in the cache as it arrives, and
    `progress` hears the share done and the dashboard it belongs to."""

    def __init__(self, keys: dict[str, str], waiting: dict[str, tuple[str, Future | dict]],
                 cache: MutableMapping[str, bytes], progress: Callable[[float, str], None] | None) -> None:
        self._keys, self._waiting, self._cache, self._progress = keys, waiting, cache, progress
        self._done = 0

    def __getitem__(self, indicator_id: str) -> bytes:
        key = self._keys[indicator_id]
        if key not in self._cache:
            dashboard, drawing = self._waiting[key]
            self._cache[key] = drawing.result() if isinstance(drawing, Future) else chart_png(drawing)
            self._done += 1
            if self._progress is not None:
                self._progress(self._done / len(self._waiting), f"Drawing the charts of {dashboard}")
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def start_drawing(pack: Pack, pool: Executor | None = None, cache: MutableMapping[str, bytes] | None = None,
                  progress: Callable[[float, str], None] | None = None,
                  spec_of: Callable[[str], dict] | None = None) -> Drawing:
    """Each indicator's chart as PNG, dashboard by dashboard, drawn as it is asked for (`Drawing`).

    With a `pool`, each chart goes to its processes as soon as its spec is made, so making the next
    spec and drawing the last happen side by side. `cache` (content hash -> PNG) holds charts
    already drawn: a chart whose spec has not changed is never drawn twice. `spec_of` gives an
    indicator's spec (a cached one, say; default `Pack.chart_spec`).
    """
    cache = {} if cache is None else cache
    keys, waiting = {}, {}
    for dashboard, indicator_id in pack.charted():
        spec = (spec_of or pack.chart_spec)(indicator_id)
        key = keys[indicator_id] = chart_key(spec)
        if key not in cache and key not in waiting:
            waiting[key] = (dashboard, pool.submit(chart_png, spec) if pool is not None else spec)
    return Drawing(keys, waiting, cache, progress)


def draw_charts(pack: Pack, pool: Executor | None = None, cache: MutableMapping[str, bytes] | None = None,
                progress: Callable[[float, str], None] | None = None,
                spec_of: Callable[[str], dict] | None = None) -> dict[str, bytes]:
    """Every chart of the pack drawn now (`start_drawing`, waited for)."""
    return dict(start_drawing(pack, pool, cache, progress, spec_of))


def warm_up() -> None:
    """Load vl-convert's engine and the pack's font in a chart-drawing process before it is needed."""
    chart_png({"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}})


def chart_png(spec: dict, width: int = CHART_SIZE[0], height: int = CHART_SIZE[1]) -> bytes:
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
        self.set_font(FONT, size=8)
        self.set_text_color(*rgb(MUTED))
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="R")


def pack_pdf(pack: Pack, images: Mapping[str, bytes] | None = None) -> bytes:
    """The meeting pack: cover, needs attention, summary table, then each dashboard's pages.

    `images`: each indicator's chart as PNG (`draw_charts`, or a `Drawing` still under way, which the
    dashboard pages wait on while the rest are laid out); drawn here when not given.
    """
    images = images if images is not None else draw_charts(pack)
    pdf = _PackPdf(orientation="L", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(dt.datetime.combine(pack.produced, dt.time(), tzinfo=dt.UTC))
    pdf.footer_text = f"{pack.authority} · {pack.committee} · {pack.report.period.display()} · {pack.data_as_at}"
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    _cover(pdf, pack)
    _attention_pages(pdf, pack)
    _summary_pages(pdf, pack)
    for dashboard in pack.report.dashboards():
        _dashboard_pages(pdf, pack, dashboard, images)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: int = 18) -> None:
    """A page heading."""
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*rgb(INK))
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _body(pdf: FPDF, text: str, size: float = 10.5, bold: bool = False, colour: str = INK) -> None:
    """A paragraph of text."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*rgb(colour))
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _cover(pdf: FPDF, pack: Pack) -> None:
    """Authority, committee, period and data as at; what the pack contains and how to read it."""
    pdf.add_page()
    pdf.ln(20)
    _body(pdf, pack.authority, 14, colour=MUTED)
    _heading(pdf, "Children's Services performance report", 26)
    _body(pdf, pack.committee, 16)
    pdf.ln(4)
    _body(pdf, f"Period: {pack.report.period.display()}", 14, bold=True)
    _body(pdf, f"{pack.data_as_at} · produced {pack.produced.strftime('%d %B %Y')}", 12)
    if pack.is_demo:
        pdf.ln(3)
        _body(pdf, "DEMO DATA: the figures are for a fictional authority.", 12, bold=True, colour=RAG_FILL["red"])
    pdf.ln(8)
    _body(pdf, "Contents: 1. Needs attention  2. Summary of all indicators  3. One page per dashboard, with "
               "trends, figures, officers' commentary and notes on national figures.", 11)
    pdf.ln(3)
    _body(pdf, "How to read it: RAG (Red, Amber, Green) compares each figure with its target, judged on the figure "
               "as shown. Arrows show whether the figure went up or down since the previous period and the same "
               "period last year; the word says whether that is better (Improving) or worse (Worsening). A period "
               "still in progress is compared with the same months of the earlier period, named in brackets. "
               "Counts (n of N) show how many children or cases a percentage is based on.", 10)
    if disclosure.withheld_anything(pack.report):
        pdf.ln(3)
        _body(pdf, disclosure.FOOTNOTE, 10, colour=MUTED)


def _attention_pages(pdf: FPDF, pack: Pack) -> None:
    """Only the indicators that need attention, with why and what officers say."""
    pdf.add_page()
    report = pack.report
    _heading(pdf, f"Needs attention: {report.period.display()}")
    if report.attention.empty:
        _body(pdf, "No indicator is red, worsening for two periods or flagged by SPC.")
        return
    for _, row in report.attention.iterrows():
        figures = counts(row)
        _body(pdf, f"{row['title']} ({row['dashboard']})", 11, bold=True)
        _body(pdf, f"{shown(row)}{f'  ({figures})' if figures else ''} · {RAG_WORDS[row['rag']]} · "
                   f"{row['period_display']} · " + "; ".join(row["reasons"]), 10)
        if row["explained"]:
            _body(pdf, f"Commentary ({row['commentary_period']}): {row['commentary']}", 9.5, colour="#383f43")
        elif row["rag"] == "red":
            _body(pdf, "No explanation has been provided yet.", 9.5, bold=True, colour=RAG_FILL["red"])
        pdf.ln(2)


def _summary_pages(pdf: FPDF, pack: Pack) -> None:
    """Every indicator's figure, count, target, RAG and direction in one table."""
    pdf.add_page()
    _heading(pdf, f"Summary of all indicators: {pack.report.period.display()}")
    pdf.set_font(FONT, size=8)
    header = ("Dashboard", "Indicator", "Period", "Value", "Count (n of N)", "Target", "RAG",
              "Since previous period", "Since same period last year")
    with pdf.table(col_widths=(30, 55, 26, 17, 20, 15, 16, 47, 47), line_height=4.2,
                   headings_style=FontFace(emphasis="BOLD", fill_color=rgb(HEADER_FILL), color=(255, 255, 255)),
                   text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "LEFT", "LEFT")) as table:
        heading = table.row()
        for name in header:
            heading.cell(name)
        for _, row in pack.report.summary.iterrows():
            cells = (row["dashboard"], row["title"], row["period_display"], shown(row), counts(row),
                     format_value(row["target"], row["unit"]) if not pd.isna(row["target"]) else "",
                     RAG_WORDS[row["rag"]], change(row, "previous"), change(row, "last_year"))
            line = table.row()
            for name, cell in zip(header, cells):
                style = FontFace(fill_color=rgb(RAG_FILL[row["rag"]]), color=rgb(RAG_INK[row["rag"]]),
                                 emphasis="BOLD") if name == "RAG" else None
                line.cell(str(cell), style=style)
    if disclosure.withheld_anything(pack.report):
        pdf.ln(2)
        _body(pdf, disclosure.FOOTNOTE, 8, colour=MUTED)


def _dashboard_pages(pdf: FPDF, pack: Pack, dashboard: str, images: Mapping[str, bytes]) -> None:
    """A dashboard: dashboard 7's overview first, a panel per indicator, then commentary and notes."""
    report = pack.report
    rows = report.rows_of(dashboard)
    overview = indicators.missing_overview(report, dashboard)
    if overview is not None:
        _missing_overview_page(pdf, report, dashboard, overview)
    per_page = PANELS_PER_ROW * ROWS_PER_PAGE
    width = (PAGE_WIDTH - 2 * MARGIN) / PANELS_PER_ROW
    for start in range(0, len(rows), per_page):
        pdf.add_page()
        _heading(pdf, dashboard + (" (continued)" if start else ""))
        top = pdf.get_y()
        chunk = rows.iloc[start:start + per_page]
        for index, (_, row) in enumerate(chunk.iterrows()):
            x = MARGIN + (index % PANELS_PER_ROW) * width
            y = top + (index // PANELS_PER_ROW) * PANEL_HEIGHT
            _panel(pdf, row, x, y, width - PANEL_GAP, images.get(row["indicator_id"]))
        pdf.set_xy(MARGIN, top + PANEL_HEIGHT * ((len(chunk) - 1) // PANELS_PER_ROW + 1))
    _narrative(pdf, pack, dashboard, rows)


def _published_text(figure: float, symbol: str, unit: str, places) -> str:
    """A published figure at DfE's precision, or its DfE symbol with what it means ("" when neither)."""
    if not pd.isna(figure):
        return format_value(figure, unit, decimals=places)
    return f"{symbol} ({SYMBOL_MEANINGS.get(symbol, 'not published')})" if symbol and symbol != "blank" else ""


def national_lines(pack: Pack, rows: pd.DataFrame) -> list[tuple[str, str]]:
    """(heading, words) for each indicator's latest published figures, as its card gives them, with the source
    and what differs from DfE's definition; then ("", note) for indicators DfE publishes nothing for."""
    lines = []
    for _, row in rows.iterrows():
        latest = pack.report.latest_published(row["indicator_id"])
        if latest is None:
            continue
        facts = [f"{label} {text}" for label, figure, symbol
                 in published_facts(latest, row["unit"], pack.average, pack.region)
                 if (text := _published_text(figure, symbol, row["unit"], latest["decimals"]))]
        if not pd.isna(latest["rank"]):
            facts.append(f"rank {rank_text(latest['rank'], latest['n_las'], latest['quartile'])} (A best)"
                         + (f" as {latest['joint_return']}" if latest["joint_return"] else ""))
        heading = f"{row['title']}, published {published_period_words(latest['period'], latest['reference'])}"
        note = f" {latest['note']}." if latest["note"] else ""
        lines.append((heading, "; ".join(facts) + f".{note} Source: {latest['source']}."))
    return lines + [("", note) for note in dict.fromkeys(note for note in rows["comparator_note"] if note)]


def _narrative(pdf: FPDF, pack: Pack, dashboard: str, rows: pd.DataFrame) -> None:
    """The dashboard's current commentary, each indicator's, then its national figures and their notes."""
    report = pack.report
    note = report.dashboard_note(dashboard)
    narrative = [(dashboard, note["commentary"], note["commentary_period"])] + [
        (row["title"], row["commentary"], row["commentary_period"]) for _, row in rows.iterrows()]
    narrative = [(title, text, written) for title, text, written in narrative if text]
    notes = national_lines(pack, rows)
    if not narrative and not notes:
        return
    if pdf.get_y() > 165:
        pdf.add_page()
        _heading(pdf, f"{dashboard} (continued)")
    if narrative:
        _body(pdf, "Commentary", 12, bold=True)
        for title, text, written in narrative:
            _body(pdf, f"{title} ({written})", 9.5, bold=True)
            _body(pdf, text, 9.5)
            pdf.ln(1)
    if notes:
        _body(pdf, "National figures", 11, bold=True)
        for heading, text in notes:
            if heading:
                _body(pdf, heading, 9, bold=True)
            _body(pdf, text, 9, colour=MUTED)
            pdf.ln(1)


def _missing_overview_page(pdf: FPDF, report: indicators.Report, dashboard: str, overview: pd.DataFrame) -> None:
    """Dashboard 7's four questions on one page: children and incidents, home or care, how long, interviews."""
    pdf.add_page()
    period = report.indicator(indicators.MISSING_IDS["incidents"])["period_display"]
    _heading(pdf, f"{dashboard}: {period}")
    _body(pdf, "The committee's four questions: how many children as well as incidents, from home or from care, "
               "how long they were missing, and whether return home interviews happened.", 10, colour=MUTED)
    pdf.ln(3)
    captions = {"children": "Children and incidents", "setting": "Home or care",
                "duration": "How long they were missing", "interviews": "Return home interviews"}
    width = (PAGE_WIDTH - 2 * MARGIN) / 2
    top = pdf.get_y()
    bottom = top
    for index, (question, caption) in enumerate(captions.items()):
        if index == 2:
            top = bottom + 6
        left = MARGIN + (index % 2) * width
        pdf.set_xy(left, top)
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(*rgb(INK))
        pdf.multi_cell(width - 2 * PANEL_GAP, 7, caption, align="L", new_x="LEFT", new_y="NEXT")
        for _, row in overview[overview["question"] == question].iterrows():
            y = pdf.get_y()
            figure = shown(row) + (f" ({counts(row)})" if row["unit"] == "percent" and counts(row) else "")
            pdf.set_font(FONT, "B", 11)
            figure_width = pdf.get_string_width(figure) + 2
            pdf.set_font(FONT, "", 11)
            pdf.multi_cell(width - 2 * PANEL_GAP - figure_width - 3, 6.5, row["label"], align="L",
                           new_x="LEFT", new_y="NEXT")
            below = pdf.get_y()
            pdf.set_xy(left + width - 2 * PANEL_GAP - figure_width, y)
            pdf.set_font(FONT, "B", 11)
            pdf.cell(figure_width, 6.5, figure, align="R")
            pdf.set_xy(left, below)
            pdf.set_draw_color(*rgb("#b1b4b6"))
            pdf.line(left, pdf.get_y(), left + width - 2 * PANEL_GAP, pdf.get_y())
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(MARGIN, bottom + 5)
    if overview.filter(like="_c").any(axis=None):
        _body(pdf, disclosure.FOOTNOTE, 8, colour=MUTED)


def _fit(pdf: FPDF, text: str, width: float, sizes: tuple[float, ...], bold: bool = True,
         most_lines: int = 1) -> tuple[float, list[str]]:
    """The largest font size of `sizes` at which `text` fits `width` in `most_lines` lines, and those lines.

    At the smallest size the last line is cut with an ellipsis (the workbook keeps the whole text).
    """
    for size in sizes:
        pdf.set_font(FONT, "B" if bold else "", size)
        lines = pdf.multi_cell(width, size * 0.42, text, dry_run=True, output="LINES")
        if len(lines) <= most_lines:
            return size, lines
    lines = lines[:most_lines]
    while lines[-1] and pdf.get_string_width(lines[-1] + "…") > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return sizes[-1], lines


def _panel(pdf: FPDF, row: pd.Series, x: float, y: float, width: float, image: bytes | None) -> None:
    """One indicator's box on a dashboard page: title, figure and RAG, facts, then its trend chart."""
    pdf.set_text_color(*rgb(INK))
    size, lines = _fit(pdf, f"{row['title']} ({row['indicator_id']})", width, (9.5, 8.5, 7.5), most_lines=3)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, size * 0.42, "\n".join(lines), align="L", new_x="LEFT", new_y="NEXT")
    value = shown(row)
    number, unit_words = (value, "") if value == disclosure.SYMBOL else format_value_parts(row["value"], row["unit"])
    rag = RAG_WORDS[row["rag"]]
    pdf.set_font(FONT, "B", 8.5)
    badge = pdf.get_string_width(rag) + 4
    number_size, _ = _fit(pdf, number, width - badge - 3, (15, 13, 11, 9))
    top = y + 13.5
    pdf.set_xy(x, top)
    pdf.set_font(FONT, "B", number_size)
    pdf.cell(width - badge - 3, 7, number)
    pdf.set_fill_color(*rgb(RAG_FILL[row["rag"]]))
    pdf.set_text_color(*rgb(RAG_INK[row["rag"]]))
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_xy(x + width - badge, top + 0.5)
    pdf.cell(badge, 6, rag, border=1, fill=True, align="C")
    pdf.set_text_color(*rgb(INK))
    facts = [unit_words] if unit_words else []
    facts.append(" · ".join(part for part in (counts(row), f"target {format_value(row['target'], row['unit'])}"
                                              if not pd.isna(row["target"]) else "") if part) or row["period_display"])
    if facts[-1] != row["period_display"] and not row["complete"]:
        facts.append(row["period_display"])
    facts += [f"Since previous period: {change(row, 'previous')}",
              f"Since same period last year: {change(row, 'last_year')}"]
    if isinstance(row["spc_variation"], str):
        facts.append(f"SPC: {VARIATION_WORDS[row['spc_variation']]}")
    pdf.set_xy(x, top + 8)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(width, 3.4, "\n".join(facts), align="L", new_x="LEFT", new_y="NEXT")
    if image:
        chart_top = pdf.get_y() + 1
        pixel_width, pixel_height = _png_size(image)
        box_height = max(y + PANEL_HEIGHT - 2 - chart_top, 20)
        image_width = min(width, box_height * pixel_width / pixel_height)
        pdf.image(io.BytesIO(image), x=x, y=chart_top, w=image_width, h=image_width * pixel_height / pixel_width,
                  alt_text=f"Trend of {row['title']}")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    return len(PdfReader(io.BytesIO(pdf)).pages)
