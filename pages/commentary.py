"""Write commentary: the narrative behind the numbers, by indicator or dashboard and period, every edit kept."""
import streamlit as st

import app_state
import components
import indicators

data = app_state.current()
frequency, period = app_state.selected_period(data)
st.title("Write commentary")
components.page_banners(data, app_state.editing_note())
st.markdown("Explain what changed and why, in plain words for members. Commentary shows beside the figures, in "
            "committee mode and in the meeting pack. Every edit is kept in the history.")

attention = app_state.attention(data, frequency, period)
unexplained = attention[(attention["rag"] == "red") & attention["commentary"].isna()] if not attention.empty else attention
if not unexplained.empty:
    st.warning("Red with no explanation yet for " + period.display() + ": "
               + "; ".join(f"{row.indicator_id} {row.title}" for row in unexplained.itertuples()), icon=":material/edit_note:")

catalogue = data.ret.indicators
subjects = {f"dashboard:{name}": f"Whole dashboard: {name}" for name in indicators.dashboards(data.ret)}
subjects |= {f"indicator:{row.indicator_id}": f"{row.indicator_id} {row.title}" for row in catalogue.itertuples()}
first = f"indicator:{unexplained['indicator_id'].iloc[0]}" if not unexplained.empty else list(subjects)[0]
subject = st.selectbox("About", list(subjects), format_func=subjects.get, index=list(subjects).index(first),
                       key="commentary_subject")
scope, _, name = subject.partition(":")
periods = [p.label for p in indicators.available_periods(data.ret, frequency)]
label = st.selectbox("For the period", periods, index=periods.index(period.label) if period.label in periods else 0,
                     format_func=lambda text: indicators.parse_period(text).display(), key="commentary_period")
chosen = indicators.parse_period(label)
target = {"indicator_id": name} if scope == "indicator" else {"dashboard": name}
existing = indicators.commentary_for(data.ret.commentary, chosen, **target)
current_text = existing["text"] if existing is not None and existing["period"] == label else ""
if existing is not None and existing["period"] != label:
    st.caption(f"Latest commentary is for {existing['period_display']}:")
    st.html(components.commentary_html(existing))
text = st.text_area("Commentary", value=current_text, height=180, max_chars=3000,
                    key=f"commentary_text_{subject}_{label}")
who = app_state.editor("save commentary")
unchanged = text.strip() == current_text.strip()
if st.button("Save commentary", type="primary", disabled=who is None or unchanged, icon=":material/save:",
             help="Saving an empty text removes the commentary for this period (the history keeps it)."):
    app_state.store().save_commentary(indicator_id=target.get("indicator_id", ""),
                                      dashboard=target.get("dashboard", ""), period=label, text=text.strip(),
                                      author=who)
    st.success("Saved. It now shows on the dashboards, in committee mode and in the pack.")
    st.rerun()
