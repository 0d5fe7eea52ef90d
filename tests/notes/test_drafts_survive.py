"""A draft survives the process being killed while typing: the next start says so, ``D`` lists it,
and opening it brings the text back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from affinity_tui.app import AffinityApp
from affinity_tui.data.drafts import NoteDraftStore
from affinity_tui.emulator import Emulator
from affinity_tui.screens.composer import NoteComposer
from affinity_tui.widgets.pickers import PickOne

from .helpers import SIZE, settle, toasts, until

ROOT = Path(__file__).resolve().parents[2]
ROW = 7



async def test_a_draft_survives_sigkill_and_is_offered_at_the_next_start(
        app: AffinityApp, emulator: Emulator, drafts: NoteDraftStore) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.notes.killed_while_typing", str(ROW), "call went well"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert "typed" in done.stdout
    saved = drafts.all()
    assert [d.text for d in saved] == ["call went well"]
    target = saved[0].target
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: any("1 unsent note" in t for t in toasts(app)), what="the start notice")
        await settle(pilot)
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, PickOne), what="the unsent notes")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), what="the composer")
        composer = app.screen
        assert isinstance(composer, NoteComposer)
        assert composer.target.same(target) and composer.editor.text == "call went well"
    assert emulator.log.writes == []


async def test_the_palette_lists_unsent_notes_and_opens_one(app: AffinityApp, emulator: Emulator,
                                                           drafts: NoteDraftStore) -> None:
    from textual.command import CommandList, CommandPalette

    from affinity_tui.data.drafts import NoteDraft
    from affinity_tui.data.entity_ref import EntityRef

    target = EntityRef("person", 50010, emulator.store.entity_name("person", 50010))
    drafts.save(NoteDraft(target, "palette draft", tenant_id=emulator.store.tenant.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"unsent")

        def highlighted() -> str:
            results = app.screen.query_one(CommandList)
            return "" if results.highlighted is None else str(results.get_option_at_index(results.highlighted).prompt)

        await until(pilot, lambda: highlighted().startswith(f"Unsent note: Person {target.title}"), what="the hit")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, NoteComposer), what="the composer")
        composer = app.screen
        assert isinstance(composer, NoteComposer) and composer.editor.text == "palette draft"
    assert emulator.log.writes == []
