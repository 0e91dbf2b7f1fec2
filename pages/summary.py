"""Summary: every indicator's figure for the period, with RAG and direction, dashboard by dashboard."""
import streamlit as st

from ui import cached, filters, sections
from ui.data import current
from ui.text import literal

data = current()
frequency, period = filters.selected_view(data)
sections.page_header(data, f"Performance summary: {data.authority}", period)
head, tables = cached.summary_html(data, frequency, period.label)
st.html(head)
for dashboard, table in tables:
    st.html(table)
    st.page_link("pages/dashboard.py", label=f"Open {literal(dashboard)}: trends, breakdowns and commentary",
                 icon=":material/monitoring:", query_params=filters.link_params(frequency, period, dashboard=dashboard))
