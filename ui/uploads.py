"""The upload flow behind pages/upload.py: check a file, preview its changes, save it as a version.

Child-level lists are reduced to aggregates in memory; only the aggregates (as a CSV) are
stored as the version's file, with the original's SHA-256 in the note, so no child reference
or date of birth ever reaches the store.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

import revisions
from data_loaders import (PerformanceReturn, Problem, ReturnError, load_child_level, load_ees, load_return,
                          map_indicators, mapping_from_text, mapping_to_text, suggested_mapping)
from data_loaders.annex_a import is_annex_a
from data_loaders.files import MAX_UPLOAD_BYTES
from render.workbook import safe_csv
from ui.data import CurrentData, authority_code, setting, store
from ui.text import literal
from units import counts_text, format_value

MAX_MB = MAX_UPLOAD_BYTES // 1024 // 1024
KINDS = {
    "return": "Performance return (workbook, or a CSV of its Values sheet)",
    "annex_a": "Ofsted Annex A lists, as exported from the case-management system (workbook of List 1 to List 11)",
    "ees": "DfE published statistics (Explore Education Statistics CSV)",
    "missing_log": "Local missing episodes log (child-level list, .xlsx or .csv)",
    "ssda903_missing": "SSDA903 missing table (child-level CSV)",
    "ssda903_oc3": "SSDA903 OC3 care leavers table (child-level CSV)",
}
CHILD_LEVEL = ("annex_a", "missing_log", "ssda903_missing", "ssda903_oc3")
MAPPING_SETTING = "annex_a_mapping"
NEW_INDICATOR = ""
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


@dataclass(frozen=True)
class ListOptions:
    """How a child-level list is read: the OC3 collection year, or Annex A's extraction date and months."""

    period: str = ""
    as_at: dt.date | None = None
    months: int = 6


@st.cache_data(show_spinner="Checking the file…", max_entries=8)
def _check(data: bytes, filename: str, kind: str, options: ListOptions, token: str,
           _catalogue: pd.DataFrame) -> Checked:
    """Parse and validate an upload once per distinct content, kind, options and catalogue."""
    if kind == "return" and is_annex_a(data):
        kind = "annex_a"  # recognised by its List 1 to List 11 sheets
    try:
        if kind == "return":
            return Checked(kind, filename, data, ret=load_return(data, filename, catalogue=_catalogue))
        if kind == "ees":
            return Checked(kind, filename, data, ees=load_ees(data, dataset=Path(filename).stem))
        if kind == "annex_a":
            return Checked(kind, filename, data, ret=load_child_level(data, kind, as_at=options.as_at,
                                                                      months=options.months, filename=filename))
        return Checked(kind, filename, data, ret=load_child_level(data, kind, period=options.period or None,
                                                                  filename=filename))
    except ReturnError as error:
        return Checked(kind, filename, data, problems=error.problems)


def check(data: bytes, filename: str, kind: str, options: ListOptions, current: CurrentData) -> Checked:
    """Check an upload against the catalogue the app is showing."""
    return _check(data, filename, kind, options, current.token, current.ret.indicators)


def list_options(kind: str) -> ListOptions:
    """Ask how a child-level list is to be read, where that needs asking."""
    if kind == "ssda903_oc3":
        return ListOptions(period=st.text_input(
            "Collection year (e.g. 2025-26)", key="upload_period",
            help="OC3 has no dates of its own; leave blank to work it out from the dates of birth."))
    if kind == "annex_a":
        left, right = st.columns(2)
        as_at = left.date_input("Extracted on", value=None, key="annex_a_as_at", format="DD/MM/YYYY",
                                help="The date the lists were exported. Leave blank to take the latest date in them.")
        months = right.number_input("Months to report", min_value=1, max_value=24, value=6, step=1, key="annex_a_months",
                                    help="The calendar months ending with the export's month. Annex A holds six "
                                         "months (or twelve); each month's figures replace those of earlier exports.")
        return ListOptions(as_at=as_at, months=int(months))
    return ListOptions()


def saved_mapping(current: CurrentData) -> dict[str, str]:
    """The Annex A mapping saved by an officer (Annex A id -> the return's indicator id, "" = new)."""
    return mapping_from_text(setting(current, MAPPING_SETTING, "")) if setting(current, MAPPING_SETTING, "") else {}


def choose_mapping(checked: Checked, current: CurrentData) -> dict[str, str]:
    """The officer's choice, for each Annex A indicator in the file, of the return's indicator it is
    (only those of the same unit and aggregation are offered) or a new one; defaults: the saved
    mapping, else a suggestion from titles."""
    catalogue = current.ret.indicators
    remembered = saved_mapping(current)
    suggested = suggested_mapping(catalogue)
    chosen = {}
    st.subheader("Which of your indicators is each Annex A figure?")
    st.caption("Choose once: the choice is saved with the upload, so next month's export needs none. An Annex A "
               "figure added as new gets its own place on its dashboard.")
    for row in checked.ret.indicators.itertuples(index=False):
        fits = catalogue[(catalogue["unit"] == row.unit) & (catalogue["aggregation"] == row.aggregation)]
        options = [NEW_INDICATOR] + list(fits["indicator_id"])
        titles = dict(zip(fits["indicator_id"], fits["title"]))
        default = remembered.get(row.indicator_id, suggested.get(row.indicator_id, NEW_INDICATOR))
        chosen[row.indicator_id] = st.selectbox(
            literal(f"{row.indicator_id} {row.title}"), options, key=f"annex_a_map_{row.indicator_id}",
            index=options.index(default) if default in options else 0,
            format_func=lambda target, titles=titles: "Add as a new indicator" if target == NEW_INDICATOR
            else f"{target} {titles[target]}")
    return chosen


def mapped(checked: Checked, mapping: dict[str, str], current: CurrentData) -> Checked:
    """The upload with Annex A ids renamed to the return's own, or the problems the mapping has."""
    try:
        return dataclasses.replace(checked, ret=map_indicators(checked.ret, mapping, current.ret.indicators))
    except ReturnError as error:
        return dataclasses.replace(checked, problems=error.problems)


def remember_mapping(mapping: dict[str, str], current: CurrentData, who: str) -> None:
    """Save the Annex A mapping as a setting when it differs from the one saved."""
    if mapping != saved_mapping(current):
        store().set_setting(MAPPING_SETTING, mapping_to_text(mapping), who)


def show_notes(checked: Checked) -> None:
    """What reading the file covered, left out or could not work out (Annex A's notes), as plain sentences."""
    if checked.ret.notes:
        with st.expander(f"What the lists held: {len(checked.ret.notes)} notes", expanded=True,
                         icon=":material/info:"):
            st.markdown("\n".join(f"- {literal(note)}" for note in checked.ret.notes))


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
    if stored is None and mode == "partial":
        st.warning("Nothing has been uploaded yet (the app is showing demo data), so every figure is new, and once "
                   "this is saved the dashboards show only what it holds. Upload your return first (or "
                   "data/demo_return.xlsx, to try the app out).", icon=":material/warning:")
    elif stored is None:
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
