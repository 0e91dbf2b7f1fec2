"""National comparison: published England, region and statistical-neighbour figures for mapped indicators."""
import streamlit as st

import app_state
import benchmarking
import charts
import components
from data_loaders import statistical_neighbour_table

data = app_state.current()
frequency, period = app_state.selected_period(data)
store_token = app_state.store_token(data)
st.title("National comparison")
components.page_banners(data, app_state.editing_note())
st.markdown("Published figures from the Department for Education's statutory returns (Explore Education "
            "Statistics), for the year to 31 March unless stated. Ranks and quartiles are among the authorities "
            "in the loaded files (quartile A is the best quarter). Early Help has no statutory return, so there "
            "is nothing national to compare it with.")

names = {"": "None: a fictional authority (England and region only)"} | app_state.authority_names(store_token)
averages = {"mean": "Mean (as DfE's LAIT)", "median": "Median (as DfE's CSC outcomes dashboard)"}
saved_code, saved_average = app_state.authority_code(data), app_state.neighbour_average(data)
# Synced with the URL by hand (?la=872&average=median) so a link carries the code, not the label.
if st.session_state.get("la") not in names:
    st.session_state["la"] = next(code for code in (st.query_params.get("la"), saved_code, "") if code in names)
if st.session_state.get("average") not in averages:
    wanted = st.query_params.get("average")
    st.session_state["average"] = wanted if wanted in averages else saved_average
left, right = st.columns([3, 2])
la_code = left.selectbox("Authority", list(names), key="la", format_func=names.get)
average = right.radio("Statistical neighbours' figure", list(averages), horizontal=True, key="average",
                      format_func=averages.get)
st.query_params.update(la=la_code, average=average)
if (la_code, average) != (saved_code, saved_average):
    with st.expander("Make this the authority and neighbour figure for every page and the meeting pack"):
        who = app_state.editor("change the reporting authority")
        if st.button("Save for everyone", disabled=who is None):
            app_state.store().set_setting("la_code", la_code, who)
            app_state.store().set_setting("neighbour_average", average, who)
            st.rerun()

if la_code:
    with st.expander(f"{names[la_code]}'s ten statistical neighbours (DfE model 2025)"):
        st.dataframe(statistical_neighbour_table(app_state.NEIGHBOUR_MODEL, la_code).rename(
            columns={"rank": "Closeness rank", "la_code": "Code", "la_name": "Authority", "closeness": "Closeness"}),
            hide_index=True, width="stretch")

table = app_state.comparisons(data.ret, data.token, la_code)
region = app_state.region_name(store_token, data.ret.about.get("region_code") or "E12000008")
mapping = app_state.comparators_map()
catalogue = data.ret.indicators.set_index("indicator_id")
figures = app_state.published_figures(store_token)
for row in mapping.itertuples(index=False):
    if row.indicator_id not in catalogue.index:
        continue
    indicator = catalogue.loc[row.indicator_id]
    rows = table[(table["indicator_id"] == row.indicator_id) & (table["breakdown"] == row.breakdown)]
    if rows.empty:
        continue
    label = f"{indicator['title']}" + (f": {row.breakdown}" if row.breakdown else "")
    st.subheader(label, anchor=f"{row.indicator_id}-{row.breakdown}".lower().replace(" ", "-"))
    st.html(components.comparator_rows_html(rows.sort_values("period", ascending=False), indicator["unit"], average,
                                            region))
    st.caption(f"{rows['measure_label'].iloc[0]}. Source: {rows.sort_values('period')['source'].iloc[-1]}."
               + (f" {row.note}" if row.note else ""))
    latest = rows.sort_values("period")["period"].iloc[-1]
    with st.expander(f"Each authority's figure, {latest}"):
        authorities = benchmarking.authority_figures(figures, row, latest, app_state.neighbours().get(la_code, []))
        if not authorities.empty and authorities["value"].notna().any():
            chart = charts.neighbour_bars(authorities.dropna(subset=["value"]), indicator["unit"], label, la_code)
            st.vega_lite_chart(spec=chart.to_dict(), width="stretch")
        st.dataframe(authorities.rename(columns={"la_code": "Code", "la_name": "Authority", "value": "Value",
                                                 "symbol": "Symbol", "neighbour_rank": "Neighbour (1 = closest)"}),
                     hide_index=True, width="stretch")
