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
if linked in names and linked != st.session_state.get("dashboard_linked"):
    st.session_state["dashboard"] = st.session_state["dashboard_linked"] = linked
if st.session_state.get("dashboard") not in names:
    st.session_state["dashboard"] = names[0]
dashboard = st.pills("Dashboard", names, key="dashboard", required=True, label_visibility="collapsed",
                     format_func=literal)
st.query_params["dashboard"] = st.session_state["dashboard_linked"] = dashboard
sections.page_header(data, dashboard, period)
rows = report.rows_of(dashboard)
notes = set(rows["comparator_note"]) - {""}
if len(notes) == 1 and len(rows) > 1 and (rows["comparator_note"] != "").all():
    st.html(f'<div class="key">{html.esc(notes.pop())}</div>')
note = report.dashboard_note(dashboard)
if words := html.row_commentary_html(note, "Dashboard commentary") + html.earlier_commentary_html(note):
    st.html(words)
sections.missing_overview(report, dashboard)
with st.expander("Key: colours, arrows and SPC icons"):
    st.html(html.key_html())
    st.markdown(html.SPC_EXPLAINER)
for indicator_id in rows["indicator_id"]:
    sections.indicator_section(data, report, indicator_id)
