"""Keyboard triage, timed on the real app against the standalone emulator (``served.py``).

* **Status change → row repainted**: from the ``y`` that confirms the move (write mode already
  on) to the end of the first frame in which the entries table shows the new Status in the
  row: one write round trip, the changes feed, the row replaced in place, the paint.
  Target: < 50 ms plus one round trip (the round trip of that write is measured alongside,
  from the emulator's request log, and subtracted).
* **Board of 10,000 loaded entries built and painted**: 10,000 cards placed on their Status
  columns (grouping and sums) and the board shown, to the end of the next frame. < 150 ms.
* **Card-cursor move p95**: ``↓``/``→`` key posted → the frame that shows the cursor's new card.
  < 16 ms.
* **A card move repainted**: from the ``y`` that confirms ``shift+→`` to the frame with the card
  in its new column: < 50 ms plus one round trip.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (BenchApp, ms, open_deal_pipeline, percentile, post_key, running_app, status_move,  # noqa: E402
                     until)
from served import served  # noqa: E402

from affinity_tui.data.sources.board import Card  # noqa: E402
from affinity_tui.screens.board import BoardScreen  # noqa: E402
from affinity_tui.widgets.confirm import ConfirmWriteScreen  # noqa: E402

BOARD_CARDS = 10_000
MOVES = 60


async def status_change(app: BenchApp, pilot: Any) -> dict[str, float]:
    _, table = await open_deal_pipeline(app, pilot)
    await app.workers.wait_for_complete()
    t0, painted = await status_move(app, pilot, table, 10)
    rt = await round_trip(app)
    return {"repainted": painted - t0, "round_trip": rt}


async def round_trip(app: BenchApp) -> float:
    """One small read on the same connection: the round trip a write costs, roughly."""
    session = app.session
    from affinity.types import ListId

    t = time.perf_counter()
    async with session.reading() as client:
        await client.lists.get(ListId(12001))
    return time.perf_counter() - t


async def board(app: BenchApp, pilot: Any) -> dict[str, float]:
    post_key(app, "b")
    await until(lambda: isinstance(app.screen, BoardScreen) and app.screen.source.loaded > 0, 20, "the board")
    await app.workers.wait_for_complete()
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    source = screen.source
    options = source.stage_options()
    cards = [Card(10_000_000 + i, "opportunity", 20_000_000 + i, f"Deal {i:05d} — Series A",
                  int(options[i % len(options)].id), "Morgan Reyes", float(250_000 * (1 + i % 8)))
             for i in range(BOARD_CARDS)]
    await pilot.pause()
    started = time.perf_counter()
    source.add_cards(cards)
    screen.board.show(source.stages)
    built = await app.next_frame_after(started)
    moves: list[float] = []
    for i in range(MOVES):
        key = "down" if i % 4 else "right"
        t = post_key(app, key)
        moves.append(await app.next_frame_after(t) - t)
        await asyncio.sleep(0.01)
    post_key(app, "R")  # back to the real entries
    await until(lambda: screen.source.loaded > 0 and not screen.source.card(10_000_000), 20, "the reloaded board")
    await app.workers.wait_for_complete()
    await pilot.pause()
    board_view = screen.board
    board_view.move_column(1 - board_view.column)  # the second stage, wherever the moves above left it
    card = board_view.current
    assert card is not None
    post_key(app, "shift+right")
    await until(lambda: isinstance(app.screen, ConfirmWriteScreen), 10, "the confirmation")
    await pilot.pause()
    t0 = post_key(app, "y")
    await until(lambda: app.screen is screen and board_view.current is not None
                and board_view.current.entry_id == card.entry_id and board_view.column == 2, 10, "the card moved")
    moved = await app.next_frame_after(time.perf_counter() - 0.0005)
    return {"build_painted": built - started, "move_p95": percentile(moves, 95),
            "card_moved": moved - t0}


async def measure_once(emu: Any) -> dict[str, float]:
    async with running_app(emu) as (app, pilot):
        result = await status_change(app, pilot)
        result.update(await board(app, pilot))
        result["round_trip_after"] = await round_trip(app)
        return result


def main() -> None:
    with served(1000) as emu:
        results = [asyncio.run(measure_once(emu)) for _ in range(3)]
    def med(key: str) -> float:
        values = sorted(r[key] for r in results)
        return values[len(values) // 2]
    rt = med("round_trip")
    print(f"Status change → row repainted:        {ms(med('repainted'))} (one round trip ≈ {ms(rt)}; "
          f"target < 50 ms + round trip)")
    print(f"Board of {BOARD_CARDS:,} cards built and painted: {ms(med('build_painted'))} (target < 150 ms)")
    print(f"Card-cursor move p95:                 {ms(med('move_p95'))} (target < 16 ms)")
    print(f"A card move repainted:                {ms(med('card_moved'))} (one round trip ≈ {ms(rt)}; "
          "target < 50 ms + round trip)")


if __name__ == "__main__":
    main()
