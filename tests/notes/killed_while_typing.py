"""Run as a script by test_drafts_survive: type a note, then die by SIGKILL (no cleanup at all)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from affinity_tui.app import AffinityApp
from affinity_tui.data import AffinitySession
from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.screens.composer import NoteComposer
from tests.conftest import NOW


async def main(row: int, text: str) -> None:
    emulator = Emulator(EmulatorConfig(now=NOW))
    app = AffinityApp(AffinitySession.for_emulator(emulator, clock=lambda: NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        while app.session.tenant is None:
            await pilot.pause(0.05)
        await pilot.press("2")
        while not app.screen.query("#table") or not app.screen.query_one("#table").rows:  # type: ignore[attr-defined]
            await pilot.pause(0.05)
        app.screen.query_one("#table").move_cursor(row)  # type: ignore[attr-defined]
        await pilot.press("n")
        while not isinstance(app.screen, NoteComposer):
            await pilot.pause(0.05)
        await pilot.press(*["space" if c == " " else c for c in text])
        await pilot.pause(1.0)  # the last key is half a second old: the draft is on disk
        print("typed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
