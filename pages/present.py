"""Committee mode: one screen at a time in large type for the projector; "needs attention" first.

`?view=present` opens it; `&screen=N` picks a screen; `&rotate=SECONDS` makes a wall display that
moves on by itself and picks up new data. Small numbers are suppressed throughout.
"""
import time

import streamlit as st

import app_state
import components
import disclosure
import indicators
import present_screens

st.html(components.PRESENT_CSS)
rotate = present_screens.rotation(st.query_params.get("rotate"))


def show() -> None:
    """Draw the current screen."""
    data = app_state.current()
    frequency, label = present_screens.requested_view()
    period = indicators.period_or_latest(data.ret, frequency, label)
    summary = disclosure.suppress_summary(app_state.summary(data.ret, data.token, frequency, period.label))
    attention = app_state.attention(data, frequency, period)
    screens = present_screens.screens(summary, attention)
    index = (int(time.time()) // rotate) % len(screens) if rotate else \
        present_screens.screen_number(st.query_params.get("screen"), len(screens))
    screen = screens[index]
    as_at = components.data_as_at(data.ret.latest_month) + (" · DEMO DATA" if data.is_demo else "")
    st.html(components.present_header(screen.title, data.authority, period, as_at, f"screen {index + 1} of {len(screens)}"))
    if not rotate:
        present_screens.controls(screens, index, frequency, period)
    if screen.kind == "attention":
        present_screens.attention_screen(attention, summary, screen)
    else:
        present_screens.dashboard_screen(data, summary, screen, frequency, period)
    st.caption(disclosure.FOOTNOTE)


if rotate:
    st.fragment(show, run_every=rotate)()
else:
    show()
