"""Pieces of page the app repeats: the page header and an indicator's section. Each draws what the
engine's report says (as cached HTML and chart specs); none computes a figure."""
from __future__ import annotations

import streamlit as st

import indicators
from periods import Period
from render import html
from ui import cached
from ui.data import CurrentData
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
            st.html(view["card"] + view["facts"] + view["published"])
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



