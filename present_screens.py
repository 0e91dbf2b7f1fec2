"""The screens of committee mode: "needs attention" first, then one dashboard per screen.

Screens are split so that each fits a 1920x1080 projector without scrolling: at most six
attention items or eight indicator tiles a screen. Dashboard 7 shows its overview (children
and incidents, home and care, how long, return interviews) with the three key trends.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import app_state
import components
import indicators
from periods import Period

ATTENTION_PER_SCREEN = 6
TILES_PER_SCREEN = 8
MISSING_TILES = ("MFH01", "MFH02", "MFH07")
SHORTEST_ROTATION = 10


@dataclass(frozen=True)
class Screen:
    """One projector screen: what kind, its title, and which indicators it shows."""

    kind: str
    title: str
    ids: tuple[str, ...]
    dashboard: str = ""


def _chunks(items: list[str], size: int) -> list[list[str]]:
    """`items` in runs of at most `size`."""
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]


def screens(summary: pd.DataFrame, attention: pd.DataFrame) -> list[Screen]:
    """Every screen in order: the attention list (split if long), then each dashboard."""
    parts = _chunks(list(attention["indicator_id"]), ATTENTION_PER_SCREEN)
    result = [Screen("attention", "Needs attention" + (f" ({n} of {len(parts)})" if len(parts) > 1 else ""), tuple(ids))
              for n, ids in enumerate(parts, start=1)]
    for dashboard, rows in summary.groupby("dashboard", sort=False):
        ids = list(rows["indicator_id"])
        if {"MFH01", "MFH02"} <= set(ids):
            result.append(Screen("dashboard", dashboard, tuple(i for i in MISSING_TILES if i in ids), dashboard))
            continue
        tiles = _chunks(ids, TILES_PER_SCREEN)
        result += [Screen("dashboard", dashboard + (f" ({n} of {len(tiles)})" if len(tiles) > 1 else ""),
                          tuple(chunk), dashboard) for n, chunk in enumerate(tiles, start=1)]
    return result


def rotation(value: str | None) -> int | None:
    """Seconds per screen for a wall display (at least 10), or None when a person is clicking through."""
    try:
        seconds = int(value) if value else 0
    except ValueError:
        return None
    return max(seconds, SHORTEST_ROTATION) if seconds > 0 else None


def screen_number(value: str | None, count: int) -> int:
    """The 0-based screen from the 1-based `screen` URL parameter, kept within range."""
    try:
        return min(max(int(value) - 1, 0), count - 1) if value else 0
    except ValueError:
        return 0


def requested_view() -> tuple[str, str | None]:
    """The frequency and period asked for: in the URL (`&freq=quarter&period=2026-27 Q2`), else as the
    officer had them when pressing "Open committee mode", else the latest month."""
    chosen = st.session_state.get("committee_view", {})
    frequency = (st.query_params.get("freq") or chosen.get("freq") or "month").lower()
    if frequency not in app_state.FREQUENCY_LABELS:
        frequency = "month"
    return frequency, st.query_params.get("period") or chosen.get("period")


def _go(number: int) -> None:
    """Move to a screen (1-based) by changing the URL, so the link always reopens this screen."""
    st.query_params["screen"] = str(number)


def controls(all_screens: list[Screen], index: int, frequency: str, period: Period) -> None:
    """Previous and next (also the Left and Right keys), and a list to jump to any screen."""
    back, forward, jump, leave = st.columns([1.2, 1.2, 4, 1.4], vertical_alignment="center")
    back.button("◀ Previous", on_click=_go, args=(index,), disabled=index == 0, shortcut="Left",
                key="present_previous", width="stretch")
    forward.button("Next ▶", on_click=_go, args=(index + 2,), disabled=index == len(all_screens) - 1,
                   shortcut="Right", key="present_next", width="stretch", type="primary")
    titles = [screen.title for screen in all_screens]
    picked = jump.selectbox("Go to screen", titles, index=index, label_visibility="collapsed", key=f"jump_{index}")
    if picked != titles[index]:
        _go(titles.index(picked) + 1)
        st.rerun()
    if leave.button("Exit committee mode", key="present_exit", type="tertiary"):
        st.session_state.update(freq=frequency, period=period.label)  # the sidebar reopens on this view
        st.session_state.pop("committee_view", None)
        st.switch_page("pages/summary.py")


def attention_screen(attention: pd.DataFrame, summary: pd.DataFrame, screen: Screen) -> None:
    """The attention items for this screen with public (suppressed) figures and their commentary."""
    if not screen.ids:
        st.html('<p class="value-big">No indicator is red, worsening for two periods or flagged by SPC.</p>')
        return
    public = summary.set_index("indicator_id")
    rows = attention.set_index("indicator_id").loc[list(screen.ids)].reset_index()
    for column in ("value", "numerator", "denominator", "value_c", "numerator_c", "denominator_c"):
        rows[column] = rows["indicator_id"].map(public[column])
    st.html(components.attention_html(rows, public=True).replace('class="attention"', 'class="present-attention"'))


def dashboard_screen(data, summary: pd.DataFrame, screen: Screen, frequency: str, period: Period) -> None:
    """A dashboard's tiles with small trends, and its commentary beside them."""
    rows = summary.set_index("indicator_id").loc[list(screen.ids)].reset_index()
    figures, side = st.columns([7, 3], gap="medium")
    with figures:
        if {"MFH01", "MFH02"} <= set(summary.loc[summary["dashboard"] == screen.dashboard, "indicator_id"]):
            components.dashboard_overview(data, summary[summary["dashboard"] == screen.dashboard], frequency,
                                          period, public=True, headlines=False)
        columns = st.columns(4, gap="small")
        icons = app_state.spc_statuses(data.ret, data.token, period.label).set_index("indicator_id")["variation"]
        for position, (_, row) in enumerate(rows.iterrows()):
            with columns[position % 4]:
                st.html(components.present_tile_html(row, icons.get(row["indicator_id"])))
                spec = app_state.sparkline(data.ret, data.token, row["indicator_id"], frequency, period.label)
                st.vega_lite_chart(spec=spec, width="stretch", key=f"spark_{row['indicator_id']}")
    with side:
        st.html('<div class="present-side"><h2>Commentary</h2></div>')
        entry = indicators.commentary_for(data.ret.commentary, period, dashboard=screen.dashboard)
        notes = [components.commentary_html(entry)] if entry is not None else []
        for _, row in rows[rows["rag"].isin(["red", "amber"])].iterrows():
            entry = indicators.commentary_for(data.ret.commentary, period, indicator_id=row["indicator_id"])
            if entry is not None:
                notes.append(f"<strong>{components.esc(row['title'])}</strong>" + components.commentary_html(entry))
        comparator_notes = set(rows["comparator_note"]) - {""}
        notes += [f'<p class="muted">{components.esc(note)}</p>' for note in comparator_notes]
        st.html('<div class="present-side">' + ("".join(notes) or '<p class="muted">No commentary for this period.</p>')
                + "</div>")
