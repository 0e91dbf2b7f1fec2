"""Needs attention: only the indicators that are red, worsening for two or more periods, or flagged by SPC."""
import streamlit as st

import app_state
import components

data = app_state.current()
frequency, period = app_state.selected_period(data)
st.title("Needs attention")
st.html(f'<p class="asat">{components.esc(components.data_as_at(data.ret.latest_month))} · '
        f"showing {components.esc(period.display())}</p>")
components.page_banners(data, app_state.editing_note())
st.markdown("Listed here: indicators that are **red** against target, **worse for two or more periods in a row**, "
            "or where the SPC chart shows a **special cause of concern** or that the target **will consistently be "
            "missed**. Red indicators without an explanation are flagged so officers can write one before the meeting.")
rows = app_state.attention(data, frequency, period)
missing = int(((rows["rag"] == "red") & rows["commentary"].isna()).sum()) if not rows.empty else 0
if missing:
    st.warning(f"{missing} red indicator{'s have' if missing != 1 else ' has'} no explanation yet.", icon=":material/edit_note:")
    st.page_link("pages/commentary.py", label="Write commentary", icon=":material/edit_note:")
st.html(components.attention_html(rows))
