"""History: every upload kept as a version; download, compare, withdraw or restore any of them."""
import pandas as pd
import streamlit as st

import revisions
from ui import sections, uploads
from ui.data import current, return_as_of, store
from ui.editing import editor
from ui.text import literal

data = current()
versions_store = store()
sections.page_header(data, "History")
st.markdown("Every accepted upload is kept exactly as it arrived. Withdrawing a version takes its figures out of "
            "the dashboards; restoring brings them back. Nothing is ever deleted.")
versions = versions_store.versions()
if versions.empty:
    st.info("Nothing has been uploaded yet: the app is showing the demo return.")
    st.stop()

shown = versions.assign(saved_at=versions["saved_at"].dt.strftime("%d %b %Y %H:%M UTC"),
                        sha256=versions["sha256"].str[:12] + "…")
st.dataframe(shown.rename(columns={"id": "Version", "saved_at": "Saved", "author": "By", "filename": "File",
                                   "kind": "Kind", "mode": "Applied as", "row_count": "Figures", "status": "Status",
                                   "note": "Note", "sha256": "SHA-256", "size_bytes": "Bytes",
                                   "source_kind": "Source"}),
             hide_index=True, width="stretch",
             column_config={"Bytes": st.column_config.NumberColumn(format="localized"),
                            "Figures": st.column_config.NumberColumn(format="localized")})

labels = {int(row.id): f"Version {row.id}: {row.filename} ({row.status})" for row in versions.itertuples()}
st.subheader("One version")
chosen = st.selectbox("Version", list(labels), format_func=labels.get, key="history_version")
filename, original = versions_store.original(chosen)
st.download_button(f"Download the original file ({literal(filename)})", original, file_name=filename,
                   icon=":material/download:")
status = versions.set_index("id").loc[chosen, "status"]
events = versions_store.events(chosen)
if not events.empty:
    st.caption("Withdrawn and restored: " + "; ".join(
        literal(f"{row.action} {row.saved_at:%d %b %Y %H:%M} by {row.who} ({row.reason})") for row in events.itertuples()))
action = "withdraw" if status == "current" else "restore"
with st.expander(f"{action.capitalize()} version {chosen}"):
    reason = st.text_input("Reason (kept in the history)", key=f"reason_{chosen}")
    who = editor(f"{action} a version")
    if st.button(f"{action.capitalize()} version {chosen}", disabled=who is None or not reason.strip()):
        (versions_store.withdraw if action == "withdraw" else versions_store.restore)(chosen, who, reason.strip())
        st.rerun()

st.subheader("Compare two versions")
returns = [version for version in labels if versions.set_index("id").loc[version, "kind"] == "return"]
if len(returns) >= 2:
    left, right = st.columns(2)
    older = left.selectbox("Earlier", returns, index=1, format_func=labels.get, key="compare_older")
    newer = right.selectbox("Later", returns, index=0, format_func=labels.get, key="compare_newer")
    comparison = revisions.compare_returns(return_as_of(data.store_token, older),
                                           return_as_of(data.store_token, newer))
    st.caption("The dashboards as they stood after each version was saved. " + ", ".join(
        f"{status}: {count}" for status, count in revisions.change_counts(comparison).items()))
    changed = comparison[comparison["status"] != "unchanged"]
    st.dataframe(uploads.preview_table(changed, data.ret.indicators), hide_index=True, width="stretch")
else:
    st.caption("Two return uploads are needed to compare.")

st.subheader("Commentary edits")
edits = versions_store.commentary_history()
if edits.empty:
    st.caption("No commentary has been written in the app yet.")
else:
    st.dataframe(pd.DataFrame({"Saved": edits["saved_at"].dt.strftime("%d %b %Y %H:%M UTC"), "By": edits["author"],
                               "Indicator": edits["indicator_id"], "Dashboard": edits["dashboard"],
                               "Period": edits["period"], "Text": edits["text"]}), hide_index=True, width="stretch")
