"""Time to make the demo meeting pack beside the code before this phase, in one run.

    python bench/bench_pack.py

1. In the real app (Streamlit's AppTest, bench/pack_worker.py), each tree in a fresh process with an
   empty store: the first pack after opening the Meeting pack page, and the pack again after the
   committee's name is changed. The baseline is the code at bench/baseline.py's commit, checked out
   to a temporary worktree. Budget: the first pack under 5 s and at least 5x faster than the
   baseline's.
2. Where this app's time goes, in this process without Streamlit: the report and disclosure pass,
   the chart specs, drawing the charts on one process and on two, the PDF and the workbook.

Exits 1 when a budget is missed.
"""
from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BUDGET_SECONDS, BUDGET_SPEED_UP = 5.0, 5.0


def in_app(tree: Path) -> dict:
    """The worker's figures for one tree."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "pack_worker.py"), str(tree)], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"pack_worker failed on {tree}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(function, *args):
    """(result, seconds) of one call."""
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def phases() -> None:
    """Print where this app's pack time goes."""
    import data_loaders
    import disclosure
    import indicators
    from render import pack
    from render.workbook import pack_workbook

    ret = data_loaders.load_return(ROOT / "data" / "demo_return.xlsx")
    period = indicators.latest_period(ret)
    report, report_s = timed(indicators.report, ret, "month", period.label)
    published, public_s = timed(disclosure.public_report, report)
    built = pack.build_pack(published, "Demo", "Scrutiny", "median", True)
    specs, specs_s = timed(lambda: {indicator_id: built.chart_spec(indicator_id) for _, indicator_id in built.charted()})
    serial, serial_s = timed(pack.draw_charts, built, None, None, None, specs.get)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=pack.warm_up) as pool:
        list(pool.map(int, range(2)))
        time.sleep(1)  # both processes warm, as in the app
        _, pooled_s = timed(pack.draw_charts, built, pool, None, None, specs.get)
        _, piped_s = timed(pack.draw_charts, built, pool)
    drawn = {pack.chart_key(spec): b"" for spec in specs.values()}
    _, reused_s = timed(pack.draw_charts, built, None, drawn, None, specs.get)
    _, pdf_s = timed(pack.pack_pdf, built, serial)
    _, workbook_s = timed(pack_workbook, published, built.about())
    print(f"where this app's time goes ({len(specs)} charts, no Streamlit):")
    for name, seconds in [("report (every indicator as at the period)", report_s),
                          ("disclosure pass (every view, every frequency)", public_s),
                          ("chart specs", specs_s), ("drawing the charts, one process", serial_s),
                          ("drawing the charts, two processes", pooled_s),
                          ("specs made while two processes draw", piped_s),
                          ("charts already drawn (content hash)", reused_s),
                          ("PDF layout", pdf_s), ("Excel workbook", workbook_s)]:
        print(f"  {name:<48} {seconds:6.2f} s")


def main() -> int:
    """Print the figures; 1 when a budget is missed."""
    import baseline

    now = in_app(ROOT)
    with baseline.checked_out() as tree:
        then = in_app(tree)
    speed_up = then["first"] / now["first"]
    print("the demo meeting pack in the app (PDF and workbook), click to files ready:")
    print(f"  {'':<34} {'this app':>10} {'baseline ' + baseline.BASELINE:>18}")
    print(f"  {'first pack':<34} {now['first']:9.2f} s {then['first']:17.2f} s")
    print(f"  {'again, committee name changed':<34} {now['again']:9.2f} s {then['again']:17.2f} s")
    print(f"  {'PDF pages':<34} {now['pages']:>10} {then['pages']:>18}")
    fast = now["first"] < BUDGET_SECONDS
    faster = speed_up >= BUDGET_SPEED_UP
    print(f"  budget: first pack under {BUDGET_SECONDS:.0f} s: {now['first']:.2f} s {'ok' if fast else 'MISSED'}; "
          f"at least {BUDGET_SPEED_UP:.0f}x faster than the baseline: {speed_up:.1f}x {'ok' if faster else 'MISSED'}")
    phases()
    return 0 if fast and faster else 1


if __name__ == "__main__":
    sys.exit(main())
