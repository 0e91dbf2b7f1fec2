"""Needs attention: only the indicators that are red, worsening for two or more periods, or flagged by SPC."""
import streamlit as st

from ui import cached, filters, sections
from ui.data import current

data = current()
frequency, period = filters.selected_view(data)
sections.page_header(data, "Needs attention", period)
st.markdown("Listed here: indicators that are **red** against target, **worse for two or more periods in a row**, "
            "or where the SPC chart shows a **special cause of concern** or that the target **will consistently be "
            "missed**. Red indicators without an explanation are flagged so officers can write one before the meeting.")
rows = cached.report(data, frequency, period.label).attention
unexplained = int(((rows["rag"] == "red") & ~rows["explained"]).sum()) if not rows.empty else 0
if unexplained:
    st.warning(f"{unexplained} red indicator{'s have' if unexplained != 1 else ' has'} no explanation for "
               f"{period.display()} yet.", icon=":material/edit_note:")
    st.page_link("pages/commentary.py", label="Write commentary", icon=":material/edit_note:")
st.html(cached.attention_html(data, frequency, period.label, False))
