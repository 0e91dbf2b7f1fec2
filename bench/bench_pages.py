"""Warm rerun time of every page on the demo data, and the cost of the AppTest machinery itself.

    python bench/bench_pages.py [--repeat 15]

Runs the real app with Streamlit's AppTest (no browser) on an empty temporary store (the demo
return), opens each page once (cold caches), then times further reruns of it. Beside each: a
script that draws nothing (AppTest's own overhead), the baseline every figure includes. The
national comparison page is run for a real authority (Wokingham, 872) so every mapped measure has
published figures. Budget: every warm rerun under 100 ms. Exits 1 when a budget is missed.
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
BUDGET_MS = 100
PAGES = [("Summary", "pages/summary.py", {}), ("Dashboards (7, 8 indicators)", "pages/dashboard.py",
                                               {"dashboard": "7 Missing from Home and Care"}),
         ("Dashboards (3)", "pages/dashboard.py", {"dashboard": "3 Children's Social Care Front Door"}),
         ("Needs attention", "pages/attention.py", {}), ("Explore", "pages/explore.py", {}),
         ("National comparison (872)", "pages/comparison.py", {"la": "872"}),
         ("Upload a return", "pages/upload.py", {}), ("History", "pages/history.py", {}),
         ("Write commentary", "pages/commentary.py", {}), ("Meeting pack", "pages/pack.py", {}),
         ("Committee mode, screen 1", None, {"view": "present"}),
         ("Committee mode, dashboard 7", None, {"view": "present", "screen": "9"})]


def median_ms(function, repeat: int) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> int:
    """Print each page's figures; 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    os.environ["DASHBOARD_STORE_PATH"] = str(Path(folder) / "store.sqlite")
    from streamlit.testing.v1 import AppTest

    empty = Path(folder) / "empty.py"
    empty.write_text("import streamlit as st\n")
    nothing = AppTest.from_file(str(empty))
    nothing.run()
    overhead = median_ms(nothing.run, args.repeat)
    print(f"warm reruns on the demo data (median of {args.repeat}); budget < {BUDGET_MS} ms each")
    print(f"  baseline: AppTest rerun of a script that draws nothing      {overhead:7.1f} ms")
    missed = []
    for name, page, query in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params.update(query)
        at.run()
        if page:
            at.switch_page(page)
        start = time.perf_counter()
        at.run()
        cold = 1000 * (time.perf_counter() - start)
        assert not at.exception, (name, [e.value for e in at.exception])
        warm = median_ms(at.run, args.repeat)
        verdict = "ok" if warm < BUDGET_MS else "OVER"
        if warm >= BUDGET_MS:
            missed.append(name)
        print(f"  {name:<30} first run {cold:8.1f} ms   warm rerun {warm:7.1f} ms   {verdict}")
    print("every page within budget" if not missed else f"OVER budget: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
