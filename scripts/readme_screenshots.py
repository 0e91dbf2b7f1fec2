"""Take the README's screenshots in headless Chromium: the views, committee mode and the upload workflow.

    python scripts/readme_screenshots.py [--out docs/screenshots]

Starts the app on a fresh temporary store (so it shows the demo data), then for the upload
screenshots uploads a revised October return and a broken file, as an officer would.
Needs Debian's chromium (/usr/bin/chromium) and the playwright package.
"""
from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT = Path(sys.executable).parent / "streamlit"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settle(page: Page, wait_for: str | None = None) -> None:
    """Wait until the app is connected, has finished running and shows `wait_for`."""
    page.wait_for_selector("[data-test-connection-state='CONNECTED']", timeout=60_000)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=60_000)
    if wait_for:
        page.get_by_text(wait_for).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1200)


def revised_return(path: Path) -> None:
    """The demo workbook with October 2026 re-referrals revised from 44 to 52 of 254."""
    book = openpyxl.load_workbook(ROOT / "data" / "demo_return.xlsx")
    sheet = book["Values"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "CSC03" and row[1].value == "2026-10" and not row[2].value:
            row[3].value = 52
        if row[0].value == "CSC03" and row[1].value == "2026-09" and not row[2].value:
            row[3].value = row[3].value + 3
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())


def upload(page: Page, path: Path, who: str, complete: bool = False) -> None:
    """Upload a file on the Upload page and confirm it."""
    page.get_by_text("This file is the complete return" if complete else "This file adds or revises periods").click()
    settle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    settle(page, "passed every check")
    page.get_by_label("Your name (kept with the change)").fill(who)
    page.get_by_label("Your name (kept with the change)").press("Enter")
    settle(page)
    page.get_by_role("button", name="Confirm and save").click()
    settle(page, "Saved as version")


def main() -> None:
    """Take every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    port = free_port()
    env = {**os.environ, "DASHBOARD_STORE_PATH": str(work / "store.sqlite")}
    env.pop("DASHBOARD_EDITOR_PASSCODE", None)
    server = subprocess.Popen([str(STREAMLIT), "run", "app.py", "--server.headless=true", f"--server.port={port}",
                               "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
                               "--server.fileWatcherType=none"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            views = [("summary", "/", "Performance summary"),
                     ("dashboard", "/dashboard?dashboard=3+Children%27s+Social+Care+Front+Door", "Definition."),
                     ("dashboard-missing", "/dashboard?dashboard=7+Missing+from+Home+and+Care", "How long they were missing"),
                     ("needs-attention", "/attention", "Needs attention"),
                     ("explore", "/explore", "Explore"),
                     ("national-comparison", "/comparison?la=872", "Re-referrals within 12 months")]
            for name, path, text in views:
                page.goto(base + path)
                settle(page, text)
                page.screenshot(path=str(args.out / f"{name}.png"))
            projector = browser.new_page(viewport={"width": 1920, "height": 1080})
            for name, path, text in (("committee-attention", "/?view=present", "Needs attention"),
                                     ("committee-missing", "/?view=present&screen=9", "How long they were missing")):
                projector.goto(base + path)
                settle(projector, text)
                projector.screenshot(path=str(args.out / f"{name}.png"))

            page.goto(base + "/upload")
            settle(page, "Upload a return")
            upload(page, ROOT / "data" / "demo_return.xlsx", "Alex Officer", complete=True)
            revised = work / "october_return.xlsx"
            revised_return(revised)
            page.get_by_text("This file adds or revises periods").click()
            settle(page)
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(revised))
            settle(page, "passed every check")
            page.get_by_text("Note for the history").scroll_into_view_if_needed()
            settle(page)
            page.screenshot(path=str(args.out / "upload-preview.png"))
            broken = work / "october_values.csv"
            broken.write_text("indicator_id,period,numerator,denominator\nCSC03,2026-10,52,n/a\nCSC33,2026-10,4,9\n"
                              "CLA03,2026-13,30,296\nCP04,2027-01,9,5\n")
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(broken))
            settle(page, "cannot be used yet")
            page.screenshot(path=str(args.out / "upload-problems.png"))
            upload(page, revised, "Alex Officer")
            page.goto(base + "/history")
            settle(page, "Compare two versions")
            page.screenshot(path=str(args.out / "history.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
