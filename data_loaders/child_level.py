"""Child-level lists turned into aggregate indicator values for dashboards 6 and 7.

Reads the DfE SSDA903 `missing` and `OC3` tables and a council's own missing-from-home log,
checks every row, and returns only monthly aggregates (counts, medians, percentages with
their numerators and denominators). Child references and dates of birth are used in memory
to count children and work out ages; they never reach an output table, a problem message,
an exception or a log. A problem names the row and column, never a cell's contents (a shifted
column would otherwise put a child's reference or date of birth in the message).
Definitions: docs/child-level-lists.md.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from data_loaders.files import normalise_name, read_bytes, read_csv_rows, read_workbook, sniff_format
from data_loaders.model import INDICATOR_COLUMNS, VALUE_COLUMNS, PerformanceReturn, Problem, ReturnError, conform
from periods import Period, financial_year_label, month_range, parse_period
from units import derive_value

KINDS = ("ssda903_missing", "ssda903_oc3", "missing_log", "annex_a")
MISSING_DASHBOARD = ("7 Missing from Home and Care", 7)
CARE_LEAVERS_DASHBOARD = ("6 Care Leavers", 6)
EARLY_HELP_DASHBOARD = ("2 Early Help", 2)
FRONT_DOOR_DASHBOARD = ("3 Children's Social Care Front Door", 3)
CHILD_PROTECTION_DASHBOARD = ("4 Child Protection", 4)
CHILDREN_IN_CARE_DASHBOARD = ("5 Children in Care", 5)

DURATION_BANDS = ("Under 24 hours", "1 to 7 days", "Over 7 days", "Still missing")
CARE_LEAVER_AGE_GROUPS = {17: "17-18", 18: "17-18", 19: "19-21", 20: "19-21", 21: "19-21"}
EARLIEST_EVENT = pd.Timestamp(2000, 1, 1)
RHI_DEADLINE = pd.Timedelta(hours=72)

# SSDA903 OC3 code lists: IN_TOUCH and ACTIV as DfE validation rules 131 and 132 (activity codes
# F4/F5/P4/P5 split apprenticeships out of F3/P3 in later years); ACCOM as rule 133, where the
# letter is the type and the digit 1 suitable / 2 unsuitable (no fixed abode and custody are
# never suitable, so S1 and X1 do not exist); 0 = not in touch, died or returned home.
IN_TOUCH_CODES = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
IN_EDUCATION_EMPLOYMENT_TRAINING = ("F1", "F2", "F3", "F4", "F5", "P1", "P2", "P3", "P4", "P5")
NOT_IN_EDUCATION_EMPLOYMENT_TRAINING = ("G4", "G5", "G6")
ACTIV_CODES = IN_EDUCATION_EMPLOYMENT_TRAINING + NOT_IN_EDUCATION_EMPLOYMENT_TRAINING + ("0",)
ACCOM_CODES = ("0",) + tuple(sorted({f"{letter}{digit}" for letter in "BCDEGHKRTUVWYZ" for digit in "12"}
                                     | {"S2", "X2"}))
LEFT_OUT_OF_CARE_LEAVER_COUNTS = ("DIED", "RHOM")   # DfE excludes these from every care leaver figure
SUITABILITY_UNKNOWN = ("G", "H", "R")               # gone abroad, deported, residence not known
BED_AND_BREAKFAST = "W"

MISSING_CODES = {"M": "Missing", "A": "Away without authorisation"}
SETTINGS = {"home": "From home", "care": "From care"}

# Canonical column -> (names accepted after normalise_name, required?)
COLUMNS = {
    "ssda903_missing": {"child": (("child",), True), "dob": (("dob",), False), "missing": (("missing",), True),
                        "start": (("mis_start",), True), "end": (("mis_end",), True)},
    "ssda903_oc3": {"child": (("child",), True), "dob": (("dob",), True), "in_touch": (("in_touch",), True),
                    "activ": (("activ",), True), "accom": (("accom",), True)},
    "missing_log": {"child": (("child_ref",), True), "start": (("start", "mis_start"), True),
                    "end": (("end", "mis_end"), True), "setting": (("setting",), True),
                    "rhi_offered": (("rhi_offered",), False), "rhi_completed": (("rhi_completed",), False)},
}
DEFAULT_SHEET_NAMES = {"ssda903_missing": "SSDA903 missing table", "ssda903_oc3": "SSDA903 OC3 table",
                       "missing_log": "Missing log"}

_SSDA903_MISSING_NOTE = ("From the SSDA903 missing table every child is looked after (in care): breakdowns "
                         "'Missing' (MISSING = M) and 'Away without authorisation' (MISSING = A). From the "
                         "local missing log: breakdowns 'From home' and 'From care'.")
# Columns every catalogue row shares: these definitions set no target or tolerance.
_UNSET = {"target": math.nan, "amber_tolerance": math.nan, "rolling_12_months": False, "spc_rebase": ""}
_MONTH_RULE = "An incident counts in the month it started, even if it ended in a later month."
_OC3_COHORT = ("Care leavers are the young people in the SSDA903 OC3 table (information collected around "
               "their 17th to 21st birthday in the collection year), leaving out, as DfE does, those who "
               "died (IN_TOUCH = DIED) or returned home to parents for 6 months or more (RHOM). Breakdowns "
               "by age at 31 March, the end of the collection year: '17-18' and '19-21'. Numerator: young "
               "people; denominator: care leavers in the group.")


_MISSING_COMPARATOR = ("DfE publishes missing figures for looked-after children only (Children looked after "
                       "in England, missing or away from placement without authorisation).")
_INTERVIEW_COMPARATOR = "No national comparator: DfE does not collect return home interviews."


def _missing_row(indicator_id, title, definition, unit, polarity, aggregation, source,
                 comparator_note=_MISSING_COMPARATOR):
    """One catalogue row of dashboard 7."""
    return {**_UNSET, "indicator_id": indicator_id, "dashboard": MISSING_DASHBOARD[0],
            "dashboard_number": MISSING_DASHBOARD[1], "title": title, "definition": definition, "unit": unit,
            "polarity": polarity, "aggregation": aggregation, "source": source, "comparator_note": comparator_note}


def _care_leaver_row(indicator_id, title, definition, polarity):
    """One catalogue row of dashboard 6 (all percentages of care leavers, latest year shown)."""
    return {**_UNSET, "indicator_id": indicator_id, "dashboard": CARE_LEAVERS_DASHBOARD[0],
            "dashboard_number": CARE_LEAVERS_DASHBOARD[1], "title": title,
            "definition": f"{definition} {_OC3_COHORT}", "unit": "percent", "polarity": polarity,
            "aggregation": "last", "source": "SSDA903 OC3 table (care leavers)",
            "comparator_note": "DfE publishes these for 17 to 18 and 19 to 21 year olds by local authority "
                               "(Children looked after in England including adoptions: care leavers)."}


# Ofsted Annex A: definitions of the indicators data_loaders/annex_a.py works out (docs/child-level-lists.md).
WORKING_DAY_RULE = ("Working days are Monday to Friday except bank holidays in England and Wales (the `holidays` "
                    "package, England); the day after the start is working day 1, so an end on the same day is "
                    "day 0.")
_FLOW_RULE = "Counted in the month of the named date; a quarter or year adds up its months."
_SHARE_RULE = ("Numerator and denominator are kept, so a quarter or year adds both up over its months. Rows with "
               "the needed field blank or #N/A are left out of numerator and denominator (the upload preview "
               "says how many).")
_AT_EXTRACTION = ("Worked out only for the month of the extraction date (as_at), from the list as it stood on that "
                  "date; each new export adds its own month.")
ANNEX_A_CARE_LEAVER_COHORT = (
    "Care leavers are the young people in List 9 whose eligibility category is relevant or former relevant child, "
    "aged 17 to 21 on the extraction date (from the date of birth, or the age column where the date of birth is "
    "blank), leaving out, as DfE does, those who died or returned home to parents for 6 months or more (LA in touch "
    "'Died' or 'RHOM'). Qualifying care leavers, eligible children (still in care) and those aged 22 or over are "
    "left out, as they are not in DfE's care leaver cohort. Breakdowns by age on the extraction date: '17-18' and "
    "'19-21', DfE's published groups. DfE's figures describe each young person around their birthday in the year "
    "to 31 March; these describe them on the extraction date.")
_NO_EARLY_HELP_RETURN = ("No national comparator: there is no statutory return for Early Help, so DfE publishes no "
                         "figures to compare with.")
_CIN_YEAR = ("DfE's figure is for the year to 31 March (Characteristics of children in need); these are monthly, so "
             "compare the year to March.")


def _annex_a_row(indicator_id, dashboard, title, definition, unit, polarity, aggregation, list_name, comparator_note):
    """One catalogue row of an indicator worked out from Ofsted's Annex A lists."""
    return {**_UNSET, "indicator_id": indicator_id, "dashboard": dashboard[0], "dashboard_number": dashboard[1],
            "title": title, "definition": definition, "unit": unit, "polarity": polarity,
            "aggregation": aggregation, "source": f"Ofsted Annex A, {list_name}", "comparator_note": comparator_note}


ANNEX_A_ROWS = [
    _annex_a_row("AA01", FRONT_DOOR_DASHBOARD, "Contacts to children's social care",
                 f"Number of contacts (rows of List 1) by Date of Contact. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 1 (contacts)",
                 "No national comparator: contacts are in no statutory return (the children in need census starts "
                 "at referral), so DfE publishes no figures to compare with."),
    _annex_a_row("AA02", EARLY_HELP_DASHBOARD, "Early Help assessments started",
                 f"Number of Early Help assessments (rows of List 2) by assessment start date. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 2 (Early Help assessments)", _NO_EARLY_HELP_RETURN),
    _annex_a_row("AA03", EARLY_HELP_DASHBOARD, "Early Help assessments completed",
                 f"Number of Early Help assessments (rows of List 2) by assessment completion date. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 2 (Early Help assessments)", _NO_EARLY_HELP_RETURN),
    _annex_a_row("AA04", FRONT_DOOR_DASHBOARD, "Referrals to children's social care",
                 f"Number of referrals (rows of List 3) by Date of Referral. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 3 (referrals)",
                 f"DfE publishes referrals in table C1. {_CIN_YEAR}"),
    _annex_a_row("AA05", FRONT_DOOR_DASHBOARD, "Re-referrals within 12 months",
                 "Of the referrals in the month (by Date of Referral) whose 'Number of Referrals in Last 12 Months' "
                 "is given, the percentage where it is 2 or more: the field counts the referral itself, so 2 or more "
                 f"means at least one earlier referral in the 12 months before. {_SHARE_RULE}",
                 "percent", "lower_is_better", "sum", "List 3 (referrals)",
                 "DfE, table C1: referrals within 12 months of a previous referral. " + _CIN_YEAR),
    _annex_a_row("AA06", FRONT_DOOR_DASHBOARD, "Referrals with no further action",
                 "Of the referrals in the month (by Date of Referral) with 'Referral NFA?' answered, the percentage "
                 f"answered yes. {_SHARE_RULE}",
                 "percent", "neutral", "sum", "List 3 (referrals)",
                 "DfE, table C1: referrals resulting in no further action. " + _CIN_YEAR),
    _annex_a_row("AA07", FRONT_DOOR_DASHBOARD, "Assessments completed within 45 working days",
                 "Of the assessments authorised in the month (by Continuous Assessment Date of Authorisation), the "
                 "percentage authorised no more than 45 working days after the assessment start date. "
                 f"{WORKING_DAY_RULE} {_SHARE_RULE}",
                 "percent", "higher_is_better", "sum", "List 4 (assessments)",
                 "DfE publishes assessments completed within 45 working days for the year to 31 March "
                 "(Characteristics of children in need); that table is not among the bundled extracts."),
    _annex_a_row("AA08", CHILD_PROTECTION_DASHBOARD, "Section 47 enquiries started",
                 "Number of section 47 enquiries (rows of List 5) by the date of the strategy discussion that "
                 f"started them. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 5 (section 47 enquiries)",
                 "DfE publishes section 47 enquiries for the year to 31 March (Characteristics of children in "
                 "need); that table is not among the bundled extracts."),
    _annex_a_row("AA09", CHILD_PROTECTION_DASHBOARD, "Initial child protection conferences within 15 working days",
                 "Of the initial child protection conferences held in the month (by Date of Initial Child "
                 "Protection Conference), the percentage held no more than 15 working days after the strategy "
                 f"discussion. {WORKING_DAY_RULE} {_SHARE_RULE}",
                 "percent", "higher_is_better", "sum", "List 5 (section 47 enquiries)",
                 "DfE publishes conferences within 15 working days for the year to 31 March (Characteristics of "
                 "children in need); that table is not among the bundled extracts."),
    _annex_a_row("AA10", CHILD_PROTECTION_DASHBOARD, "Child protection plans started",
                 f"Number of child protection plans (rows of List 7) by Child Protection Plan Start Date. {_FLOW_RULE}",
                 "count", "neutral", "sum", "List 7 (child protection plans)",
                 "DfE publishes plans started in the year to 31 March (table D3, as the denominator of second or "
                 "subsequent plans); a count depends on the authority's size, so it is not mapped."),
    _annex_a_row("AA11", CHILD_PROTECTION_DASHBOARD, "Child protection plans that were a second or subsequent plan",
                 "Of the child protection plans started in the month (by Child Protection Plan Start Date) with "
                 "'Number of Previous Child Protection Plans' given, the percentage where it is 1 or more. "
                 f"{_SHARE_RULE}",
                 "percent", "lower_is_better", "sum", "List 7 (child protection plans)",
                 "DfE, table D3: plans starting in the year that were a second or subsequent plan (at any time). "
                 + _CIN_YEAR),
    _annex_a_row("AA12", CHILD_PROTECTION_DASHBOARD, "Children subject to a child protection plan",
                 "Number of children on a child protection plan at the end of the month: plan started on or before "
                 "the month's last day and not ended by then (no end date, or an end date after it). A child with "
                 "two such rows counts once. A quarter or year shows its last month.",
                 "count", "neutral", "last", "List 7 (child protection plans)",
                 "DfE publishes children on a plan at 31 March (table D5, all plans); a count depends on the "
                 "authority's size, so it is not mapped."),
    _annex_a_row("AA13", CHILD_PROTECTION_DASHBOARD, "Child protection plans open 2 years or more",
                 "Of the children on a plan at the end of the month (as AA12), the percentage whose plan started two "
                 "years or more before the month's last day. Numerator and denominator are children; a quarter or "
                 "year shows its last month.",
                 "percent", "lower_is_better", "last", "List 7 (child protection plans)",
                 "DfE, table D5: plans open at 31 March that had lasted 2 years or more. DfE's figure is at 31 "
                 "March only; compare March."),
    _annex_a_row("AA14", CHILDREN_IN_CARE_DASHBOARD, "Children in care",
                 "Number of children looked after at the end of the month: started to be looked after on or before "
                 "the month's last day and not ceased by then (no date ceased, or a date after it). A child with "
                 "two such rows counts once. A quarter or year shows its last month.",
                 "count", "neutral", "last", "List 8 (children in care)",
                 "DfE publishes children looked after at 31 March (Children looked after in England); a count "
                 "depends on the authority's size, so it is not mapped."),
    _annex_a_row("AA15", CHILDREN_IN_CARE_DASHBOARD, "Children in care with 3 or more placements in 12 months",
                 "Of the children in care on the extraction date (as AA14) with 'Number of Placements in the Last "
                 "12 Months' given, the percentage with 3 or more. " + _AT_EXTRACTION,
                 "percent", "lower_is_better", "last", "List 8 (children in care)",
                 "DfE: children looked after at 31 March with 3 or more placements during the year (1 April to 31 "
                 "March); Annex A counts placements in the 12 months to the extraction date. Compare March."),
    _annex_a_row("AA16", CARE_LEAVERS_DASHBOARD, "Care leavers the council is in touch with",
                 "Percentage of care leavers with 'LA in Touch' yes. " + _AT_EXTRACTION + " "
                 + ANNEX_A_CARE_LEAVER_COHORT,
                 "percent", "higher_is_better", "last", "List 9 (care leavers)",
                 "DfE publishes whether authorities are in touch with care leavers (Children looked after in "
                 "England: care leavers); that table is not among the bundled extracts."),
    _annex_a_row("AA17", CARE_LEAVERS_DASHBOARD, "Care leavers in education, employment or training",
                 "Percentage of care leavers whose activity status is education, employment or training, full or "
                 "part time (F1 to F5, P1 to P5). A blank activity counts as not known and stays in the "
                 "denominator, as DfE's 'information not known' does. " + _AT_EXTRACTION + " "
                 + ANNEX_A_CARE_LEAVER_COHORT,
                 "percent", "higher_is_better", "last", "List 9 (care leavers)",
                 "DfE: care leavers' activity, by age group 17 to 18 and 19 to 21 (the total is mapped to 19 to 21, "
                 "DfE's headline), for the year to 31 March."),
    _annex_a_row("AA18", CARE_LEAVERS_DASHBOARD, "Care leavers in suitable accommodation",
                 "Percentage of care leavers whose accommodation is suitable. As DfE does, the denominator leaves "
                 "out those gone abroad (G), deported (H) or whose residence is not known (R); a blank suitability "
                 "counts as no information and stays in the denominator. " + _AT_EXTRACTION + " "
                 + ANNEX_A_CARE_LEAVER_COHORT,
                 "percent", "higher_is_better", "last", "List 9 (care leavers)",
                 "DfE: care leavers' accommodation suitability, by age group 17 to 18 and 19 to 21 (the total is "
                 "mapped to 19 to 21), for the year to 31 March."),
]


_MISSING_SOURCE = "SSDA903 missing table or local missing log"
_LOG_SOURCE = "Local missing log (return home interviews)"
CHILD_LEVEL_CATALOGUE = conform(pd.DataFrame([
    _missing_row("MFH01", "Missing incidents",
                 f"Number of missing incidents that started in the month. {_MONTH_RULE} {_SSDA903_MISSING_NOTE}",
                 "count", "lower_is_better", "sum", _MISSING_SOURCE),
    _missing_row("MFH02", "Children who went missing",
                 "Number of different children with at least one missing incident that started in the month. "
                 "A child counts once in each month in which one of their incidents started, so a quarter or "
                 "year (the sum of its months) counts a child once for every month they went missing. A child "
                 "in both breakdowns counts once in each and once in the total, so breakdowns need not add up "
                 f"to the total. {_SSDA903_MISSING_NOTE}",
                 "count", "lower_is_better", "sum", _MISSING_SOURCE),
    _missing_row("MFH03", "Children missing more than once in the month",
                 "Number of children with two or more missing incidents that started in the month (in a "
                 f"breakdown: two or more incidents of that kind). {_SSDA903_MISSING_NOTE}",
                 "count", "lower_is_better", "sum", _MISSING_SOURCE),
    _missing_row("MFH04", "Incidents per child who went missing",
                 "Missing incidents that started in the month (numerator) divided by the number of different "
                 f"children they involved (denominator). {_SSDA903_MISSING_NOTE}",
                 "number", "neutral", "sum", _MISSING_SOURCE),
    _missing_row("MFH05", "Missing incidents by duration",
                 "Missing incidents that started in the month by length, end minus start: 'Under 24 hours' "
                 "less than 24 hours; '1 to 7 days' 24 hours or more and no more than 168 hours (7 x 24); "
                 "'Over 7 days' more than 168 hours; 'Still missing' no end recorded. The total is every "
                 "incident that started in the month. Where only dates are recorded (as in SSDA903), a date "
                 "counts as midnight, so lengths are whole days and an incident ending the next day counts "
                 f"as 24 hours. {_MONTH_RULE}",
                 "count", "neutral", "sum", _MISSING_SOURCE),
    _missing_row("MFH06", "Median length of a missing incident (hours)",
                 "Median hours from start to end of the incidents that started in the month and have ended; "
                 "incidents still missing are left out, and there is no value for a month in which none has "
                 "ended. Where only dates are recorded (as in SSDA903), lengths are whole days (24-hour steps). "
                 "Medians cannot be added up, so quarter and year views show the latest month's median. "
                 f"{_SSDA903_MISSING_NOTE}",
                 "number", "neutral", "last", _MISSING_SOURCE),
    _missing_row("MFH07", "Return home interviews completed within 72 hours of return",
                 "Of the incidents that started in the month and have ended (the child returned), the "
                 "percentage with a return home interview completed no more than 72 hours after the return "
                 "(a date without a time counts as midnight). Numerator: those interviews; denominator: "
                 "returned incidents. Local missing log only; breakdowns 'From home' and 'From care'.",
                 "percent", "higher_is_better", "sum", _LOG_SOURCE, _INTERVIEW_COMPARATOR),
    _missing_row("MFH08", "Return home interviews offered",
                 "Of the incidents that started in the month and have ended (the child returned), the "
                 "percentage with a date recorded for the offer of a return home interview. Numerator: "
                 "returned incidents with an offer date; denominator: returned incidents. Local missing log "
                 "only; breakdowns 'From home' and 'From care'.",
                 "percent", "higher_is_better", "sum", _LOG_SOURCE, _INTERVIEW_COMPARATOR),
    _care_leaver_row("CL01", "Care leavers in touch",
                     "Percentage of care leavers the local authority is in touch with (IN_TOUCH = YES).",
                     "higher_is_better"),
    _care_leaver_row("CL02", "Care leavers in education, employment or training (EET)",
                     "Percentage of care leavers in education, employment or training, full or part time "
                     "(ACTIV F1 to F5 or P1 to P5). Activity not known (0) stays in the denominator.",
                     "higher_is_better"),
    _care_leaver_row("CL03", "Care leavers in suitable accommodation",
                     "Percentage of care leavers whose accommodation is suitable (ACCOM ending in 1). As DfE "
                     "does, the denominator also leaves out those gone abroad (G), deported (H) or whose "
                     "residence is not known (R), whose suitability is unknown; no information (0) stays in.",
                     "higher_is_better"),
    _care_leaver_row("CL04", "Care leavers not in education, employment or training (NEET)",
                     "Percentage of care leavers not in education, employment or training because of illness "
                     "or disability (ACTIV G4), other circumstances (G5) or pregnancy or parenting (G6). "
                     "Activity not known (0) stays in the denominator.",
                     "lower_is_better"),
    _care_leaver_row("CL05", "Care leavers in bed and breakfast",
                     "Percentage of care leavers living in bed and breakfast accommodation (ACCOM W1 or W2).",
                     "lower_is_better"),
    *ANNEX_A_ROWS,
]), INDICATOR_COLUMNS)


@dataclass
class _Table:
    """The cells of one sheet or CSV file: where problems are reported and which column holds what."""

    sheet: str
    header: list[object]
    rows: list[tuple[int, list[object]]]          # (spreadsheet row number, cells), blank rows left out
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: int | None, key: str | None, message: str) -> None:
        """Note a problem in `row` and the column holding `key` (as the file names it)."""
        self.problems.append(Problem(self.sheet, row, self.headers.get(key, key), message))

    def cell(self, cells: list[object], key: str) -> object:
        """The raw cell of `key`, or "" when the column is absent or the row is short."""
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""


def load_child_level(source, kind: str, *, period=None, filename: str | None = None, as_at=None,
                     months: int = 6) -> PerformanceReturn:
    """Aggregate indicator values from a child-level list (`kind` one of KINDS).

    `source` is a path, bytes or a binary file-like object: CSV or .xlsx (first sheet), header in
    row 1. `period` limits missing incidents to those starting in it, and names the OC3 collection
    year (a financial year like `2017-18`, or any month in it). `annex_a` reads an Ofsted Annex A
    workbook instead (data_loaders.annex_a.load_annex_a): `as_at` is its extraction date (default the
    latest event date) and `months` how many months up to it to report; `period` does not apply.
    Raises ReturnError listing every problem at once; raises ValueError for an unknown `kind`.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "annex_a":
        if period is not None:
            raise ValueError("period does not apply to Annex A: give as_at (the extraction date) and months")
        from data_loaders.annex_a import load_annex_a  # annex_a builds on this module's definitions
        return load_annex_a(source, as_at=as_at, months=months, filename=filename)
    if as_at is not None:
        raise ValueError("as_at applies to Annex A only: give period for the other child-level lists")
    data, found_name = read_bytes(source)
    table = _read_table(data, filename or found_name, DEFAULT_SHEET_NAMES[kind])
    chosen = _read_period(period, table)
    _locate_columns(table, COLUMNS[kind])
    _raise_if_any(table)
    if kind == "ssda903_oc3":
        leavers = _read_care_leavers(table)
        year = _collection_year(leavers, chosen, table)
        _raise_if_any(table)
        values = _care_leaver_values(leavers, year)
    else:
        groups = tuple((MISSING_CODES if kind == "ssda903_missing" else SETTINGS).values())
        interview_columns = {"rhi_offered", "rhi_completed"} & set(table.columns)
        incidents = _read_incidents(table, kind)
        _raise_if_any(table)
        values = _missing_values(incidents, chosen, groups, interview_columns)
    produced = set(values["indicator_id"])
    indicators = CHILD_LEVEL_CATALOGUE[CHILD_LEVEL_CATALOGUE["indicator_id"].isin(produced)]
    return PerformanceReturn(indicators=indicators, values=values)


def _raise_if_any(table: _Table) -> None:
    """Stop with every problem noted so far, in row order."""
    if table.problems:
        raise ReturnError(sorted(table.problems, key=lambda problem: problem.row or 0))


def _read_table(data: bytes, name: str, default_sheet: str) -> _Table:
    """The rows of a CSV file or of a workbook's first sheet, numbered as in a spreadsheet."""
    if sniff_format(data, name) == "xlsx":
        sheet = next(iter(read_workbook(data, name).values()), None)
        sheet_name, raw_rows = (sheet.name, sheet.rows) if sheet else (name or default_sheet, [])
    else:
        sheet_name, raw_rows = name or default_sheet, read_csv_rows(data)
    return _Table(sheet_name, raw_rows[0] if raw_rows else [],
                  [(number, cells) for number, cells in enumerate(raw_rows[1:], start=2)
                   if any(_text(cell) for cell in cells)])


def _locate_columns(table: _Table, spec: dict[str, tuple[tuple[str, ...], bool]]) -> None:
    """Find each wanted column by name, case- and space-insensitively; note the required ones missing."""
    positions = {}
    for index, header in enumerate(table.header):
        positions.setdefault(normalise_name(_text(header)), (index, _text(header)))
    required_names = ", ".join(names[0] for names, required in spec.values() if required)
    for key, (names, required) in spec.items():
        match = next((positions[name] for name in names if name in positions), None)
        if match is not None:
            table.columns[key], table.headers[key] = match
        elif required:
            also = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
            table.problems.append(Problem(table.sheet, 1, names[0], f"the column '{names[0]}'{also} is missing: "
                                                                    f"row 1 must name the columns {required_names}"))


def _read_period(period, table: _Table) -> Period | None:
    """The `period` argument as a Period, or None; a bad one becomes a problem."""
    if period is None or (isinstance(period, str) and not period.strip()):
        return None
    try:
        return parse_period(period)
    except ValueError as error:
        table.problems.append(Problem(table.sheet, None, None, f"the period: {error}"))
        return None


def _text(cell: object) -> str:
    """A cell as trimmed text; whole numbers from Excel lose their `.0`."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).replace("\xa0", " ").strip()


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$")


def parse_when(cell: object) -> pd.Timestamp | None:
    """A date with optional time from an Excel date cell, `dd/mm/yyyy [hh:mm]` or `yyyy-mm-dd [hh:mm]`.

    None when the cell is not such a date. A date without a time is midnight at its start.
    """
    if isinstance(cell, (dt.datetime, dt.date)):
        return pd.Timestamp(cell)
    text = _text(cell)
    if match := _DMY.match(text):
        day, month_number, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _YMD.match(text):
        year, month_number, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    hour, minute, second = (int(part or 0) for part in match.groups()[3:6])
    try:
        return pd.Timestamp(dt.datetime(year, month_number, day, hour, minute, second))
    except ValueError:
        return None


def _date(table: _Table, number: int, cells: list[object], key: str, what: str, *,
          required: bool, with_time: bool = True, earliest: pd.Timestamp | None = EARLIEST_EVENT,
          now: pd.Timestamp) -> pd.Timestamp | None:
    """The date in `key`, or None (blank or bad; a bad or required-but-blank one is a problem, which
    names the row and column but never repeats the cell)."""
    raw = table.cell(cells, key)
    if not _text(raw):
        if required:
            table.problem(number, key, f"the {what} is blank")
        return None
    when = parse_when(raw)
    if when is None:
        hint = "dd/mm/yyyy, optionally with hh:mm" if with_time else "dd/mm/yyyy"
        table.problem(number, key, f"the {what} is not a date: use {hint}")
    elif when > now:
        table.problem(number, key, f"the {what} is in the future")
    elif earliest is not None and when < earliest:
        table.problem(number, key, f"the {what} is before {earliest.year}")
    else:
        return when
    return None


def _code(table: _Table, number: int, cells: list[object], key: str, allowed, what: str) -> str | None:
    """The code in `key` as spelt in `allowed` (matched case-insensitively), or None with a problem."""
    raw = _text(table.cell(cells, key))
    code = {code.upper(): code for code in allowed}.get(raw.upper())
    if not raw:
        table.problem(number, key, f"the {what} is blank: use one of {', '.join(allowed)}")
    elif code is None:
        table.problem(number, key, f"the {what} code is not valid: use one of {', '.join(allowed)}")
    return code


def _child(table: _Table, number: int, cells: list[object]) -> str | None:
    """The child reference (kept in memory only), or None with a problem if blank."""
    child = _text(table.cell(cells, "child"))
    if not child:
        table.problem(number, "child", "the child reference is blank")
    return child or None


def _read_incidents(table: _Table, kind: str) -> pd.DataFrame:
    """One row per valid missing incident: child, start, end, group, rhi_offered, rhi_completed."""
    now = pd.Timestamp.now()
    groups = MISSING_CODES if kind == "ssda903_missing" else SETTINGS
    group_key, group_what = ("missing", "MISSING") if kind == "ssda903_missing" else ("setting", "setting")
    first_row_of = {}
    incidents = []
    for number, cells in table.rows:
        child = _child(table, number, cells)
        start = _date(table, number, cells, "start", "start", required=True, now=now)
        end = _date(table, number, cells, "end", "end", required=False, now=now)
        group = _code(table, number, cells, group_key, tuple(groups), group_what)
        offered = _date(table, number, cells, "rhi_offered", "return home interview offer date",
                        required=False, now=now)
        completed = _date(table, number, cells, "rhi_completed", "return home interview completion date",
                          required=False, now=now)
        if start is not None and end is not None and end < start:
            table.problem(number, "end", "the end is before the start")
        if completed is not None and _text(table.cell(cells, "end")) == "":
            table.problem(number, "rhi_completed",
                          "a return home interview is recorded as completed but no return (end) is recorded")
        elif completed is not None and end is not None and completed < end:
            table.problem(number, "rhi_completed", "the return home interview was completed before the return "
                                                   "(the end)")
        if child is not None and start is not None:
            first = first_row_of.setdefault((child, start), number)
            if first != number:
                table.problem(number, "child", f"the same incident (same child and start) is already on row {first}")
        incidents.append({"child": child, "start": start, "end": end, "group": groups.get(group, ""),
                          "rhi_offered": offered, "rhi_completed": completed})
    frame = pd.DataFrame(incidents, columns=["child", "start", "end", "group", "rhi_offered", "rhi_completed"])
    for column in ("start", "end", "rhi_offered", "rhi_completed"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _missing_values(incidents: pd.DataFrame, period: Period | None, groups: tuple[str, ...],
                    interview_columns: set[str]) -> pd.DataFrame:
    """Monthly MFH rows: a total and each breakdown, for every month from the first incident to the last
    (months between with no incident get zero counts); only incidents starting in `period` if given."""
    starts = incidents["start"]
    if period is not None:
        first, last = period.months()[0].start, period.end_month.shift(1).start
        incidents = incidents[(starts >= pd.Timestamp(first)) & (starts < pd.Timestamp(last))]
    if incidents.empty:
        return _value_table([])
    month_of = incidents["start"].map(lambda when: Period(when.year, when.month))
    rows = []
    for month in month_range(month_of.min(), month_of.max()):
        in_month = incidents[month_of == month]
        rows += _incident_rows(month, "", in_month, interview_columns)
        rows += _duration_rows(month, in_month)
        for group in groups:
            rows += _incident_rows(month, group, in_month[in_month["group"] == group], interview_columns)
    return _value_table(rows)


def _value_table(rows: list[dict]) -> pd.DataFrame:
    """Values rows as a table with every values column, even when there are none."""
    return pd.DataFrame(rows, columns=list(VALUE_COLUMNS))


def _value(indicator_id: str, month: Period, breakdown: str, numerator: float, denominator: float = math.nan,
           value: float | None = None) -> dict:
    """One values row; a count's value is its numerator."""
    return {"indicator_id": indicator_id, "period": month.label, "frequency": "month",
            "period_start": pd.Timestamp(month.start), "breakdown": breakdown, "numerator": float(numerator),
            "denominator": float(denominator), "value": float(numerator if value is None else value)}


def _incident_rows(month: Period, breakdown: str, incidents: pd.DataFrame,
                   interview_columns: set[str]) -> list[dict]:
    """MFH01-04 and MFH06-08 for one month and one breakdown: rates only where they are defined, and
    return home interview rates only from a log with the column they need."""
    per_child = incidents["child"].value_counts()
    count, children = len(incidents), len(per_child)
    rows = [_value("MFH01", month, breakdown, count), _value("MFH02", month, breakdown, children),
            _value("MFH03", month, breakdown, int((per_child >= 2).sum()))]
    if children:
        rows.append(_value("MFH04", month, breakdown, count, children, derive_value(count, children, "number")))
    returned = incidents[incidents["end"].notna()]
    if returned.empty:
        return rows
    hours = (returned["end"] - returned["start"]) / pd.Timedelta(hours=1)
    rows.append(_value("MFH06", month, breakdown, math.nan, math.nan, float(hours.median())))
    if "rhi_completed" in interview_columns:
        in_time = int(((returned["rhi_completed"] - returned["end"]) <= RHI_DEADLINE).sum())
        rows.append(_value("MFH07", month, breakdown, in_time, len(returned),
                           derive_value(in_time, len(returned), "percent")))
    if "rhi_offered" in interview_columns:
        offered = int(returned["rhi_offered"].notna().sum())
        rows.append(_value("MFH08", month, breakdown, offered, len(returned),
                           derive_value(offered, len(returned), "percent")))
    return rows


def duration_band(length: pd.Timedelta | None) -> str:
    """The MFH05 band of an incident's length (None or NaT: still missing)."""
    if length is None or pd.isna(length):
        return "Still missing"
    if length < pd.Timedelta(hours=24):
        return "Under 24 hours"
    return "1 to 7 days" if length <= pd.Timedelta(days=7) else "Over 7 days"


def _duration_rows(month: Period, incidents: pd.DataFrame) -> list[dict]:
    """MFH05 for one month: the total and every duration band (zeros included)."""
    bands = (incidents["end"] - incidents["start"]).map(duration_band).value_counts()
    return [_value("MFH05", month, "", len(incidents))] + \
        [_value("MFH05", month, band, int(bands.get(band, 0))) for band in DURATION_BANDS]


def _read_care_leavers(table: _Table) -> pd.DataFrame:
    """One row per valid OC3 row: dob, in_touch, activ, accom (plus the spreadsheet row number)."""
    now = pd.Timestamp.now()
    first_row_of = {}
    leavers = []
    for number, cells in table.rows:
        child = _child(table, number, cells)
        dob = _date(table, number, cells, "dob", "date of birth", required=True, with_time=False, earliest=None,
                    now=now)
        codes = {key: _code(table, number, cells, key, allowed, key.upper())
                 for key, allowed in (("in_touch", IN_TOUCH_CODES), ("activ", ACTIV_CODES),
                                      ("accom", ACCOM_CODES))}
        if child is not None:
            first = first_row_of.setdefault(child, number)
            if first != number:
                table.problem(number, "child", f"the same young person is already on row {first}")
        leavers.append({"row": number, "dob": dob, **codes})
    frame = pd.DataFrame(leavers, columns=["row", "dob", "in_touch", "activ", "accom"])
    frame["dob"] = pd.to_datetime(frame["dob"])
    return frame


def _birth_year_starts(dobs: pd.Series) -> pd.Series:
    """First calendar year of each date of birth's financial year: a care leaver's age at 31 March
    of collection year Y-(Y+1) is Y minus this, whatever the day of birth."""
    return dobs.dt.year - (dobs.dt.month < 4).astype("int64")


def _collection_year(leavers: pd.DataFrame, period: Period | None, table: _Table) -> int | None:
    """First calendar year of the OC3 collection year, from `period` or else the single year in which
    every care leaver is aged 17 to 21 at 31 March; notes a problem when it cannot be told, and for
    each care leaver outside 17 to 21 in a year given by `period`."""
    births = _birth_year_starts(leavers["dob"].dropna())
    if period is not None:
        year = period.fy_start
        for number in leavers.loc[births.index[~(year - births).isin(list(CARE_LEAVER_AGE_GROUPS))], "row"]:
            table.problem(int(number), "dob", f"the young person is not aged 17 to 21 at 31 March {year + 1}, "
                                              f"the end of the {financial_year_label(year)} collection year")
        return year
    if births.empty:
        return None
    earliest, latest = births.max() + 17, births.min() + 21
    if earliest == latest:
        return earliest
    fits = ("no single collection year" if earliest > latest else
            f"{financial_year_label(earliest)} to {financial_year_label(latest)}")
    table.problem(None, "dob", f"the collection year cannot be told from the dates of birth (they fit {fits}): "
                               "give the period, for example 2019-20")
    return None


def _care_leaver_values(leavers: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """CL01-CL05 for the collection year's last month (March): the total and each age group."""
    if year is None:
        return _value_table([])
    ages = year - _birth_year_starts(leavers["dob"])
    leavers = leavers.assign(group=ages.map(CARE_LEAVER_AGE_GROUPS))
    counted = leavers[~leavers["in_touch"].isin(LEFT_OUT_OF_CARE_LEAVER_COUNTS)]
    month = Period(year + 1, 3)
    rows = []
    for group in ("", "17-18", "19-21"):
        rows += _care_leaver_rows(month, group, counted if not group else counted[counted["group"] == group])
    return _value_table(rows)


def _care_leaver_rows(month: Period, breakdown: str, leavers: pd.DataFrame) -> list[dict]:
    """CL01-CL05 for one group; none when the group has no care leavers."""
    known_suitability = leavers[~leavers["accom"].str[0].isin(SUITABILITY_UNKNOWN)]
    shares = {
        "CL01": ((leavers["in_touch"] == "YES").sum(), len(leavers)),
        "CL02": (leavers["activ"].isin(IN_EDUCATION_EMPLOYMENT_TRAINING).sum(), len(leavers)),
        "CL03": ((known_suitability["accom"].str[1] == "1").sum(), len(known_suitability)),
        "CL04": (leavers["activ"].isin(NOT_IN_EDUCATION_EMPLOYMENT_TRAINING).sum(), len(leavers)),
        "CL05": ((leavers["accom"].str[0] == BED_AND_BREAKFAST).sum(), len(leavers)),
    }
    return [_value(indicator_id, month, breakdown, int(count), total, derive_value(count, total, "percent"))
            for indicator_id, (count, total) in shares.items() if total]
