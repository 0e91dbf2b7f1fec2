"""Load time of a large return: this loader (parse and validate) beside plain pandas.read_excel.

    python bench/bench_load.py [--indicators 60] [--years 10] [--breakdowns 3] [--repeat 5]

Writes a return of 60 indicators x 10 years monthly x (3 breakdowns + total), then prints the
median of several runs for: load_return (calamine read + full validation), the baseline
pandas.read_excel(engine="openpyxl") of the same sheets (reading only, no checks), and
pandas.read_excel(engine="calamine") for reference. Budgets: under 1 s, and at least 5x faster
than the openpyxl baseline.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data_loaders import load_return  # noqa: E402
from periods import Period, month_range  # noqa: E402

UNITS = ["percent", "count", "rate_per_10k", "number"]


def write_large_return(path: Path, indicators: int, years: int, breakdowns: int) -> int:
    """A valid return of the given size; returns the number of Values rows."""
    rng = np.random.default_rng(7)
    months = month_range(Period(2015, 4), Period(2015 + years, 3))
    book = Workbook(write_only=True)
    catalogue = book.create_sheet("Indicators")
    catalogue.append(["indicator_id", "dashboard", "title", "definition", "unit", "polarity", "aggregation",
                      "target", "amber_tolerance"])
    for number in range(indicators):
        unit = UNITS[number % len(UNITS)]
        catalogue.append([f"IND{number:03d}", f"{number % 8 + 1} Dashboard {number % 8 + 1}", f"Indicator {number}",
                          "Benchmark indicator", unit, "higher_is_better", "sum", 50 if unit == "percent" else None,
                          5 if unit == "percent" else None])
    values = book.create_sheet("Values")
    values.append(["indicator_id", "period", "breakdown", "numerator", "denominator", "value"])
    rows = 0
    for number in range(indicators):
        unit = UNITS[number % len(UNITS)]
        for month in months:
            parts = []
            for part in range(breakdowns):
                denominator = int(rng.integers(50, 400))
                numerator = int(rng.integers(0, denominator))
                parts.append((f"Group {part + 1}", numerator, denominator))
            total = ("", sum(p[1] for p in parts), sum(p[2] for p in parts))
            for breakdown, numerator, denominator in parts + [total]:
                if unit == "count":
                    values.append([f"IND{number:03d}", month.label, breakdown, None, None, numerator])
                else:
                    values.append([f"IND{number:03d}", month.label, breakdown, numerator, denominator, None])
                rows += 1
    book.save(path)
    return rows


def timed(function, repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large_return.xlsx"
        rows = write_large_return(path, args.indicators, args.years, args.breakdowns)
        data = path.read_bytes()
        load_return(data, path.name)  # warm imports and caches once
        ours = timed(lambda: load_return(data, path.name), args.repeat)
        openpyxl_read = timed(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl"), max(1, args.repeat // 2))
        calamine_read = timed(lambda: pd.read_excel(path, sheet_name=None, engine="calamine"), args.repeat)
    print(f"large return: {args.indicators} indicators x {args.years} years monthly x "
          f"({args.breakdowns} breakdowns + total) = {rows:,} value rows, {len(data) / 1e6:.1f} MB")
    print(f"  load_return (calamine read + validation) : {ours:7.3f} s   budget < 1 s: {'ok' if ours < 1 else 'OVER'}")
    print(f"  baseline read_excel(engine='openpyxl')  : {openpyxl_read:7.3f} s   (reading only, no checks)")
    print(f"  reference read_excel(engine='calamine') : {calamine_read:7.3f} s   (reading only, no checks)")
    ratio = openpyxl_read / ours
    print(f"  speed-up over the openpyxl baseline      : {ratio:7.1f} x  budget >= 5x: {'ok' if ratio >= 5 else 'UNDER'}")


if __name__ == "__main__":
    main()
