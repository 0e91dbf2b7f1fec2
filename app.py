"""Children's Services performance dashboard: page config, shared filters and navigation.

Run with `streamlit run app.py`. `?view=present` on the root URL opens committee mode.
"""
import streamlit as st

import app_state
import components
import indicators
from periods import FREQUENCIES, parse_period

PRESENTING = st.query_params.get("view") == "present"

st.set_page_config(page_title="Children's Services performance", page_icon=":material/monitoring:", layout="wide",
                   initial_sidebar_state="collapsed" if PRESENTING else "expanded")
components.inject_css()

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
    data = app_state.current()
    with st.sidebar:
        app_state.adopt_link_frequency()
        st.radio("View figures by", FREQUENCIES, key="freq", bind="query-params", horizontal=True,
                 format_func=app_state.FREQUENCY_LABELS.get,
                 help="Quarters and years are financial (April to March).")
        frequency = st.session_state.get("freq") or "month"
        choices = [period.label for period in indicators.available_periods(data.ret, frequency)]
        if st.session_state.get("period") not in choices:
            st.session_state["period"] = app_state.linked_period(frequency, choices)
        st.selectbox("Period", choices, key="period", bind="query-params",
                     format_func=lambda label: parse_period(label).display())
        st.caption(components.data_as_at(data.ret.latest_month))
        if st.button("Open committee mode", icon=":material/slideshow:", help="Full screen, large type, for the projector"):
            st.session_state["committee_view"] = {"freq": frequency, "period": st.session_state["period"]}
            st.switch_page(present, query_params={"view": "present"})
navigation.run()
