"""Where the team's shared reference files are, and a guard that never lets CI pass by skipping them.

`../shared/data` (beside the repository) holds real files nobody here wrote: DfE statistics, fake
SSDA903 tables and an Ofsted Annex A sample. On a developer's machine without them the tests that
read them skip and say why; under CI (the `CI` environment variable set) they fail instead, because
CI always has them.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DFE = SHARED_DATA / "dfe"
SSDA903 = SHARED_DATA / "ssda903_fake"
ANNEX_A = SHARED_DATA / "annex_a"


def require(path: Path) -> Path:
    """`path`, or skip the test (fail it under CI) when the shared file or folder is missing."""
    if not path.exists():
        reason = f"the shared reference data is not at {path}"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    return path
