"""Load time of a large Annex A workbook: this loader (read, check, work out AA01-AA18) beside pandas.read_excel.

    python bench/bench_annex_a.py [--rows 50000] [--repeat 5]

Writes a 12-month Annex A of `--rows` records spread over Lists 1-9 as councils' exports are (most of
them contacts), with Annex A's column names, Excel dates and some text dates, then prints the median
of several runs for: load_annex_a (calamine read, every value checked, all indicators and notes), and
the baseline pandas.read_excel(engine="openpyxl") of the same sheets (reading only, no checks).
Budget: under 2 s. Exits with status 1 when the budget is missed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_loaders.annex_a import load_annex_a  # noqa: E402

BUDGET_SECONDS = 2.0
EXTRACTED = dt.date(2026, 10, 31)
SHARES = {1: 0.50, 2: 0.10, 3: 0.16, 4: 0.12, 5: 0.04, 7: 0.03, 8: 0.03, 9: 0.02}   # of all rows, by list
HEADERS = {
    1: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
        "Contact Source"],
    2: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Assessment start date",
        "Assessment completion date", "Organisation completing assessment"],
    3: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Referral",
        "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team",
        "Allocated Worker"],
    4: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation", "Allocated Team",
        "Allocated Worker"],
    5: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Strategy discussion initiating Section 47 Enquiry Start Date", "Date of Initial Child Protection Conference",
        "Allocated Team", "Allocated Worker"],
    7: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Child Protection Plan Start Date", "Child Protection Plan End Date",
        "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
    8: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
        "Date Started to be Looked After", "Date Ceased to be Looked After",
        "Number of Placements in the Last 12 months", "Allocated Team", "Allocated Worker"],
    9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Eligibility Category",
        "LA in Touch", "Type of Accommodation", "Suitability of Accommodation", "Activity Status",
        "Allocated Worker"],
}


def write_annex_a(path: Path, rows: int) -> None:
    """A valid 12-month Annex A of about `rows` records."""
    rng = np.random.default_rng(12)
    first = np.datetime64("2025-11-01")
    book = Workbook(write_only=True)

    def day(after: int = 0) -> dt.date:
        """A day in the 12 months (or `after` days later, capped at the extraction date)."""
        when = first + int(rng.integers(0, 365)) + after
        return min(when.astype(dt.date), EXTRACTED)

    for number, header in HEADERS.items():
        sheet = book.create_sheet(f"List {number}")
        sheet.append(header)
        for index in range(int(rows * SHARES[number])):
            start = day()
            common = [f"ID{number}{index:07d}", "a) Male" if index % 2 else "b) Female", "a) WBRI",
                      dt.date(2010, 1 + index % 12, 2 + index % 27), 12.5]
            when = start.strftime("%d/%m/%Y") if index % 10 == 0 else start
            later = min(start + dt.timedelta(days=int(rng.integers(5, 90))), EXTRACTED)
            extra = {1: [when, "q) 6: Police"], 2: [when, later, "Family Hub"],
                     3: [when, "q) 6: Police", "a) Yes" if index % 12 == 0 else "b) No", int(rng.integers(1, 4)),
                         "Front Door", "Ada\xa0Abbot"],
                     4: [when, later, "Assessment Team", "Ada\xa0Abbot"],
                     5: [when, later if index % 3 else None, "CP Team", "Ada\xa0Abbot"],
                     7: [when, later if index % 2 else None, index % 3, "CP Team", "Ada\xa0Abbot"],
                     8: [when, later if index % 4 == 0 else None, int(rng.integers(1, 5)), "CiC Team", "Ada\xa0Abbot"],
                     9: ["b) Former relevant child", "a) Yes", "U: Independent living", "a) Suitable",
                         "F2: Full time in education other than higher", "Ada\xa0Abbot"]}[number]
            if number == 9:
                common[3] = dt.date(2006 + index % 4, 1 + index % 12, 2 + index % 27)
            sheet.append(common + extra)
    book.save(path)


def median_seconds(action, repeat: int) -> float:
    """Median wall time of `repeat` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    """Print the figures; 1 when the budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annex_a.xlsx"
        write_annex_a(path, args.rows)
        data = path.read_bytes()
        sheets = [f"List {number}" for number in HEADERS]
        records = sum(len(frame) for frame in pd.read_excel(path, sheet_name=sheets, engine="calamine").values())
        result = load_annex_a(data, as_at=EXTRACTED, months=12)
        assert set(result.values["indicator_id"]) >= {"AA01", "AA04", "AA07", "AA12", "AA14", "AA16"}
        ours = median_seconds(lambda: load_annex_a(data, as_at=EXTRACTED, months=12), args.repeat)
        baseline = median_seconds(lambda: pd.read_excel(path, sheet_name=sheets, engine="openpyxl"), args.repeat)
    print(f"Annex A workbook: {records:,} records in {len(sheets)} lists, {len(data) / 1e6:.1f} MB")
    print(f"load_annex_a (read, check, AA01-AA18):         median {ours:6.2f} s over {args.repeat} runs")
    print(f"pandas.read_excel(engine='openpyxl') baseline: median {baseline:6.2f} s (reading only)")
    print(f"budget {BUDGET_SECONDS:.1f} s: {'met' if ours < BUDGET_SECONDS else 'MISSED'}; "
          f"{baseline / ours:.1f}x faster than the baseline")
    return 0 if ours < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
