"""Requests sent to Affinity: opening the Deal Pipeline, then scrolling N rows down it.

Read from the emulator's own request log (``GET /_emulator/requests``; cleared with ``DELETE``
once the lists screen has loaded). Two phases, in one fresh app per run:

* **open**: ``enter`` on the Deal Pipeline until the first rows are painted and the app is quiet
  (no worker running for 0.3 s). Target: at most 2 requests (the entries page, and the list's
  field metadata once per session). The automatic read-ahead of page 2 (the table asks for
  more when the visible rows are within two screens of the last loaded row) is listed
  separately; it is counted against scrolling.
* **scroll**: ``pagedown`` until the cursor is on row N (N = 2,000, or the list's last row),
  then quiet again. Target: ceil(N/100) entries pages in all (one more is allowed as read-ahead,
  reported), and nothing fetched twice (same method, path and query).
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_child_args, child_result, emit_json, parser, run_child, scales, table  # noqa: E402
from served import Served, duplicates, request_line, served  # noqa: E402

SCROLL_ROWS = 2000
ENTRIES_PATH = "/v2/lists/12001/list-entries"


async def quiet(app: Any, seconds: float = 0.3, timeout: float = 30.0) -> None:
    """Until no worker has run for ``seconds``."""
    from textual.worker import WorkerState

    deadline = time.perf_counter() + timeout
    calm_since = time.perf_counter()
    while time.perf_counter() - calm_since < seconds:
        if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            calm_since = time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not go quiet")
        await asyncio.sleep(0.01)


async def one_run(emu: Served) -> dict[str, Any]:
    from harness import cursor_moved_at, open_deal_pipeline, post_key, running_app

    async with running_app(emu) as (app, pilot):
        await quiet(app)
        emu.clear_requests()
        _seconds, tbl = await open_deal_pipeline(app, pilot)
        await quiet(app)
        opened = emu.requests()
        target_row = min(SCROLL_ROWS, emu.scale - 1)
        while tbl.cursor_row < target_row:
            if tbl.cursor_row >= len(tbl.rows) - 1:  # wait for the page on its way
                await asyncio.sleep(0.002)
                continue
            before = cursor_moved_at(tbl) or 0.0
            post_key(app, "pagedown")
            while (cursor_moved_at(tbl) or 0.0) <= before:
                await asyncio.sleep(0.001)
        await quiet(app)
        everything = emu.requests()
        return {"open": opened, "all": everything, "cursor": tbl.cursor_row,
                "loaded": len(tbl.loaded_rows), "target_row": target_row}


def analyse(result: dict[str, Any]) -> dict[str, Any]:
    opened, everything = result["open"], result["all"]
    first_page = next((i for i, r in enumerate(opened) if r["path"] == ENTRIES_PATH), None)
    open_requests = [r for i, r in enumerate(opened) if r["path"] != ENTRIES_PATH or i == first_page]
    read_ahead = [r for i, r in enumerate(opened) if r["path"] == ENTRIES_PATH and i != first_page]
    pages = [r for r in everything if r["path"] == ENTRIES_PATH]
    others_after_open = [r for r in everything[len(opened):] if r["path"] != ENTRIES_PATH]
    n = result["cursor"]
    return {
        "open_requests": len(open_requests),
        "open_lines": [request_line(r)[:90] for r in open_requests],
        "open_read_ahead_pages": len(read_ahead),
        "scrolled_rows": n,
        "pages": len(pages),
        "pages_needed": math.ceil((n + 1) / 100),
        "loaded": result["loaded"],
        "other_requests_while_scrolling": [request_line(r)[:90] for r in others_after_open],
        "duplicates": duplicates(everything),
    }


def measure(scale: int, emu: Served | None = None) -> dict[str, Any]:
    if emu is None:
        with served(scale) as emu:
            return measure(scale, emu)
    return {"scale": scale, **analyse(run_child("requests.py", emu.base, scale))}


def passes(r: dict[str, Any]) -> bool:
    return (r["open_requests"] <= 2 and r["pages"] <= r["pages_needed"] + 1 and not r["duplicates"]
            and not r["other_requests_while_scrolling"])


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=1)
    add_child_args(p)
    args = p.parse_args()
    if args.child:
        child_result(asyncio.run(one_run(Served.at(args.base, args.scale[0]))))
        return
    results = [measure(scale) for scale in scales(args)]
    print(table(["scale", "open: requests", "read-ahead", "rows scrolled", "entries pages", "ceil(N/100)",
                 "rows loaded", "duplicates", "pass"],
                [[f"{r['scale']:,}", str(r["open_requests"]), str(r["open_read_ahead_pages"]),
                  f"{r['scrolled_rows'] + 1:,}", str(r["pages"]), str(r["pages_needed"]), f"{r['loaded']:,}",
                  str(len(r["duplicates"])), "pass" if passes(r) else "FAIL"] for r in results]))
    for r in results:
        print(f"{r['scale']:,}: opening sent: " + "; ".join(r["open_lines"]))
        for line, count in r["duplicates"]:
            print(f"  duplicate x{count}: {line[:120]}")
        for line in r["other_requests_while_scrolling"]:
            print(f"  other request while scrolling: {line}")
    emit_json(args, results)


if __name__ == "__main__":
    main()
