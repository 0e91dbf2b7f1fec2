"""Generate the demo return and the blank template from a fixed seed.

    python scripts/make_demo.py            # writes data/demo_return.xlsx and data/return_template.xlsx

The demo is a fictional authority, "Ashcombe" (about 52,000 children, South East), with
realistic levels taken from the real England figures in data/ees/, real seasonality
(missing incidents peak in summer, referrals dip in August), home and care breakdowns,
counts beside percentages and commentary for the latest quarter. Its Comparators sheet
holds only real published England and South East figures, never invented ones.

Indicators added later (CP06, CLA07) come from their own random stream (ADDED_SEED) and are
written after every other row, so adding them changed no existing figure.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarking import combine_published, comparators_from_ees  # noqa: E402
from data_loaders.child_level import CHILD_LEVEL_CATALOGUE  # noqa: E402
from data_loaders.ees import load_comparators_map, load_ees  # noqa: E402
from data_loaders.model import INDICATOR_COLUMNS  # noqa: E402
from render.workbook import write_sheet  # noqa: E402
from periods import Period, month_range, parse_period  # noqa: E402

SEED = 20260401
ADDED_SEED = SEED + 1  # the stream for indicators added after the demo was first published
FIRST_MONTH = Period(2022, 4)
LAST_MONTH = Period(2026, 10)
CHILD_POPULATION = 52_000
AUTHORITY = "Ashcombe Borough Council (fictional)"
REGION_CODE = "E12000008"

D1 = "1 Education, Health and Care Plans"
D2 = "2 Early Help"
D3 = "3 Children's Social Care Front Door"
D4 = "4 Child Protection"
D5 = "5 Children in Care"
D6 = "6 Care Leavers"
D7 = "7 Missing from Home and Care"
D8 = "8 Workforce"
NO_EARLY_HELP_RETURN = ("No national comparator: there is no statutory return for Early Help, "
                        "so DfE publishes no figures to compare with")


def indicator(indicator_id, dashboard, title, definition, unit, polarity, aggregation, target=None,
              amber_tolerance=None, source="Local case management system", comparator_note="",
              rolling_12_months=False):
    """One catalogue row."""
    return dict(indicator_id=indicator_id, dashboard=dashboard, title=title, definition=definition,
                unit=unit, polarity=polarity, aggregation=aggregation, target=target,
                amber_tolerance=amber_tolerance, comparator_note=comparator_note, source=source,
                rolling_12_months=rolling_12_months, spc_rebase="")


OWN_CATALOGUE = [
    indicator("EHC01", D1, "New EHC plans issued within 20 weeks",
              "Percentage of new Education, Health and Care plans issued within 20 weeks of the request, "
              "excluding exceptions.", "percent", "higher_is_better", "sum", 60, 5, "SEN2 / local system",
              "Statutory return SEN2 is published by calendar year; not yet loaded here"),
    indicator("EHC02", D1, "Children and young people with an EHC plan",
              "Number of children and young people with an EHC plan maintained by the council at month end.",
              "count", "neutral", "last", source="SEN2 / local system"),
    indicator("EHC03", D1, "Requests for an EHC needs assessment",
              "New requests for an Education, Health and Care needs assessment received in the period.",
              "count", "neutral", "sum", source="SEN2 / local system"),
    indicator("EHC04", D1, "EHC plan annual reviews completed on time",
              "Percentage of annual reviews due in the period that were completed within 12 months of the "
              "last review.", "percent", "higher_is_better", "sum", 85, 5),
    indicator("EH01", D2, "Requests for Early Help support",
              "Requests for Early Help support received by the Early Help hub in the period.",
              "count", "neutral", "sum", comparator_note=NO_EARLY_HELP_RETURN),
    indicator("EH02", D2, "Early Help assessments completed",
              "Early Help assessments completed in the period.", "count", "neutral", "sum",
              comparator_note=NO_EARLY_HELP_RETURN),
    indicator("EH03", D2, "Early Help assessments completed within 45 working days",
              "Percentage of Early Help assessments completed in the period that were completed within 45 "
              "working days of the request.", "percent", "higher_is_better", "sum", 90, 5,
              comparator_note=NO_EARLY_HELP_RETURN),
    indicator("EH04", D2, "Early Help cases stepped up to social care",
              "Percentage of Early Help cases closed in the period that were stepped up to children's social "
              "care.", "percent", "lower_is_better", "sum", 10, 2, comparator_note=NO_EARLY_HELP_RETURN),
    indicator("EH05", D2, "Early Help cases closed with outcomes achieved",
              "Percentage of Early Help cases closed in the quarter with the family's plan outcomes achieved "
              "(reported quarterly).", "percent", "higher_is_better", "sum", 75, 5,
              comparator_note=NO_EARLY_HELP_RETURN),
    indicator("CSC01", D3, "Referrals to children's social care",
              "Referrals received by children's social care in the period.", "count", "neutral", "sum",
              source="CIN census / local system"),
    indicator("CSC02", D3, "Referral rate per 10,000 children",
              "Referrals in the period per 10,000 children aged under 18 (ONS mid-year estimate). Quarter "
              "and year figures add up referrals over the latest population.", "rate_per_10k", "neutral",
              "sum_numerator", source="CIN census / local system"),
    indicator("CSC03", D3, "Re-referrals within 12 months",
              "Percentage of referrals in the period that came within 12 months of a previous referral.",
              "percent", "lower_is_better", "sum", 20, 2, source="CIN census / local system"),
    indicator("CSC04", D3, "Contacts with a decision within 1 working day",
              "Percentage of contacts to the front door with a decision on next steps within one working "
              "day.", "percent", "higher_is_better", "sum", 95, 3),
    indicator("CSC05", D3, "Assessments completed within 45 working days",
              "Percentage of children and family assessments completed in the period within 45 working "
              "days of the referral.", "percent", "higher_is_better", "sum", 85, 3,
              source="CIN census / local system"),
    indicator("CSC06", D3, "Referrals resulting in no further action",
              "Percentage of referrals in the period that led to no further action.", "percent", "neutral",
              "sum", source="CIN census / local system"),
    indicator("CP01", D4, "Children subject to a child protection plan",
              "Children subject to a child protection plan at month end.", "count", "neutral", "last",
              source="CIN census / local system"),
    indicator("CP02", D4, "Child protection plans per 10,000 children",
              "Children subject to a child protection plan at month end per 10,000 children.",
              "rate_per_10k", "neutral", "last", source="CIN census / local system"),
    indicator("CP03", D4, "Initial child protection conferences within 15 working days",
              "Percentage of initial child protection conferences held within 15 working days of the "
              "strategy discussion.", "percent", "higher_is_better", "sum", 85, 5,
              source="CIN census / local system"),
    indicator("CP04", D4, "Child protection plans for a second or subsequent time",
              "Percentage of children becoming subject to a child protection plan in the period who had "
              "been on a plan before.", "percent", "lower_is_better", "sum", 20, 3,
              source="CIN census / local system"),
    indicator("CP05", D4, "Child protection visits within timescale",
              "Percentage of children on a plan at month end seen within the last 10 working days.",
              "percent", "higher_is_better", "last", 90, 5),
    indicator("CP06", D4, "Child protection plans open 2 years or more",
              "Percentage of children subject to a child protection plan at month end whose plan had lasted "
              "two years or more.", "percent", "lower_is_better", "last", 3, 1,
              source="CIN census / local system"),
    indicator("CLA01", D5, "Children in care", "Children looked after at month end.", "count", "neutral",
              "last", source="SSDA903 / local system"),
    indicator("CLA02", D5, "Children in care per 10,000 children",
              "Children looked after at month end per 10,000 children aged under 18.", "rate_per_10k",
              "neutral", "last", source="SSDA903 / local system"),
    indicator("CLA03", D5, "Children in care with more than one social worker in 12 months",
              "Percentage of children in care at month end who had more than one allocated social worker "
              "in the previous 12 months (a rolling 12-month measure).", "percent", "lower_is_better", "last",
              25, 5, rolling_12_months=True),
    indicator("CLA04", D5, "Children in care with 3 or more placements in 12 months",
              "Percentage of children in care at month end with three or more placements in the previous "
              "12 months (a rolling 12-month measure).", "percent", "lower_is_better", "last", 9, 1,
              source="SSDA903 / local system", rolling_12_months=True),
    indicator("CLA05", D5, "Health assessments completed on time",
              "Percentage of children in care for 12 months or more at month end whose health assessment "
              "is up to date.", "percent", "higher_is_better", "last", 90, 5,
              source="SSDA903 / local system"),
    indicator("CLA06", D5, "Children in care reviews within timescale",
              "Percentage of children in care reviews held in the period within statutory timescales.",
              "percent", "higher_is_better", "sum", 95, 3),
    indicator("CLA07", D5, "Long-term placement stability",
              "Percentage of children aged under 16 at month end who had been in care continuously for at "
              "least two and a half years and had lived with the same carer for at least two years.",
              "percent", "higher_is_better", "last", 70, 5, source="SSDA903 / local system"),
    indicator("WF01", D8, "Agency social workers",
              "Agency social workers as a percentage of social worker posts (full-time equivalent) at month "
              "end.", "percent", "lower_is_better", "last", 12, 3, source="Workforce system / CSWW"),
    indicator("WF02", D8, "Social worker turnover",
              "Social workers (FTE) who left in the previous 12 months as a percentage of social workers in "
              "post (a rolling 12-month measure).", "percent", "lower_is_better", "last", 12, 3,
              source="Workforce system / CSWW", rolling_12_months=True),
    indicator("WF03", D8, "Social worker vacancy rate",
              "Vacant social worker posts (FTE) as a percentage of all posts at month end.", "percent",
              "lower_is_better", "last", 12, 3, source="Workforce system / CSWW"),
    indicator("WF04", D8, "Average caseload per social worker",
              "Children's cases held divided by case-holding social workers (FTE) at month end.", "number",
              "lower_is_better", "last", 16, 2, source="Workforce system / CSWW"),
    indicator("WF05", D8, "Social workers recruited",
              "Permanent social workers who started in the period (headcount).", "count", "higher_is_better",
              "sum"),
]

CHILD_LEVEL_TARGETS = {  # the demo authority's own targets for the child-level indicators
    "CL01": (95, 3), "CL02": (60, 5), "CL03": (90, 5), "CL04": (35, 5), "CL05": (0, None),
    "MFH07": (80, 10), "MFH08": (95, 5),
}


def catalogue() -> pd.DataFrame:
    """The demo catalogue: the council's own indicators plus the child-level ones for dashboards 6 and 7.

    (The Annex A indicators stay out: an officer maps them onto these, or adds them, when uploading.)
    """
    child = CHILD_LEVEL_CATALOGUE[CHILD_LEVEL_CATALOGUE["indicator_id"].str.match(r"^(MFH|CL)\d")].copy()
    for indicator_id, (target, tolerance) in CHILD_LEVEL_TARGETS.items():
        child.loc[child["indicator_id"] == indicator_id, ["target", "amber_tolerance"]] = [target, tolerance]
    frame = pd.concat([pd.DataFrame(OWN_CATALOGUE), child], ignore_index=True)
    frame["dashboard_number"] = frame["dashboard"].str.extract(r"^(\d+)", expand=False).astype(int)
    frame["suppress_small_numbers"] = frame["dashboard"] != D8  # the workforce counts social workers, not children
    return frame.sort_values(["dashboard_number", "indicator_id"], kind="stable").reset_index(drop=True)


class Generator:
    """Monthly figures with trend, season and noise from one seeded random stream."""

    def __init__(self, seed: int = SEED, first: Period = FIRST_MONTH, last: Period = LAST_MONTH):
        self.rng = np.random.default_rng(seed)
        self.months = month_range(first, last)
        self.rows: list[dict] = []

    def path(self, start: float, end: float, season: dict[int, float] | None = None,
             shift: tuple[Period, float] | None = None) -> np.ndarray:
        """A level moving linearly from start to end, times a calendar-month season, plus a step change."""
        level = np.linspace(start, end, len(self.months))
        if season:
            level = level * np.array([season.get(m.month, 1.0) for m in self.months])
        if shift:
            level = level + np.array([shift[1] if m >= shift[0] else 0.0 for m in self.months])
        return level

    def counts(self, means: np.ndarray) -> np.ndarray:
        """Poisson counts around the means."""
        return self.rng.poisson(np.maximum(means, 0.1))

    def proportions(self, denominators: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """Binomial numerators for the denominators."""
        return self.rng.binomial(denominators.astype(int), np.clip(probabilities, 0.0, 1.0))

    def walk(self, start: float, end: float, step: float) -> np.ndarray:
        """A snapshot count drifting from start to end with month-to-month wobble."""
        drift = np.linspace(start, end, len(self.months))
        wobble = np.cumsum(self.rng.normal(0, step, len(self.months)))
        return np.round(drift + wobble - np.linspace(0, wobble[-1], len(self.months)))

    def add(self, indicator_id: str, numerators=None, denominators=None, values=None, breakdown: str = "",
            months: list[Period] | None = None) -> None:
        """Store one value row per month (or per given period)."""
        months = months or self.months
        for index, period in enumerate(months):
            self.rows.append(dict(
                indicator_id=indicator_id, period=period.label, breakdown=breakdown,
                numerator=None if numerators is None else float(numerators[index]),
                denominator=None if denominators is None else float(denominators[index]),
                value=None if values is None else float(values[index]),
            ))


SCHOOL_YEAR = {9: 1.15, 10: 1.15, 11: 1.1, 12: 0.85, 1: 1.05, 2: 1.0, 3: 1.1, 4: 0.9, 5: 1.05, 6: 1.05,
               7: 0.95, 8: 0.65}
SUMMER_PEAK = {5: 1.1, 6: 1.25, 7: 1.35, 8: 1.3, 9: 1.1, 12: 0.85, 1: 0.8, 2: 0.85}


def generate_values(gen: Generator) -> None:
    """Every demo indicator's monthly (or quarterly) figures."""
    n = len(gen.months)
    # 1 EHC plans: timeliness fell in 2024-25 then recovers partly; requests peak in term time.
    requests = gen.counts(gen.path(38, 52, SCHOOL_YEAR))
    gen.add("EHC03", values=requests)
    issued = gen.counts(gen.path(30, 44))
    gen.add("EHC01", gen.proportions(issued, gen.path(0.62, 0.50, shift=(Period(2025, 10), 0.03))), issued)
    gen.add("EHC02", values=gen.walk(1650, 2240, 12))
    due = gen.counts(gen.path(150, 185))
    gen.add("EHC04", gen.proportions(due, gen.path(0.78, 0.86)), due)
    # 2 Early Help: more requests than completed assessments, as members asked about.
    gen.add("EH01", values=gen.counts(gen.path(240, 265, SCHOOL_YEAR)))
    assessments = gen.counts(gen.path(150, 175, SCHOOL_YEAR))
    gen.add("EH02", values=assessments)
    gen.add("EH03", gen.proportions(assessments, gen.path(0.86, 0.91)), assessments)
    closed = gen.counts(gen.path(140, 160))
    gen.add("EH04", gen.proportions(closed, gen.path(0.12, 0.09)), closed)
    quarters = sorted({m.containing("quarter") for m in gen.months if m.containing("quarter").end_month <= LAST_MONTH})
    quarter_closed = gen.rng.poisson(430, len(quarters))
    gen.add("EH05", gen.rng.binomial(quarter_closed, np.linspace(0.70, 0.77, len(quarters))), quarter_closed,
            months=quarters)
    # 3 Front door: about 520 referrals per 10,000 children a year, August dip.
    referrals = gen.counts(gen.path(205, 225, SCHOOL_YEAR))
    gen.add("CSC01", values=referrals)
    population = np.round(np.linspace(CHILD_POPULATION - 400, CHILD_POPULATION + 300, n))
    gen.add("CSC02", referrals, population)
    gen.add("CSC03", gen.proportions(referrals, gen.path(0.245, 0.205)), referrals)
    contacts = gen.counts(gen.path(820, 900, SCHOOL_YEAR))
    gen.add("CSC04", gen.proportions(contacts, gen.path(0.93, 0.965)), contacts)
    assessed = gen.counts(gen.path(190, 210, SCHOOL_YEAR))
    gen.add("CSC05", gen.proportions(assessed, gen.path(0.88, 0.835)), assessed)
    gen.add("CSC06", gen.proportions(referrals, gen.path(0.08, 0.065)), referrals)
    # 4 Child protection: about 40 per 10,000.
    on_plan = gen.walk(225, 205, 5)
    gen.add("CP01", values=on_plan)
    gen.add("CP02", on_plan, population)
    conferences = gen.counts(gen.path(22, 24))
    gen.add("CP03", gen.proportions(conferences, gen.path(0.80, 0.88)), conferences)
    new_plans = gen.counts(gen.path(20, 22))
    gen.add("CP04", gen.proportions(new_plans, gen.path(0.22, 0.18)), new_plans)
    gen.add("CP05", gen.proportions(on_plan, gen.path(0.88, 0.92)), on_plan)
    # 5 Children in care: about 56 per 10,000 (South East 55, England 67 in 2024-25).
    in_care = gen.walk(268, 296, 3)
    gen.add("CLA01", values=in_care)
    gen.add("CLA02", in_care, population)
    gen.add("CLA03", gen.proportions(in_care, gen.path(0.33, 0.24)), in_care)
    gen.add("CLA04", gen.proportions(in_care, gen.path(0.10, 0.085)), in_care)
    long_term = np.round(in_care * 0.68)
    gen.add("CLA05", gen.proportions(long_term, gen.path(0.86, 0.79)), long_term)
    reviews = gen.counts(gen.path(70, 78))
    gen.add("CLA06", gen.proportions(reviews, gen.path(0.94, 0.97)), reviews)
    generate_care_leavers(gen)
    generate_missing(gen)
    # 8 Workforce: agency use falling, as nationally (England 13.0% in 2024-25).
    posts = np.round(gen.path(168, 176), 1)
    gen.add("WF01", np.round(posts * gen.path(0.165, 0.118) + gen.rng.normal(0, 0.8, n), 1), posts)
    gen.add("WF02", np.round(posts * gen.path(0.15, 0.118) + gen.rng.normal(0, 0.6, n), 1), posts)
    gen.add("WF03", np.round(posts * gen.path(0.17, 0.115) + gen.rng.normal(0, 0.8, n), 1), posts)
    holders = np.round(posts * 0.62, 1)
    gen.add("WF04", np.round(holders * gen.path(16.8, 15.6) + gen.rng.normal(0, 8, n)), holders)
    gen.add("WF05", values=gen.counts(gen.path(2.2, 3.2, {9: 2.2, 10: 1.5})))


def generate_added_indicators(gen: Generator) -> None:
    """CP06 and CLA07 from their own random stream, on the plans and children in care already generated.

    Levels as published for England and the South East in 2024-25: 2.3% and 2.5% of plans open two
    years or more; 69% and 68% of long-term children in care with the same carer for two years.
    """
    added = Generator(ADDED_SEED)
    snapshot = pd.DataFrame(gen.rows).query("breakdown == ''").pivot(index="period", columns="indicator_id",
                                                                      values="value")
    months = [month.label for month in added.months]
    on_plan, in_care = snapshot.loc[months, "CP01"].to_numpy(), snapshot.loc[months, "CLA01"].to_numpy()
    added.add("CP06", added.proportions(on_plan, added.path(0.034, 0.022)), on_plan)
    long_term = np.round(in_care * 0.41)
    added.add("CLA07", added.proportions(long_term, added.path(0.64, 0.70)), long_term)
    gen.rows += added.rows


def generate_care_leavers(gen: Generator) -> None:
    """About 80 care leavers: counts by age group beside percentages, as members asked."""
    groups = {"17-18": (gen.walk(28, 32, 1), dict(CL01=0.97, CL02=0.68, CL03=0.92, CL04=0.27, CL05=0.0)),
              "19-21": (gen.walk(48, 54, 1.2), dict(CL01=0.93, CL02=0.52, CL03=0.88, CL04=0.41, CL05=0.02))}
    for indicator_id in ("CL01", "CL02", "CL03", "CL04", "CL05"):
        totals_num = np.zeros(len(gen.months))
        totals_den = np.zeros(len(gen.months))
        for breakdown, (people, rates) in groups.items():
            drift = gen.path(rates[indicator_id] - 0.03, rates[indicator_id] + 0.02) \
                if indicator_id in ("CL02", "CL03") else gen.path(rates[indicator_id], rates[indicator_id])
            numerators = gen.proportions(people, drift)
            gen.add(indicator_id, numerators, people, breakdown=breakdown)
            totals_num += numerators
            totals_den += people
        gen.add(indicator_id, totals_num, totals_den)


def generate_missing(gen: Generator) -> None:
    """Missing incidents from home and from care: summer peak, children as well as incidents."""
    n = len(gen.months)
    setting = {"From home": gen.path(24, 27, SUMMER_PEAK), "From care": gen.path(19, 25, SUMMER_PEAK,
                                                                               shift=(Period(2025, 6), 4))}
    totals: dict[str, np.ndarray] = {key: np.zeros(n) for key in ("MFH01", "MFH02", "MFH03", "MFH07n",
                                                                  "MFH07d", "MFH08n")}
    bands = np.zeros((n, 4))
    medians = {}
    for breakdown, mean_incidents in setting.items():
        children = gen.counts(mean_incidents / (1.5 if breakdown == "From home" else 2.1))
        children = np.maximum(children, 1)
        incidents = children + gen.counts(mean_incidents - children)
        repeat = np.minimum(gen.rng.binomial(children, 0.35), np.maximum(incidents - children, 0))
        still_missing = gen.rng.binomial(1, 0.08, n) * (incidents > 0)
        returned = incidents - still_missing
        within_72h = gen.proportions(returned, gen.path(0.52, 0.64))
        offered = np.maximum(gen.proportions(returned, gen.path(0.90, 0.96)), within_72h)
        gen.add("MFH01", values=incidents, breakdown=breakdown)
        gen.add("MFH02", values=children, breakdown=breakdown)
        gen.add("MFH03", values=repeat, breakdown=breakdown)
        gen.add("MFH04", incidents, children, breakdown=breakdown)
        gen.add("MFH07", within_72h, returned, breakdown=breakdown)
        gen.add("MFH08", offered, returned, breakdown=breakdown)
        medians[breakdown] = np.round(gen.rng.gamma(6, 3.2 if breakdown == "From home" else 2.4, n), 1)
        gen.add("MFH06", values=medians[breakdown], breakdown=breakdown)
        for key, part in (("MFH01", incidents), ("MFH02", children), ("MFH03", repeat),
                          ("MFH07n", within_72h), ("MFH07d", returned), ("MFH08n", offered)):
            totals[key] = totals[key] + part
        shares = gen.rng.dirichlet([62, 28, 6, 0.001], n)
        spread = np.floor(shares[:, :3] * returned[:, None])
        spread[:, 0] += returned - spread.sum(axis=1)
        bands += np.column_stack([spread, still_missing])
    gen.add("MFH01", values=totals["MFH01"])
    gen.add("MFH02", values=totals["MFH02"])
    gen.add("MFH03", values=totals["MFH03"])
    gen.add("MFH04", totals["MFH01"], totals["MFH02"])
    gen.add("MFH07", totals["MFH07n"], totals["MFH07d"])
    gen.add("MFH08", totals["MFH08n"], totals["MFH07d"])
    weights = setting["From home"] / (setting["From home"] + setting["From care"])
    gen.add("MFH06", values=np.round(weights * medians["From home"] + (1 - weights) * medians["From care"], 1))
    for column, band in enumerate(("Under 24 hours", "1 to 7 days", "Over 7 days", "Still missing")):
        gen.add("MFH05", values=bands[:, column], breakdown=band)
    gen.add("MFH05", values=totals["MFH01"])


def published_comparators() -> pd.DataFrame:
    """Real published England and South East figures for the mapped indicators, from data/ees/."""
    mapping = load_comparators_map(ROOT / "data" / "comparators_map.csv")
    ees = combine_published([load_ees(path) for path in sorted((ROOT / "data" / "ees").glob("*.csv"))
                             if not path.name.startswith("sn_model")])
    own = mapping["indicator_id"].isin(catalogue()["indicator_id"])  # not the Annex A ids, added on upload
    table = comparators_from_ees(ees, mapping[(mapping["breakdown"] == "") & own], None, [], REGION_CODE)
    first_year = FIRST_MONTH.fy_start - 1
    table = table[table["period"].map(lambda label: parse_period(label).fy_start >= first_year)]
    table = table[table["england"].notna() | table["region"].notna()]
    return pd.DataFrame({"indicator_id": table["indicator_id"], "period": table["period"],
                         "england": table["england"], "region": table["region"],
                         "statistical_neighbours": None, "source": table["source"]})


def commentary(values: pd.DataFrame) -> list[dict]:
    """Narrative for the latest complete quarter, written from the generated figures."""
    quarter = LAST_MONTH.containing("quarter").shift(-1)
    months = {m.label for m in quarter.months()}

    def quarter_percent(indicator_id: str) -> float:
        rows = values[(values["indicator_id"] == indicator_id) & (values["breakdown"] == "")
                      & values["period"].isin(months)]
        return 100 * rows["numerator"].sum() / rows["denominator"].sum()

    def quarter_sum(indicator_id: str, breakdown: str = "") -> int:
        rows = values[(values["indicator_id"] == indicator_id) & (values["breakdown"] == breakdown)
                      & values["period"].isin(months)]
        return int(rows["value"].sum())

    label = quarter.label
    author = "Head of Performance (demo)"
    return [
        dict(dashboard=D1, period=label, author=author,
             text=f"EHC plan timeliness remains below target at {quarter_percent('EHC01'):.1f}% in "
                  f"{quarter.display()}. Requests for assessment rose again ({quarter_sum('EHC03')} this quarter) "
                  "while two educational psychologist posts were vacant; both are filled from November."),
        dict(indicator_id="EHC01", period=label, author=author,
             text="Delays are mostly waiting for educational psychology advice. A recovery plan agreed in "
                  "September prioritises the oldest requests, so the figure may dip before it improves."),
        dict(dashboard=D2, period=label, author=author,
             text="Early Help has no statutory return, so there are no national figures to compare with. "
                  f"The hub received {quarter_sum('EH01')} requests this quarter and completed "
                  f"{quarter_sum('EH02')} assessments: not every request needs a full assessment, as many are "
                  "resolved with advice or signposting."),
        dict(indicator_id="CSC03", period=label, author=author,
             text=f"Re-referrals were {quarter_percent('CSC03'):.1f}% this quarter, continuing a two-year "
                  "improvement after the front door introduced a case-closure review with partners."),
        dict(indicator_id="CSC05", period=label, author=author,
             text="Assessment timeliness slipped as referrals rose in September; additional social workers "
                  "joined the assessment teams in October."),
        dict(dashboard=D5, period=label, author=author,
             text="The number of children in care continues to rise slowly, in line with the South East. "
                  "Fewer children are changing social worker now that agency use has fallen."),
        dict(dashboard=D6, period=label, author=author,
             text="Figures are shown as numbers of young people as well as percentages, as members asked. "
                  "Most care leavers who are not in education, employment or training are young parents or "
                  "have an illness or disability; each has a personal adviser working on a pathway plan."),
        dict(dashboard=D7, period=label, author=author,
             text=f"{quarter_sum('MFH01')} missing incidents this quarter involved {quarter_sum('MFH02')} "
                  f"child-months: incidents from care ({quarter_sum('MFH01', 'From care')}) are concentrated "
                  "among a small number of young people. Missing episodes rise every summer."),
        dict(indicator_id="MFH07", period=label, author=author,
             text="Return home interviews within 72 hours remain below target. The commissioned service has "
                  "agreed weekend cover from January; most late interviews follow a Friday return."),
        dict(dashboard=D8, period=label, author=author,
             text="Agency use has fallen for two years after the council's recruitment and retention package; "
                  "turnover is now below the England average."),
    ]


def indicator_sheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The catalogue as written on the Indicators sheet."""
    columns = [c for c in INDICATOR_COLUMNS if c != "dashboard_number"]
    out = frame[columns].copy()
    out["rolling_12_months"] = out["rolling_12_months"].map({True: "yes", False: ""})
    out["suppress_small_numbers"] = out["suppress_small_numbers"].map({True: "", False: "no"})
    return out


def about_frame(authority: str, la_code: str = "") -> pd.DataFrame:
    """The About sheet."""
    return pd.DataFrame({"field": ["authority", "la_code", "region_code", "committee"],
                         "value": [authority, la_code, REGION_CODE, "Children's Services Scrutiny Committee"]})


def write_demo(path: Path) -> None:
    """The demo return workbook."""
    gen = Generator()
    generate_values(gen)
    generate_added_indicators(gen)
    values = pd.DataFrame(gen.rows)
    book = Workbook()
    book.remove(book.active)
    write_sheet(book, "About", about_frame(AUTHORITY), {"field": 14, "value": 48})
    write_sheet(book, "Indicators", indicator_sheet_frame(catalogue()),
                {"dashboard": 36, "title": 52, "definition": 80, "comparator_note": 50, "source": 28})
    write_sheet(book, "Values", values[["indicator_id", "period", "breakdown", "numerator", "denominator", "value"]],
                {"breakdown": 18})
    write_sheet(book, "Comparators", published_comparators(), {"source": 60})
    write_sheet(book, "Commentary", pd.DataFrame(commentary(values))[
        ["indicator_id", "dashboard", "period", "text", "author"]].fillna(""), {"text": 100, "dashboard": 36})
    book.save(path)


TEMPLATE_NOTES = [
    ("Indicators", "indicator_id", "Unique short code, e.g. CSC03. Used to link values, comparators and commentary."),
    ("Indicators", "dashboard", "Dashboard it belongs to, starting with its number, e.g. 3 Children's Social Care Front Door."),
    ("Indicators", "title", "Short name members see."),
    ("Indicators", "definition", "What is counted, in plain words."),
    ("Indicators", "unit", "percent | count | rate_per_10k | days | number"),
    ("Indicators", "polarity", "higher_is_better | lower_is_better | neutral"),
    ("Indicators", "aggregation", "sum (flows add up over months) | last (snapshot at period end) | "
                                  "sum_numerator (numerator adds up, denominator is the period-end figure)"),
    ("Indicators", "target", "Optional, in the indicator's unit."),
    ("Indicators", "amber_tolerance", "Optional, in the indicator's unit: how far short of target is amber. Blank = no amber band."),
    ("Indicators", "comparator_note", "Optional, e.g. why there is no national comparator."),
    ("Indicators", "source", "Optional, e.g. CIN census, SSDA903, local system."),
    ("Indicators", "rolling_12_months", "Optional: yes for rolling 12-month measures (no SPC chart is drawn for them)."),
    ("Indicators", "suppress_small_numbers", "Optional: no for indicators that do not count children (such as the "
                                             "workforce), whose numbers from 1 to 5 are published; blank means yes."),
    ("Indicators", "spc_rebase", "Optional: months where the process changed, e.g. 2024-04; SPC limits restart there."),
    ("Values", "indicator_id", "As on the Indicators sheet."),
    ("Values", "period", "A month (2025-04 or an Excel date), a quarter (2025-26 Q1 = April to June 2025) or a financial year (2025-26)."),
    ("Values", "breakdown", "Optional, e.g. From home / From care. Blank is the total."),
    ("Values", "numerator", "The count on top (e.g. re-referrals)."),
    ("Values", "denominator", "The count underneath (e.g. all referrals)."),
    ("Values", "value", "Optional when numerator and denominator are given (worked out for you); if all three are given they must agree."),
    ("Comparators", "(all)", "Optional: published England, region and statistical neighbour figures by financial year, with their source."),
    ("Commentary", "(all)", "Optional: narrative for an indicator (indicator_id) or a whole dashboard, for a period."),
    ("About", "(all)", "Optional: authority, la_code (DfE three-digit code), region_code, committee."),
]


def write_template(path: Path) -> None:
    """A blank return workbook with one example row per sheet, drop-down lists and a Read me sheet."""
    book = Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["Sheet", "Column", "What to put"])
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width, notes.column_dimensions["B"].width = 14, 20
    notes.column_dimensions["C"].width = 110
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    write_sheet(book, "About", about_frame("Your council name"))
    example = pd.DataFrame([OWN_CATALOGUE[11]])
    example["dashboard_number"] = 3
    example["suppress_small_numbers"] = True
    write_sheet(book, "Indicators", indicator_sheet_frame(example), {"dashboard": 36, "title": 40, "definition": 60})
    indicators_sheet = book["Indicators"]
    for column, choices in (("E", "percent,count,rate_per_10k,days,number"),
                            ("F", "higher_is_better,lower_is_better,neutral"),
                            ("G", "sum,last,sum_numerator")):
        check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=False)
        indicators_sheet.add_data_validation(check)
        check.add(f"{column}2:{column}500")
    write_sheet(book, "Values", pd.DataFrame([dict(indicator_id="CSC03", period="2025-04", breakdown="",
                                                   numerator=41, denominator=198, value=None)]))
    write_sheet(book, "Comparators", pd.DataFrame([dict(indicator_id="CSC03", period="2024-25", england=22.6,
                                                        region=28.4, statistical_neighbours=None,
                                                        source="DfE, Characteristics of children in need")]))
    write_sheet(book, "Commentary", pd.DataFrame([dict(indicator_id="CSC03", dashboard="", period="2025-26 Q1",
                                                       text="What changed and why.", author="Your name")]))
    book.save(path)


def main() -> None:
    """Write both workbooks."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write_demo(args.out / "demo_return.xlsx")
    write_template(args.out / "return_template.xlsx")
    print(f"wrote {args.out / 'demo_return.xlsx'} and {args.out / 'return_template.xlsx'}")


if __name__ == "__main__":
    main()
