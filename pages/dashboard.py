"""One dashboard: each indicator's trend with target, breakdowns, SPC, seasonality, figures and commentary."""
import streamlit as st

import app_state
import components
import indicators

data = app_state.current()
frequency, period = app_state.selected_period(data)
names = indicators.dashboards(data.ret)
if st.session_state.get("dashboard") not in names:
    st.session_state["dashboard"] = names[0]
dashboard = st.pills("Dashboard", names, key="dashboard", bind="query-params", required=True,
                     label_visibility="collapsed")

st.title(dashboard)
st.html(f'<p class="asat">{components.esc(components.data_as_at(data.ret.latest_month))} · '
        f"showing {components.esc(period.display())}</p>")
components.page_banners(data, app_state.editing_note())

summary = app_state.summary(data.ret, data.token, frequency, period.label)
rows = summary[summary["dashboard"] == dashboard]
notes = set(rows["comparator_note"]) - {""}
if len(notes) == 1 and len(rows) > 1 and (rows["comparator_note"] != "").all():
    st.info(notes.pop(), icon=":material/info:")
overall = indicators.commentary_for(data.ret.commentary, period, dashboard=dashboard)
if overall is not None:
    st.html(components.commentary_html(overall, "Dashboard commentary"))
components.dashboard_overview(data, rows, frequency, period)
with st.expander("Key: colours, arrows and SPC icons"):
    st.html(components.key_html())
    st.markdown(components.SPC_EXPLAINER)

for _, row in rows.iterrows():
    components.indicator_section(data, row, frequency, period, public=False)
