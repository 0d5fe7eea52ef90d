"""The cache's size for a list of N entries, and the app's memory with the cache on and off.

Each run is ``loaded.py``'s load (a fresh app process, headless at 120×40, on the served
emulator: open the Deal Pipeline, ``end`` after each page until every entry is loaded, with the
lag probe running), done twice: with the cache off (as ``memory.py`` measures it) and with the
cache on, in a fresh directory, every page being written as it arrives. Then the cache's queued
writes are waited for, ``gc.collect()``, and ``VmRSS``; the cache's size is every file in its
directory (the database, its WAL, the key index). Medians of runs.

Targets: RSS with the cache within noise of RSS without (±5 %); the size is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from served import DEAL_PIPELINE, Served, served  # noqa: E402

NOISE = 0.05


async def one_run(emu: Served, cache_dir: Path | None) -> dict[str, Any]:
    from harness import SIZE, BenchApp, LagProbe, entries_table, load_everything, open_deal_pipeline, rss_mb, until

    from affinity_tui.data.cache import TenantCache
    from affinity_tui.data.session import AffinitySession

    settings = emu.settings()
    cache = TenantCache(cache_dir, settings.api_key) if cache_dir is not None else None
    session = AffinitySession(settings, cache=cache)
    session.ask_above = 10**9  # G twice loads the rest without a cost prompt in the way
    app = BenchApp(session)
    async with app.run_test(size=SIZE) as pilot:
        lists = entries_table(app)
        await until(lambda: len(lists.rows) >= 4 and not lists.loading_more, 60, "the lists")
        await app.workers.wait_for_complete()
        await pilot.pause()
        _open, table = await open_deal_pipeline(app, pilot, DEAL_PIPELINE)
        probe = LagProbe()
        probe.start()
        seconds = await load_everything(app, table, emu.scale)
        await probe.stop()
        if cache is not None:
            await cache.flush()
        await pilot.pause()
        gc.collect()
        rss, hwm = rss_mb()
        rows = len(table.loaded_rows)
    size = sum(p.stat().st_size for p in cache_dir.iterdir() if p.is_file()) if cache_dir is not None else 0
    return {"rows": rows, "rss_mb": rss, "hwm_mb": hwm, "load_seconds": seconds, "lag_max": probe.summary()["max"],
            "cache_bytes": size}


def measure(scale: int, runs: int, emu: Served | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    off, on = [], []
    for _ in range(runs):
        off.append(run_child("cache_size.py", emu.base, scale, timeout=900))
        with tempfile.TemporaryDirectory(prefix="affinity-tui-bench-") as tmp:
            on.append(run_child("cache_size.py", emu.base, scale, "--cache", tmp, timeout=900))

    def med(results: list[dict[str, Any]], key: str) -> float:
        return statistics.median(r[key] for r in results)

    return {"scale": scale, "rows": on[0]["rows"], "cache_mb": med(on, "cache_bytes") / 1e6,
            "rss_off_mb": med(off, "rss_mb"), "rss_on_mb": med(on, "rss_mb"),
            "load_off": med(off, "load_seconds"), "load_on": med(on, "load_seconds"),
            "lag_off": med(off, "lag_max"), "lag_on": med(on, "lag_max"),
            "rss_change": med(on, "rss_mb") / med(off, "rss_mb") - 1}


def print_table(results: list[dict[str, Any]]) -> None:
    print(table(["entries", "cache size", "bytes/entry", "RSS, cache off", "RSS, cache on", "change",
                 "load all, off / on", "stall max, off / on", "pass"],
                [[f"{r['rows']:,}", f"{r['cache_mb']:.1f} MB", f"{r['cache_mb'] * 1e6 / max(1, r['rows']):,.0f}",
                  f"{r['rss_off_mb']:.0f} MB", f"{r['rss_on_mb']:.0f} MB", f"{r['rss_change']:+.1%}",
                  f"{r['load_off']:.1f} s / {r['load_on']:.1f} s",
                  f"{r['lag_off'] * 1000:.0f} / {r['lag_on'] * 1000:.0f} ms",
                  "pass" if abs(r["rss_change"]) <= NOISE else "FAIL"] for r in results]))
    print(f"(target: RSS with the cache within ±{NOISE:.0%} of RSS without)")


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=1)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--base", help=argparse.SUPPRESS)
    p.add_argument("--cache", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        cache = Path(args.cache) if args.cache else None
        child_result(asyncio.run(one_run(Served.at(args.base, args.scale[0]), cache)))
        return
    results = [measure(scale, args.runs) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
