"""Committee mode: one screen at a time in large type for a 1920x1080 projector; "needs attention" first.

Screens are split so that each fits without scrolling: at most six attention items or eight indicator
tiles a screen. A dashboard with the missing-from-home overview (dashboard 7) shows it with its three
key trends. Everything shown comes from the published report (small numbers withheld).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import disclosure
import indicators
from periods import FREQUENCIES, Period, parse_period
from render import html
from ui import cached
from ui.data import CurrentData, current

ATTENTION_PER_SCREEN = 6
TILES_PER_SCREEN = 8
TILES_PER_ROW = 4
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
        if indicators.has_missing_overview(ids):
            result.append(Screen("dashboard", dashboard, tuple(i for i in indicators.MISSING_HEADLINES if i in ids),
                                 dashboard))
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


def requested_view(data: CurrentData) -> tuple[str, Period | None]:
    """The period the URL asks for, `&at=2026-27 Q2` (its frequency is the period's own), or
    `&freq=quarter&period=2026-27 Q2`; else the latest month."""
    try:
        at = parse_period(st.query_params.get("at", ""))
    except ValueError:
        at = None
    frequency = at.frequency if at else (st.query_params.get("freq") or "month").lower()
    frequency = frequency if frequency in FREQUENCIES else "month"
    wanted = at.label if at else st.query_params.get("period")
    return frequency, indicators.period_or_latest(data.ret, frequency, wanted)


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
    picked = jump.selectbox("Go to screen", range(len(titles)), index=index, label_visibility="collapsed",
                            key=f"jump_{index}", format_func=lambda number: f"{number + 1}. {titles[number]}")
    if picked != index:
        _go(picked + 1)
        st.rerun()
    if leave.button("Exit committee mode", key="present_exit", type="tertiary"):
        st.session_state.update(freq=frequency, period=period.label)  # the sidebar reopens on this view
        st.switch_page("pages/summary.py")


def attention_screen(report: indicators.Report, screen: Screen) -> None:
    """The attention items for this screen with public figures and their current commentary."""
    rows = report.attention.set_index("indicator_id").loc[list(screen.ids)].reset_index()
    st.html(html.attention_html(rows, public=True, css_class="present-attention"))


def dashboard_screen(data: CurrentData, report: indicators.Report, screen: Screen) -> None:
    """A dashboard's tiles with small trends, and its commentary and notes beside them."""
    rows = report.summary.set_index("indicator_id").loc[list(screen.ids)].reset_index()
    figures, side = st.columns([7, 3], gap="medium")
    with figures:
        if indicators.has_missing_overview(report.rows_of(screen.dashboard)["indicator_id"]):
            st.html(cached.dashboard_head_html(data, report.frequency, report.period.label, screen.dashboard, True,
                                               ("setting", "duration")))
        for position, (_, row) in enumerate(rows.iterrows()):
            if position % TILES_PER_ROW == 0:
                columns = st.columns(TILES_PER_ROW, gap="small")  # a row at a time, so each row's tiles line up
            with columns[position % TILES_PER_ROW]:
                st.html(html.present_tile_html(row))
                spec = cached.sparkline(data, row["indicator_id"], report.frequency, report.period.label)
                st.vega_lite_chart(spec=spec, width="stretch", key=f"spark_{row['indicator_id']}")
    with side:
        note = report.dashboard_note(screen.dashboard)
        notes = [html.row_commentary_html(note)]
        for _, row in rows[rows["explained"] & rows["rag"].isin(["red", "amber"])].iterrows():
            notes.append(f"<strong>{html.esc(row['title'])}</strong>" + html.row_commentary_html(row))
        comparator_notes = dict.fromkeys(note for note in report.rows_of(screen.dashboard)["comparator_note"] if note)
        notes += [f'<p class="muted">{html.esc(note)}</p>' for note in comparator_notes]
        words = "".join(notes) or '<p class="muted">No commentary for this period.</p>'
        st.html(f'<div class="present-side"><h2>Commentary</h2>{words}</div>')


def show(rotate: int | None) -> None:
    """Draw the screen the URL asks for (or, on a wall display, the one whose turn it is)."""
    data = current()
    frequency, period = requested_view(data)
    report = cached.public_report(data, frequency, period.label)
    all_screens = screens(report.summary, report.attention)
    index = (int(time.time()) // rotate) % len(all_screens) if rotate else \
        screen_number(st.query_params.get("screen"), len(all_screens))
    screen = all_screens[index]
    as_at = html.data_as_at(report.latest_month) + (" · DEMO DATA" if data.is_demo else "")
    st.html(html.present_header(screen.title, data.authority, period, as_at,
                                f"screen {index + 1} of {len(all_screens)}"))
    if not rotate:
        controls(all_screens, index, frequency, period)
    if screen.kind == "attention" and not screen.ids:
        st.html('<p class="value-big">No indicator is red, worsening for two periods or flagged by SPC.</p>')
    elif screen.kind == "attention":
        attention_screen(report, screen)
    else:
        dashboard_screen(data, report, screen)
    if disclosure.withheld_anything(report):
        st.html(f'<p class="footnote">{html.esc(disclosure.FOOTNOTE)}</p>')
