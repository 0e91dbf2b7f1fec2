"""The upload flow behind pages/upload.py: check a file, preview its changes, save it as a version.

Child-level lists are reduced to aggregates in memory; only the aggregates (as a CSV) are
stored as the version's file, with the original's SHA-256 in the note, so no child reference
or date of birth ever reaches the store.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

import revisions
from data_loaders import (PerformanceReturn, Problem, ReturnError, load_child_level, load_ees, load_return)
from data_loaders.files import MAX_UPLOAD_BYTES
from render.workbook import safe_csv
from ui.data import CurrentData, authority_code, store
from ui.text import literal
from units import counts_text, format_value

MAX_MB = MAX_UPLOAD_BYTES // 1024 // 1024
KINDS = {
    "return": "Performance return (workbook, or a CSV of its Values sheet)",
    "ees": "DfE published statistics (Explore Education Statistics CSV)",
    "missing_log": "Local missing episodes log (child-level list, .xlsx or .csv)",
    "ssda903_missing": "SSDA903 missing table (child-level CSV)",
    "ssda903_oc3": "SSDA903 OC3 care leavers table (child-level CSV)",
}
CHILD_LEVEL = ("missing_log", "ssda903_missing", "ssda903_oc3")
STATUS_WORDS = {"revised": "Revised", "no longer current": "No longer current", "new": "New",
                "unchanged": "Unchanged"}


@dataclass
class Checked:
    """A checked upload: its bytes, what it parsed into, or every problem found."""

    kind: str
    filename: str
    data: bytes
    ret: PerformanceReturn | None = None
    ees: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the uploaded bytes."""
        return hashlib.sha256(self.data).hexdigest()


def is_return(kind: str) -> bool:
    """True for uploads that carry indicator values (returns and child-level lists)."""
    return kind != "ees"


def may_be_complete(kind: str) -> bool:
    """True for uploads that can be the complete return (a child-level list only ever adds or revises)."""
    return kind == "return"


@st.cache_data(show_spinner="Checking the file…", max_entries=8)
def _check(data: bytes, filename: str, kind: str, period: str, token: str,
           _catalogue: pd.DataFrame) -> Checked:
    """Parse and validate an upload once per distinct content, kind and catalogue."""
    try:
        if kind == "return":
            return Checked(kind, filename, data, ret=load_return(data, filename, catalogue=_catalogue))
        if kind == "ees":
            return Checked(kind, filename, data, ees=load_ees(data, dataset=Path(filename).stem))
        return Checked(kind, filename, data, ret=load_child_level(data, kind, period=period or None,
                                                                  filename=filename))
    except ReturnError as error:
        return Checked(kind, filename, data, problems=error.problems)


def check(data: bytes, filename: str, kind: str, period: str, current: CurrentData) -> Checked:
    """Check an upload against the catalogue the app is showing."""
    return _check(data, filename, kind, period, current.token, current.ret.indicators)


def problem_table(problems: list[Problem]) -> pd.DataFrame:
    """Every problem, located, as a table an officer can work down."""
    return pd.DataFrame({
        "Sheet or file": [p.sheet for p in problems],
        "Row": [str(p.row) if p.row is not None else "" for p in problems],
        "Column": [p.column or "" for p in problems],
        "Problem": [p.message for p in problems],
    })


def preview_table(preview: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """A preview as people read it: indicator, period, old and new figures with counts."""
    units = catalogue.set_index("indicator_id")["unit"]
    titles = catalogue.set_index("indicator_id")["title"]
    rows = []
    for row in preview.itertuples(index=False):
        unit = units.get(row.indicator_id, "number")
        rows.append({
            "Change": ("⚠ " if row.is_past_period else "") + STATUS_WORDS.get(row.status, row.status),
            "Indicator": f"{row.indicator_id} {titles.get(row.indicator_id, '')}",
            "Period": row.period, "Breakdown": row.breakdown or "Total",
            "Old value": format_value(row.old_value, unit), "Old counts": counts_text(row.old_numerator, row.old_denominator, unit),
            "New value": format_value(row.new_value, unit), "New counts": counts_text(row.new_numerator, row.new_denominator, unit),
        })
    return pd.DataFrame(rows, columns=["Change", "Indicator", "Period", "Breakdown", "Old value", "Old counts",
                                       "New value", "New counts"])


def show_earlier_copies(checked: Checked) -> None:
    """Warn when this exact file (same SHA-256) has been saved before."""
    versions = store().versions()
    earlier = versions[versions["sha256"] == checked.sha256]
    for row in earlier.itertuples(index=False):
        st.warning(f"This exact file was already saved as version {row.id} by {literal(row.author)} on "
                   f"{row.saved_at:%d %B %Y} ({row.status}). Saving it again adds nothing new.",
                   icon=":material/content_copy:")


def show_preview(checked: Checked, current: CurrentData, mode: str) -> None:
    """What saving would change: counts by kind of change, then revisions first (past months marked ⚠)."""
    show_earlier_copies(checked)
    if checked.kind == "ees":
        _show_ees_preview(checked.ees, authority_code(current))
        return
    stored = None if current.is_demo else current.ret  # the store's current return, already cached
    preview = revisions.preview_changes(stored, checked.ret, mode)
    counts = revisions.change_counts(preview)
    columns = st.columns(4)
    for column, status in zip(columns, ("new", "revised", "unchanged", "no longer current")):
        column.metric(STATUS_WORDS[status], f"{counts.get(status, 0):,}", border=True)
    if stored is None:
        st.info("Nothing has been uploaded yet (the app is showing demo data), so every figure is new.")
    catalogue = pd.concat([checked.ret.indicators, current.ret.indicators]).drop_duplicates("indicator_id")
    revised = preview[preview["status"] == "revised"]
    if not revised.empty:
        past = int(revised["is_past_period"].sum())
        st.warning(f"{len(revised)} figure{'s' if len(revised) != 1 else ''} already reported would be revised"
                   + (f", {past} of them for earlier periods (marked ⚠)." if past else "."), icon=":material/warning:")
        st.dataframe(preview_table(revised, catalogue), hide_index=True, width="stretch")
    for status, opened in (("no longer current", True), ("new", False), ("unchanged", False)):
        rows = preview[preview["status"] == status]
        if not rows.empty:
            with st.expander(f"{STATUS_WORDS[status]}: {len(rows):,}", expanded=opened):
                st.dataframe(preview_table(rows, catalogue), hide_index=True, width="stretch")


def _show_ees_preview(ees: pd.DataFrame, la_code: str) -> None:
    """What a DfE statistics file holds: measures, years, authorities and suppressed cells."""
    columns = st.columns(4)
    columns[0].metric("Published figures", f"{ees['value'].notna().sum():,}", border=True)
    columns[1].metric("Suppressed or not available", f"{(ees['symbol'] != '').sum():,}", border=True)
    columns[2].metric("Years", ", ".join(sorted(ees["period"].unique())[-3:]), border=True)
    columns[3].metric("Local authorities", ees.loc[ees["la_code"] != "", "la_code"].nunique(), border=True)
    if la_code and la_code not in set(ees["la_code"]):
        st.warning(f"The file has no figures for the authority this app reports for ({literal(la_code)}).")
    st.dataframe(ees["measure"].value_counts().rename_axis("Measure").reset_index(name="Figures"),
                 hide_index=True, width="stretch")


def save(checked: Checked, author: str, note: str, mode: str, previewed: str) -> int:
    """Store the upload as a new version; child-level lists keep only their aggregates.

    `previewed` is the store state the officer's preview was made from: if anything was saved since,
    store.StoreChanged is raised and nothing is saved.
    """
    versions = store()
    if checked.kind == "ees":
        return versions.save_version(data=checked.data, filename=checked.filename, author=author, note=note,
                                     kind="ees", source_kind="ees", mode="partial", ret=None, expected_state=previewed)
    if checked.kind in CHILD_LEVEL:
        aggregates = safe_csv(checked.ret.values.drop(columns=["period_start"]))
        kept_note = (f"{note} " if note else "") + (f"Aggregates from {checked.filename} (SHA-256 {checked.sha256}); "
                                                     "the child-level list itself was not kept.")
        return versions.save_version(data=aggregates, filename=f"{Path(checked.filename).stem} (aggregates).csv",
                                     author=author, note=kept_note, kind="return", source_kind="child_level",
                                     mode="partial", ret=checked.ret, expected_state=previewed)
    source_kind = "workbook" if checked.data.startswith(b"PK") else "csv"
    return versions.save_version(data=checked.data, filename=checked.filename, author=author, note=note,
                                 kind="return", source_kind=source_kind, mode=mode, ret=checked.ret,
                                 expected_state=previewed)
