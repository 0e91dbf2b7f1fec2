"""Meeting pack: one click makes the PDF (A4 landscape) and the Excel workbook of the same figures."""
import streamlit as st

from ui import cached, filters, sections
from ui.data import current

data = current()
frequency, period = filters.selected_view(data)
sections.page_header(data, "Meeting pack", period)
st.markdown(f"The pack for **{period.display()}**: a cover, the indicators that need attention, the summary table, "
            "then one page per dashboard with its charts, figures with counts, RAG, direction, commentary and notes "
            "on national figures. It is for publication, so numbers from 1 to 5 show as **c**. Change the period in "
            "the sidebar.")
committee = st.text_input("Committee", value=data.ret.about.get("committee", "Children's Services Scrutiny Committee"),
                          key="pack_committee", max_chars=120)
wanted = (data.token, frequency, period.label, committee)
cached.chart_pool()  # start the chart processes now, so they are ready when asked
if st.button("Make the meeting pack", type="primary", icon=":material/picture_as_pdf:"):
    bar = st.progress(0.0, text="Working out the published figures")
    files = cached.meeting_pack(data, frequency, period.label, committee,
                                lambda done, words: bar.progress(done, text=words))
    bar.empty()
    st.session_state["pack_files"] = {"key": wanted, **files}
files = st.session_state.get("pack_files")
if files and files["key"] == wanted:
    name = f"performance-pack-{period.label.replace(' ', '-')}"
    left, right = st.columns(2)
    left.download_button("Download the PDF", files["pdf"], file_name=f"{name}.pdf", mime="application/pdf",
                         icon=":material/download:", type="primary")
    right.download_button("Download the Excel workbook", files["xlsx"], file_name=f"{name}.xlsx",
                          icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption(f"{files['pages']} pages · made {files['made']}")
