"""One dashboard: each indicator's trend with target, breakdowns, SPC, seasonality, figures and commentary."""
import streamlit as st

from render import html
from ui import cached, filters, sections
from ui.data import current
from ui.text import literal

data = current()
frequency, period = filters.selected_view(data)
report = cached.report(data, frequency, period.label)
names = report.dashboards()
# Synced with the URL by hand: a bound widget would write the escaped label, not the dashboard's name.
linked = st.query_params.get("dashboard")
linked = next((name for name in names if name.split()[0] == linked), linked)  # ?dashboard=7 works too
if linked in names and linked != st.session_state.get("dashboard_linked"):
    st.session_state["dashboard"] = st.session_state["dashboard_linked"] = linked
if st.session_state.get("dashboard") not in names:
    st.session_state["dashboard"] = names[0]
dashboard = st.pills("Dashboard", names, key="dashboard", required=True, label_visibility="collapsed",
                     format_func=literal)
st.query_params["dashboard"] = st.session_state["dashboard_linked"] = dashboard
sections.page_header(data, dashboard, period)
if head := cached.dashboard_head_html(data, frequency, period.label, dashboard, False):
    st.html(head)
with st.expander("Key: colours, arrows and SPC icons"):
    st.html(html.key_html())
    st.markdown(html.SPC_EXPLAINER)
for indicator_id in report.rows_of(dashboard)["indicator_id"]:
    sections.indicator_section(data, report, indicator_id)
