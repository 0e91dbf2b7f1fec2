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
import streamlit as st
from streamlit import dataframe_util

import benchmarking
import disclosure
import indicators
from render import charts, tables
from render.pack import build_pack, draw_charts, pack_pdf, page_count, warm_up
from render.workbook import pack_workbook
from ui.data import (CurrentData, authority_code, comparators_map, neighbour_average, neighbours,
                     published_figures, region_of)

CHART_WORKERS = 2  # the machine's cores: charts are drawn side by side, one per core
_cached = functools.partial(st.cache_resource, show_spinner=False, hash_funcs={CurrentData: lambda data: data.token})


@_cached(max_entries=16)
def comparisons(data: CurrentData, la_code: str) -> pd.DataFrame:
    """Published comparators for every mapped indicator and year, merged with those typed into the return."""
    polarities = dict(zip(data.ret.indicators["indicator_id"], data.ret.indicators["polarity"]))
    published = benchmarking.comparators_from_ees(
        published_figures(data.store_token), comparators_map(), la_code or None,
        neighbours().get(la_code, []), region_of(data, la_code)[0], polarities)
    return benchmarking.merge_comparators(data.ret.comparators, published)


@_cached(max_entries=32)
def report(data: CurrentData, frequency: str, period: str) -> indicators.Report:
    """Every indicator's state as at a period, as officers see it."""
    return indicators.report(data.ret, frequency, period, comparisons(data, authority_code(data)))


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
    view = {name: _arrow_datasets(chart.to_dict()) for name, chart in built.items()}
    row = shown.indicator(indicator_id)
    view["table"] = tables.figures_table(shown.history_of(indicator_id), row["unit"], public)
    view["spc_reason"] = "" if "spc" in built else charts.spc_reason(shown, indicator_id, public)
    return view


@_cached(max_entries=512)
def sparkline(data: CurrentData, indicator_id: str, frequency: str, period: str) -> dict:
    """A committee tile's small public trend as a cached spec."""
    return charts.report_sparkline(public_report(data, frequency, period), indicator_id).to_dict()



@st.cache_resource(show_spinner=False)
def chart_pool() -> ProcessPoolExecutor:
    """Two processes that draw the pack's charts side by side (started when the Meeting pack page first
    opens, so they are ready by the time it is asked for), keeping the app's own process free."""
    return ProcessPoolExecutor(max_workers=CHART_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=warm_up)


@st.cache_resource(show_spinner=False)
def chart_images() -> dict[str, bytes]:
    """Charts already drawn, by content hash, shared by every pack this process makes."""
    return {}


def meeting_pack(data: CurrentData, frequency: str, period: str, committee: str,
                 progress: Callable[[float, str], None] | None = None) -> dict:
    """The pack's PDF and Excel bytes for a period: charts drawn on the chart processes (or reused), then
    the pages laid out. `progress` hears how far it has got."""
    published = public_report(data, frequency, period)
    pack = build_pack(published, data.authority, committee, neighbour_average(data), data.is_demo)
    images = draw_charts(pack, chart_pool(), chart_images(), progress)
    if progress is not None:
        progress(1.0, "Laying out the pages and the workbook")
    pdf = pack_pdf(pack, images)
    return {"pdf": pdf, "xlsx": pack_workbook(published, pack.about()), "pages": page_count(pdf),
            "made": pd.Timestamp.now(tz="Europe/London").strftime("%d %b %Y %H:%M")}
