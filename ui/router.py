"""Make app.py's st.navigation decide how every page is drawn, whichever page a run starts from.

Streamlit 1.67 treats a run as a legacy `pages/` app until some run has called st.navigation:
a bookmarked deep link such as /dashboard opened first after a server restart (and every AppTest
run) would run the page alone, without app.py's page config, filters and navigation. Then this
runs app.py in place, which draws the page through st.navigation, and stops the original run.
No st.rerun, so a button click in that run is not lost.
"""
from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

APP = Path(__file__).resolve().parents[1] / "app.py"


def use_navigation_router() -> None:
    """Run app.py instead of this page when Streamlit has not yet seen st.navigation."""
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
