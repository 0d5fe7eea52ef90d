"""Round trips: what a user waits for when Affinity answers in a few hundred milliseconds.

The emulator (its own process) adds ``--latency-ms`` to every request. For each action the
script prints the time to its first useful paint, the requests it sent, and **round trips in a
row**: the longest chain of requests each of which was sent only after the one before it had
answered before the paint (from the emulator's request log: a request's start is its logged end
minus the added latency; the read-ahead page asked for after the paint is not counted). Times
are printed at 300 ms and at 0 ms; the round trips are counted at 300 ms, where they are
separable, and shown at 0 ms as the requests sent (at 0 ms every request answers at once).

Actions (each timed from the key, or the process launch, to the end of the first frame that
shows the result):

* **launch → lists painted** (pty): ``affinity-tui`` started under a pseudo-terminal until the
  first list's name is on the terminal; next to it the peer ``xaffinity list ls`` from launch
  to exit, at the same latency. Target ≤ 1.1× the peer, both cold.
* **open a list (first time)**: ``enter`` on the Deal Pipeline → first rows painted.
  Target: one round trip.
* **open the list again**: ``escape``, ``enter`` → first rows painted.
* **filter**: the ``enter`` that applies ``Status = "Diligence"`` in the filter bar (opened and
  typed before, its reads done) → the first matches painted. Target: one round trip (the search).
* **entity detail**: ``enter`` on the first entry → its fields painted; then every part
  (notes, reminders) painted.
* **Status change → row repainted**: the ``y`` that confirms a move in the Status picker (write
  mode on; the picker's reads are done before) → the row shows the new Status. Target: one
  round trip (the write).
* **board card move**: the ``y`` that confirms ``shift+→`` on a board card → the card painted
  in its new column. Target: one round trip.
* **people**: ``2`` → first rows painted.
* **scrolling, key held**: ``j`` at 30 rows a second through 600 rows; counts the keys after
  which "Loading more…" was on screen (target 0: the read-ahead page is always there first).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_child_args, child_result, emit_json, parser, run_child, table  # noqa: E402
from harness import median, ms  # noqa: E402
from served import AFFINITY_TUI, XAFFINITY, Served, served  # noqa: E402

LATENCIES = (300, 0)
SCROLL_ROWS = 600
FILTER = 'Status = "Diligence"'
KEYS_PER_SECOND = 30


def depth(requests: list[dict[str, Any]], latency_s: float) -> int:
    """Round trips in a row, from logged end times and the fixed added latency."""
    spans = sorted(((float(r["at"]) - latency_s - 0.002, float(r["at"])) for r in requests), key=lambda s: s[0])
    chain: list[int] = []
    for i, (start, _end) in enumerate(spans):
        before = [chain[j] for j in range(i) if spans[j][1] <= start]
        chain.append(1 + max(before, default=0))
    return max(chain, default=0)


# ---- in the child: one app, every in-app action ------------------------------------------------
async def in_app(emu: Served, latency_ms: int) -> dict[str, Any]:
    from harness import (entries_table, open_deal_pipeline, post_key, row_drawn_at, running_app, status_move,
                         until)

    from affinity_tui.screens.board import BoardScreen
    from affinity_tui.screens.detail import DetailScreen
    from affinity_tui.widgets.confirm import ConfirmWriteScreen

    results: dict[str, Any] = {}
    latency = latency_ms / 1000

    def measured(name: str, seconds: float, painted_wall: float) -> None:
        """Requests answered before the paint: what the user waited for (read-ahead excluded)."""
        reqs = [r for r in emu.requests() if float(r["at"]) <= painted_wall]
        results[name] = {"seconds": seconds, "requests": len(reqs), "depth": depth(reqs, latency)}

    def wall(perf: float) -> float:
        return time.time() - (time.perf_counter() - perf)

    async with running_app(emu, timeout=120) as (app, pilot):
        emu.clear_requests()
        seconds, table = await open_deal_pipeline(app, pilot, timeout=60)
        painted = wall(app.list_painted_at)  # not the call's start + seconds: it pauses before its key
        await app.workers.wait_for_complete()
        measured("open list (first time)", seconds, painted)

        lists_screen = app.screen_stack[-2]
        post_key(app, "escape")
        await until(lambda: app.screen is lists_screen, 30, "the lists")
        await pilot.pause()
        emu.clear_requests()
        seconds, table = await open_deal_pipeline(app, pilot, timeout=60)
        painted = wall(app.list_painted_at)
        await app.workers.wait_for_complete()
        measured("open list (again)", seconds, painted)

        # A filter, timed from the enter that applies it (the bar's own reads happen before it).
        post_key(app, "slash")
        await until(lambda: app.screen.query_one("#filter-input").has_focus, 30, "the filter bar")
        await app.workers.wait_for_complete()
        for ch in FILTER:
            post_key(app, "space" if ch == " " else ch)
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        screen = app.screen
        emu.clear_requests()
        t0 = post_key(app, "enter")
        await until(lambda: screen.source.query_text == FILTER and table.rows and not table.loading_more
                    and all(row.cells[1] == "Diligence" for row in table.rows[:20]), 60, "the filtered rows")
        painted = await app.next_frame_after(time.perf_counter() - 0.0005)
        measured("filter → first matches painted", painted - t0, wall(painted))
        await app.workers.wait_for_complete()
        post_key(app, "x")
        await until(lambda: screen.source.query_text is None and table.rows and not table.loading_more, 60,
                    "the list again")
        await app.workers.wait_for_complete()

        # The detail of the first entry: its fields painted.
        entries_screen = app.screen
        emu.clear_requests()
        t0 = post_key(app, "enter")
        await until(lambda: isinstance(app.screen, DetailScreen), 30, "the detail screen")
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await until(lambda: detail.profile is not None, 60, "the fields")
        fields_at = time.perf_counter()
        painted = await app.next_frame_after(fields_at)
        measured("entity detail: fields", painted - t0, wall(painted))
        await until(lambda: detail.notes is not None and detail.reminders is not None, 60, "notes and reminders")
        everything = await app.next_frame_after(time.perf_counter())
        measured("entity detail: every part", everything - t0, wall(everything))
        await app.workers.wait_for_complete()

        post_key(app, "escape")
        await until(lambda: app.screen is entries_screen, 30, "the entries")
        await pilot.pause()

        # A Status change, timed from the confirming y (the picker's reads happen before it).
        table = entries_table(app)
        table.move_cursor(0)
        await pilot.pause()
        t0, painted = await status_move(app, pilot, table, 30, before_confirm=emu.clear_requests)
        measured("Status change → row repainted", painted - t0, wall(painted))
        await app.workers.wait_for_complete()

        # A card moved on the board, timed from the confirming y.
        post_key(app, "b")
        await until(lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0, 60, "the board")
        await app.workers.wait_for_complete()
        board = app.screen
        assert isinstance(board, BoardScreen)
        board.board.move_column(1)
        card = board.board.current
        assert card is not None
        await pilot.pause()
        post_key(app, "shift+right")
        await until(lambda: isinstance(app.screen, ConfirmWriteScreen), 30, "the confirmation")
        await pilot.pause()
        emu.clear_requests()
        t0 = post_key(app, "y")
        await until(lambda: app.screen is board and board.board.current is not None
                    and board.board.current.entry_id == card.entry_id and board.board.column == 2, 30,
                    "the card moved")
        painted = await app.next_frame_after(time.perf_counter() - 0.0005)
        measured("board card move", painted - t0, wall(painted))
        await app.workers.wait_for_complete()
        post_key(app, "escape")
        await until(lambda: app.screen is entries_screen, 30, "the entries")
        await pilot.pause()

        # Scrolling with a key held down.
        table = entries_table(app)
        table.move_cursor(0)
        await pilot.pause()
        emu.clear_requests()
        waited = 0
        for _ in range(SCROLL_ROWS):
            post_key(app, "j")
            await asyncio.sleep(1 / KEYS_PER_SECOND)
            top = round(table.scroll_y)
            visible_end = top + table.size.height - 1
            if table.loading_more and len(table.rows) <= visible_end:
                waited += 1
        results["scrolling, key held: keys with Loading… on screen"] = {
            "count": waited, "requests": len(emu.requests()), "rows": SCROLL_ROWS}

        # People: the mode's first rows.
        emu.clear_requests()
        t0 = post_key(app, "2")
        await until(lambda: app.current_mode == "people" and app.screen.query("#table"), 30, "people")
        people = entries_table(app)
        await until(lambda: row_drawn_at(people) is not None, 60, "the people")
        drawn = row_drawn_at(people)
        assert drawn is not None
        painted = await app.next_frame_after(drawn)
        measured("people: first rows", painted - t0, wall(painted))
        await app.workers.wait_for_complete()
    return results


# ---- launch, under a pty, next to the CLI ---------------------------------------------------------
def launch_once(emu: Served, latency_ms: int) -> tuple[float, int]:
    """Seconds from launch to the first list's name on the terminal, and the round trips in a
    row of the requests answered by then."""
    from pty_run import spawn

    emu.clear_requests()
    launched = time.time()
    run = spawn([AFFINITY_TUI], emu.env())
    try:
        seconds = run.wait_for(b"Deal Pipeline", timeout=60)
        painted_at = time.time()
    finally:
        run.stop()
    # A request the previous run sent just before it was stopped is logged once its latency has
    # passed, inside this run's window: it started before this launch, so it is not this run's.
    latency = latency_ms / 1000
    answered = [r for r in emu.requests() if launched - 0.005 <= float(r["at"]) - latency
                and float(r["at"]) <= painted_at]
    return seconds, depth(answered, latency)


def cli_once(emu: Served) -> float:
    started = time.perf_counter()
    proc = subprocess.run([XAFFINITY, "list", "ls"], env=emu.env(), capture_output=True, timeout=60)
    seconds = time.perf_counter() - started
    if proc.returncode != 0 or b"Deal Pipeline" not in proc.stdout:
        raise RuntimeError(f"xaffinity list ls failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return seconds


def measure(latency_ms: int, runs: int, scale: int) -> dict[str, Any]:
    with served(scale, latency_ms=latency_ms) as emu:
        launches = []
        launch_depths = []
        for _ in range(runs):
            seconds, painted_depth = launch_once(emu, latency_ms)
            launches.append(seconds)
            launch_depths.append(painted_depth)
        cli = [cli_once(emu) for _ in range(runs)]
        emu.clear_requests()
        cli_once(emu)
        cli_requests = emu.requests()
        in_app_runs = [run_child("latency.py", emu.base, scale, "--latency", str(latency_ms), timeout=900)
                       for _ in range(runs)]
    actions: dict[str, Any] = {}
    for name in in_app_runs[0]:
        values = [r[name] for r in in_app_runs]
        merged: dict[str, Any] = {}
        for key in values[0]:
            merged[key] = median([v[key] for v in values])
        actions[name] = merged
    return {"latency_ms": latency_ms, "launch": median(launches), "launch_depth": max(launch_depths),
            "cli": median(cli), "cli_requests": len(cli_requests),
            "cli_depth": depth(cli_requests, latency_ms / 1000), "actions": actions}


def report(results: list[dict[str, Any]]) -> str:
    by = {r["latency_ms"]: r for r in results}
    rows: list[list[str]] = []
    slow, fast = by.get(300), by.get(0)

    def cell(r: dict[str, Any] | None, name: str) -> str:
        if r is None:
            return "—"
        a = r["actions"][name]
        if "count" in a:
            return f"{a['count']:.0f} of {a['rows']:.0f} keys · {a['requests']:.0f} req"
        if r["latency_ms"] == 0:
            return f"{ms(a['seconds'])} · {a['requests']:.0f} req"
        return f"{ms(a['seconds'])} · {a['depth']:.0f} RT · {a['requests']:.0f} req"

    def launch(r: dict[str, Any] | None) -> str:
        if r is None:
            return "—"
        return f"{ms(r['launch'])}" + (f" · {r['launch_depth']} RT" if r["latency_ms"] else "")

    def peer(r: dict[str, Any] | None) -> str:
        if r is None:
            return "—"
        return f"{ms(r['cli'])}" + (f" · {r['cli_depth']} RT" if r["latency_ms"] else "") + \
            f" · {r['cli_requests']} req"

    rows.append(["launch → lists painted (pty)", launch(slow), launch(fast)])
    rows.append(["  peer: xaffinity list ls (launch → exit)", peer(slow), peer(fast)])
    if slow is not None:
        rows.append(["  ratio app / peer", f"{slow['launch'] / slow['cli']:.2f} (target ≤ 1.10)",
                     f"{fast['launch'] / fast['cli']:.2f}" if fast else "—"])
    for name in (slow or fast or {"actions": {}})["actions"]:
        rows.append([name, cell(slow, name), cell(fast, name)])
    return table(["action", "at 300 ms latency", "at 0 ms"], rows)


def main() -> None:
    p = parser(__doc__.splitlines()[0], runs=3)
    add_child_args(p)
    p.add_argument("--latency", type=int, default=300, help=argparse_suppress())
    args = p.parse_args()
    scale = args.scale[0] if args.scale else 1000
    if args.child:
        child_result(asyncio.run(in_app(Served.at(args.base, scale), args.latency)))
        return
    results = [measure(latency, args.runs, scale) for latency in LATENCIES]
    print(report(results))
    emit_json(args, results)


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
