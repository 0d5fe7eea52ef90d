"""One fresh app that loads *every* entry of the Deal Pipeline, then measures what needs them all.

Shared by ``memory.py`` and ``local_ops.py`` (and run once per run by ``run_all.py`` for both).
The child process: starts the app on the served emulator, notes its RSS once the lists screen is
up, opens the Deal Pipeline, and presses ``end`` (``G``: last loaded row, which asks for the
next page) each time a page has landed, until all entries are loaded, with the lag probe and
a GC timer running. Then, in order:

1. memory: ``gc.collect()``, then ``VmRSS`` and ``VmHWM`` (peak) from ``/proc/self/status``;
2. local sort: ``LazyTable.sort_by(column)`` on a text, a number and a date column, each twice
   (ascending, then descending), timed from the call to the end of the next painted frame;
   then back to arrival order;
3. local quick filter: ``LazyTable.apply_quick_filter(text)`` plus the screen's ``after_find()``
   (what pressing ``f``, typing and ``enter`` runs), from an unfiltered table each time (not the
   cheaper narrowing path), timed the same way;
4. keys over the fully loaded table (``home``, ``end``, ``pagedown``, ``down``): painted p95.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_child_args, child_result, parser, run_child  # noqa: E402
from served import Served  # noqa: E402

FILTERS = ("series", "cedar", "passed", "no-such-text")
LOADED_KEYS = ("end", "home", "pagedown", "down", "end", "pageup", "home", "pagedown")


async def one_run(emu: Served, reps: int = 2) -> dict[str, Any]:
    from harness import (GcWatch, LagProbe, cursor_moved_at, load_everything, open_deal_pipeline,
                         percentile, post_key, rss_mb, running_app)

    # End past what is loaded goes on loading without the cost prompt: the user's yes to
    # ≈1,000 requests is not what is measured here.
    async with running_app(emu, ask_above=10**9) as (app, pilot):
        gc.collect()
        rss_lists, _ = rss_mb()
        _open, table = await open_deal_pipeline(app, pilot)
        total = emu.scale
        probe, gcw = LagProbe(), GcWatch()
        probe.start()
        gcw.start()
        load_seconds = await load_everything(app, table, total)
        await probe.stop()
        gcw.stop()
        await pilot.pause()
        gc.collect()
        rss, hwm = rss_mb()
        result: dict[str, Any] = {"rows": len(table.loaded_rows), "load_seconds": load_seconds,
                                  "rss_lists_mb": rss_lists, "rss_mb": rss, "hwm_mb": hwm,
                                  "load_lag": probe.summary(), "load_gc": gcw.summary()}

        async def timed(action: Any) -> tuple[float, float]:
            t0 = time.perf_counter()
            action()
            t1 = time.perf_counter()
            painted = await app.next_frame_after(t1)
            await asyncio.sleep(0.02)
            return t1 - t0, painted - t0

        columns = {c.value_type: i for i, c in reversed(list(enumerate(table.columns)))}
        sort_columns = [0] + [columns[t] for t in ("number", "datetime") if t in columns]
        sorts: list[tuple[float, float]] = []
        labels: list[str] = []
        for _ in range(reps):
            for column in sort_columns:
                for direction in ("asc", "desc"):  # the same column again toggles the direction
                    sorts.append(await timed(lambda c=column: table.sort_by(c)))
                    labels.append(f"sort {table.columns[column].title} {direction}")
            await timed(lambda: table.sort_by(None))
        filters: list[tuple[float, float]] = []
        screen = app.screen
        after_find = getattr(screen, "after_find", lambda: None)
        for _ in range(reps):
            for text in FILTERS:
                await timed(lambda: (table.apply_quick_filter(""), after_find()))
                filters.append(await timed(lambda t=text: (table.apply_quick_filter(t), after_find())))
                labels.append(f"filter {text!r}")
        await timed(lambda: (table.apply_quick_filter(""), after_find()))
        result.update(sort_compute=[s[0] for s in sorts], sort_painted=[s[1] for s in sorts],
                      filter_compute=[f[0] for f in filters], filter_painted=[f[1] for f in filters],
                      sort_columns=[table.columns[c].title for c in sort_columns], op_labels=labels,
                      op_compute=[x[0] for x in sorts + filters], op_painted=[x[1] for x in sorts + filters])

        painted: list[float] = []
        for key in LOADED_KEYS * 4:
            before = cursor_moved_at(table) or 0.0
            t0 = post_key(app, key)
            deadline = t0 + 2
            while (cursor_moved_at(table) or 0.0) <= before and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            moved = cursor_moved_at(table)
            if moved and moved > before:
                painted.append(await app.next_frame_after(moved) - t0)
            await asyncio.sleep(0.04)
        result["loaded_key_p95"] = percentile(painted, 95)
        return result


def run(base: str, scale: int) -> dict[str, Any]:
    return run_child("loaded.py", base, scale, timeout=900)


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=1)
    add_child_args(p)
    args = p.parse_args()
    if args.child:
        child_result(asyncio.run(one_run(Served.at(args.base, args.scale[0]))))
        return
    p.error("run memory.py or local_ops.py (this module is their shared child)")


if __name__ == "__main__":
    main()
