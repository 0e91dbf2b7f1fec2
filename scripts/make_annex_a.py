"""Generate two fake Ofsted Annex A exports of the demo authority from a fixed seed (no network).

    python scripts/make_annex_a.py     # writes data/demo_annex_a_2026-10.xlsx and data/demo_annex_a_2026-11.xlsx

"Ashcombe Borough Council (fictional)", as in data/demo_return.xlsx (read, never written): one export
extracted on 31 October 2026 and one on 30 November 2026, each listing the last 12 months. All
children are invented. The October export reproduces the demo return's figures for November 2025
to October 2026 of the indicators an officer would map (EH02, CSC01, CSC03, CSC05, CSC06, CP01,
CP03, CP04, CLA01, CLA04 and CL01-CL03 at October; contacts match CSC04's denominators). A few
events of September and October 2026 are recorded late: they are missing from the October export and
appear in the November one, which also adds November. Where the demo starts more child protection
plans in a month than it holds initial conferences (January, March, April and September 2026), the
extra plans are transfer-in plans with no List 5 row. The files carry real-world mess: coded values
with `a)` prefixes, `#N/A`, non-breaking spaces, formulas saved without values, dates as Excel dates
and as text, repeated rows.
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data_loaders.annex_a import bank_holidays, working_days_after  # noqa: E402
from data_loaders.returns import load_return  # noqa: E402
from periods import Period, month_range  # noqa: E402

SEED = 20261031
EXTRACTS = {"demo_annex_a_2026-10.xlsx": dt.date(2026, 10, 31), "demo_annex_a_2026-11.xlsx": dt.date(2026, 11, 30)}
DEMO_MONTHS = month_range(Period(2025, 11), Period(2026, 10))
NEW_MONTH = Period(2026, 11)
RECORDED_LATE = dt.date(2026, 11, 12)   # when the late-recorded events were entered
FIRST_STOCK_DAY = dt.date(2025, 10, 31)  # plans and children in care open on this day are made up to match
HOLIDAYS = bank_holidays(2022, 2027)

LIST_HEADERS = {
    1: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
        "Contact Source"],
    2: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Assessment start date",
        "Assessment completion date", "Organisation completing assessment"],
    3: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Referral",
        "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
        "Allocated Worker"],
    4: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
        "Allocated Worker"],
    5: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
        "Allocated Team", "Allocated Worker"],
    6: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
        "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
    7: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "Child Protection Plan Start Date", "Initial Category of Abuse",
        "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
        "Date of latest review conference", "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
    8: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "Date Started to be Looked After", "Child's Category of Need",
        "Child's Legal Status", "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After", "Placement Type", "Allocated Team", "Allocated Worker"],
    9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Does the Child have a Disability", "Allocated Team", "Allocated Worker", "Eligibility Category",
        "LA in Touch", "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
    10: ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption"],
    11: ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Date enquiry received"],
}
GENDERS = ("a) Male", "b) Female", "a) Male", "b) Female", "Female", "c) Not stated/recorded")
ETHNICITIES = ("a) WBRI", "a) WBRI", "a) WBRI", "d) WOTH", "f) MWBC", "j) AIND", "k) APKN", "o) BAFR",
               "s) NOBT", "r) OOTH")
SOURCES = ("q) 6: Police", "e) 2A: Schools", "g) 3A: Health services", "a) 1A: Individual", "s) 8: Other",
           "p1) 5D: LA services")
TEAMS = ("Front Door Team", "Assessment Team 1", "Assessment Team 2", "Child Protection Team",
         "Children in Care Team", "Care Leavers Team")
FIRST_NAMES = ("Ada", "Bram", "Cleo", "Dev", "Esme", "Farid", "Gwen", "Hugo", "Ines", "Jonah", "Kemi", "Lars")
LAST_NAMES = ("Abbot", "Birch", "Crane", "Dunmore", "Ellery", "Fairweather", "Gosling", "Hartley", "Ibbotson")
YES_FORMS = ("a) Yes", "Yes", "Y", "a) Yes", "Yes\xa0")
NO_FORMS = ("b) No", "No", "N", "b) No", "No\xa0")


@lru_cache(maxsize=None)
def working_days_of(month: Period) -> list[dt.date]:
    """The working days of a month."""
    days = np.arange(np.datetime64(month.start), np.datetime64(month.shift(1).start))
    return [day.astype(dt.date) for day in days[np.is_busday(days, holidays=HOLIDAYS)]]


@dataclass
class Record:
    """One row of a list as it truly is; `dates` decide which export shows it and what is blank then."""

    list_number: int
    child: str
    dob: dt.date
    dates: dict[str, dt.date | None]
    fields: dict[str, object] = field(default_factory=dict)
    recorded: dt.date | None = None   # entered later than its first date (late recording)


class Authority:
    """The demo authority's invented children and everything that happened to them."""

    def __init__(self, seed: int = SEED):
        self.rng = np.random.default_rng(seed)
        self.records: list[Record] = []
        self.next_child = 100_000 + int(self.rng.integers(0, 50_000))
        ret = load_return(ROOT / "data" / "demo_return.xlsx")
        totals = ret.values[ret.values["breakdown"] == ""]
        self.demo = {(row.indicator_id, row.period): row for row in totals.itertuples()}
        self.by_group = {(row.indicator_id, row.period, row.breakdown): row
                         for row in ret.values.itertuples() if row.breakdown}

    # --- small helpers -----------------------------------------------------------------------------------
    def child(self) -> str:
        """A new invented child reference."""
        self.next_child += int(self.rng.integers(1, 40))
        return f"ASH{self.next_child:07d}"

    def dob(self, youngest: float = 0.0, oldest: float = 17.0, on: dt.date = dt.date(2026, 10, 31)) -> dt.date:
        """A date of birth between `youngest` and `oldest` years before `on` (never the 1st of a month)."""
        day = on - dt.timedelta(days=int(self.rng.uniform(youngest * 365.25, oldest * 365.25)))
        return day.replace(day=min(max(day.day, 2), 28))

    def day(self, month: Period, first: int = 1) -> dt.date:
        """A random day of `month` from day `first`."""
        last = calendar.monthrange(month.year, month.month)[1]
        return dt.date(month.year, month.month, int(self.rng.integers(first, last + 1)))

    def working_day(self, month: Period) -> dt.date:
        """A random working day of `month`."""
        days = working_days_of(month)
        return days[int(self.rng.integers(0, len(days)))]

    def back(self, end: dt.date, working_days: int) -> dt.date:
        """The day `working_days` working days before the working day `end` (checked with the loader's rule)."""
        start = np.busday_offset(np.datetime64(end), -working_days, roll="forward", holidays=HOLIDAYS).astype(dt.date)
        if working_days_after(start, end) != working_days:
            raise AssertionError(f"{start} to {end} is not {working_days} working days")
        return start

    def figure(self, indicator_id: str, month: Period, use: str = "value") -> int:
        """A demo figure (value, numerator or denominator) as a whole number."""
        return int(round(getattr(self.demo[(indicator_id, month.label)], use)))

    def recent(self, indicator_id: str, use: str = "value") -> float:
        """The mean of the demo's last three months, to invent November from."""
        return float(np.mean([self.figure(indicator_id, month, use) for month in DEMO_MONTHS[-3:]]))

    def add(self, list_number: int, dates: dict, fields: dict | None = None, child: str | None = None,
            dob: dt.date | None = None, recorded: dt.date | None = None) -> Record:
        """Store one record."""
        record = Record(list_number, child or self.child(), dob or self.dob(), dates, fields or {}, recorded)
        self.records.append(record)
        return record

    def split(self, total: int, hits: int) -> np.ndarray:
        """`total` flags of which exactly `hits` are True, in random order."""
        flags = np.zeros(total, dtype=bool)
        flags[:hits] = True
        return self.rng.permutation(flags)

    # --- the lists ---------------------------------------------------------------------------------------
    def contacts(self) -> None:
        """List 1: as many contacts each month as the demo's CSC04 denominator."""
        for month in DEMO_MONTHS + [NEW_MONTH]:
            count = self.figure("CSC04", month, "denominator") if month != NEW_MONTH else \
                int(self.rng.poisson(self.recent("CSC04", "denominator")))
            for _ in range(count):
                self.add(1, {"Date of Contact": self.day(month)}, {"Contact Source": self.pick(SOURCES)})
        for month, day in ((Period(2026, 9), 29), (Period(2026, 10), 30), (Period(2026, 10), 30)):
            self.add(1, {"Date of Contact": dt.date(month.year, month.month, day)},
                     {"Contact Source": "q) 6: Police"}, recorded=RECORDED_LATE)

    def early_help(self) -> None:
        """List 2: EH02 completions each month; starts 2 to 10 weeks earlier; some still open."""
        for month in DEMO_MONTHS + [NEW_MONTH]:
            count = self.figure("EH02", month) if month != NEW_MONTH else int(self.rng.poisson(self.recent("EH02")))
            for _ in range(count):
                done = self.day(month)
                self.add(2, {"Assessment start date": done - dt.timedelta(days=int(self.rng.integers(14, 70))),
                             "Assessment completion date": done}, {"Organisation": self.pick(
                                 ("Early Help Hub", "Family Hub North", "Family Hub South", "Top Town Academy"))})
        for _ in range(160):   # started in October or November 2026, completed after the November extraction
            start = self.day(self.pick((Period(2026, 10), NEW_MONTH)))
            self.add(2, {"Assessment start date": start, "Assessment completion date": dt.date(2027, 1, 15)},
                     {"Organisation": "Family Hub North"})
        self.add(2, {"Assessment start date": dt.date(2026, 10, 6), "Assessment completion date": dt.date(2026, 10, 28)},
                 {"Organisation": "Family Hub South"}, recorded=RECORDED_LATE)

    def referrals(self) -> None:
        """List 3: CSC01 referrals, of which CSC03's numerator are re-referrals and CSC06's are NFA."""
        for month in DEMO_MONTHS + [NEW_MONTH]:
            if month != NEW_MONTH:
                count = self.figure("CSC01", month)
                again, nfa = self.figure("CSC03", month, "numerator"), self.figure("CSC06", month, "numerator")
            else:
                count = int(self.rng.poisson(self.recent("CSC01")))
                again, nfa = int(self.rng.binomial(count, 0.19)), int(self.rng.binomial(count, 0.07))
            for is_again, is_nfa in zip(self.split(count, again), self.split(count, nfa)):
                self.add(3, {"Date of Referral": self.day(month)}, self.referral_fields(is_again, is_nfa))
        for when, is_again, is_nfa in ((dt.date(2026, 9, 30), False, False), (dt.date(2026, 10, 29), True, False),
                                       (dt.date(2026, 10, 30), False, True)):
            self.add(3, {"Date of Referral": when}, self.referral_fields(is_again, is_nfa), recorded=RECORDED_LATE)

    def referral_fields(self, again: bool, nfa: bool) -> dict:
        """The coded cells of one referral."""
        return {"Referral Source": self.pick(SOURCES), "Referral NFA?": self.pick(YES_FORMS if nfa else NO_FORMS),
                "Number of Referrals in Last 12 Months": int(self.rng.integers(2, 5)) if again else 1}

    def assessments(self) -> None:
        """List 4: CSC05's denominator authorised each month, its numerator within 45 working days."""
        for month in DEMO_MONTHS + [NEW_MONTH]:
            if month != NEW_MONTH:
                count, in_time = self.figure("CSC05", month, "denominator"), self.figure("CSC05", month, "numerator")
            else:
                count = int(self.rng.poisson(self.recent("CSC05", "denominator")))
                in_time = int(self.rng.binomial(count, 0.83))
            for on_time in self.split(count, in_time):
                done = self.working_day(month)
                taken = int(self.rng.integers(8, 46)) if on_time else int(self.rng.integers(46, 75))
                self.add(4, {"Continuous Assessment Start Date": self.back(done, taken),
                             "Continuous Assessment Date of Authorisation": done})
        for _ in range(120):   # still open at the November extraction
            self.add(4, {"Continuous Assessment Start Date": self.day(self.pick((Period(2026, 10), NEW_MONTH))),
                         "Continuous Assessment Date of Authorisation": dt.date(2027, 1, 10)})
        late = dt.date(2026, 10, 27)
        self.add(4, {"Continuous Assessment Start Date": self.back(late, 30),
                     "Continuous Assessment Date of Authorisation": late}, recorded=RECORDED_LATE)

    def protection(self) -> None:
        """Lists 5 and 7: CP03's conferences; CP04's new plans (from conferences, the rest transfer-in);
        CP01's children on a plan at every month end."""
        open_plans = [self.add(7, {"Child Protection Plan Start Date": self.plan_start(),
                                   "Child Protection Plan End Date": None},
                               {"Number of Previous Child Protection Plans": self.previous(False)})
                      for _ in range(self.figure("CP01", Period(2025, 10)))]
        for month in DEMO_MONTHS + [NEW_MONTH]:
            if month != NEW_MONTH:
                conferences, in_time = self.figure("CP03", month, "denominator"), self.figure("CP03", month, "numerator")
                starts, again = self.figure("CP04", month, "denominator"), self.figure("CP04", month, "numerator")
                on_plan = self.figure("CP01", month)
            else:
                conferences = int(self.rng.poisson(24))
                in_time = int(self.rng.binomial(conferences, 0.86))
                starts = int(self.rng.poisson(21))
                again = int(self.rng.binomial(starts, 0.19))
                on_plan = len(open_plans) + int(self.rng.integers(-4, 5))
            conference_days = []
            for on_time in self.split(conferences, in_time):
                held = self.working_day(month)
                taken = int(self.rng.integers(4, 16)) if on_time else int(self.rng.integers(16, 30))
                conference_days.append((self.add(5, {"Strategy discussion initiating Section 47 Enquiry Start Date":
                                                     self.back(held, taken),
                                                     "Date of Initial Child Protection Conference": held}), held))
            for _ in range(int(self.rng.poisson(35))):   # enquiries that needed no conference
                self.add(5, {"Strategy discussion initiating Section 47 Enquiry Start Date": self.working_day(month),
                             "Date of Initial Child Protection Conference": None},
                         {"Was an Initial Child Protection Conference deemed unnecessary?": "a) Yes"})
            ending = len(open_plans) + starts - on_plan
            assert ending >= 0, f"{month.label}: the demo's children on a plan cannot follow from its new plans"
            ages = np.array([(month.start - plan.dates["Child Protection Plan Start Date"]).days for plan in open_plans])
            chosen = self.rng.choice(len(open_plans), size=ending, replace=False, p=ages / ages.sum())
            for index in sorted(chosen, reverse=True):
                plan = open_plans.pop(index)
                plan.dates["Child Protection Plan End Date"] = self.day(month)
            for index, is_again in enumerate(self.split(starts, again)):
                if index < len(conference_days):
                    conference, held = conference_days[index]
                    conference.fields["Did the Initial Child Protection Conference Result in a Child Protection Plan"] \
                        = self.pick(YES_FORMS)
                    child, dob, start = conference.child, conference.dob, held
                else:   # a transfer-in conference: no List 5 row
                    child, dob, start = self.child(), self.dob(), self.day(month)
                open_plans.append(self.add(7, {"Child Protection Plan Start Date": start,
                                               "Child Protection Plan End Date": None},
                                           {"Number of Previous Child Protection Plans": self.previous(is_again)},
                                           child=child, dob=dob))
        self.add(7, {"Child Protection Plan Start Date": dt.date(2026, 10, 27), "Child Protection Plan End Date": None},
                 {"Number of Previous Child Protection Plans": 1}, recorded=RECORDED_LATE)

    def plan_start(self) -> dt.date:
        """The start of a plan open on 31 October 2025: mostly within a year, a few over two years before."""
        days = int(self.rng.integers(800, 1000)) if self.rng.random() < 0.03 else int(self.rng.integers(1, 330))
        return FIRST_STOCK_DAY - dt.timedelta(days=days)

    def previous(self, again: bool) -> int:
        """Number of previous child protection plans."""
        return int(self.rng.integers(1, 3)) if again else 0

    def in_care(self) -> None:
        """List 8: CLA01's children in care at every month end; CLA04's numerator with 3 or more placements
        on 31 October 2026 (CLA04's denominator is CLA01's October figure)."""
        stock = [self.add(8, {"Date Started to be Looked After": FIRST_STOCK_DAY - dt.timedelta(
            days=int(self.rng.integers(1, 3000))), "Date Ceased to be Looked After": None})
            for _ in range(self.figure("CLA01", Period(2025, 10)))]
        for month in DEMO_MONTHS + [NEW_MONTH]:
            target = self.figure("CLA01", month) if month != NEW_MONTH else len(stock) + int(self.rng.integers(-3, 4))
            starts = max(int(self.rng.poisson(11)), target - len(stock))
            leaving = self.rng.choice(len(stock), size=len(stock) + starts - target, replace=False)
            for index in sorted(leaving, reverse=True):
                stock.pop(index).dates["Date Ceased to be Looked After"] = self.day(month, first=2)
            stock += [self.add(8, {"Date Started to be Looked After": self.day(month),
                                   "Date Ceased to be Looked After": None}) for _ in range(starts)]
            if month == Period(2026, 10):
                many = self.split(len(stock), self.figure("CLA04", month, "numerator"))
                for record, moved in zip(stock, many):
                    record.fields["placements"] = int(self.rng.integers(3, 6)) if moved else \
                        int(self.rng.integers(1, 3))
        for record in (r for r in self.records if r.list_number == 8):
            record.fields.setdefault("placements", int(self.rng.integers(1, 3)))
            # in November two children in care have a further placement (3 or more now)
            record.fields["placements_november"] = record.fields["placements"]
        staying = [r for r in stock if r.fields["placements"] == 2][:2]
        for record in staying:
            record.fields["placements_november"] = 3

    def care_leavers(self) -> None:
        """List 9: CL01-CL03's care leavers by age group on 31 October 2026, and young people outside the
        cohort (qualifying, eligible, 22 or over, died, returned home)."""
        october = Period(2026, 10)
        for group, (youngest, oldest) in (("17-18", (17.05, 18.95)), ("19-21", (19.05, 21.95))):
            people = self.by_group[("CL01", october.label, group)]
            total = int(people.denominator)
            touch = self.split(total, int(self.by_group[("CL01", october.label, group)].numerator))
            # those not in touch are neither in education, employment or training nor suitably housed (no
            # information): EET and suitable go to young people in touch first
            order = np.argsort(~touch, kind="stable")
            eet = np.zeros(total, dtype=bool)
            eet[order[:int(self.by_group[("CL02", october.label, group)].numerator)]] = True
            suitable = np.zeros(total, dtype=bool)
            suitable[order[:int(self.by_group[("CL03", october.label, group)].numerator)]] = True
            for in_touch, working, housed in zip(touch, eet, suitable):
                self.add(9, {}, self.leaver_fields("b) Former relevant child" if self.rng.random() < 0.8
                                                   else "a) Relevant child", in_touch, working, housed),
                         dob=self.dob(youngest, oldest))
        for eligibility, youngest, oldest, touch in (("c) Qualifying care leaver", 18.2, 20.9, "a) Yes"),
                                                     ("d) Eligible child", 16.1, 16.9, "a) Yes"),
                                                     ("b) Former relevant child", 22.1, 24.9, "a) Yes"),
                                                     ("b) Former relevant child", 19.1, 20.9, "c) Died"),
                                                     ("b) Former relevant child", 18.1, 20.9, "f) Rhom")):
            for _ in range(6 if touch == "a) Yes" else 1):
                fields = self.leaver_fields(eligibility, touch == "a) Yes", True, True)
                fields["LA in Touch"] = touch
                self.add(9, {}, fields, dob=self.dob(youngest, oldest))

    def leaver_fields(self, eligibility: str, in_touch: bool, working: bool, housed: bool) -> dict:
        """The coded cells of one care leaver."""
        activity = self.pick(("F1: Full time in higher education", "F2: Full time in education other than higher",
                              "F5: Young person engaged full time in training or employment (not apprenticeship)",
                              "P3: Part time in training or employment", "F4"))
        idle = self.pick(("G5: Not in education, employment or training - other",
                          "G4: Not in education, employment or training - illness or disability",
                          "G6: Not in education, employment or training - pregnancy or parenting"))
        return {"Eligibility Category": eligibility,
                "LA in Touch": self.pick(("a) Yes", "Yes")) if in_touch else self.pick(("b) No", "d) Refu",
                                                                                        "e) NREQ")),
                "Type of Accommodation": self.pick(("D: Semi-independent, transitional accommodation and "
                                                    "self-contained accommodation", "U: Independent living",
                                                    "Z: With former foster carers", "E: Supported lodgings"))
                if in_touch else "",
                "Suitability of Accommodation": (self.pick(("a) Suitable", "Suitable")) if housed else
                                                 "b) Unsuitable") if in_touch else "",
                "Activity Status": (activity if working else idle) if in_touch else ""}

    def pick(self, choices):
        """One of `choices`."""
        return choices[int(self.rng.integers(0, len(choices)))]


def visible(record: Record, extracted: dt.date, first: dt.date) -> bool:
    """Whether an export made on `extracted`, listing the 12 months from `first`, shows the record."""
    if record.recorded is not None and record.recorded > extracted:
        return False
    if record.list_number == 9:
        return True
    dates = [day for day in record.dates.values() if day is not None]
    begins = min(dates)
    if begins > extracted:
        return False
    if record.list_number in (1, 3):
        return begins >= first
    if record.list_number == 5:
        return any(first <= day <= extracted for day in dates)
    ends = list(record.dates.values())[1]
    return ends is None or ends >= first


def date_cell(day: dt.date | None, extracted: dt.date, rng: np.random.Generator):
    """A date as Excel writes it, or as text (dd/mm/yyyy mostly, sometimes yyyy-mm-dd); blank if after
    the extraction (not known yet)."""
    if day is None or day > extracted:
        return None
    draw = rng.random()
    if draw < 0.12:
        return day.strftime("%d/%m/%Y") + ("\xa0" if draw < 0.02 else "")
    return day.isoformat() if draw < 0.16 else day


def worker(rng: np.random.Generator) -> str:
    """An invented worker name, non-breaking space and all."""
    first, last = FIRST_NAMES[int(rng.integers(0, len(FIRST_NAMES)))], LAST_NAMES[int(rng.integers(0, len(LAST_NAMES)))]
    return f"{first}\xa0{last}"


def row_cells(record: Record, extracted: dt.date, rng: np.random.Generator, number: int) -> list:
    """The cells of one record in an export made on `extracted` (`number`: its spreadsheet row)."""
    age = (extracted - record.dob).days / 365.25
    common = [record.child, GENDERS[int(rng.integers(0, len(GENDERS)))],
              ETHNICITIES[int(rng.integers(0, len(ETHNICITIES)))], date_cell(record.dob, extracted, rng),
              f"=ROUNDDOWN(({extracted:%Y%m%d}-D{number})/365.25,0)" if rng.random() < 0.0005 else round(age, 2)]
    dates = [date_cell(day, extracted, rng) for day in record.dates.values()]
    team = TEAMS[int(rng.integers(0, len(TEAMS)))] if rng.random() > 0.02 else "#N/A"
    name = worker(rng) if team != "#N/A" else "#N/A"
    fields = record.fields
    if record.list_number == 1:
        return common + dates + [fields["Contact Source"]]
    if record.list_number == 2:
        return common + dates + [fields["Organisation"] if dates[1] else "#N/A"]
    if record.list_number == 3:
        return common + dates + [fields["Referral Source"], fields["Referral NFA?"],
                                 fields["Number of Referrals in Last 12 Months"], team, name]
    if record.list_number == 4:
        return common[:5] + ["b) No", dates[0], "a) Yes", dates[1], "a) Yes" if dates[1] else None, team, name]
    if record.list_number == 5:
        held = dates[1]
        unnecessary = fields.get("Was an Initial Child Protection Conference deemed unnecessary?", "b) No")
        result = fields.get("Did the Initial Child Protection Conference Result in a Child Protection Plan",
                            "b) No" if held else None)
        return common[:5] + ["b) No", dates[0], unnecessary, held, result, 1, 1 if held else 0, team, name]
    if record.list_number == 7:
        return common[:5] + ["b) No", dates[0], "a) Neglect", "a) Neglect", None, "a) Yes", None, dates[1], "b) No",
                             fields["Number of Previous Child Protection Plans"], "Child Protection Team", name]
    if record.list_number == 8:
        placements = fields["placements_november" if extracted.month == 11 else "placements"]
        ceased = dates[1]
        placement_cell = placements if ceased is None or rng.random() > 0.05 else "#N/A"
        return common[:5] + ["b) No", dates[0], "N1 - Abuse or Neglect", "C2: FCO", placement_cell, ceased,
                             "e) E4A: Returned home to live with parents or relatives - part of planning"
                             if ceased else None, "f) U6: Foster placement - not FFA", "Children in Care Team", name]
    return common[:5] + ["b) No", "Care Leavers Team", name, fields["Eligibility Category"], fields["LA in Touch"],
                         fields["Type of Accommodation"] or None, fields["Suitability of Accommodation"] or None,
                         fields["Activity Status"] or None]


def write_export(authority: Authority, extracted: dt.date, path: Path) -> None:
    """One Annex A workbook as extracted on `extracted`, listing the 12 months up to it."""
    first = Period(extracted.year, extracted.month).shift(-11).start
    rng = np.random.default_rng(SEED + extracted.month)
    book = Workbook(write_only=True)
    for number, header in LIST_HEADERS.items():
        sheet = book.create_sheet(f"List {number}")
        sheet.append(header)
        shown = [r for r in authority.records if r.list_number == number and visible(r, extracted, first)]
        shown.sort(key=lambda r: (min((d for d in r.dates.values() if d), default=r.dob), r.child))
        rows = [row_cells(record, extracted, rng, index) for index, record in enumerate(shown, start=2)]
        if number == 1:   # two contacts typed in twice
            rows += [list(rows[10]), list(rows[500])]
        if number == 8:   # a formula saved without its value, on a child no longer in care
            ceased = next(index for index, cells in enumerate(rows) if cells[10] is not None)
            rows[ceased][9] = "=1+1"
        for cells in rows:
            sheet.append(cells)
    book.save(path)


def main() -> None:
    """Write both exports."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    authority = Authority()
    authority.contacts()
    authority.early_help()
    authority.referrals()
    authority.assessments()
    authority.protection()
    authority.in_care()
    authority.care_leavers()
    for name, extracted in EXTRACTS.items():
        write_export(authority, extracted, args.out / name)
        print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
