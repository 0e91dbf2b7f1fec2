"""Applying uploads to the current return and previewing what an upload would change."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from data_loaders.model import (COMMENTARY_COLUMNS, COMPARATOR_COLUMNS, INDICATOR_COLUMNS,
                                VALUE_COLUMNS, PerformanceReturn)
from periods import parse_period
from revisions import (apply_version, change_counts, compare_returns, overlay_commentary,
                       preview_changes)

NAN = math.nan


def make_return(values=(), indicators=(), comparators=(), commentary=(), about=None) -> PerformanceReturn:
    """A small return from tuples.

    values: (indicator_id, period, breakdown, numerator, denominator, value);
    indicators: (indicator_id, title); comparators: (indicator_id, period, england);
    commentary: (indicator_id, dashboard, period, text).
    """
    value_rows = [{"indicator_id": i, "period": p, "breakdown": b, "numerator": n, "denominator": d,
                   "value": v, "frequency": parse_period(p).frequency,
                   "period_start": pd.Timestamp(parse_period(p).start)}
                  for i, p, b, n, d, v in values]
    return PerformanceReturn(
        indicators=table([{"indicator_id": i, "title": t, "dashboard": "CSC", "dashboard_number": 1}
                          for i, t in indicators], INDICATOR_COLUMNS),
        values=table(value_rows, VALUE_COLUMNS),
        comparators=table([{"indicator_id": i, "period": p, "england": e} for i, p, e in comparators],
                          COMPARATOR_COLUMNS),
        commentary=table([{"indicator_id": i, "dashboard": d, "period": p, "text": t, "author": "officer"}
                          for i, d, p, t in commentary], COMMENTARY_COLUMNS),
        about=about or {})


def table(rows: list[dict], schema: dict[str, str]) -> pd.DataFrame:
    """Rows as a frame with every column of `schema`; text and flags not given are "" and False."""
    blanks = {name: {"str": "", "bool": False}[dtype] for name, dtype in schema.items()
              if dtype in ("str", "bool")}
    return pd.DataFrame([{**blanks, **row} for row in rows], columns=list(schema))


def value_rows(ret: PerformanceReturn) -> list[tuple]:
    """The return's values as (indicator_id, period, breakdown, value) tuples, in order."""
    return list(ret.values[["indicator_id", "period", "breakdown", "value"]].itertuples(index=False, name=None))


def preview_rows(preview: pd.DataFrame) -> list[tuple]:
    """A preview as (indicator_id, period, breakdown, status, old_value, new_value, is_past_period)."""
    columns = ["indicator_id", "period", "breakdown", "status", "old_value", "new_value", "is_past_period"]
    return [tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in row)
            for row in preview[columns].itertuples(index=False, name=None)]


APRIL_TO_MAY = make_return(
    values=[("A", "2025-04", "", 3, 10, 30.0), ("A", "2025-05", "", 4, 10, 40.0),
            ("B", "2025-04", "", NAN, NAN, 7.0)],
    indicators=[("A", "Re-referrals"), ("B", "Visits")],
    comparators=[("A", "2024-25", 21.0)],
    commentary=[("A", "", "2025-05", "Up in May"), ("", "CSC", "2025-05", "Dashboard note")],
    about={"authority": "Wokingham", "la_code": "872"})

MAY_REVISED_JUNE_ADDED = make_return(
    values=[("A", "2025-05", "", 5, 10, 50.0), ("A", "2025-06", "", 6, 10, 60.0)],
    indicators=[("A", "Re-referrals within 12 months"), ("C", "Caseloads")],
    comparators=[("A", "2024-25", 22.0)],
    commentary=[("A", "", "2025-05", "May revised")],
    about={"authority": "", "data_as_at": "2025-06-30"})


def test_partial_upsert_revises_adds_and_keeps_the_rest():
    result = apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "partial")
    # May is replaced in place, June is appended, April and B are kept.
    assert value_rows(result) == [("A", "2025-04", "", 30.0), ("A", "2025-05", "", 50.0),
                                  ("B", "2025-04", "", 7.0), ("A", "2025-06", "", 60.0)]
    assert list(result.comparators["england"]) == [22.0]
    assert list(result.commentary["text"]) == ["May revised", "Dashboard note"]


def test_complete_mode_keeps_exactly_the_incoming_tables():
    result = apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "complete")
    pd.testing.assert_frame_equal(result.values, MAY_REVISED_JUNE_ADDED.values)
    pd.testing.assert_frame_equal(result.comparators, MAY_REVISED_JUNE_ADDED.comparators)
    pd.testing.assert_frame_equal(result.commentary, MAY_REVISED_JUNE_ADDED.commentary)
    assert list(result.indicators["indicator_id"]) == ["A", "C"]


def test_first_version_applies_to_nothing():
    result = apply_version(None, APRIL_TO_MAY, "partial")
    pd.testing.assert_frame_equal(result.values, APRIL_TO_MAY.values)
    assert result.about == APRIL_TO_MAY.about


def test_about_merges_and_empty_incoming_facts_do_not_erase():
    result = apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "complete")
    assert result.about == {"authority": "Wokingham", "la_code": "872", "data_as_at": "2025-06-30"}


def test_replace_catalogue_in_partial_mode_upserts_by_indicator_id():
    result = apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "partial", catalogue_policy="replace")
    assert list(result.indicators[["indicator_id", "title"]].itertuples(index=False, name=None)) == [
        ("A", "Re-referrals within 12 months"), ("B", "Visits"), ("C", "Caseloads")]


@pytest.mark.parametrize("mode", ["complete", "partial"])
def test_fill_gaps_catalogue_only_adds_unknown_indicators(mode):
    result = apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, mode, catalogue_policy="fill_gaps")
    # A keeps the workbook's title; only C is new.
    assert list(result.indicators[["indicator_id", "title"]].itertuples(index=False, name=None)) == [
        ("A", "Re-referrals"), ("B", "Visits"), ("C", "Caseloads")]


@pytest.mark.parametrize("mode, policy", [("everything", "replace"), ("partial", "merge")])
def test_unknown_mode_or_policy_is_refused(mode, policy):
    with pytest.raises(ValueError, match="must be one of"):
        apply_version(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, mode, catalogue_policy=policy)


def test_preview_partial_lists_only_touched_values_revised_first():
    preview = preview_changes(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "partial")
    # May (ends before June, the file's latest month) is a revision of a past month.
    assert preview_rows(preview) == [("A", "2025-05", "", "revised", 40.0, 50.0, True),
                                     ("A", "2025-06", "", "new", "nan", 60.0, False)]
    assert list(preview[["old_numerator", "new_numerator"]].iloc[0]) == [4.0, 5.0]
    assert change_counts(preview) == {"revised": 1, "new": 1}


def test_preview_complete_marks_missing_values_no_longer_current():
    preview = preview_changes(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED, "complete")
    assert preview_rows(preview) == [
        ("A", "2025-05", "", "revised", 40.0, 50.0, True),
        ("A", "2025-04", "", "no longer current", 30.0, "nan", True),
        ("B", "2025-04", "", "no longer current", 7.0, "nan", True),
        ("A", "2025-06", "", "new", "nan", 60.0, False)]
    assert change_counts(preview) == {"revised": 1, "no longer current": 2, "new": 1}


def test_preview_revision_of_the_latest_month_is_not_past():
    current = make_return(values=[("A", "2025-06", "", 1, 2, 50.0)])
    incoming = make_return(values=[("A", "2025-06", "", 1, 4, 25.0), ("A", "2025-05", "", 1, 4, 25.0)])
    assert preview_rows(preview_changes(current, incoming, "partial")) == [
        ("A", "2025-06", "", "revised", 50.0, 25.0, False),
        ("A", "2025-05", "", "new", "nan", 25.0, False)]


@pytest.mark.parametrize("latest_month, past", [("2025-06", False), ("2025-07", True)])
def test_a_quarter_is_past_only_once_its_last_month_is(latest_month, past):
    # 2025-26 Q1 is April to June 2025.
    current = make_return(values=[("Q", "2025-26 Q1", "", 1, 2, 50.0)])
    incoming = make_return(values=[("Q", "2025-26 Q1", "", 1, 4, 25.0), ("M", latest_month, "", 1, 1, 1.0)])
    revised = preview_changes(current, incoming, "partial").iloc[0]
    assert (revised["status"], bool(revised["is_past_period"])) == ("revised", past)


@pytest.mark.parametrize("old, new, status", [
    (100.0, 100.0 * (1 + 1e-10), "unchanged"),   # within 1e-9 relative
    (100.0, 100.0 * (1 + 1e-8), "revised"),
    (0.0, 0.0, "unchanged"),
    (0.0, 1e-300, "revised"),                    # relative tolerance only: any change from 0 counts
    (NAN, NAN, "unchanged"),                     # NaN equals NaN
    (NAN, 0.0, "revised"),
    (5.0, NAN, "revised"),
])
def test_preview_compares_numbers_with_relative_tolerance(old, new, status):
    current = make_return(values=[("A", "2025-04", "", 1, 1, old)])
    incoming = make_return(values=[("A", "2025-04", "", 1, 1, new)])
    assert preview_changes(current, incoming, "partial")["status"].tolist() == [status]


def test_a_changed_numerator_alone_is_a_revision():
    current = make_return(values=[("A", "2025-04", "boys", 3, 10, 30.0)])
    incoming = make_return(values=[("A", "2025-04", "boys", 4, 10, 30.0)])
    preview = preview_changes(current, incoming, "partial")
    assert preview_rows(preview) == [("A", "2025-04", "boys", "revised", 30.0, 30.0, False)]


def test_preview_columns_and_types():
    preview = preview_changes(None, APRIL_TO_MAY, "complete")
    assert list(preview.columns) == [
        "indicator_id", "period", "breakdown", "status", "old_value", "new_value", "old_numerator",
        "new_numerator", "old_denominator", "new_denominator", "is_past_period"]
    assert preview["is_past_period"].dtype == bool and preview["status"].dtype == "str"
    assert change_counts(preview) == {"new": 3}


def test_compare_returns_uses_removed_for_values_gone():
    comparison = compare_returns(APRIL_TO_MAY, MAY_REVISED_JUNE_ADDED)
    assert change_counts(comparison) == {"revised": 1, "removed": 2, "new": 1}
    assert compare_returns(APRIL_TO_MAY, APRIL_TO_MAY)["status"].tolist() == ["unchanged"] * 3


def test_overlay_commentary_latest_text_wins_and_empty_text_hides():
    stamp = pd.Timestamp
    from_returns = pd.DataFrame({
        "indicator_id": ["A", "B", "C"], "dashboard": "", "period": "2025-05",
        "text": ["return A", "return B", "return C"], "author": "workbook",
        "saved_at": [stamp("2025-06-01", tz="UTC")] * 3})
    edits = pd.DataFrame({
        "indicator_id": ["A", "B", "C", "D"], "dashboard": "", "period": "2025-05",
        "text": ["edit A", "", "edit C (older)", "edit D"], "author": "officer",
        "saved_at": [stamp("2025-06-02", tz="UTC"), stamp("2025-06-02", tz="UTC"),
                     stamp("2025-05-30", tz="UTC"), stamp("2025-06-01", tz="UTC")]})
    overlaid = overlay_commentary(from_returns, edits)
    # A: edit is newer; B: newer empty edit hides it; C: the return is newer; D: edit only.
    assert list(overlaid[["indicator_id", "text"]].itertuples(index=False, name=None)) == [
        ("A", "edit A"), ("C", "return C"), ("D", "edit D")]
