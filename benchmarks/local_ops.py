"""Local sort and quick filter over every loaded Deal Pipeline entry (no request is sent).

See ``loaded.py`` for the run: a fresh app loads all entries, then sorts by a text, a number
and a date column (ascending and descending) and applies quick filters, each from an unfiltered
table. Each operation is timed from the call (``LazyTable.sort_by`` /
``LazyTable.apply_quick_filter`` + the screen's ``after_find``) to the end of the next painted
frame ("painted", judged; includes waiting for Textual's next 60 Hz frame tick) and to the
call's return ("compute"). Shown: the median and the worst operation, median over runs.

Target: under 150 ms over 100,000 loaded rows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaded  # noqa: E402
from common import emit_json, parser, scales, table  # noqa: E402
from harness import median, ms  # noqa: E402
from served import Served, served  # noqa: E402

TARGET = 0.150


def summarize(scale: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    def over_runs(key: str, f: Any) -> float:
        return median([f(r[key]) for r in runs])

    return {"scale": scale, "rows": runs[0]["rows"],
            "sort_painted_median": over_runs("sort_painted", median), "sort_painted_max": over_runs("sort_painted", max),
            "sort_compute_max": over_runs("sort_compute", max),
            "filter_painted_median": over_runs("filter_painted", median),
            "filter_painted_max": over_runs("filter_painted", max),
            "filter_compute_max": over_runs("filter_compute", max),
            "loaded_key_p95": median([r["loaded_key_p95"] for r in runs]),
            "sort_columns": runs[0]["sort_columns"], "runs": len(runs), "per_op": per_op(runs)}


def per_op(runs: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Operation label → (median compute, median painted) over every repetition of every run."""
    by: dict[str, list[tuple[float, float]]] = {}
    for r in runs:
        for label, compute, painted in zip(r["op_labels"], r["op_compute"], r["op_painted"]):
            by.setdefault(label, []).append((compute, painted))
    return {label: (median([c for c, _ in xs]), median([p for _, p in xs])) for label, xs in by.items()}


def measure(scale: int, runs: int, emu: Served | None = None, raw: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    if raw is not None:
        return summarize(scale, raw)
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    return summarize(scale, [loaded.run(emu.base, scale) for _ in range(runs)])


def print_table(results: list[dict[str, Any]]) -> None:
    print(table(["scale", "sort median", "sort worst", "(compute)", "filter median", "filter worst", "(compute)",
                 "keys p95 when all loaded"],
                [[f"{r['scale']:,}", ms(r["sort_painted_median"]), ms(r["sort_painted_max"]), ms(r["sort_compute_max"]),
                  ms(r["filter_painted_median"]), ms(r["filter_painted_max"]), ms(r["filter_compute_max"]),
                  ms(r["loaded_key_p95"])] for r in results]))
    for r in results:
        print(f"{r['scale']:,}: " + "; ".join(f"{label} {ms(c)}/{ms(p)}" for label, (c, p) in r["per_op"].items())
              + "  (compute/painted)")
    if results:
        print(f"(sorted by: {', '.join(results[0]['sort_columns'])}; filters: {', '.join(loaded.FILTERS)}; "
              f"target < {TARGET * 1000:.0f} ms)")


def main() -> None:
    args = parser(__doc__.splitlines()[0], runs=3).parse_args()
    results = [measure(scale, args.runs) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
