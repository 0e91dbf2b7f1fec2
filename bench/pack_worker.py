"""Make the demo meeting pack in the real app (Streamlit's AppTest) of one source tree; print timings as JSON.

    python bench/pack_worker.py TREE

Run by bench_pack.py, once for this tree and once for the baseline, each in a fresh process with an
empty store (so the demo return). Opens the Meeting pack page as an officer would, waits for the
chart processes when the tree has them (the page starts them as it opens), then clicks "Make the
meeting pack" and times the run until the files are ready; then changes the committee's name, which
every version must redo, and times the second pack.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

TREE = Path(sys.argv[1]).resolve()
os.chdir(TREE)
sys.path.insert(0, str(TREE))
os.environ["DASHBOARD_STORE_PATH"] = str(Path(tempfile.mkdtemp()) / "store.sqlite")

from streamlit.testing.v1 import AppTest  # noqa: E402  (after the tree is on the path)


def make_pack(at: AppTest) -> float:
    """Click the pack button; the seconds until the run that makes the files ends."""
    button = next(button for button in at.button if button.label == "Make the meeting pack")
    start = time.perf_counter()
    button.click().run()
    seconds = time.perf_counter() - start
    assert not at.exception, [error.value for error in at.exception]
    files = at.session_state["pack_files"]
    assert files["pdf"].startswith(b"%PDF") and files["xlsx"].startswith(b"PK")
    return seconds


def main() -> None:
    """Print {"first": s, "again": s, "pages": n, "pdf_bytes": n}."""
    at = AppTest.from_file(str(TREE / "app.py"), default_timeout=900)
    at.run()
    at.switch_page("pages/pack.py")
    at.run()
    assert not at.exception, [error.value for error in at.exception]
    try:
        from ui import cached
    except ImportError:
        pass  # the baseline draws its charts in the app's own process
    else:
        cached.chart_pool().submit(int).result()  # the processes the page started are ready
        time.sleep(1)
    first = make_pack(at)
    pages = at.session_state["pack_files"]["pages"]
    size = len(at.session_state["pack_files"]["pdf"])
    at.text_input(key="pack_committee").input("Children and Young People Scrutiny Panel").run()
    again = make_pack(at)
    print(json.dumps({"first": first, "again": again, "pages": pages, "pdf_bytes": size}))


if __name__ == "__main__":
    main()
