"""Load one file in this fresh process and print what happened as JSON, for measuring a refusal alone.

    python tests/corpus/refuse.py FILE [KIND]

KIND is `return` (the default: load_return, a CSV checked against the demo catalogue) or a
child-level kind such as `missing_log` (load_child_level). Prints one JSON object: `problems`
(each as the officer reads it; empty when the file loaded), `error` (any other exception, which
is a defect), `seconds` (the load alone, imports excluded) and `peak_mb` (this process's peak
resident memory, imports included). Used by tests/test_upload_corpus.py and bench/bench_load.py.

The peak is Linux's VmHWM: ru_maxrss would also count the memory of the process that started this
one (Linux keeps it across exec), so a test run inside a large pytest process would measure that.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from data_loaders import ReturnError, load_child_level, load_return  # noqa: E402

DEMO = ROOT / "data" / "demo_return.xlsx"
NO_CATALOGUE = {"csv_without_catalogue.csv"}


def refuse(path: Path, kind: str = "return") -> dict:
    """What loading `path` gives: its problems or error, the seconds it took and the peak memory."""
    catalogue = None
    if kind == "return" and path.suffix == ".csv" and path.name not in NO_CATALOGUE:
        catalogue = load_return(DEMO).indicators
    problems, error = [], None
    start = time.perf_counter()
    try:
        if kind == "return":
            load_return(path, catalogue=catalogue)
        else:
            load_child_level(path, kind)
    except ReturnError as refused:
        problems = [str(problem) for problem in refused.problems]
    except Exception as other:  # reported, never raised: the caller decides it is a defect
        error = f"{type(other).__name__}: {other}"
    seconds = time.perf_counter() - start
    return {"problems": problems, "error": error, "seconds": seconds, "peak_mb": peak_mb()}


def peak_mb() -> float:
    """This process's peak resident memory in MB, since it started (VmHWM; ru_maxrss where there is no /proc)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


if __name__ == "__main__":
    print(json.dumps(refuse(Path(sys.argv[1]), *(sys.argv[2:3] or ["return"]))))
