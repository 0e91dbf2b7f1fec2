"""Committee mode: one screen at a time in large type for the projector; "needs attention" first.

`?view=present` opens it (with `&freq=quarter&period=2026-27 Q2` for a period); `&screen=N` picks a
screen; `&rotate=SECONDS` makes a wall display that moves on by itself and picks up new data.
Small numbers are suppressed throughout.
"""
import streamlit as st

from render.html import PRESENT_CSS
from ui import committee

st.html(PRESENT_CSS)
rotate = committee.rotation(st.query_params.get("rotate"))
if rotate:
    st.fragment(committee.show, run_every=rotate)(rotate)
else:
    committee.show(None)
