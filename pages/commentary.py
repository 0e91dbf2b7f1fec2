"""Write commentary: the narrative behind the numbers, by indicator or dashboard and period, every edit kept."""
import streamlit as st

import indicators
from periods import parse_period
from render import html
from ui import cached, filters, sections
from ui.data import current, store
from ui.editing import editor
from ui.text import literal

data = current()
frequency, period = filters.selected_view(data)
sections.page_header(data, "Write commentary", period)
st.markdown("Explain what changed and why, in plain words for members. Commentary shows beside the figures, in "
            "committee mode and in the meeting pack for the period it is written for (and for the months and "
            "quarters that period covers). Every edit is kept in the history.")

attention = cached.report(data, frequency, period.label).attention
unexplained = attention[(attention["rag"] == "red") & ~attention["explained"]] if not attention.empty else attention
if not unexplained.empty:
    st.warning(f"Red with no explanation for {period.display()} yet: "
               + "; ".join(f"{row.indicator_id} {literal(row.title)}" for row in unexplained.itertuples()),
               icon=":material/edit_note:")

catalogue = data.ret.indicators
subjects = {f"dashboard:{name}": f"Whole dashboard: {name}" for name in indicators.dashboards(data.ret)}
subjects |= {f"indicator:{row.indicator_id}": f"{row.indicator_id} {row.title}" for row in catalogue.itertuples()}
first = f"indicator:{unexplained['indicator_id'].iloc[0]}" if not unexplained.empty else list(subjects)[0]
subject = st.selectbox("About", list(subjects), format_func=subjects.get,
                       index=list(subjects).index(first), key="commentary_subject")
scope, _, name = subject.partition(":")
periods = [choice.label for choice in indicators.available_periods(data.ret, frequency)]
label = st.selectbox("For the period", periods, index=periods.index(period.label) if period.label in periods else 0,
                     format_func=lambda text: parse_period(text).display(), key="commentary_period")
chosen = parse_period(label)
target = {"indicator_id": name} if scope == "indicator" else {"dashboard": name}
existing = indicators.current_commentary(data.ret.commentary, chosen, **target)
current_text = existing["text"] if existing is not None and existing["period"] == label else ""
if existing is not None and existing["period"] != label:
    st.caption(f"Current for {chosen.display()}: commentary written for {existing['period_display']}. "
               "Writing here adds commentary for this period itself.")
    st.html(html.commentary_html(existing["text"], existing["author"], existing["period_display"]))
elif existing is None and (earlier := indicators.earlier_commentary(data.ret.commentary, chosen, **target)) is not None:
    st.caption("There is no commentary for this period yet; the latest earlier commentary is shown for reference.")
    st.html(html.earlier_commentary_html({"earlier_commentary": earlier["text"], "earlier_commentary_author":
                                          earlier["author"], "earlier_commentary_period": earlier["period_display"]}))
text = st.text_area("Commentary", value=current_text, height=180, max_chars=3000,
                    key=f"commentary_text_{subject}_{label}")
who = editor("save commentary")
unchanged = text.strip() == current_text.strip()
if st.button("Save commentary", type="primary", disabled=who is None or unchanged, icon=":material/save:",
             help="Saving an empty text removes the commentary for this period (the history keeps it)."):
    store().save_commentary(indicator_id=target.get("indicator_id", ""), dashboard=target.get("dashboard", ""),
                            period=label, text=text.strip(), author=who)
    st.success("Saved. It now shows on the dashboards, in committee mode and in the pack.")
    st.rerun()
