"""Load time of a large return beside the raw parse and openpyxl, and the cost of refusing hostile files.

    python bench/bench_load.py [--indicators 60] [--years 10] [--breakdowns 3] [--repeat 9]

Writes a return of 60 indicators x 10 years monthly x (3 breakdowns + total) = 28,800 value rows,
then measures in one run, each figure beside its baseline and budget:

- load_return (the whole-file guard, the parse and every check) against the raw calamine parse of
  the same file (python_calamine reading every sheet to Python): at most 2x. The two alternate,
  repetition by repetition, and the budget is on the median of the paired ratios, so a burst of
  load from another process on the machine moves both;
- the same load against pandas.read_excel(engine="openpyxl") of the same sheets (reading only, no
  checks): at least 8x faster;
- refusing each of the heaviest hostile files (tests/corpus/files, and a file of the largest size
  the guard lets through whose every row is wrong, made here), each in a fresh process: the load's
  seconds and the process's peak memory, imports included: under 5 s and 500 MB.

Exits 1 when a budget is missed.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data_loaders import load_return  # noqa: E402
from periods import Period, month_range  # noqa: E402

UNITS = ["percent", "count", "rate_per_10k", "number"]
RATIO_BUDGET = 2.0  # load_return / raw calamine parse
OPENPYXL_BUDGET = 8.0  # openpyxl read / load_return
REFUSAL_SECONDS, REFUSAL_PEAK_MB = 5.0, 500.0
CORPUS = ROOT / "tests" / "corpus"
HEAVIEST = ["zip_bomb.xlsx", "shared_string_390mb.xlsx", "shared_strings_bomb.xlsx", "sheets_100_far.xlsx",
            "sheets_together_too_large.xlsx", "cells_without_reference.xlsx", "far_corner_cell.xlsx",
            "many_merged_ranges.xlsx", "blank_rows_100k.xlsx", "many_columns.xlsx", "blank_rows_100k.csv",
            "too_many_columns.csv", "csv_long_cell.csv"]


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


def write_largest_wrong_return(path: Path) -> int:
    """A return as large as the guard lets through (its Values sheet just under the unzipped limit), every
    row of which is wrong: the longest a refusal can take, since all of it must be read and checked."""
    book = Workbook(write_only=True)
    catalogue = book.create_sheet("Indicators")
    catalogue.append(["indicator_id", "dashboard", "title", "definition", "unit", "polarity", "aggregation"])
    catalogue.append(["A1", "1 Dashboard", "Title", "Definition", "count", "neutral", "sum"])
    values = book.create_sheet("Values")
    values.append(["indicator_id", "period", "breakdown", "numerator", "denominator", "value"])
    rows = 165_000  # openpyxl writes about 240 bytes a row: 39 MB of the 40 MB allowed
    for row in range(rows):
        values.append(["A1", "2025-04", f"Group {row}", None, None, "n/a"])
    book.save(path)
    return rows


def raw_parse(data: bytes) -> list:
    """The raw calamine parse: every sheet read to Python, nothing checked."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]


def seconds(function) -> float:
    """Wall time of one call."""
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def refusal(path: Path) -> dict:
    """Refuse one file in a fresh process (tests/corpus/refuse.py): its problems, seconds and peak memory."""
    finished = subprocess.run([sys.executable, str(CORPUS / "refuse.py"), str(path)], capture_output=True, text=True,
                              timeout=300, check=True)
    return json.loads(finished.stdout)


def verdict(ok: bool) -> str:
    """A budget's outcome as printed."""
    return "ok" if ok else "MISSED"


def main() -> int:
    """Print the figures; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--breakdowns", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    missed = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large_return.xlsx"
        rows = write_large_return(path, args.indicators, args.years, args.breakdowns)
        data = path.read_bytes()
        load_return(data, path.name)  # warm imports and caches once
        raw_parse(data)
        raw_times, load_times = [], []
        for _ in range(args.repeat):  # alternated, so both see the same moments of the machine
            raw_times.append(seconds(lambda: raw_parse(data)))
            load_times.append(seconds(lambda: load_return(data, path.name)))
        openpyxl_read = statistics.median(
            seconds(lambda: pd.read_excel(path, sheet_name=None, engine="openpyxl")) for _ in range(2))
        calamine_read = statistics.median(
            seconds(lambda: pd.read_excel(path, sheet_name=None, engine="calamine")) for _ in range(3))
        worst = Path(folder) / "largest_wrong_return.xlsx"
        worst_rows = write_largest_wrong_return(worst)
        refusals = {name: refusal(CORPUS / "files" / name) for name in HEAVIEST}
        refusals[f"largest_wrong_return.xlsx ({worst_rows:,} wrong rows, made here)"] = refusal(worst)

    ours, raw = statistics.median(load_times), statistics.median(raw_times)
    ratio = statistics.median(load / parse for load, parse in zip(load_times, raw_times))
    speed_up = openpyxl_read / ours
    print(f"large return: {args.indicators} indicators x {args.years} years monthly x "
          f"({args.breakdowns} breakdowns + total) = {rows:,} value rows, {len(data) / 1e6:.1f} MB; "
          f"medians of {args.repeat} alternated runs")
    print(f"  load_return (guard + parse + validation) : {ours:7.3f} s")
    print(f"  baseline: raw calamine parse              : {raw:7.3f} s   (python_calamine, every sheet to Python)")
    print(f"  load / raw parse                          : {ratio:7.2f} x   budget <= {RATIO_BUDGET:g}x: "
          f"{verdict(ratio <= RATIO_BUDGET)}")
    print(f"  baseline: read_excel(engine='openpyxl')   : {openpyxl_read:7.3f} s   (reading only, no checks)")
    print(f"  speed-up over openpyxl                    : {speed_up:7.1f} x   budget >= {OPENPYXL_BUDGET:g}x: "
          f"{verdict(speed_up >= OPENPYXL_BUDGET)}")
    print(f"  reference: read_excel(engine='calamine')  : {calamine_read:7.3f} s   (reading only, no checks)")
    if ratio > RATIO_BUDGET:
        missed.append("load / raw parse")
    if speed_up < OPENPYXL_BUDGET:
        missed.append("speed-up over openpyxl")
    print(f"refusing hostile files, each in a fresh process (budget: under {REFUSAL_SECONDS:g} s and "
          f"{REFUSAL_PEAK_MB:g} MB peak, imports included)")
    for name, outcome in refusals.items():
        refused = bool(outcome["problems"]) and outcome["error"] is None
        ok = refused and outcome["seconds"] < REFUSAL_SECONDS and outcome["peak_mb"] < REFUSAL_PEAK_MB
        print(f"  {name:58s} {outcome['seconds']:6.2f} s {outcome['peak_mb']:6.0f} MB  "
              f"{verdict(ok) if refused else 'NOT REFUSED'}")
        if not ok:
            missed.append(name)
    slowest = max(refusals.items(), key=lambda item: item[1]["seconds"])
    largest = max(refusals.items(), key=lambda item: item[1]["peak_mb"])
    print(f"  worst time: {slowest[1]['seconds']:.2f} s ({slowest[0]}); worst peak: {largest[1]['peak_mb']:.0f} MB "
          f"({largest[0]})")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
