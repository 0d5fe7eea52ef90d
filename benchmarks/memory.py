"""Resident memory of the whole app with every Deal Pipeline entry loaded.

See ``loaded.py`` for the run: a fresh app process loads all entries by paging (``end`` after
each page), then ``gc.collect()``, then ``VmRSS`` from ``/proc/self/status`` (``VmHWM``, the
peak, is shown too). The process is the app itself plus Textual's headless test driver and
these benchmarks' small instrumentation; the emulator runs in its own process. Also shown: RSS
once the lists screen is up (before the list is opened), bytes per loaded row, and, as loading
is the heaviest streaming the app does, the event loop's stalls and the garbage collector's
longest full collection meanwhile.

Target: under 250 MB with 100,000 entries.
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

TARGET_MB = 250


def summarize(scale: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float:
        return median([r[key] for r in runs])

    rows = runs[0]["rows"]
    return {"scale": scale, "rows": rows, "rss_mb": med("rss_mb"), "hwm_mb": med("hwm_mb"),
            "rss_lists_mb": med("rss_lists_mb"),
            "bytes_per_row": (med("rss_mb") - med("rss_lists_mb")) * 1048576 / max(1, rows),
            "load_seconds": med("load_seconds"),
            "load_lag_max": median([r["load_lag"]["max"] for r in runs]),
            "load_stalls_over_50ms": median([r["load_lag"]["over_50ms"] for r in runs]),
            "load_gc_gen2_max": median([r["load_gc"]["gen2_max"] for r in runs]),
            "load_gc_gen2_total": median([r["load_gc"]["gen2_total"] for r in runs]),
            "runs": len(runs)}


def measure(scale: int, runs: int, emu: Served | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(summary, raw runs): the raw runs also feed ``local_ops`` in ``run_all``."""
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    raw = [loaded.run(emu.base, scale) for _ in range(runs)]
    return summarize(scale, raw), raw


def print_table(results: list[dict[str, Any]]) -> None:
    print(table(["scale", "RSS loaded", "peak", "RSS at lists", "bytes/row", "load time", "stall max (load)",
                 "stalls>50ms", "gc gen2 max", "gc gen2 total"],
                [[f"{r['scale']:,}", f"{r['rss_mb']:.0f} MB", f"{r['hwm_mb']:.0f} MB", f"{r['rss_lists_mb']:.0f} MB",
                  f"{r['bytes_per_row']:,.0f}", f"{r['load_seconds']:.1f} s", ms(r["load_lag_max"]),
                  f"{r['load_stalls_over_50ms']:g}", ms(r["load_gc_gen2_max"]), ms(r["load_gc_gen2_total"])]
                 for r in results]))
    print(f"(target: RSS < {TARGET_MB} MB with 100,000 entries loaded)")


def main() -> None:
    args = parser(__doc__.splitlines()[0], runs=3).parse_args()
    results = [measure(scale, args.runs)[0] for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
