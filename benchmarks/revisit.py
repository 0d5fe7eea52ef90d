"""Requests spent by a second identical browsing session, next to the first.

One browsing session (a fresh app process, headless at 120×40, on the served emulator, with the
cache in a directory kept across sessions):

1. start: the lists screen painted, quiet (no worker running for 0.3 s);
2. ``enter`` on the Deal Pipeline, quiet;
3. ``pagedown`` until the cursor is on row 500 or past it, then the cursor on row 500, quiet
   (scrolling through cached rows sends nothing; once it pauses, the pages in view are asked
   again);
4. ``enter`` on that deal (its record), quiet, ``escape``;
5. ``3`` (companies), quiet, ``enter`` on the first company, quiet.

Requests are the emulator's log (every API request the process sent). Sessions, in order, each a
fresh process on the same cache directory:

* **first**: the cache is empty;
* **second** (judged): the same steps right after ("next to the first"), as configured by
  default: metadata (lists, views, owners, fields) is reused for 10 minutes and rows or records
  shown less than a minute after Affinity gave them are not asked again;
* **second, data due** (shown too): the same with ``data_minutes = 0``: everything shown is asked
  again (what a second session costs once its data is over a minute old, within the ten minutes
  of metadata).

Target: second / first ≤ 25 %.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from requests import quiet  # noqa: E402
from served import DEAL_PIPELINE, Served, request_line, served  # noqa: E402

TARGET = 0.25
SCROLL_TO = 500


async def one_session(emu: Served, cache_dir: Path, data_seconds: float) -> dict[str, Any]:
    from harness import SIZE, BenchApp, cursor_moved_at, entries_table, post_key, until

    from affinity_tui.data.cache import TenantCache
    from affinity_tui.data.session import AffinitySession
    from affinity_tui.screens.detail import DetailScreen
    from affinity_tui.screens.entities import EntitiesScreen
    from affinity_tui.screens.entries import ListEntriesScreen

    settings = emu.settings()
    emu.clear_requests()
    cache = TenantCache(cache_dir, settings.api_key, data_seconds=data_seconds)
    app = BenchApp(AffinitySession(settings, cache=cache))
    phases: dict[str, list[str]] = {}
    seen = 0

    def mark(name: str) -> None:
        nonlocal seen
        log = emu.requests()
        phases[name] = [request_line(r) for r in log[seen:]]
        seen = len(log)

    async with app.run_test(size=SIZE) as pilot:
        table = entries_table(app)
        await until(lambda: len(table.rows) >= 4, 60, "the lists")
        await quiet(app)
        mark("start, lists")
        index = next(i for i, row in enumerate(table.rows) if row.key == DEAL_PIPELINE)
        table.move_cursor(index)
        await pilot.pause()
        post_key(app, "enter")
        await until(lambda: isinstance(app.screen, ListEntriesScreen) and app.screen.query("#table"), 30,
                    "the entries screen")
        entries = entries_table(app)
        await until(lambda: len(entries.rows) > 0, 30, "the first rows")
        await quiet(app)
        mark("open Deal Pipeline")
        while entries.cursor_row < SCROLL_TO:
            if entries.cursor_row >= len(entries.rows) - 1:
                await asyncio.sleep(0.002)
                continue
            before = cursor_moved_at(entries) or 0.0
            post_key(app, "pagedown")
            while (cursor_moved_at(entries) or 0.0) <= before:
                await asyncio.sleep(0.001)
        entries.move_cursor(SCROLL_TO)  # the same row each session, wherever the last page-down stopped
        await quiet(app)
        mark(f"scroll to row {SCROLL_TO}")
        post_key(app, "enter")
        await until(lambda: isinstance(app.screen, DetailScreen), 30, "the deal")
        await quiet(app)
        mark("open the deal")
        post_key(app, "escape")
        await until(lambda: isinstance(app.screen, ListEntriesScreen), 30, "back")
        post_key(app, "3")
        await until(lambda: isinstance(app.screen, EntitiesScreen) and app.screen.query("#table"), 30, "companies")
        companies = entries_table(app)
        await until(lambda: len(companies.rows) > 0, 30, "the companies")
        await quiet(app)
        mark("companies")
        post_key(app, "enter")
        await until(lambda: isinstance(app.screen, DetailScreen), 30, "a company")
        await quiet(app)
        mark("open a company")
    await asyncio.sleep(0.05)
    return {"phases": phases, "total": sum(len(v) for v in phases.values())}


def run_session(emu: Served, cache_dir: Path, data_seconds: float) -> dict[str, Any]:
    return run_child("revisit.py", emu.base, emu.scale, "--cache", str(cache_dir), "--data-seconds",
                     str(data_seconds), timeout=300)


def measure(scale: int, emu: Served | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, emu)
    with tempfile.TemporaryDirectory(prefix="affinity-tui-bench-") as tmp:
        cache_dir = Path(tmp)
        first = run_session(emu, cache_dir, 60.0)
        second = run_session(emu, cache_dir, 60.0)
        due = run_session(emu, cache_dir, 0.0)
    return {"scale": scale, "first": first, "second": second, "second_data_due": due,
            "ratio": second["total"] / max(1, first["total"]),
            "ratio_data_due": due["total"] / max(1, first["total"])}


def _paths(lines: list[str]) -> str:
    counts = Counter(line.split("?")[0].split(" ", 1)[1] for line in lines)
    return ", ".join(f"{path} ×{n}" if n > 1 else path for path, n in counts.most_common()) or "—"


def print_table(results: list[dict[str, Any]]) -> None:
    for r in results:
        phases = list(r["first"]["phases"])
        rows = [[phase, str(len(r["first"]["phases"][phase])), str(len(r["second"]["phases"][phase])),
                 str(len(r["second_data_due"]["phases"][phase]))] for phase in phases]
        rows.append(["total", str(r["first"]["total"]), str(r["second"]["total"]), str(r["second_data_due"]["total"])])
        rows.append(["second / first", "", f"{r['ratio']:.0%}", f"{r['ratio_data_due']:.0%}"])
        print(f"scale {r['scale']:,}")
        print(table(["step", "first session", "second (judged)", "second, data due"], rows))
        print(f"target ≤ {TARGET:.0%}: {'pass' if r['ratio'] <= TARGET else 'FAIL'}")
        for phase in phases:
            print(f"  second, {phase}: {_paths(r['second']['phases'][phase])}")
            print(f"  data due, {phase}: {_paths(r['second_data_due']['phases'][phase])}")


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=1)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--base", help=argparse.SUPPRESS)
    p.add_argument("--cache", help=argparse.SUPPRESS)
    p.add_argument("--data-seconds", type=float, default=60.0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        started = time.perf_counter()
        result = asyncio.run(one_session(Served.at(args.base, args.scale[0]), Path(args.cache), args.data_seconds))
        result["seconds"] = time.perf_counter() - started
        child_result(result)
        return
    results = [measure(scale) for scale in scales(args)]
    print_table(results)
    emit_json(args, results)


if __name__ == "__main__":
    main()
