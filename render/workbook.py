"""Spreadsheets for publication: the meeting pack's Excel workbook and safe CSV downloads.

Text from returns, settings or officers is data: a cell starting with `=`, `+`, `-`, `@`, a tab,
a carriage return or their full-width forms is prefixed with `'` so no spreadsheet runs it.
Figures are numbers with number formats (a percentage is stored as a fraction with a `%`
format), rounded as every screen shows them; a withheld figure is the text `c`.
"""
from __future__ import annotations

import io
import unicodedata

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

import disclosure
import indicators
from render.charts import history_frame
from render.style import HEADER_FILL, RAG_WORDS
from units import DISPLAY_DECIMALS, displayed

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"percent": "0.0%", "rate_per_10k": "#,##0.0", "count": "#,##0", "days": "#,##0",
                  "number": "#,##0.0"}


def neutralise(cell: object) -> object:
    """Text that a spreadsheet would run as a formula (full-width `＝` too), made inert with a leading apostrophe."""
    if isinstance(cell, str) and unicodedata.normalize("NFKC", cell[:1]).startswith(FORMULA_STARTS):
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


def write_sheet(book: Workbook, name: str, frame: pd.DataFrame, widths: dict[str, int] | None = None,
                formats: dict[str, list[str | None]] | None = None, wrapped: tuple[str, ...] = ()) -> None:
    """A sheet with a bold header row, frozen panes, sensible widths and every text cell neutralised.

    `book` is write-only (rows are streamed, which halves the time to make the pack's workbook);
    `formats` gives, per column, each row's number format (None for none); `wrapped` columns wrap.
    """
    sheet = book.create_sheet(name)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(column,
                                                                                   max(12, len(str(column)) + 2))
    header = []
    for column in frame.columns:
        cell = WriteOnlyCell(sheet, neutralise(str(column)))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL.lstrip("#").upper())
        header.append(cell)
    sheet.append(header)
    styles = [((formats or {}).get(column), Alignment(wrap_text=True, vertical="top") if column in wrapped else None)
              for column in frame.columns]
    for row_number, row in enumerate(frame.itertuples(index=False)):
        cells = []
        for value, (number_formats, alignment) in zip(row, styles):
            value = None if isinstance(value, float) and np.isnan(value) else neutralise(value)
            number_format = number_formats[row_number] if number_formats else None
            if number_format or alignment:
                value = WriteOnlyCell(sheet, value)
                if number_format:
                    value.number_format = number_format
                if alignment:
                    value.alignment = alignment
            cells.append(value)
        sheet.append(cells)


def figure(value: float, unit: str, withheld: bool = False) -> float | str | None:
    """A figure as the workbook holds it: rounded as shown, a fraction for a percentage, `c` when withheld."""
    if withheld:
        return disclosure.SYMBOL
    if pd.isna(value):
        return None
    shown = displayed(value, unit)
    return round(shown / 100, DISPLAY_DECIMALS[unit] + 2) if unit == "percent" else shown


def count(value: float, withheld: bool = False) -> float | str | None:
    """A count as the workbook holds it (`c` when withheld)."""
    return figure(value, "count", withheld)


def summary_frame(report: indicators.Report) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """The published summary as a sheet (dashboard order), and the number format of each figure."""
    rows = report.summary
    units = list(rows["unit"])
    frame = pd.DataFrame({
        "Dashboard": rows["dashboard"], "Indicator id": rows["indicator_id"], "Indicator": rows["title"],
        "Period": rows["period_display"],
        "Value": [figure(v, u, c) for v, u, c in zip(rows["value"], units, _flags(rows, "value"))],
        "Numerator": [count(n, c) if u != "count" else None
                      for n, u, c in zip(rows["numerator"], units, _flags(rows, "numerator"))],
        "Denominator": [count(d, c) if u != "count" else None
                        for d, u, c in zip(rows["denominator"], units, _flags(rows, "denominator"))],
        "Target": [figure(t, u) for t, u in zip(rows["target"], units)],
        "RAG": rows["rag"].map(RAG_WORDS),
        "Since previous period": [indicators.change_words(d, m) for d, m in zip(rows["direction"], rows["movement"])],
        "Previous period": rows["previous_period"],
        "Previous value": [figure(v, u, c) for v, u, c in zip(rows["previous_value"], units,
                                                              _flags(rows, "previous_value"))],
        "Since same period last year": [indicators.change_words(d, m) for d, m in
                                        zip(rows["last_year_direction"], rows["last_year_movement"])],
        "Same period last year": rows["last_year_period"],
        "Last year's value": [figure(v, u, c) for v, u, c in zip(rows["last_year_value"], units,
                                                                  _flags(rows, "last_year_value"))],
        "SPC variation": rows["spc_variation"].fillna(""),
    }).reset_index(drop=True)
    value_formats = [NUMBER_FORMATS[unit] for unit in units]
    formats = {column: value_formats for column in ("Value", "Target", "Previous value", "Last year's value")}
    formats |= {column: ["#,##0"] * len(units) for column in ("Numerator", "Denominator")}
    return frame, formats


def _flags(rows: pd.DataFrame, column: str) -> list[bool]:
    """Whether each row's `column` is withheld in public view."""
    flag = f"{column}_c"
    return list(rows[flag].astype(bool)) if flag in rows else [False] * len(rows)


def figures_frame(report: indicators.Report) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """Every published figure by period and breakdown, dashboard by dashboard, and each figure's format."""
    order = {indicator_id: position for position, indicator_id in enumerate(report.summary["indicator_id"])}
    history = report.history.assign(order=report.history["indicator_id"].map(order)) \
        .sort_values(["order", "breakdown", "period_start"], kind="stable")
    titles = report.summary.set_index("indicator_id")["title"]
    dashboards = report.summary.set_index("indicator_id")["dashboard"]
    units = list(history["unit"])
    words = history_frame(history)["period_display"]
    frame = pd.DataFrame({
        "Dashboard": history["indicator_id"].map(dashboards), "Indicator id": history["indicator_id"],
        "Indicator": history["indicator_id"].map(titles), "Period": words,
        "Breakdown": history["breakdown"].replace("", "Total"),
        "Value": [figure(v, u, c) for v, u, c in zip(history["value"], units, _flags(history, "value"))],
        "Numerator": [count(n, c) if u != "count" else None
                      for n, u, c in zip(history["numerator"], units, _flags(history, "numerator"))],
        "Denominator": [count(d, c) if u != "count" else None
                        for d, u, c in zip(history["denominator"], units, _flags(history, "denominator"))],
        "Complete period": np.where(history["complete"], "yes", "no, so far"),
    }).reset_index(drop=True)
    formats = {"Value": [NUMBER_FORMATS[unit] for unit in units],
               "Numerator": ["#,##0"] * len(units), "Denominator": ["#,##0"] * len(units)}
    return frame, formats


def commentary_frame(report: indicators.Report) -> pd.DataFrame:
    """The current commentary printed in the pack: each dashboard's, then each indicator's."""
    notes = [(row["dashboard"], row["commentary_period"], row["commentary"], row["commentary_author"])
             for _, row in report.dashboard_notes.iterrows() if row["commentary"]]
    notes += [(f"{row['indicator_id']} {row['title']}", row["commentary_period"], row["commentary"],
               row["commentary_author"]) for _, row in report.summary.iterrows() if row["commentary"]]
    return pd.DataFrame(notes, columns=["About", "Written for", "Commentary", "By"])


def pack_workbook(report: indicators.Report, about: list[tuple[str, str]]) -> bytes:
    """The pack's figures as an Excel workbook: about, summary, every figure by period, commentary.

    `report` is the published report (already suppressed); `about` the cover's facts in order.
    """
    book = Workbook(write_only=True)
    notes = pd.DataFrame(about + ([("Note", disclosure.FOOTNOTE)] if disclosure.withheld_anything(report) else []),
                         columns=["Item", "Detail"])
    write_sheet(book, "About", notes, {"Item": 16, "Detail": 110})
    summary, formats = summary_frame(report)
    write_sheet(book, "Summary", summary, {"Dashboard": 34, "Indicator": 60, "Period": 28, "Previous period": 24,
                                           "Same period last year": 24}, formats)
    figures, formats = figures_frame(report)
    write_sheet(book, "Figures", figures, {"Dashboard": 34, "Indicator": 60, "Period": 28}, formats)
    write_sheet(book, "Commentary", commentary_frame(report), {"About": 40, "Written for": 16, "Commentary": 120},
                wrapped=("Commentary",))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
