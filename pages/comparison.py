"""National comparison: published England, region and statistical-neighbour figures for mapped indicators."""
import streamlit as st

from benchmarking import NEIGHBOUR_AVERAGES
from ui import cached, sections
from ui.data import authority_code, authority_names, current, neighbour_average, store
from ui.editing import editor
from ui.text import literal

data = current()
sections.page_header(data, "National comparison")
st.markdown("Published figures from the Department for Education's statutory returns (Explore Education "
            "Statistics), each dated as DfE dates it: most for the year to 31 March or at 31 March, the workforce at "
            "30 September. Figures are shown to the places DfE publishes them at, and the neighbours' figure is "
            "the median of the ten statistical neighbours that have one, as DfE's own dashboard shows it (the mean, "
            "as DfE's LAIT shows it, can be chosen). Ranks and quartiles are among the authorities in the loaded "
            "files (quartile A is the best quarter); a joint return is ranked once. Early Help has no statutory "
            "return, so there is nothing national to compare it with.")

names = {"": "None: a fictional authority (England and region only)"} | authority_names(data.store_token)
saved_code, saved_average = authority_code(data), neighbour_average(data)
# Synced with the URL by hand (?la=872&average=median) so a link carries the code, not the label.
if st.session_state.get("la") not in names:
    st.session_state["la"] = next(code for code in (st.query_params.get("la"), saved_code, "") if code in names)
if st.session_state.get("average") not in NEIGHBOUR_AVERAGES:
    wanted = st.query_params.get("average")
    st.session_state["average"] = wanted if wanted in NEIGHBOUR_AVERAGES else saved_average
left, right = st.columns([3, 2])
la_code = left.selectbox("Authority", list(names), key="la", format_func=names.get)
average = right.radio("Statistical neighbours' figure", list(NEIGHBOUR_AVERAGES), horizontal=True, key="average",
                      format_func=NEIGHBOUR_AVERAGES.get)
st.query_params.update(la=la_code, average=average)
if (la_code, average) != (saved_code, saved_average):
    with st.expander("Make this the authority and neighbour figure for every page and the meeting pack"):
        who = editor("change the reporting authority")
        if st.button("Save for everyone", disabled=who is None):
            store().set_setting("la_code", la_code, who)
            store().set_setting("neighbour_average", average, who)
            st.rerun()

if la_code:
    with st.expander(f"{literal(names[la_code])}'s ten statistical neighbours (DfE model 2025)"):
        st.dataframe(cached.neighbour_table(la_code), hide_index=True, width="stretch")

measures = {measure["key"]: measure for measure in cached.comparison_measures(data, la_code, average)}
# every authority's figure is drawn only for the measure asked for, so the page stays quick
picked = st.selectbox("Every authority's figure for one measure", list(measures), index=None, key="every_measure",
                      format_func=lambda key: f"{measures[key]['label']}, {measures[key]['latest']}",
                      placeholder="Choose a measure to see every authority's figure as a bar chart and a table")
if picked:
    every = cached.every_authority(data, la_code, measures[picked]["index"], measures[picked]["latest"])
    if every["spec"]:
        st.vega_lite_chart(spec=every["spec"], width="stretch")
    st.dataframe(every["table"], hide_index=True, width="stretch")
st.html("".join(measure["html"] for measure in measures.values()))  # one element: reruns stay quick
