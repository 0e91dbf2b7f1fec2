"""Warm rerun time of a dashboard page with 8 indicators on the demo data, and where the time goes.

    python bench/bench_rerun.py [--repeat 15]

Runs the real app with Streamlit's AppTest (no browser) on an empty temporary store, opens
dashboard 7 (8 indicators, 31 charts), then times further reruns. Beside it: the time to
build and validate the same Altair specs on every rerun (what the page would cost without
the spec cache), and a script that draws nothing (AppTest's own overhead). Budget: a warm
rerun under 150 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(function, repeat: int) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["DASHBOARD_STORE_PATH"] = str(Path(folder) / "store.sqlite")
    from streamlit.testing.v1 import AppTest

    import charts
    import indicators
    from data_loaders import load_return

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["dashboard"] = "7 Missing from Home and Care"
    at.run()
    at.switch_page("pages/dashboard.py")
    start = time.perf_counter()
    at.run()
    cold = 1000 * (time.perf_counter() - start)
    assert not at.exception, [e.value for e in at.exception]
    drawn = len(at.get("vega_lite_chart"))
    warm = median_ms(at.run, args.repeat)

    ret = load_return(ROOT / "data" / "demo_return.xlsx")
    catalogue = ret.indicators.set_index("indicator_id")
    table, monthly = indicators.period_values(ret, "month"), indicators.period_values(ret, "month")
    ids = [i for i in catalogue.index if catalogue.loc[i, "dashboard"].startswith("7 ")]

    def build_specs() -> None:
        for indicator_id in ids:
            row = catalogue.loc[indicator_id].copy()
            row["indicator_id"] = indicator_id
            built = charts.indicator_charts(row, indicators.series(ret, indicator_id, "month", table),
                                            indicators.series(ret, indicator_id, "month", monthly))
            for name in ("trend", "breakdown", "spc", "seasonal"):
                if name in built:
                    built[name].to_dict()

    specs = median_ms(build_specs, max(3, args.repeat // 3))
    empty = Path(folder) / "empty.py"
    empty.write_text("import streamlit as st\n")
    nothing = AppTest.from_file(str(empty))
    nothing.run()
    overhead = median_ms(nothing.run, args.repeat)
    print(f"dashboard 7 on demo data: {len(ids)} indicators, {drawn} charts drawn")
    print(f"  first run of the page (cold caches)              : {cold:7.1f} ms")
    print(f"  warm rerun (cached specs drawn with vega_lite)    : {warm:7.1f} ms   budget < 150 ms: "
          f"{'ok' if warm < 150 else 'OVER'}")
    print(f"  baseline: building + validating the same specs   : {specs:7.1f} ms   (per rerun, if not cached)")
    print(f"  baseline: AppTest rerun of a script that draws nothing: {overhead:5.1f} ms")


if __name__ == "__main__":
    main()
