"""Save one generated upload into a store from its own process (kill and concurrency tests).

    store_worker.py URL --rows N --tag T [--mode complete|partial] [--barrier PATH] [--pause]

Prints, flushed, one line at each step and nothing else (never row contents):
`ready` once the upload is built (it then waits for the barrier file, if any), `inserting`
when the insert of value rows starts, `paused` after that insert when `--pause` is given
(the transaction then stays open until the process is killed), and `saved ID` when committed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import event

from data_loaders.model import INDICATOR_COLUMNS, PerformanceReturn
from store import RETURN_TABLES, Store

INDICATORS_PER_RETURN = 20
MONTHS = 60


def generated_return(rows: int, tag: int) -> PerformanceReturn:
    """A return of `rows` values whose indicator ids and figures depend on `tag`.

    Indicators cycle fastest, then 60 months from April 2020, then breakdowns, so every
    (indicator, period, breakdown) is distinct.
    """
    n = np.arange(rows)
    month_index = n // INDICATORS_PER_RETURN % MONTHS
    starts = pd.date_range("2020-04-01", periods=MONTHS, freq="MS")[month_index]
    group = n // (INDICATORS_PER_RETURN * MONTHS)
    ids = [f"W{tag}-{k:02d}" for k in range(INDICATORS_PER_RETURN)]
    values = pd.DataFrame({
        "indicator_id": np.array(ids)[n % INDICATORS_PER_RETURN],
        "period": starts.strftime("%Y-%m"),
        "frequency": "month",
        "period_start": starts.as_unit("us"),
        "breakdown": np.where(group == 0, "", np.char.add("group ", group.astype(str))),
        "numerator": (n % 97 + tag).astype(float),
        "denominator": np.where(n % 11 == 0, np.nan, n % 89 + 100.0),
        "value": (n % 97 + tag) / (n % 89 + 100.0) * 100,
    })
    blank_text = {name: "" for name, dtype in INDICATOR_COLUMNS.items() if dtype == "str"}
    indicators = pd.DataFrame({**blank_text, "indicator_id": ids, "dashboard": f"Worker {tag}",
                               "dashboard_number": range(1, INDICATORS_PER_RETURN + 1),
                               "title": [f"Indicator {i}" for i in ids], "unit": "percent",
                               "target": 50.0 + tag, "amber_tolerance": np.nan,
                               "rolling_12_months": tag % 2 == 0})
    return PerformanceReturn(indicators=indicators, values=values, about={"worker": str(tag)})


def signal(line: str) -> None:
    """Tell the parent test how far this worker got."""
    print(line, flush=True)


def wait_for(path: Path, timeout: float = 120.0) -> None:
    """Block until `path` exists, so several workers start saving at the same moment."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit("barrier never appeared")
        time.sleep(0.002)


def watch_value_insert(store: Store, pause: bool) -> None:
    """Signal when the value rows start going in and, with `pause`, hang once they are in."""
    table_name = RETURN_TABLES["values"].name
    seen = {"before": False, "after": False}

    def is_value_insert(statement: str) -> bool:
        return statement.lstrip().upper().startswith(f"INSERT INTO {table_name.upper()}")

    @event.listens_for(store.engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        if is_value_insert(statement) and not seen["before"]:
            seen["before"] = True
            signal("inserting")

    @event.listens_for(store.engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        if pause and is_value_insert(statement) and not seen["after"]:
            seen["after"] = True
            signal("paused")
            time.sleep(600)


def main(argv: list[str]) -> None:
    """Build the upload, wait for the barrier, open the store and save."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--tag", type=int, required=True)
    parser.add_argument("--mode", default="partial")
    parser.add_argument("--barrier", type=Path)
    parser.add_argument("--pause", action="store_true")
    args = parser.parse_args(argv)
    ret = generated_return(args.rows, args.tag)
    signal("ready")
    if args.barrier:
        wait_for(args.barrier)
    store = Store(args.url)
    watch_value_insert(store, args.pause)
    version_id = store.save_version(
        data=f"worker {args.tag}".encode(), filename=f"worker-{args.tag}.xlsx", author=f"worker {args.tag}",
        note="", kind="return", source_kind="workbook", mode=args.mode, ret=ret)
    signal(f"saved {version_id}")


if __name__ == "__main__":
    main(sys.argv[1:])
