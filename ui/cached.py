"""Cached wrappers around the pure engine and renderers, keyed on the one `CurrentData` token.

Every page reads an indicator's state from `report` (officers) or `public_report` (committee mode
and the pack): worked out once per data, frequency and period, never re-cut by a page. Results
are cached as resources (shared, not copied): nothing here or in a page mutates them.
"""
from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

import benchmarking
from data_loaders import statistical_neighbour_table
import disclosure
import indicators
from render import charts, html, tables
from render.pack import build_pack, pack_pdf, page_count, start_drawing, warm_up
from render.workbook import pack_workbook, safe_csv
from ui.data import (NEIGHBOUR_MODEL, CurrentData, authority_code, comparators_map, neighbour_average, neighbours,
                     published_figures, region_of)
from units import format_value

CHART_WORKERS = 2  # the machine's cores: charts are drawn side by side, one per core
CHART_IMAGES_KEPT = 240  # about five packs' charts, some 25 MB
_cached = functools.partial(st.cache_resource, show_spinner=False, hash_funcs={CurrentData: lambda data: data.token})


@_cached(max_entries=16)
def neighbour_table(la_code: str) -> pd.DataFrame:
    """An authority's ten statistical neighbours with names and closeness, for the comparison page."""
    return statistical_neighbour_table(NEIGHBOUR_MODEL, la_code).rename(
        columns={"rank": "Closeness rank", "la_code": "Code", "la_name": "Authority", "closeness": "Closeness"})


@_cached(max_entries=16)
def comparisons(data: CurrentData, la_code: str) -> pd.DataFrame:
    """Published comparators for every mapped indicator and year, merged with those typed into the return."""
    polarities = dict(zip(data.ret.indicators["indicator_id"], data.ret.indicators["polarity"]))
    published = benchmarking.comparators_from_ees(
        published_figures(data.store_token), comparators_map(), la_code or None,
        neighbours().get(la_code, []), region_of(data, la_code)[0], polarities)
    return benchmarking.merge_comparators(data.ret.comparators, published)


@_cached(max_entries=16)
def comparison_measures(data: CurrentData, la_code: str, average: str) -> tuple[dict, ...]:
    """Each mapped measure of the comparison page: its heading, published figures by year, measure and
    source as HTML, with what `every_authority` needs to draw every authority's figure."""
    table = comparisons(data, la_code)
    region = region_of(data, la_code)[1]
    catalogue = data.ret.indicators.set_index("indicator_id")
    measures = []
    for index, row in enumerate(comparators_map().itertuples(index=False)):
        rows = table[(table["indicator_id"] == row.indicator_id) & (table["breakdown"] == row.breakdown)]
        if row.indicator_id not in catalogue.index or rows.empty:
            continue
        indicator = catalogue.loc[row.indicator_id]
        label = f"{indicator['title']}" + (f": {row.breakdown}" if row.breakdown else "")
        newest = rows.sort_values("period").iloc[-1]
        anchor = f"{row.indicator_id}-{row.breakdown}".lower().replace(" ", "-")
        measures.append({
            "key": anchor, "index": index, "latest": newest["period"], "label": label,
            "html": (f'<h3 id="{html.esc(anchor)}">{html.esc(label)}</h3>'
                     + html.comparator_rows_html(rows.sort_values("period", ascending=False), indicator["unit"],
                                                 average, region)
                     + f'<p class="muted">{html.esc(newest["measure_label"])}. Source: {html.esc(newest["source"])}.'
                     + (f" {html.esc(newest['note'])}" if newest["note"] else "") + "</p>")})
    return tuple(measures)


@_cached(max_entries=128)
def every_authority(data: CurrentData, la_code: str, index: int, period: str) -> dict:
    """Every authority's published figure for one mapped measure and year: a sorted bar chart and the table."""
    row = comparators_map().iloc[index]
    indicator = data.ret.indicators.set_index("indicator_id").loc[row["indicator_id"]]
    authorities = benchmarking.authority_figures(published_figures(data.store_token), row, period,
                                                 neighbours().get(la_code, []))
    label = f"{indicator['title']}" + (f": {row['breakdown']}" if row["breakdown"] else "")
    spec = None
    if not authorities.empty and authorities["value"].notna().any():
        spec = _arrow_datasets(charts.neighbour_bars(authorities.dropna(subset=["value"]), indicator["unit"], label,
                                                     la_code))
    return {"spec": spec, "table": authorities.rename(columns={
        "la_code": "Code", "la_name": "Authority", "value": "Value", "symbol": "Symbol",
        "neighbour_rank": "Neighbour (1 = closest)"})}


@_cached(max_entries=32)
def report(data: CurrentData, frequency: str, period: str) -> indicators.Report:
    """Every indicator's state as at a period, as officers see it, with DfE's published figures."""
    return indicators.with_published(figures(data, frequency, period), comparisons(data, authority_code(data)))


@_cached(max_entries=32)
def figures(data: CurrentData, frequency: str, period: str) -> indicators.Report:
    """The same report before DfE's figures are attached: all the Summary page needs, so a newly started
    app paints it without reading every published file first."""
    return indicators.report(data.ret, frequency, period)


@_cached(max_entries=4)
def protection(data: CurrentData) -> disclosure.Protection:
    """What disclosure control withholds, decided once for all the data (every view, every frequency)."""
    return disclosure.protect(data.ret)


@_cached(max_entries=32)
def public_report(data: CurrentData, frequency: str, period: str) -> indicators.Report:
    """The same report as published (committee mode, the pack): small numbers withheld."""
    return disclosure.public_report(report(data, frequency, period), protection(data))


@_cached(max_entries=16)
def period_table(data: CurrentData, frequency: str) -> pd.DataFrame:
    """Every indicator's figures by period of `frequency` (for Explore)."""
    return indicators.period_values(data.ret, frequency)


def _arrow_datasets(spec: dict) -> dict:
    """A spec whose inline datasets are already Arrow bytes, so drawing it skips converting them."""
    datasets = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
                for name, rows in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


@_cached(max_entries=1024)
def indicator_view(data: CurrentData, indicator_id: str, frequency: str, period: str, public: bool) -> dict:
    """Everything one indicator's section draws, worked out once per data, period and view.

    Chart specs are kept as dicts with Arrow datasets, so a rerun neither builds and validates
    Altair charts nor converts their data again; also the figures table and the chart points.
    """
    shown = public_report(data, frequency, period) if public else report(data, frequency, period)
    built = charts.report_charts(shown, indicator_id, neighbour_average(data), public)
    view = {name: _arrow_datasets(chart) for name, chart in built.items()}
    row = shown.indicator(indicator_id)
    view["table"] = pa.Table.from_pandas(tables.figures_table(shown.history_of(indicator_id), row["unit"], public),
                                         preserve_index=False)
    view["spc_reason"] = "" if "spc" in built else charts.spc_reason(shown, indicator_id, public)
    words = html.row_commentary_html(row) or ("" if public else html.unexplained_html(row))
    view["card"] = html.indicator_card_html(row, public, words + ("" if public else html.earlier_commentary_html(row)))
    view["facts"] = html.definition_html(row)
    view["published"] = _published_html(data, shown.latest_published(indicator_id), row["unit"])
    return view


def _published_html(data: CurrentData, latest: pd.Series | None, unit: str) -> str:
    """The latest published comparators for an indicator's card, with the source named ("" when none)."""
    if latest is None:
        return ""
    card = html.comparator_card_html(latest, unit, neighbour_average(data), region_of(data, authority_code(data))[1])
    return card + f'<p class="muted" style="font-size:0.9rem">Source: {html.esc(latest["source"])}.</p>' if card else ""


@_cached(max_entries=64)
def summary_html(data: CurrentData, frequency: str, period: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The Summary page's tiles and key, and each dashboard's table, as HTML."""
    shown = figures(data, frequency, period)
    return (html.rag_tiles_html(shown.summary) + html.key_html(),
            tuple((dashboard, html.summary_table_html(shown.rows_of(dashboard), dashboard))
                  for dashboard in shown.dashboards()))


@_cached(max_entries=128)
def dashboard_head_html(data: CurrentData, frequency: str, period: str, dashboard: str, public: bool,
                        questions: tuple[str, ...] = ("children", "setting", "duration", "interviews")) -> str:
    """A dashboard's shared note, its own commentary and (dashboard 7) its overview, as HTML."""
    shown = public_report(data, frequency, period) if public else report(data, frequency, period)
    return html.dashboard_head_html(shown, dashboard, public, questions)


@_cached(max_entries=64)
def attention_html(data: CurrentData, frequency: str, period: str, public: bool) -> str:
    """The needs-attention list as HTML (committee mode splits it into screens itself)."""
    shown = public_report(data, frequency, period) if public else report(data, frequency, period)
    return html.attention_html(shown.attention, public)


@_cached(max_entries=512)
def sparkline(data: CurrentData, indicator_id: str, frequency: str, period: str) -> dict:
    """A committee tile's small public trend as a cached spec (its data already in Arrow form)."""
    return _arrow_datasets(charts.report_sparkline(public_report(data, frequency, period), indicator_id))


@_cached(max_entries=64)
def explore_view(data: CurrentData, frequency: str, picks: tuple[str, ...]) -> dict:
    """Explore's chart spec and table for the chosen indicators, worked out once per choice."""
    table = period_table(data, frequency)
    frame = charts.history_frame(indicators.combined_series(table, data.ret.indicators, list(picks)))
    if frame.empty:
        return {"frame": frame}
    wide = frame.assign(shown=[format_value(v, u) for v, u in zip(frame["value"], frame["unit"])]) \
        .pivot_table(index=["period_start", "period_display"], columns="series", values="shown", aggfunc="first") \
        .reset_index().sort_values("period_start", ascending=False).drop(columns="period_start") \
        .rename(columns={"period_display": "Period"})
    return {"frame": frame, "spec": _arrow_datasets(charts.explore_chart(frame)), "wide": wide,
            "csv": safe_csv(wide)}



@st.cache_resource(show_spinner=False)
def chart_pool() -> ProcessPoolExecutor:
    """Two processes that draw the pack's charts side by side (started when the Meeting pack page first
    opens, so they are ready by the time it is asked for), keeping the app's own process free."""
    pool = ProcessPoolExecutor(max_workers=CHART_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=warm_up)
    for _ in range(CHART_WORKERS):
        pool.submit(int)  # a pool starts a process per task it is given, so give each one something now
    return pool


@st.cache_resource(show_spinner=False)
def chart_images() -> dict[str, bytes]:
    """Charts already drawn, by content hash, shared by every pack this process makes (the newest
    CHART_IMAGES_KEPT: a few packs' worth)."""
    return {}


@_cached(max_entries=1024)
def pack_chart_spec(data: CurrentData, frequency: str, period: str, indicator_id: str) -> dict:
    """An indicator's pack chart as published, made once per data, settings and period."""
    return charts.pack_chart(public_report(data, frequency, period), indicator_id, neighbour_average(data))


def meeting_pack(data: CurrentData, frequency: str, period: str, committee: str,
                 progress: Callable[[float, str], None] | None = None) -> dict:
    """The pack's PDF and Excel bytes for a period. The charts are drawn on the chart processes (or
    reused), then the workbook made there too, while the pages are laid out here, each dashboard's
    as its charts arrive; `progress` hears how far it has got."""
    published = public_report(data, frequency, period)
    pack = build_pack(published, data.authority, committee, neighbour_average(data), data.is_demo,
                      region=region_of(data, authority_code(data))[1])
    pool, images = chart_pool(), chart_images()
    drawing = start_drawing(pack, pool, images, progress,
                            lambda indicator_id: pack_chart_spec(data, frequency, period, indicator_id))
    workbook = pool.submit(pack_workbook, published, pack.about()) if pool is not None else None
    pdf = pack_pdf(pack, drawing)
    for old in list(images)[:-CHART_IMAGES_KEPT]:  # oldest first
        del images[old]
    return {"pdf": pdf, "xlsx": workbook.result() if workbook is not None else pack_workbook(published, pack.about()),
            "pages": page_count(pdf), "made": pd.Timestamp.now(tz="Europe/London").strftime("%d %b %Y %H:%M")}
