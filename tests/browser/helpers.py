"""Starting the real app for browser tests, opening its pages and saving what the browser saw.

The app runs as `streamlit run app.py` in a child process on a free loopback port, on an
empty SQLite store of its own (so it shows the demo return), with no editor passcode.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1920, "height": 1080}
START_SECONDS = 60
WAIT_MS = 30_000


def free_port() -> int:
    """A TCP port nobody is listening on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def streamlit_executable() -> Path:
    """The `streamlit` script of the virtualenv running the tests (the project's .venv as a fallback)."""
    beside = Path(sys.executable).parent / "streamlit"
    return beside if beside.exists() else REPO / ".venv" / "bin" / "streamlit"


def app_environment(store_path: Path) -> dict[str, str]:
    """The test process's environment without any DASHBOARD_* setting, then a store of its own.

    Dropping every DASHBOARD_* variable keeps a developer's database URL, editor passcode or
    authority code from leaking into the app under test.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("DASHBOARD_")}
    env["DASHBOARD_STORE_PATH"] = str(store_path)
    return env


def wait_healthy(base_url: str, server: subprocess.Popen, log: Path, seconds: float = START_SECONDS) -> None:
    """Return once Streamlit's health endpoint answers `ok`; raise if the server dies or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(base_url + "/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the app at {base_url} did not answer /_stcore/health with ok within {seconds:.0f} s")


@contextlib.contextmanager
def running_app(store_path: Path) -> Iterator[str]:
    """Run the app on a free port with its own store; yield its base URL; stop it afterwards.

    The server's output goes to `streamlit.log` beside the store (a pipe nobody reads could
    fill up and stall the server); an app error's traceback is there.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = store_path.with_name("streamlit.log")
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(streamlit_executable()), "run", "app.py", "--server.headless=true", f"--server.port={port}",
             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
            cwd=REPO, env=app_environment(store_path), stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_healthy(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def wait_for_app(page) -> None:
    """Wait until the page is connected and the script has finished its run.

    After a click the old run's `notRunning` is still on the page for a moment, so call this
    only once the click's first visible effect has shown (a new URL, title or message).
    """
    page.locator("[data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=WAIT_MS)
    page.locator("[data-test-script-state='notRunning']").wait_for(state="attached", timeout=WAIT_MS)


def open_app(page, base_url: str, path: str, ready):
    """Open `path`, wait for the app to finish running, then for `ready` (a selector or locator) to show."""
    page.goto(base_url + path)
    wait_for_app(page)
    element = page.locator(ready) if isinstance(ready, str) else ready
    element.first.wait_for(state="visible", timeout=WAIT_MS)
    return element


def shot(page, name: str, full_page: bool = False) -> Path:
    """Save what the browser shows as test-artifacts/browser/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def main_text(page) -> str:
    """The visible text of the page's main area (not the sidebar)."""
    return page.locator("[data-testid='stMain']").inner_text()
