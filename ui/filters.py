"""The filter every page shares: frequency and period, kept in the URL and the session.

`selected_view` is its one reader. The sidebar's widgets are bound to the URL and write the words
they display (`freq=Quarter&period=Q2 2026-27`); links with codes (`freq=quarter&period=2026-27 Q2`,
as committee mode and older links write them) are accepted too. An officer looking at the latest
period moves to the new latest one when newer data is saved.
"""
from __future__ import annotations

import streamlit as st

import indicators
from periods import FREQUENCIES, FREQUENCY_NAMES, Period, parse_period
from render.html import data_as_at
from ui.data import CurrentData

LATEST_SEEN = "latest_period_seen"  # session key: frequency -> the latest period when last drawn


def _adopt_link_frequency() -> None:
    """Accept `?freq=quarter` (a code, as committee mode and older links write it) on first load."""
    wanted = st.query_params.get("freq", "").lower()
    if "freq" not in st.session_state and wanted in FREQUENCY_NAMES:
        st.session_state["freq"] = wanted


def linked_period(frequency: str, choices: list[str], wanted: str | None) -> str | None:
    """The period a link asks for (`2026-27 Q2`, `2026-09` or `Q2 2026-27`) if it is a choice, else the latest."""
    try:
        label = parse_period(wanted or "").containing(frequency).label
    except ValueError:
        label = None
    return label if label in choices else (choices[0] if choices else None)


def _follow_the_data(frequency: str, choices: list[str]) -> None:
    """Choose the period before its widget is drawn: a link's, the one chosen, or the new latest after a save."""
    latest = choices[0] if choices else None
    seen = st.session_state.setdefault(LATEST_SEEN, {})
    chosen = st.session_state.get("period")
    if chosen not in choices:
        chosen = linked_period(frequency, choices, st.query_params.get("period"))
    elif chosen == seen.get(frequency) and latest != chosen:
        chosen = latest  # they were looking at the latest period: newer data has arrived
    if st.session_state.get("period") != chosen:
        st.session_state["period"] = chosen
    seen[frequency] = latest


def draw_sidebar(data: CurrentData, committee_page) -> None:
    """The frequency and period choosers, how fresh the data is, and the way into committee mode."""
    _adopt_link_frequency()
    st.radio("View figures by", FREQUENCIES, key="freq", bind="query-params", horizontal=True,
             format_func=FREQUENCY_NAMES.get, help="Quarters and years are financial (April to March).")
    frequency, _ = selected_view(data)
    choices = [period.label for period in indicators.available_periods(data.ret, frequency)]
    _follow_the_data(frequency, choices)
    st.selectbox("Period", choices, key="period", bind="query-params",
                 format_func=lambda label: parse_period(label).display())
    st.caption(data_as_at(indicators.latest_period(data.ret)))
    if st.button("Open committee mode", icon=":material/slideshow:", help="Full screen, large type, for the projector"):
        st.switch_page(committee_page, query_params=committee_params(*selected_view(data)))


def selected_view(data: CurrentData) -> tuple[str, Period | None]:
    """The frequency and period chosen in the shared filter (the latest when none is chosen)."""
    frequency = st.session_state.get("freq") or "month"
    frequency = frequency if frequency in FREQUENCIES else "month"
    return frequency, indicators.period_or_latest(data.ret, frequency, st.session_state.get("period"))


def link_params(frequency: str, period: Period, **extra: str) -> dict[str, str]:
    """URL parameters that reopen a view, in the words the bound sidebar widgets put in the URL."""
    return {"freq": FREQUENCY_NAMES[frequency], "period": period.display(), **extra}


def committee_params(frequency: str, period: Period | None) -> dict[str, str]:
    """Committee mode's URL for a view: `at` names the period (and so its frequency), so the link reopens it
    anywhere. (The sidebar's `freq` and `period` are bound to its widgets and cannot be set by code.)"""
    return {"view": "present", "at": period.label} if period is not None else {"view": "present"}
