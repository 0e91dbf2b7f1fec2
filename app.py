"""Children's Services performance dashboard: page config and navigation.

Run with `streamlit run app.py`. `?view=present` on the root URL opens committee mode.
"""
from pathlib import Path

import streamlit as st

from render.html import CSS
from ui import filters
from ui.data import current

PRESENTING = st.query_params.get("view") == "present"
# A file served by the app itself: a Material icon here is fetched from Google by every viewer's browser.
ICON = Path(__file__).parent / "assets" / "icon.png"

st.set_page_config(page_title="Children's Services performance", page_icon=str(ICON), layout="wide",
                   initial_sidebar_state="collapsed" if PRESENTING else "expanded")
st.html(CSS)

present = st.Page("pages/present.py", title="Committee mode", icon=":material/slideshow:", url_path="present",
                  default=PRESENTING, visibility="visible" if PRESENTING else "hidden")
summary = st.Page("pages/summary.py", title="Summary", icon=":material/summarize:", url_path="summary", default=not PRESENTING)
REPORT = [summary,
          st.Page("pages/dashboard.py", title="Dashboards", icon=":material/monitoring:", url_path="dashboard"),
          st.Page("pages/attention.py", title="Needs attention", icon=":material/flag:", url_path="attention"),
          st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:", url_path="explore"),
          st.Page("pages/comparison.py", title="National comparison", icon=":material/public:", url_path="comparison")]
OFFICERS = [st.Page("pages/upload.py", title="Upload a return", icon=":material/upload_file:", url_path="upload"),
            st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
            st.Page("pages/commentary.py", title="Write commentary", icon=":material/edit_note:", url_path="commentary"),
            st.Page("pages/pack.py", title="Meeting pack", icon=":material/picture_as_pdf:", url_path="pack")]

if PRESENTING:
    navigation = st.navigation([present, summary], position="hidden")
else:
    navigation = st.navigation({"Report": REPORT + [present], "Officers": OFFICERS})
    with st.sidebar:
        filters.draw_sidebar(current(), present)
navigation.run()
