"""Pieces of page the app repeats: the page header, an indicator's section, dashboard 7's overview and
the published comparators panel. Each draws what the engine's report says; none computes a figure."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import indicators
from periods import Period
from render import html
from ui import cached
from ui.data import CurrentData, authority_code, neighbour_average, region_of
from ui.editing import editing_note


def page_header(data: CurrentData, title: str, period: Period | None = None) -> None:
    """A page's title, how fresh its data is and which period it shows, then the notices every page carries."""
    st.html(f'<h1 class="plain-title">{html.esc(title)}</h1>'
            + html.as_at_line(indicators.latest_period(data.ret), period))
    banners(data)


def banners(data: CurrentData) -> None:
    """Demo-data and stale-data notices, and whether editing is open to anyone."""
    if data.is_demo:
        st.html(html.demo_banner())
    latest = indicators.latest_period(data.ret)
    behind = html.months_behind(latest)
    if behind > 2:
        st.warning(f"The latest figures are for {latest.display()}, {behind} months ago. Upload a newer return so "
                   "members see current data.", icon=":material/warning:")
    if note := editing_note():
        st.info(note, icon=":material/lock_open:")


def _chart(spec: dict, key: str) -> None:
    """Draw a cached Vega-Lite spec (it carries its own text alternative)."""
    st.vega_lite_chart(spec=spec, width="stretch", key=key)


def indicator_section(data: CurrentData, report: indicators.Report, indicator_id: str, public: bool = False) -> None:
    """One indicator: headline figures, icons, commentary and definition beside its charts and data."""
    row = report.indicator(indicator_id)
    view = cached.indicator_view(data, indicator_id, report.frequency, report.period.label, public)
    with st.container(border=True):
        st.html(f'<h3 id="{html.esc(indicator_id.lower())}">{html.esc(row["title"])}</h3>')
        left, right = st.columns([2, 3], gap="large")
        with left:
            words = html.row_commentary_html(row) or ("" if public else html.unexplained_html(row))
            if not public:
                words += html.earlier_commentary_html(row)
            st.html(html.indicator_card_html(row, public, words))
            facts = f"<strong>Definition.</strong> {html.esc(row['definition'])}"
            if row["source"]:
                facts += f" <strong>Source:</strong> {html.esc(row['source'])}."
            if row["comparator_note"]:
                facts += f'<br><span class="muted">{html.esc(row["comparator_note"])}</span>'
            st.html(f'<p class="muted" style="font-size:0.95rem">{facts}</p>')
            comparator_panel(data, report.latest_published(indicator_id), row["unit"])
        with right:
            names = ["Trend"] + (["Breakdown"] if "breakdown" in view else []) + ["SPC"] + \
                (["Same month each year"] if "seasonal" in view else []) + ["Data"]
            tabs = dict(zip(names, st.tabs(names)))
            key = f"{indicator_id}_{report.frequency}_{public}"
            with tabs["Trend"]:
                _chart(view["trend"], f"trend_{key}")
            if "breakdown" in view:
                with tabs["Breakdown"]:
                    _chart(view["breakdown"], f"breakdown_{key}")
            with tabs["SPC"]:
                if "spc" in view:
                    _chart(view["spc"], f"spc_{key}")
                    st.caption("Grey: common cause. Blue: improvement. Orange: concern. Purple: change where "
                               "neither direction is better. Dashed lines: process limits.")
                else:
                    st.info(view["spc_reason"])
            if "seasonal" in view:
                with tabs["Same month each year"]:
                    _chart(view["seasonal"], f"seasonal_{key}")
            with tabs["Data"]:
                st.dataframe(view["table"], hide_index=True, width="stretch")


def missing_overview(report: indicators.Report, dashboard: str, public: bool = False,
                     questions=("children", "setting", "duration", "interviews")) -> None:
    """Dashboard 7's answers on one screen: children and incidents, home or care, how long, interviews."""
    overview = indicators.missing_overview(report, dashboard)
    if overview is None:
        return
    shown = report.indicator(indicators.MISSING_IDS["incidents"])["period_display"]
    st.html(f'<h3>Missing from home and care: {html.esc(shown)}</h3>'
            + html.missing_overview_html(overview, public, questions))


def comparator_panel(data: CurrentData, latest: pd.Series | None, unit: str) -> None:
    """The latest published comparators for an indicator, with the source named."""
    if latest is None:
        return
    region = region_of(data, authority_code(data))[1]
    card = html.comparator_card_html(latest, unit, neighbour_average(data), region)
    if card:
        st.html(card + f'<p class="muted" style="font-size:0.9rem">Source: {html.esc(latest["source"])}.</p>')
