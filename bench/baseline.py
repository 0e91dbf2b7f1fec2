"""The app as it was before this phase, checked out beside this one, for benchmarks to run in the same way.

The baseline is commit BASELINE (29 November 2026, the last commit before the work on trust, safety,
currency and speed). `checked_out()` puts it in a temporary git worktree for the length of a `with`
block and removes it afterwards; both trees run on this checkout's virtual environment.
"""
from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "eec640a"


@contextlib.contextmanager
def checked_out(commit: str = BASELINE) -> Iterator[Path]:
    """A temporary worktree of `commit`, removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="baseline-")) / "app"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(folder), commit],
                   check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)
