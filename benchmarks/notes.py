"""Quick note entry, timed on the real app against the standalone emulator (``served.py``).

* **``n`` → composer ready to type**: from the ``n`` key posted on the Deal Pipeline's first
  entry to the end of the first frame that shows the composer with its text area focused (the
  draft store looked up, the screen composed, mounted and painted). Target: < 100 ms.
* **``ctrl+s`` → confirmation painted**: from ``ctrl+s`` (write mode already on) to the frame
  that shows what will be saved where. No request.
* **``y`` → saved, effect published**: from the ``y`` that confirms to the moment the
  ``NoteSaved`` effect reaches ``session.changes`` (Affinity's answer parsed, the note turned into
  what the detail screen shows), and to the frame after the composer closed. It contains exactly
  one request, ``POST /v2/notes``, whose own round trip (the SDK call, timed around it) is
  printed beside it and subtracted. Target: < 100 ms plus that round trip.

Each run is a fresh app and session on one emulator process (scale 1,000), median of ``--runs``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BenchApp, median, ms, open_deal_pipeline, post_key, running_app, until  # noqa: E402
from served import served  # noqa: E402

from affinity_tui.data.writes.notes import CreateNote, NoteSaved  # noqa: E402
from affinity_tui.screens.composer import NoteComposer  # noqa: E402
from affinity_tui.widgets.confirm import ConfirmWriteScreen  # noqa: E402

TARGET = 0.100
TEXT = "Call with the founders: **strong** team.\n\n- send the deck\n- two reference calls\n"

_sends: list[tuple[float, float]] = []
"""(start, end) of every ``notes.create`` request sent by `CreateNote.send` in this process."""


def _time_the_request() -> None:
    """Wrap the SDK call inside ``CreateNote.send`` (this process only) to time its round trip."""
    send = CreateNote.send

    async def timed_send(self: CreateNote, client: Any) -> Any:
        notes = client.notes
        create = notes.create

        async def timed_create(data: Any) -> Any:
            start = time.perf_counter()
            try:
                return await create(data)
            finally:
                _sends.append((start, time.perf_counter()))

        notes.create = timed_create
        try:
            return await send(self, client)
        finally:
            notes.create = create

    CreateNote.send = timed_send  # type: ignore[method-assign]


_time_the_request()


async def one_run(emu: Any) -> dict[str, float]:
    async with running_app(emu) as (app, pilot):
        _, table = await open_deal_pipeline(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        entries = app.screen
        # n → composer ready to type
        t0 = post_key(app, "n")
        await until(lambda: isinstance(app.screen, NoteComposer) and app.screen.query("#composer-text")
                    and app.focused is app.screen.editor, 10, "the composer, focused")
        ready = await app.next_frame_after(time.perf_counter() - 0.0005)
        composer = app.screen
        assert isinstance(composer, NoteComposer)
        composer.editor.insert(TEXT)
        await app.workers.wait_for_complete()
        await pilot.pause(0.6)  # the draft is written (debounced), as after real typing
        assert await app.unlock_now()
        await pilot.pause()
        published: list[float] = []
        app.session.changes.subscribe(lambda e: published.append(time.perf_counter())
                                      if isinstance(e, NoteSaved) else None)
        # ctrl+s → the confirmation on screen
        t1 = post_key(app, "ctrl+s")
        await until(lambda: isinstance(app.screen, ConfirmWriteScreen) and app.screen.query("#confirm-buttons"),
                    10, "the confirmation")
        confirm_painted = await app.next_frame_after(time.perf_counter() - 0.0005)
        await pilot.pause()
        # y → one request, the effect published, the composer gone
        sent_before = len(_sends)
        t2 = post_key(app, "y")
        await until(lambda: bool(published), 10, "the NoteSaved effect")
        await until(lambda: app.screen is entries, 10, "the composer to close")
        closed = await app.next_frame_after(time.perf_counter() - 0.0005)
        assert len(_sends) == sent_before + 1, "exactly one notes.create request"
        start, end = _sends[-1]
        round_trip = end - start
        del table
        return {"composer_ready": ready - t0, "confirm_painted": confirm_painted - t1,
                "effect_published": published[0] - t2, "closed_painted": closed - t2, "round_trip": round_trip,
                "effect_minus_rt": published[0] - t2 - round_trip, "closed_minus_rt": closed - t2 - round_trip}


def measure(runs: int, emu: Any = None) -> dict[str, Any]:
    # The composer writes a draft as it is typed: into a throwaway state directory.
    os.environ["AFFINITY_TUI_STATE_DIR"] = tempfile.mkdtemp(prefix="affinity-tui-bench-")
    if emu is None:
        with served(1000) as emu:
            return measure(runs, emu)
    results = [asyncio.run(one_run(emu)) for _ in range(runs)]
    return {key: median([r[key] for r in results]) for key in results[0]} | {"runs": results}


def report(m: dict[str, Any]) -> str:
    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    rt = m["round_trip"]
    lines = [
        f"n → composer ready to type:               {ms(m['composer_ready'])}  (target < 100 ms: "
        f"{verdict(m['composer_ready'] < TARGET)})",
        f"ctrl+s → confirmation painted:            {ms(m['confirm_painted'])}",
        f"y → saved, NoteSaved published:           {ms(m['effect_published'])}  = POST round trip {ms(rt)} "
        f"+ {ms(m['effect_minus_rt'])}  (target < 100 ms + round trip: {verdict(m['effect_minus_rt'] < TARGET)})",
        f"y → composer closed, painted:             {ms(m['closed_painted'])}  = POST round trip {ms(rt)} "
        f"+ {ms(m['closed_minus_rt'])}  (target < 100 ms + round trip: {verdict(m['closed_minus_rt'] < TARGET)})",
    ]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    m = measure(args.runs)
    print(report(m) + f"\n(median of {args.runs} runs, each a fresh app on one emulator process)")


if __name__ == "__main__":
    main()
