"""Time to work out every published comparator for one authority, beside one benchmark() call per year.

    python bench/bench_comparators.py [--repeat 5] [--la 872]

Loads every DfE file in data/ees/ and the comparators map, then prints the median of several runs for:
comparators_from_ees (what the app caches per authority: each measure's names, region and published
places worked out once, only the compared columns copied) and the baseline of calling benchmark() for
every mapped measure and year on the mapped rows, as comparators_from_ees once did.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarking import _mapped_rows, benchmark, combine_published, comparators_from_ees  # noqa: E402
from data_loaders.ees import load_comparators_map, load_ees, load_statistical_neighbours  # noqa: E402


def median_seconds(function, repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--la", default="872")
    args = parser.parse_args()
    ees = combine_published([load_ees(path) for path in sorted((ROOT / "data" / "ees").glob("*.csv"))
                             if not path.name.startswith("sn_model")])
    mapping = load_comparators_map(ROOT / "data" / "comparators_map.csv")
    neighbours = load_statistical_neighbours(ROOT / "data" / "ees" / "sn_model_2025_wide.csv").get(args.la, [])

    def per_year() -> None:
        for row in mapping.itertuples(index=False):
            subset = _mapped_rows(ees, row.dataset, row.measure, row.filters, row.indicator_id)
            for period in sorted(subset["period"].unique()):
                benchmark(subset, args.la, row.measure, period, "neutral", neighbours)

    def table() -> int:
        return len(comparators_from_ees(ees, mapping, args.la, neighbours))

    print(f"{len(ees):,} published figures, {len(mapping)} mapped measures, {table()} measure-years for {args.la}")
    print(f"comparators_from_ees:            {median_seconds(table, args.repeat):.2f} s")
    print(f"baseline, benchmark() per year:  {median_seconds(per_year, args.repeat):.2f} s")


if __name__ == "__main__":
    main()
