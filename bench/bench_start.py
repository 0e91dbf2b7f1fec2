"""Cold start, the pack in the browser and the server's peak memory, beside the code before this phase.

    python bench/bench_start.py

For this tree and the baseline (bench/baseline.py), each with an empty store (so the demo return):
starts `streamlit run app.py`, waits until the server answers its health check, then in headless
Chromium (already running, so its own start is not counted) times:

- cold start: from the server being up to the summary painted (every dashboard's table on the page);
- the meeting pack: from the click on "Make the meeting pack" to the download button showing;

after opening every page and every committee screen, it reads the server process's peak resident
memory (VmHWM), and that of any chart-drawing processes it started. Budgets: cold start under 3 s,
server peak under 400 MB. Exits 1 when a budget is missed.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
STREAMLIT = Path(sys.executable).with_name("streamlit")
DASHBOARDS = 8
BUDGET_START_S, BUDGET_MB = 3.0, 400
PAGES = ["dashboard", "attention", "explore", "comparison", "upload", "history", "commentary"]
WAIT_MS = 120_000


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_mb(pid: int) -> float:
    """A process's peak resident memory in MB (VmHWM), or 0 when it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def children(pid: int) -> list[int]:
    """Every descendant process of `pid`."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *children(int(child))]
    return found


def settled(page) -> None:
    """Wait until the page is connected and its script has finished running."""
    page.locator("[data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=WAIT_MS)
    page.locator("[data-test-script-state='notRunning']").wait_for(state="attached", timeout=WAIT_MS)


def measure(tree: Path, browser) -> dict:
    """One tree's cold start, pack time and peak memory."""
    port = free_port()
    env = {**os.environ, "DASHBOARD_STORE_PATH": str(Path(tempfile.mkdtemp()) / "store.sqlite")}
    server = subprocess.Popen([str(STREAMLIT), "run", "app.py", "--server.headless", "true", "--server.port",
                               str(port), "--browser.gatherUsageStats", "false"], cwd=tree, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        start = time.perf_counter()
        page.goto(base + "/")
        page.wait_for_function(f"document.querySelectorAll('table.summary').length >= {DASHBOARDS}",
                               timeout=WAIT_MS)
        cold = time.perf_counter() - start
        for name in PAGES:
            page.goto(f"{base}/{name}")
            settled(page)
        for screen in range(1, 11):
            page.goto(f"{base}/?view=present&screen={screen}")
            settled(page)
        page.goto(f"{base}/pack")
        settled(page)
        button = page.get_by_role("button", name="Make the meeting pack")
        button.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(2000)  # an officer reads the page before clicking; the chart processes start
        start = time.perf_counter()
        button.click()
        page.get_by_role("button", name="Download the PDF").wait_for(timeout=WAIT_MS)
        pack = time.perf_counter() - start
        helpers = children(server.pid)
        return {"cold": cold, "pack": pack, "server_mb": peak_mb(server.pid),
                "helpers_mb": max((peak_mb(pid) for pid in helpers), default=0.0), "helpers": len(helpers)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    """Print the figures; 1 when a budget is missed."""
    import baseline

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        now = measure(ROOT, browser)
        with baseline.checked_out() as tree:
            then = measure(tree, browser)
        browser.close()
    print("the app in headless Chromium, on the demo data:")
    print(f"  {'':<44} {'this app':>10} {'baseline ' + baseline.BASELINE:>18}")
    print(f"  {'cold start: server up to summary painted':<44} {now['cold']:9.2f} s {then['cold']:17.2f} s")
    print(f"  {'meeting pack: click to download button':<44} {now['pack']:9.2f} s {then['pack']:17.2f} s")
    print(f"  {'server peak memory (VmHWM), every page seen':<44} {now['server_mb']:8.0f} MB {then['server_mb']:16.0f} MB")
    print(f"  {'each chart-drawing process, peak':<44} {now['helpers_mb']:8.0f} MB "
          f"{'(' + str(now['helpers']) + ' processes)':>18}")
    quick = now["cold"] < BUDGET_START_S
    small = now["server_mb"] < BUDGET_MB
    print(f"  budget: cold start under {BUDGET_START_S:.0f} s: {'ok' if quick else 'MISSED'}; "
          f"server peak under {BUDGET_MB} MB: {'ok' if small else 'MISSED'}")
    return 0 if quick and small else 1


if __name__ == "__main__":
    sys.exit(main())
