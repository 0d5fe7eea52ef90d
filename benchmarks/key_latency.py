"""Key latency while pages stream in, and event-loop stalls meanwhile.

Each run is a fresh process: the app opens the Deal Pipeline, then a scripted user presses
``pagedown``, ``down``/``j`` and ``end``/``G`` at up to 30 keys a second (a typical key-repeat
rate) while the pages those keys ask for stream in from the emulator.

Per key, timed from just before the ``events.Key`` is posted to the app (as the terminal driver
posts it; not ``Pilot.press``, which adds 60-80 ms of its own waiting):

* ``handled``: until ``LazyTable.watch_cursor_row`` returned (the binding ran and the cursor moved);
* ``painted``: until the end of the first frame composed and encoded after that (this includes
  waiting for Textual's next 60 Hz frame tick, 0-16.7 ms);
* ``work``: ``handled`` plus the duration of the screen update that made that frame (layout,
  compose, encode), i.e. ``painted`` without the wait for the frame tick (``tick wait``).

The target (p95 under 16 ms per key) is judged on ``painted``. The keys are chosen so that each
one moves the cursor: at the last row of a fully loaded list the script presses ``home``; at the
last loaded row while the next page is still on its way it waits for the page (counted as
``waits``: the user outran the prefetch), since no key could show anything new.

A lag probe (a task sleeping 5 ms, recording how late it wakes) runs the whole time: its p95 and
max are the loop's stalls while loading (target: none over 50 ms). Garbage collections are timed
too, as the usual cause of long stalls.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_child_args, child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from harness import median, ms, percentile  # noqa: E402
from served import Served, served  # noqa: E402

KEYS = 150
KEY_PERIOD = 1 / 30
PATTERN = ("pagedown", "pagedown", "down", "pagedown", "j", "j", "pagedown", "end", "down", "pagedown")
TARGET_P95 = 0.016
STALL = 0.050


async def one_run(emu: Served, keys: int = KEYS) -> dict[str, object]:
    from harness import GcWatch, LagProbe, cursor_moved_at, frame_work, open_deal_pipeline, post_key, running_app

    async with running_app(emu) as (app, pilot):
        _open, table = await open_deal_pipeline(app, pilot)
        await app.workers.wait_for_complete()
        probe, gcw = LagProbe(), GcWatch()
        probe.start()
        gcw.start()
        handled: list[float] = []
        painted: list[float] = []
        names: list[str] = []
        work: list[float] = []
        tick_wait: list[float] = []
        pages_during: list[int] = []
        waits = 0
        pattern = itertools.cycle(PATTERN)
        started = time.perf_counter()
        for _ in range(keys):
            last = len(table.rows) - 1
            if table.cursor_row >= last:
                if table.more_available or table.loading_more:
                    waits += 1
                    deadline = time.perf_counter() + 10
                    while len(table.rows) - 1 <= table.cursor_row and time.perf_counter() < deadline:
                        await asyncio.sleep(0.001)
                    key = next(pattern)
                else:
                    key = "home"
            else:
                key = next(pattern)
            before = cursor_moved_at(table) or 0.0
            loaded_before = len(table.loaded_rows)
            t0 = post_key(app, key)
            deadline = t0 + 5
            while (cursor_moved_at(table) or 0.0) <= before:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{key!r} did not move the cursor (row {table.cursor_row} of {len(table.rows)})")
                await asyncio.sleep(0.0005)
            moved = cursor_moved_at(table) or 0.0
            handled.append(moved - t0)
            frame_end = await app.next_frame_after(moved)
            painted.append(frame_end - t0)
            update = frame_work(frame_end)
            if update is not None:
                work.append((moved - t0) + (update[1] - update[0]))
                tick_wait.append(max(0.0, update[0] - moved))
            names.append(key)
            pages_during.append(len(table.loaded_rows) - loaded_before)
            await asyncio.sleep(max(0.0, t0 + KEY_PERIOD - time.perf_counter()))
        elapsed = time.perf_counter() - started
        await probe.stop()
        gcw.stop()
        return {"handled": handled, "painted": painted, "work": work, "tick_wait": tick_wait, "keys": names, "page_landed": pages_during,
                "waits": waits, "seconds": elapsed,
                "rows_loaded": len(table.loaded_rows), "lag": probe.summary(), "gc": gcw.summary()}


def summarize(scale: int, runs: list[dict[str, object]]) -> dict[str, object]:
    def med(f):  # median over runs of a per-run figure
        return median([f(r) for r in runs])

    return {
        "scale": scale,
        "painted_p50": med(lambda r: percentile(r["painted"], 50)),
        "painted_p95": med(lambda r: percentile(r["painted"], 95)),
        "painted_max": med(lambda r: max(r["painted"])),
        "handled_p95": med(lambda r: percentile(r["handled"], 95)),
        "work_p95": med(lambda r: percentile(r["work"], 95)),
        "tick_wait_p95": med(lambda r: percentile(r["tick_wait"], 95)),
        "lag_p95": med(lambda r: r["lag"]["p95"]),
        "lag_max": med(lambda r: r["lag"]["max"]),
        "stalls_over_50ms": med(lambda r: r["lag"]["over_50ms"]),
        "gc_gen2_max": med(lambda r: r["gc"]["gen2_max"]),
        "waits": med(lambda r: r["waits"]),
        "rows_loaded": med(lambda r: r["rows_loaded"]),
        "runs": len(runs),
        "by_key_p95": {k: med(lambda r, k=k: percentile([p for p, n in zip(r["painted"], r["keys"]) if n == k], 95))
                       for k in sorted(set(PATTERN) | {"home"}) if any(k in r["keys"] for r in runs)},
        "page_landed_p95": med(lambda r: percentile([p for p, n in zip(r["painted"], r["page_landed"]) if n], 95)),
        "no_page_p95": med(lambda r: percentile([p for p, n in zip(r["painted"], r["page_landed"]) if not n], 95)),
    }


def measure(scale: int, runs: int, emu: Served | None = None) -> dict[str, object]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, runs, emu)
    return summarize(scale, [run_child("key_latency.py", emu.base, scale) for _ in range(runs)])


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    add_child_args(p)
    args = p.parse_args()
    if args.child:
        child_result(asyncio.run(one_run(Served.at(args.base, args.scale[0]))))
        return
    results = [measure(scale, args.runs) for scale in scales(args)]
    rows = [[f"{r['scale']:,}", ms(r["painted_p50"]), ms(r["painted_p95"]), ms(r["painted_max"]),
             ms(r["handled_p95"]), ms(r["work_p95"]), ms(r["tick_wait_p95"]), ms(r["lag_p95"]), ms(r["lag_max"]), f"{r['stalls_over_50ms']:g}",
             ms(r["gc_gen2_max"]), f"{r['waits']:g}", f"{r['rows_loaded']:,.0f}"] for r in results]
    print(table(["scale", "paint p50", "paint p95", "paint max", "handled p95", "work p95", "tick wait p95", "lag p95", "lag max",
                 "stalls>50ms", "gc gen2 max", "waits", "rows loaded"], rows))
    for r in results:
        print(f"{r['scale']:,}: paint p95 by key: " + ", ".join(f"{k} {ms(v)}" for k, v in r["by_key_p95"].items())
              + f"; keys during which a page landed {ms(r['page_landed_p95'])}, others {ms(r['no_page_p95'])}")
    print(f"(median over {args.runs} runs of {KEYS} keys each, TEXTUAL_FPS={os.environ['TEXTUAL_FPS']}; "
          "targets: paint p95 < 16 ms, no stall > 50 ms)")
    emit_json(args, results)


if __name__ == "__main__":
    main()
