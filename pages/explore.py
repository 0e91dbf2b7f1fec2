"""Explore: any indicators and breakdowns on one time axis, with the table behind them to download."""
import streamlit as st

import indicators
from ui import cached, filters, sections
from ui.data import current

data = current()
frequency, period = filters.selected_view(data)
sections.page_header(data, "Explore")
st.markdown("Choose indicators to plot together, for example **Early Help requests** against **Early Help "
            "assessments**. Figures of different kinds (counts and percentages) get an axis each.")
table = cached.period_table(data, frequency)
choices = indicators.series_choices(table, data.ret.indicators)
defaults = [pick for pick in ("EH01", "EH02") if pick in choices] or list(choices)[:2]
if "explore" not in st.session_state:
    st.session_state["explore"] = defaults
picks = st.multiselect("Indicators and breakdowns", list(choices), key="explore", bind="query-params",
                       format_func=lambda pick: choices.get(pick, pick), max_selections=6)
view = cached.explore_view(data, frequency, tuple(picks))
if view["frame"].empty:
    st.info("Choose at least one indicator.")
    st.stop()
if view["frame"]["unit"].nunique() > 2:
    st.warning("Only the first two kinds of figure are drawn (one axis each); the table shows them all.")
st.vega_lite_chart(spec=view["spec"], width="stretch")
st.dataframe(view["wide"], hide_index=True, width="stretch")
st.download_button("Download this table (CSV)", view["csv"], file_name="explore.csv", mime="text/csv",
                   icon=":material/download:")
