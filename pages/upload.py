"""Upload a return: check it, preview every change, then save it as a new version (or cancel)."""
import streamlit as st

from store import StoreChanged, StoreError
from ui import sections, uploads
from ui.data import TEMPLATE_PATH, current
from ui.editing import editor
from ui.text import literal

data = current()
sections.page_header(data, "Upload a return")
if saved := st.session_state.pop("upload_saved", None):
    st.success(saved, icon=":material/save:")
st.markdown("Upload this month's return. The file is checked first and nothing is saved until you have seen "
            "exactly what it would change and confirmed. Every upload is kept: any earlier version can be "
            "downloaded, compared or restored on the **History** page.")
st.download_button("Download the blank return template (.xlsx)", TEMPLATE_PATH.read_bytes(),
                   file_name="return_template.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

kind = st.radio("What is the file?", list(uploads.KINDS), format_func=uploads.KINDS.get, key="upload_kind")
mode = "partial"
if uploads.may_be_complete(kind):
    mode = st.radio("How should it be applied?", ["partial", "complete"], horizontal=True, key="upload_mode",
                    format_func={"partial": "This file adds or revises periods",
                                 "complete": "This file is the complete return"}.get,
                    help="A complete return replaces everything: figures not in it stop being current "
                         "(they stay in the history).")
options = uploads.list_options(kind)

attempt = st.session_state.setdefault("upload_attempt", 0)
upload = st.file_uploader("Choose the file (.xlsx or .csv, up to 20 MB)", type=["xlsx", "csv"],
                          max_upload_size=uploads.MAX_MB, key=f"upload_{attempt}")
if upload is None:
    st.stop()

checked = uploads.check(upload.getvalue(), upload.name, kind, options, data)
if checked.kind != kind:
    st.info("This workbook has sheets List 1, List 2 …: it is read as Ofsted's Annex A lists.", icon=":material/info:")
    checked = uploads.check(upload.getvalue(), upload.name, checked.kind, uploads.list_options(checked.kind), data)
mapping = {}
if checked.kind == "annex_a" and not checked.problems:
    uploads.show_notes(checked)
    mapping = uploads.choose_mapping(checked, data)
    checked = uploads.mapped(checked, mapping, data)
if checked.problems:
    st.error(f"**{literal(upload.name)}** cannot be used yet: {len(checked.problems)} problem"
             f"{'s' if len(checked.problems) != 1 else ''} to fix. Nothing has been saved.", icon=":material/block:")
    st.dataframe(uploads.problem_table(checked.problems), hide_index=True, width="stretch")
    st.stop()

st.success(f"**{literal(upload.name)}** passed every check. Review what it would change, then confirm.",
           icon=":material/check_circle:")
previewed = st.session_state.get("upload_previewed", data.store_token)  # what the officer last saw
st.session_state["upload_previewed"] = data.store_token
if notice := st.session_state.pop("upload_notice", None):
    st.warning(notice, icon=":material/sync_problem:")
uploads.show_preview(checked, data, mode)

st.subheader("Save")
note = st.text_input("Note for the history (e.g. 'October return; September re-referrals revised')",
                     key="upload_note", max_chars=300)
who = editor("upload a return")
save, cancel = st.columns([1, 5])
if save.button("Confirm and save", type="primary", disabled=who is None, icon=":material/save:"):
    try:
        version = uploads.save(checked, who, note, mode, previewed)
    except StoreChanged as changed:  # the new preview is on the page already: nothing typed is lost
        st.session_state["upload_notice"] = str(changed)
        st.rerun()
    except StoreError as failed:
        st.error(f"{failed} The preview and your note are kept: try again when it is fixed.", icon=":material/error:")
    else:
        if mapping:
            uploads.remember_mapping(mapping, data, who)
        st.session_state["upload_attempt"] = attempt + 1
        st.session_state.pop("upload_previewed", None)
        st.session_state["upload_saved"] = f"Saved as version {version}. Every page now shows it."
        st.rerun()
if cancel.button("Cancel", icon=":material/close:"):
    st.session_state["upload_attempt"] = attempt + 1
    st.rerun()
