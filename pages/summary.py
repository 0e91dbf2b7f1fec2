"""Summary: every indicator's figure for the period, with RAG and direction, dashboard by dashboard."""
import streamlit as st

import app_state
import components

data = app_state.current()
frequency, period = app_state.selected_period(data)
st.title(f"Performance summary: {data.authority}")
st.html(f'<p class="asat">{components.esc(components.data_as_at(data.ret.latest_month))} · '
        f"showing {components.esc(period.display())}</p>")
components.page_banners(data, app_state.editing_note())

summary = app_state.summary(data.ret, data.token, frequency, period.label)
st.html(components.rag_tiles_html(summary))
st.html(components.key_html())
for dashboard, rows in summary.groupby("dashboard", sort=False):
    st.html(components.summary_table_html(rows, dashboard))
    st.page_link("pages/dashboard.py", label=f"Open {dashboard}: trends, breakdowns and commentary",
                 icon=":material/monitoring:", query_params=app_state.link_params(frequency, period, dashboard=dashboard))
